/**
 * The factory for non-standard knobs: `createWebRtc(options)` returns the W3C constructors with
 * `RTCPeerConnection` bound to `options` (single port, port range, NAT IP, interfaces, logger,
 * crypto). `RTCConfiguration` stays exactly the standard dictionary.
 */
import { RTCCertificate } from "./certificate.js";
import { RTCDataChannel } from "./data-channel.js";
import { RTCError, RTCErrorEvent } from "./errors.js";
import {
  RTCDataChannelEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from "./events.js";
import { RTCIceCandidate } from "./ice-candidate.js";
import { RTCDTMFSender, RTCDTMFToneChangeEvent } from "./media/dtmf-sender.js";
import { MediaStream, MediaStreamTrackEvent, RTCTrackEvent } from "./media/media-stream.js";
import { RTCRtpReceiver } from "./media/rtp-receiver.js";
import { RTCRtpSender } from "./media/rtp-sender.js";
import { RTCRtpTransceiver } from "./media/rtp-transceiver.js";
import { validateWebRtcOptions, type WebRtcOptions } from "./options.js";
import { RTCPeerConnection, WEBRTC_OPTIONS } from "./peer-connection.js";
import { RTCSessionDescription } from "./session-description.js";
import { RTCDtlsTransport, RTCIceTransport, RTCSctpTransport } from "./transports.js";

/** The constructors `createWebRtc` returns (and `@purertc/peer/global` installs). */
export interface WebRtc {
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly RTCSessionDescription: typeof RTCSessionDescription;
  readonly RTCIceCandidate: typeof RTCIceCandidate;
  readonly RTCDataChannel: typeof RTCDataChannel;
  readonly RTCCertificate: typeof RTCCertificate;
  readonly RTCError: typeof RTCError;
  readonly RTCErrorEvent: typeof RTCErrorEvent;
  readonly RTCDataChannelEvent: typeof RTCDataChannelEvent;
  readonly RTCPeerConnectionIceEvent: typeof RTCPeerConnectionIceEvent;
  readonly RTCPeerConnectionIceErrorEvent: typeof RTCPeerConnectionIceErrorEvent;
  readonly RTCIceTransport: typeof RTCIceTransport;
  readonly RTCDtlsTransport: typeof RTCDtlsTransport;
  readonly RTCSctpTransport: typeof RTCSctpTransport;
  readonly RTCRtpSender: typeof RTCRtpSender;
  readonly RTCRtpReceiver: typeof RTCRtpReceiver;
  readonly RTCRtpTransceiver: typeof RTCRtpTransceiver;
  readonly RTCTrackEvent: typeof RTCTrackEvent;
  readonly RTCDTMFSender: typeof RTCDTMFSender;
  readonly RTCDTMFToneChangeEvent: typeof RTCDTMFToneChangeEvent;
  readonly MediaStream: typeof MediaStream;
  readonly MediaStreamTrackEvent: typeof MediaStreamTrackEvent;
}

/** The W3C constructors with `RTCPeerConnection` configured by `options`. */
export function createWebRtc(options: WebRtcOptions = {}): WebRtc {
  validateWebRtcOptions(options);
  const frozen = Object.freeze({ ...options });
  class ConfiguredRTCPeerConnection extends RTCPeerConnection {
    static override [WEBRTC_OPTIONS] = frozen;
  }
  Object.defineProperty(ConfiguredRTCPeerConnection, "name", { value: "RTCPeerConnection" });
  return {
    RTCPeerConnection: ConfiguredRTCPeerConnection,
    RTCSessionDescription,
    RTCIceCandidate,
    RTCDataChannel,
    RTCCertificate,
    RTCError,
    RTCErrorEvent,
    RTCDataChannelEvent,
    RTCPeerConnectionIceEvent,
    RTCPeerConnectionIceErrorEvent,
    RTCIceTransport,
    RTCDtlsTransport,
    RTCSctpTransport,
    RTCRtpSender,
    RTCRtpReceiver,
    RTCRtpTransceiver,
    RTCTrackEvent,
    RTCDTMFSender,
    RTCDTMFToneChangeEvent,
    MediaStream,
    MediaStreamTrackEvent,
  };
}
