export { type AssociationState, SctpAssociation } from "./association/association.js";
export type { Capabilities } from "./association/capabilities.js";
export type { PathMtuState } from "./association/path-mtu.js";
export type { SendOptions } from "./association/send-queue.js";
export type { AssociationStats } from "./association/stats.js";
export * from "./chunks/abort.js";
export * from "./chunks/chunk.js";
export * from "./chunks/cookie.js";
export * from "./chunks/data.js";
export * from "./chunks/error.js";
export * from "./chunks/forward-tsn.js";
export * from "./chunks/heartbeat.js";
export * from "./chunks/i-data.js";
export * from "./chunks/i-forward-tsn.js";
export * from "./chunks/init.js";
export * from "./chunks/pad.js";
export * from "./chunks/re-config.js";
export * from "./chunks/sack.js";
export * from "./chunks/shutdown.js";
export { DEFAULT_SCTP_CONFIG, resolveSctpConfig, type SctpConfig } from "./config.js";
export { CauseCode, ChunkType, EDMID_DTLS, ParamType, Ppid } from "./constants.js";
export type {
  DataChannelInfo,
  DataChannelInit,
  DataChannelPriority,
  DataChannelState,
  DataChannelStats,
} from "./data-channel/channel.js";
export {
  type DataChannelConfig,
  DataChannelEndpoint,
  type DataChannelEvent,
} from "./data-channel/data-channel-endpoint.js";
export {
  ChannelType,
  type DcepAck,
  type DcepMessage,
  type DcepOpen,
  decodeDcep,
  encodeDcep,
} from "./data-channel/dcep.js";
export { causeName, type ErrorCause } from "./error-causes.js";
export type { CloseReason, SctpEvent, SctpMessage } from "./events.js";
export { decodePacket, encodePacket, type SctpPacket } from "./packet.js";
export * from "./params/init-params.js";
export {
  decodeParam,
  decodeParams,
  encodeParam,
  type Param,
  type UnknownParam,
} from "./params/param.js";
export * from "./params/reconfig-params.js";
