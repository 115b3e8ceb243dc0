export * from "./codecs/audio.js";
export * from "./codecs/av1.js";
export * from "./codecs/av1-sequence-header.js";
export * from "./codecs/h264.js";
export type { PayloadCodec } from "./codecs/payload-codec.js";
export * from "./codecs/telephone-event.js";
export * from "./codecs/vp8.js";
export * from "./codecs/vp9.js";
export * from "./extension-codecs.js";
export * from "./frame-assembler.js";
export * from "./header-extension.js";
export * from "./header-extension-patch.js";
export * from "./jitter-buffer.js";
export * from "./reader/ivf-reader.js";
export * from "./reader/ogg-opus-reader.js";
export * from "./receiver-stats.js";
export * from "./recorder/annexb.js";
export * from "./recorder/ivf.js";
export * from "./recorder/ogg-opus.js";
export * from "./recorder/webm.js";
export type { ApplicationDefined } from "./rtcp-app.js";
export type { Goodbye } from "./rtcp-bye.js";
export {
  type GenericNack,
  type NackItem,
  nackItemsFromSequenceNumbers,
  nackSequenceNumbers,
} from "./rtcp-nack.js";
export {
  decodeRtcp,
  encodedLengthRtcpPacket,
  encodeRtcp,
  encodeRtcpPacket,
  encodeRtcpPacketInto,
  isFullCompound,
  type RtcpPacket,
  type UnknownRtcp,
} from "./rtcp-packet.js";
export type {
  FullIntraRequest,
  PictureLossIndication,
  ReceiverEstimatedMaxBitrate,
} from "./rtcp-psfb.js";
export type { ReceiverReport, ReportBlock, SenderReport } from "./rtcp-report.js";
export { SDES_CNAME, type SdesChunk, type SdesItem, type SourceDescription } from "./rtcp-sdes.js";
export {
  type TransportCcFeedback,
  TWCC_DELTA_US,
  TWCC_LARGE_DELTA,
  TWCC_NOT_RECEIVED,
  TWCC_REFERENCE_TIME_MS,
  TWCC_SMALL_DELTA,
} from "./rtcp-twcc.js";
export type { DlrrSubBlock, ExtendedReport, XrBlock } from "./rtcp-xr.js";
export {
  type DecodedRtpHeader,
  decodeRtpHeader,
  encodedLengthRtpHeader,
  encodeRtpHeader,
  encodeRtpHeaderInto,
  peekRtpSequenceNumber,
  peekRtpSsrc,
  RTP_FIXED_HEADER_LENGTH,
  RTP_VERSION,
  type RtpExtensionBlock,
  type RtpHeader,
  rtpHeaderLength,
} from "./rtp-header.js";
export * from "./rtp-packet.js";
export * from "./rtp-packetizer.js";
export * from "./rtx.js";
export * from "./sender.js";
export * from "./twcc-generator.js";
export * from "./twcc-send-history.js";
