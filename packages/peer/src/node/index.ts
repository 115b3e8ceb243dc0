export { IceUdpMux } from "@purertc/ice/node";
export {
  type CertificateKeygenAlgorithm,
  RTCCertificate,
  type RTCDtlsFingerprint,
} from "./certificate.js";
export {
  parseIceServerUrl,
  type RTCBundlePolicy,
  type RTCConfiguration,
  type RTCIceServer,
  type RTCIceTransportPolicy,
  type RTCRtcpMuxPolicy,
} from "./configuration.js";
export {
  type BinaryType,
  RTCDataChannel,
  type RTCDataChannelInit,
  type RTCDataChannelState,
  type RTCPriorityType,
} from "./data-channel.js";
export { RTCError, type RTCErrorDetailType, RTCErrorEvent, type RTCErrorInit } from "./errors.js";
export {
  RTCDataChannelEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from "./events.js";
export {
  RTCIceCandidate,
  type RTCIceCandidateInit,
  type RTCIceCandidateType,
  type RTCIceComponent,
  type RTCIceProtocol,
} from "./ice-candidate.js";
export type {
  RTCPeerConnectionErrorCallback,
  RTCSessionDescriptionCallback,
} from "./legacy-callbacks.js";
export {
  RTCBandwidthEstimateEvent,
  RTCTransportFeedbackEvent,
} from "./media/bandwidth-events.js";
export {
  RTCDTMFSender,
  RTCDTMFToneChangeEvent,
  RTCDTMFToneEvent,
} from "./media/dtmf-sender.js";
export {
  type EncodedFrameInit,
  RTCEncodedAudioFrame,
  type RTCEncodedFrameMetadata,
  RTCEncodedVideoFrame,
  type RTCEncodedVideoFrameType,
} from "./media/encoded-frame.js";
export {
  type EncodedFrame,
  EncodedMediaStreamTrack,
  type EncodedTrackInit,
  RTCEncodedFrameEvent,
  RTCRtpPacketEvent,
} from "./media/encoded-track.js";
export type { RTCRtpTransceiverInit } from "./media/media-controller.js";
export { MediaStream, MediaStreamTrackEvent, RTCTrackEvent } from "./media/media-stream.js";
export { RTCRtpReceiver, type RTCRtpSynchronizationSource } from "./media/rtp-receiver.js";
export {
  type RTCRtpEncodingParameters,
  RTCRtpSender,
  type RTCRtpSendParameters,
} from "./media/rtp-sender.js";
export { RTCRtpTransceiver, type RTCRtpTransceiverDirection } from "./media/rtp-transceiver.js";
export type { WebRtcOptions } from "./options.js";
export { type RTCOfferOptions, RTCPeerConnection } from "./peer-connection.js";
export {
  type RTCLocalSessionDescriptionInit,
  type RTCSdpType,
  RTCSessionDescription,
  type RTCSessionDescriptionInit,
} from "./session-description.js";
export type { RTCStats, RTCStatsReport } from "./stats.js";
export {
  RTCDtlsTransport,
  type RTCIceCandidatePair,
  type RTCIceGathererState,
  type RTCIceRole,
  RTCIceTransport,
  type RTCIceTransportState,
  RTCSctpTransport,
  type RTCSctpTransportState,
} from "./transports.js";
export { createWebRtc, type WebRtc } from "./webrtc.js";
