export * from "./extension-codecs.js";
export * from "./header-extension.js";
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
