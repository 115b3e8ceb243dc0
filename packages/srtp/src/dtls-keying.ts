import type { SrtpMasterKey } from "./key-derivation.js";
import { type SrtpProfile, srtpProfileParameters } from "./profile.js";

/** The TLS exporter label for DTLS-SRTP keys (RFC 5764 §4.2). */
export const SRTP_EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

/** Our DTLS role: the client protects with the client write keys (RFC 5764 §4.2). */
export type DtlsRole = "client" | "server";

/** Master keys for both directions: `local` protects what we send, `remote` what we receive. */
export interface SrtpKeyPair {
  readonly local: SrtpMasterKey;
  readonly remote: SrtpMasterKey;
}

/** How many exporter bytes `profile` needs: 2 × (key + salt) (RFC 5764 §4.2). */
export function srtpKeyingMaterialLength(profile: SrtpProfile): number {
  const p = srtpProfileParameters(profile);
  return 2 * (p.keyLength + p.saltLength);
}

/**
 * Splits the DTLS exporter output (label {@link SRTP_EXPORTER_LABEL}, no context) into the client
 * and server master keys and salts, by our role (RFC 5764 §4.2):
 *
 * ```
 * client_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
 * server_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
 * client_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
 * server_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
 * ```
 *
 * The returned keys are copies. Throws `RangeError` when the material has the wrong length.
 */
export function srtpKeysFromDtls(
  profile: SrtpProfile,
  keyingMaterial: Uint8Array,
  role: DtlsRole,
): SrtpKeyPair {
  const p = srtpProfileParameters(profile);
  const need = 2 * (p.keyLength + p.saltLength);
  if (keyingMaterial.byteLength !== need) {
    throw new RangeError(
      `SRTP: ${profile} needs ${need} bytes of DTLS keying material, got ${keyingMaterial.byteLength}`,
    );
  }
  if (role !== "client" && role !== "server") {
    throw new TypeError(`SRTP: DTLS role must be "client" or "server", got ${String(role)}`);
  }
  const k = p.keyLength;
  const s = p.saltLength;
  const client: SrtpMasterKey = {
    masterKey: keyingMaterial.slice(0, k),
    masterSalt: keyingMaterial.slice(2 * k, 2 * k + s),
  };
  const server: SrtpMasterKey = {
    masterKey: keyingMaterial.slice(k, 2 * k),
    masterSalt: keyingMaterial.slice(2 * k + s, 2 * k + 2 * s),
  };
  return role === "client" ? { local: client, remote: server } : { local: server, remote: client };
}
