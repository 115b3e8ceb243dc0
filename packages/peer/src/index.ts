export {
  type DtlsTransportState,
  type PeerConnectionState,
  peerConnectionState,
} from "./connection-state.js";
export { classifyDatagram, type DemuxTarget } from "./demux.js";
export {
  type DataSectionInfo,
  DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  readTransport,
  type TransportInfo,
} from "./jsep/remote.js";
export {
  type AnswerMediaOptions,
  type AppliedDescription,
  type Description,
  JsepSession,
  type LocalTransportInit,
} from "./jsep/session.js";
export {
  NegotiationError,
  type NegotiationErrorName,
  nextSignalingState,
  type SdpType,
  type SignalingState,
} from "./jsep/signaling.js";
export {
  capabilities,
  defaultCodecs,
  defaultExtmaps,
  type MediaKind,
  payloadCodecFor,
  type RTCRtpCapabilities,
  type RTCRtpCodec,
  type RTCRtpCodecParameters,
} from "./media/codecs.js";
export { DtmfReceiver, type ReceivedDtmf } from "./media/dtmf-receiver.js";
export {
  DTMF_DEFAULT_DURATION_MS,
  DTMF_DEFAULT_GAP_MS,
  DtmfSender,
  normalizeDtmfTones,
} from "./media/dtmf-sender.js";
export type { MediaEvent } from "./media/media-events.js";
export {
  DEFAULT_MEDIA_SESSION_CONFIG,
  MediaSession,
  type MediaSessionConfig,
  type MediaSessionStats,
} from "./media/media-session.js";
export type { MediaReceiveConfig, ReceiveStreamStats } from "./media/receive-stream.js";
export {
  DEFAULT_RTP_FORWARDER_CONFIG,
  isKeyframeStart,
  RtpForwarder,
  type RtpForwarderConfig,
  type RtpForwarderStats,
} from "./media/rtp-forwarder.js";
export type { MediaSendConfig, SendStreamStats } from "./media/send-stream.js";
export { TransportFeedback, type TransportFeedbackStats } from "./media/transport-feedback.js";
export {
  PeerCore,
  type PeerCoreStats,
  type TransportParameters,
} from "./peer-core.js";
export {
  DEFAULT_PEER_CORE_CONFIG,
  type PeerCoreConfig,
  resolvePeerCoreConfig,
} from "./peer-core-config.js";
export type { PeerCoreEvent, SctpTransportState } from "./peer-core-events.js";
