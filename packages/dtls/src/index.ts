export {
  type Alert,
  AlertDescription,
  AlertLevel,
  alertName,
  decodeAlert,
  encodeAlert,
} from "./alert.js";
export {
  ALL_CIPHER_SUITES,
  CipherSuite,
  type CipherSuiteName,
  type CipherSuiteParams,
  cipherSuiteParams,
} from "./cipher-suites.js";
export {
  DEFAULT_DTLS_CONFIG,
  type DtlsCertificate,
  type DtlsConfig,
  type DtlsFingerprint,
  resolveDtlsConfig,
} from "./config.js";
export * from "./constants.js";
export { COOKIE_LENGTH, CookieAuthority } from "./cookie.js";
export { DtlsEndpoint, type DtlsState } from "./endpoint.js";
export type { DtlsEvent, DtlsFailureReason } from "./events.js";
export * from "./extensions/ec-point-formats.js";
export * from "./extensions/extension.js";
export * from "./extensions/renegotiation-info.js";
export * from "./extensions/signature-algorithms.js";
export * from "./extensions/supported-groups.js";
export * from "./extensions/use-srtp.js";
export { certificateMatchesFingerprints, isSupportedFingerprintAlgorithm } from "./fingerprint.js";
export * from "./handshake/certificate.js";
export * from "./handshake/certificate-request.js";
export * from "./handshake/certificate-verify.js";
export * from "./handshake/client-hello.js";
export * from "./handshake/client-key-exchange.js";
export * from "./handshake/finished.js";
export * from "./handshake/header.js";
export * from "./handshake/hello-verify-request.js";
export {
  type FragmentOutcome,
  type HandshakeMessage,
  Reassembler,
} from "./handshake/reassembler.js";
export * from "./handshake/server-hello.js";
export * from "./handshake/server-hello-done.js";
export * from "./handshake/server-key-exchange.js";
export { nssKeyLogLine } from "./key-log.js";
export {
  DTLS_SRTP_EXPORTER_LABEL,
  exportKeyingMaterial,
  extendedMasterSecret,
  finishedVerifyData,
  type KeyBlock,
  keyBlock,
  MASTER_SECRET_LENGTH,
} from "./key-schedule.js";
export * from "./record/record.js";
export { type NonceScheme, RecordCipher } from "./record/record-cipher.js";
export { ReplayWindow } from "./record/replay-window.js";
export type { DtlsStats } from "./stats.js";
