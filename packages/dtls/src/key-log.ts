import { toHex } from "@purertc/common";

/**
 * One line of the NSS key log format (`SSLKEYLOGFILE`) for TLS 1.2:
 * `CLIENT_RANDOM <64 hex client_random> <96 hex master_secret>`. Wireshark decrypts DTLS 1.2
 * captures with it.
 */
export function nssKeyLogLine(clientRandom: Uint8Array, masterSecret: Uint8Array): string {
  return `CLIENT_RANDOM ${toHex(clientRandom)} ${toHex(masterSecret)}`;
}
