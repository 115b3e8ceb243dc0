export { DEFAULT_SRTP_CONFIG, type SrtpConfig } from "./config.js";
export {
  type DtlsRole,
  SRTP_EXPORTER_LABEL,
  type SrtpKeyPair,
  srtpKeyingMaterialLength,
  srtpKeysFromDtls,
} from "./dtls-keying.js";
export {
  isSrtpFailure,
  type SrtpFailure,
  type SrtpStats,
  type UnprotectResult,
} from "./failure.js";
export {
  deriveSessionKeys,
  SRTP_LABEL,
  type SrtpMasterKey,
  type SrtpSessionKeys,
  srtpKdf,
} from "./key-derivation.js";
export {
  SRTP_PROFILES,
  type SrtpProfile,
  type SrtpProfileParameters,
  srtpProfileFromDtlsId,
  srtpProfileParameters,
} from "./profile.js";
export { estimateRtpIndex, ReplayWindow } from "./replay-window.js";
export { SrtcpSession } from "./srtcp-session.js";
export { type DtlsSrtpOptions, SrtpContext, type SrtpContextOptions } from "./srtp-context.js";
export { SrtpSession, type SrtpSessionOptions } from "./srtp-session.js";
