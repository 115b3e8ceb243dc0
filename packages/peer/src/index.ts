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
