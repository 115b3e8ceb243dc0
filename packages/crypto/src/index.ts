export { contextTag, type DerElement, DerReader, TAG } from "./asn1/der-reader.js";
export * from "./asn1/der-writer.js";
export { nobleCrypto } from "./noble/provider.js";
export type * from "./provider.js";
export { isRsaKeyPair, UnsupportedOperationError } from "./provider.js";
export { Sha1Hmac } from "./sha1-hmac.js";
export {
  type Certificate,
  type CertificatePublicKey,
  type CertificateSignatureAlgorithm,
  parseCertificate,
  X509_LAYER,
} from "./x509/certificate.js";
export {
  type DecodedEcPrivateKey,
  decodeEcPrivateKey,
  encodeEcPrivateKeyPkcs8,
  encodeEcPrivateKeySec1,
} from "./x509/ec-private-key.js";
export {
  type FingerprintAlgorithm,
  fingerprint,
  fingerprintHash,
  matchesFingerprint,
} from "./x509/fingerprint.js";
export {
  type CertificateAlgorithm,
  type EcdsaCertificateAlgorithm,
  type GenerateCertificateOptions,
  type GeneratedCertificate,
  generateCertificate,
  type RsaCertificateAlgorithm,
} from "./x509/generate.js";
export { decodePem, decodePemBlock, encodePem, type PemBlock } from "./x509/pem.js";
export { verifyCertificateSignature } from "./x509/verify.js";
