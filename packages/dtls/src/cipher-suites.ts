import type { AeadAlgorithm } from "@purertc/crypto";
import type { NonceScheme } from "./record/record-cipher.js";

/** The cipher suites this endpoint implements (IANA TLS Cipher Suites registry). */
export const CipherSuite = {
  /** RFC 5289; the suite RFC 8827 §6.5 makes mandatory for WebRTC. */
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  /** RFC 7905. */
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
} as const;
export type CipherSuite = (typeof CipherSuite)[keyof typeof CipherSuite];
export type CipherSuiteName = keyof typeof CipherSuite;

/** What a suite means for the key schedule and record protection. */
export interface CipherSuiteParams {
  readonly id: CipherSuite;
  readonly name: CipherSuiteName;
  readonly aead: AeadAlgorithm;
  readonly nonce: NonceScheme;
  readonly keyLength: number;
  /** Fixed IV length from the key block: 4 (GCM salt, RFC 5288 §3) or 12 (RFC 7905 §2). */
  readonly fixedIvLength: number;
  /** PRF and Finished hash (RFC 5246 §5, RFC 5289 §3). */
  readonly prfHash: "sha256" | "sha384";
  /** Signature algorithm of the server's certificate (the `ECDHE_<sig>` part). */
  readonly authentication: "ecdsa" | "rsa";
}

const TABLE: readonly CipherSuiteParams[] = [
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", "sha256", "ecdsa"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "sha384", "ecdsa"),
  suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "chacha20-poly1305", "sha256", "ecdsa"),
  suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", "sha256", "rsa"),
  suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "sha384", "rsa"),
  suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "chacha20-poly1305", "sha256", "rsa"),
];

function suite(
  name: CipherSuiteName,
  aead: AeadAlgorithm,
  prfHash: "sha256" | "sha384",
  authentication: "ecdsa" | "rsa",
): CipherSuiteParams {
  const chacha = aead === "chacha20-poly1305";
  return {
    id: CipherSuite[name],
    name,
    aead,
    nonce: chacha ? "xor-chacha" : "explicit-gcm",
    keyLength: aead === "aes-128-gcm" ? 16 : 32,
    fixedIvLength: chacha ? 12 : 4,
    prfHash,
    authentication,
  };
}

/** The parameters of a suite we implement, or `undefined`. */
export function cipherSuiteParams(id: number): CipherSuiteParams | undefined {
  for (const s of TABLE) if (s.id === id) return s;
  return undefined;
}

/** Every implemented suite in our default preference order (ECDSA first, AES-128-GCM first). */
export const ALL_CIPHER_SUITES: readonly CipherSuite[] = TABLE.map((s) => s.id);
