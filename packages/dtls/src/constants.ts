/**
 * DTLS 1.2 registry values (RFC 6347, RFC 5246 and the IANA TLS registries) used on the wire.
 * Names follow the RFCs.
 */

/** RFC 6347 §4.1: `ProtocolVersion` for DTLS 1.2 is {254, 253}; DTLS 1.0 is {254, 255}. */
export const DTLS_1_2 = 0xfefd;
export const DTLS_1_0 = 0xfeff;

/** RFC 5246 §6.2.1 `ContentType`. */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** RFC 5246 §7.4 / RFC 6347 §4.3.2 `HandshakeType`. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

/** IANA TLS ExtensionType values this endpoint understands. */
export const ExtensionType = {
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  extended_master_secret: 23,
  renegotiation_info: 0xff01,
} as const;

/** IANA TLS NamedGroup values (RFC 8422 §5.1.1, RFC 7748). */
export const NamedGroup = {
  secp256r1: 23,
  secp384r1: 24,
  x25519: 29,
} as const;
export type NamedGroup = (typeof NamedGroup)[keyof typeof NamedGroup];

/** IANA TLS SignatureScheme values (RFC 8446 §4.2.3, usable in TLS 1.2 as hash‖signature). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
} as const;
export type SignatureScheme = (typeof SignatureScheme)[keyof typeof SignatureScheme];

/** RFC 8422 §5.4 `ECCurveType.named_curve`. */
export const EC_CURVE_TYPE_NAMED_CURVE = 3;

/** RFC 5246 §7.4.4 `ClientCertificateType`. */
export const ClientCertificateType = {
  rsa_sign: 1,
  ecdsa_sign: 64,
} as const;

/** RFC 6347 §4.2.1: the cookie is at most 255 bytes (`opaque cookie<0..2^8-1>`). */
export const MAX_COOKIE_LENGTH = 255;

/** RFC 6347 §4.1: 13-byte DTLSPlaintext header. */
export const RECORD_HEADER_LENGTH = 13;

/** RFC 6347 §4.2.2: 12-byte DTLS handshake header. */
export const HANDSHAKE_HEADER_LENGTH = 12;

/** RFC 5246 §6.2.1: a record's fragment length MUST NOT exceed 2^14 (+2048 when protected). */
export const MAX_PLAINTEXT_LENGTH = 16384;
export const MAX_CIPHERTEXT_LENGTH = 16384 + 2048;
