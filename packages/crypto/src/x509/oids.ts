import type { HashAlgorithm } from "../provider.js";

/** Object identifiers used by WebRTC certificates (RFC 5480, RFC 5758, RFC 4055, RFC 8410). */
export const OID = {
  /** id-ecPublicKey (RFC 5480 §2.1.1). */
  ecPublicKey: "1.2.840.10045.2.1",
  /** secp256r1 / P-256 (RFC 5480 §2.1.1.1). */
  p256: "1.2.840.10045.3.1.7",
  /** secp384r1 / P-384. */
  p384: "1.3.132.0.34",
  /** secp521r1 / P-521. */
  p521: "1.3.132.0.35",
  /** rsaEncryption (RFC 8017 appendix C). */
  rsaEncryption: "1.2.840.113549.1.1.1",
  /** id-RSASSA-PSS (RFC 4055 §3.1). */
  rsassaPss: "1.2.840.113549.1.1.10",
  /** id-mgf1 (RFC 4055 §2.2). */
  mgf1: "1.2.840.113549.1.1.8",
  /** id-Ed25519 (RFC 8410 §3). */
  ed25519: "1.3.101.112",
  /** id-at-commonName (RFC 5280 appendix A.1). */
  commonName: "2.5.4.3",
  /** sha{256,384,512}WithRSAEncryption (RFC 4055 §5). */
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
} as const;

/** Hash OIDs (RFC 5758 §2, RFC 3279 §2.2.1) as used in RSASSA-PSS parameters. */
export const HASH_OIDS: Readonly<Record<string, HashAlgorithm>> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** Signature algorithm OIDs with a fixed hash (RFC 3279 §2.2, RFC 4055 §5, RFC 5758 §3.2). */
export const SIGNATURE_OIDS: Readonly<
  Record<string, { kind: "ecdsa" | "rsa-pkcs1"; hash: HashAlgorithm }>
> = {
  [OID.ecdsaWithSha1]: { kind: "ecdsa", hash: "sha1" },
  [OID.ecdsaWithSha256]: { kind: "ecdsa", hash: "sha256" },
  [OID.ecdsaWithSha384]: { kind: "ecdsa", hash: "sha384" },
  [OID.ecdsaWithSha512]: { kind: "ecdsa", hash: "sha512" },
  "1.2.840.113549.1.1.4": { kind: "rsa-pkcs1", hash: "md5" },
  "1.2.840.113549.1.1.5": { kind: "rsa-pkcs1", hash: "sha1" },
  "1.2.840.113549.1.1.14": { kind: "rsa-pkcs1", hash: "sha224" },
  [OID.sha256WithRsa]: { kind: "rsa-pkcs1", hash: "sha256" },
  [OID.sha384WithRsa]: { kind: "rsa-pkcs1", hash: "sha384" },
  [OID.sha512WithRsa]: { kind: "rsa-pkcs1", hash: "sha512" },
};

/** Named curves by OID. */
export const CURVE_OIDS: Readonly<Record<string, "P-256" | "P-384" | "P-521">> = {
  [OID.p256]: "P-256",
  [OID.p384]: "P-384",
  [OID.p521]: "P-521",
};
