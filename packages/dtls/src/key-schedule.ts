import { concatBytes } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import type { CipherSuiteParams } from "./cipher-suites.js";
import { VERIFY_DATA_LENGTH } from "./handshake/finished.js";

/** RFC 5246 §8.1: the master secret is 48 bytes. */
export const MASTER_SECRET_LENGTH = 48;

/**
 * The extended master secret (RFC 7627 §4):
 * `PRF(pre_master_secret, "extended master secret", session_hash)[0..47]`, where `session_hash`
 * is the hash of the handshake messages up to and including ClientKeyExchange.
 */
export function extendedMasterSecret(
  crypto: CryptoProvider,
  suite: CipherSuiteParams,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return crypto.tlsPrf(
    suite.prfHash,
    preMasterSecret,
    "extended master secret",
    sessionHash,
    MASTER_SECRET_LENGTH,
  );
}

/** The AEAD keys and fixed IVs of both directions (RFC 5246 §6.3, no MAC keys for AEAD). */
export interface KeyBlock {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

/**
 * RFC 5246 §6.3: `key_block = PRF(master_secret, "key expansion", server_random + client_random)`,
 * partitioned as client_write_key, server_write_key, client_write_IV, server_write_IV.
 */
export function keyBlock(
  crypto: CryptoProvider,
  suite: CipherSuiteParams,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): KeyBlock {
  const k = suite.keyLength;
  const iv = suite.fixedIvLength;
  const block = crypto.tlsPrf(
    suite.prfHash,
    masterSecret,
    "key expansion",
    concatBytes(serverRandom, clientRandom),
    2 * k + 2 * iv,
  );
  return {
    clientWriteKey: block.slice(0, k),
    serverWriteKey: block.slice(k, 2 * k),
    clientWriteIv: block.slice(2 * k, 2 * k + iv),
    serverWriteIv: block.slice(2 * k + iv, 2 * k + 2 * iv),
  };
}

/**
 * RFC 5246 §7.4.9: `verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]`
 * with the suite's PRF hash.
 */
export function finishedVerifyData(
  crypto: CryptoProvider,
  suite: CipherSuiteParams,
  masterSecret: Uint8Array,
  sender: "client" | "server",
  transcriptHash: Uint8Array,
): Uint8Array {
  const label = sender === "client" ? "client finished" : "server finished";
  return crypto.tlsPrf(suite.prfHash, masterSecret, label, transcriptHash, VERIFY_DATA_LENGTH);
}

/** RFC 5705 §4: labels reserved by TLS that an exporter must refuse. */
const RESERVED_LABELS = [
  "client finished",
  "server finished",
  "master secret",
  "key expansion",
  "extended master secret",
];

/**
 * Keying material exporter (RFC 5705 §4):
 * `PRF(master_secret, label, client_random + server_random [+ uint16 context_length + context])`.
 * DTLS-SRTP uses label `"EXTRACTOR-dtls_srtp"` with no context (RFC 5764 §4.2).
 */
export function exportKeyingMaterial(
  crypto: CryptoProvider,
  suite: CipherSuiteParams,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  length: number,
  context?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(length) || length <= 0 || length > 65535) {
    throw new RangeError(`exporter length ${length} out of range`);
  }
  if (RESERVED_LABELS.includes(label))
    throw new RangeError(`exporter label "${label}" is reserved by TLS`);
  if (context !== undefined && context.byteLength > 65535)
    throw new RangeError("exporter context too long");
  const seed =
    context === undefined
      ? concatBytes(clientRandom, serverRandom)
      : concatBytes(
          clientRandom,
          serverRandom,
          Uint8Array.of(context.byteLength >> 8, context.byteLength & 0xff),
          context,
        );
  return crypto.tlsPrf(suite.prfHash, masterSecret, label, seed, length);
}

/** Exporter label for DTLS-SRTP keys (RFC 5764 §4.2). */
export const DTLS_SRTP_EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";
