/**
 * Compiled by tsc with lib ["ES2023", "DOM"] (test/interop/dom-lib.test.ts), never run: our
 * constructors, instances, events, handlers and dictionaries against TypeScript's lib.dom types
 * of the same names (issue 11: "types assignable to TypeScript's lib.dom ones"). An assignment
 * that stops compiling fails that test. Excluded from the package's tsconfig (no lib.dom there).
 */
import * as ours from "../../src/node/index.js";

declare const pc: ours.RTCPeerConnection;
declare const dc: ours.RTCDataChannel;
declare const candidate: ours.RTCIceCandidate;
declare const description: ours.RTCSessionDescription;
declare const certificate: ours.RTCCertificate;
declare const transceiver: ours.RTCRtpTransceiver;
declare const stream: ours.MediaStream;
declare const track: ours.EncodedMediaStreamTrack;

// --- constructors a script may call: what simple-peer does with `new wrtc.RTCPeerConnection()`,
// and what `import "@purertc/peer/global"` installs (the factory's object) ----------------------
type Constructible =
  | "RTCPeerConnection"
  | "RTCSessionDescription"
  | "RTCIceCandidate"
  | "RTCError"
  | "RTCPeerConnectionIceErrorEvent"
  | "RTCDTMFToneChangeEvent";
export const constructors: Pick<typeof globalThis, Constructible> = ours;
export const globals: Pick<typeof globalThis, Constructible> = ours.createWebRtc();

/** A constructor's `prototype` and statics, without its construct signatures. */
type PrototypeAndStatics<C> = { [K in keyof C]: C[K] };
// lib.dom types these `new()`, but browsers throw "Illegal constructor" (webrtc-pc creates them
// internally); ours take internal arguments. And these take our objects in their init (their
// attributes are ours: a lib.dom RTCDataChannel or MediaStreamTrack is not), so the
// constructors do not accept lib.dom's init dictionaries. Prototypes and statics must match.
type Internal =
  | "RTCDataChannel"
  | "RTCCertificate"
  | "RTCDtlsTransport"
  | "RTCIceTransport"
  | "RTCSctpTransport"
  | "RTCRtpSender"
  | "RTCRtpReceiver"
  | "RTCRtpTransceiver"
  | "RTCDTMFSender"
  | "RTCErrorEvent"
  | "RTCPeerConnectionIceEvent"
  | "RTCDataChannelEvent"
  | "RTCTrackEvent"
  | "MediaStream"
  | "MediaStreamTrackEvent";
export const internal: { [K in Internal]: PrototypeAndStatics<(typeof globalThis)[K]> } =
  ours.createWebRtc();

// --- instances -------------------------------------------------------------------------------
export const instances: [
  RTCPeerConnection,
  RTCDataChannel,
  RTCIceCandidate,
  RTCSessionDescription,
  RTCCertificate,
  RTCDtlsTransport,
  RTCIceTransport,
  RTCSctpTransport | null,
  RTCRtpTransceiver,
  RTCRtpSender,
  RTCRtpReceiver,
  RTCDTMFSender | null,
  MediaStream,
  MediaStreamTrack,
  MediaStreamTrack,
] = [
  new ours.RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1" }] }),
  dc,
  candidate,
  description,
  certificate,
  pc.dtlsTransport,
  pc.dtlsTransport.iceTransport,
  pc.sctp,
  transceiver,
  transceiver.sender,
  transceiver.receiver,
  transceiver.sender.dtmf,
  stream,
  track,
  transceiver.receiver.track,
];

export const dictionaries: [
  RTCIceCandidateInit,
  RTCSdpType,
  RTCSessionDescriptionInit,
  RTCConfiguration,
  RTCRtpSendParameters,
] = [
  candidate.toJSON(),
  description.toJSON().type,
  description.toJSON(),
  pc.getConfiguration(),
  transceiver.sender.getParameters(),
];

export const promises: [
  Promise<RTCSessionDescriptionInit>,
  Promise<RTCSessionDescriptionInit>,
  Promise<RTCCertificate>,
  Promise<RTCStatsReport>,
] = [
  pc.createOffer(),
  pc.createAnswer(),
  ours.RTCPeerConnection.generateCertificate({ name: "ECDSA", namedCurve: "P-256" }),
  pc.getStats(),
];

// --- events ----------------------------------------------------------------------------------
export const events: [
  RTCPeerConnectionIceEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCDataChannelEvent,
  RTCTrackEvent,
  RTCErrorEvent,
  RTCError,
  MediaStreamTrackEvent,
] = [
  new ours.RTCPeerConnectionIceEvent("icecandidate", { candidate }),
  new ours.RTCPeerConnectionIceErrorEvent("icecandidateerror", { errorCode: 701 }),
  new ours.RTCDataChannelEvent("datachannel", { channel: dc }),
  new ours.RTCTrackEvent("track", {
    receiver: transceiver.receiver,
    track,
    streams: [stream],
    transceiver,
  }),
  new ours.RTCErrorEvent("error", { error: new ours.RTCError({ errorDetail: "sctp-failure" }) }),
  new ours.RTCError({ errorDetail: "data-channel-failure" }, "x"),
  new ours.MediaStreamTrackEvent("addtrack", { track }),
];

// --- on<event> attributes: handlers typed with lib.dom's types (their `this` included) set on
// our objects, and our attributes read as lib.dom's ---------------------------------------------
pc.onicecandidate = function (this: RTCPeerConnection, ev: RTCPeerConnectionIceEvent) {
  void this.addIceCandidate(ev.candidate);
};
pc.ondatachannel = function (this: RTCPeerConnection, ev: RTCDataChannelEvent) {
  ev.channel.send(this.connectionState);
};
pc.ontrack = (ev: RTCTrackEvent) => ev.streams[0]?.getTracks();
pc.onicecandidateerror = (ev: RTCPeerConnectionIceErrorEvent) => ev.errorCode;
dc.onmessage = function (this: RTCDataChannel, ev: MessageEvent) {
  this.send(ev.data);
};
dc.onerror = (ev: RTCErrorEvent) => ev.error.errorDetail;
pc.dtlsTransport.onerror = (ev: RTCErrorEvent) => ev.error.sentAlert;
stream.onaddtrack = function (this: MediaStream, ev: MediaStreamTrackEvent) {
  this.addTrack(ev.track);
};
track.onended = function (this: MediaStreamTrack) {
  this.stop();
};
export const handlers: [
  RTCPeerConnection["onicecandidate"],
  RTCPeerConnection["ontrack"],
  RTCDataChannel["onmessage"],
  RTCDataChannel["onerror"],
  RTCSctpTransport["onstatechange"],
  MediaStream["onremovetrack"],
] = [
  pc.onicecandidate,
  pc.ontrack,
  dc.onmessage,
  dc.onerror,
  pc.sctp!.onstatechange,
  stream.onremovetrack,
];

// --- lib.dom values handed to us (what a DOM-typed library passes back) -----------------------
declare const domCandidate: RTCIceCandidateInit;
declare const domDescription: RTCSessionDescriptionInit;
declare const domConfig: RTCConfiguration;
declare const domChannelInit: RTCDataChannelInit;
declare const domTrack: MediaStreamTrack;
declare const domStream: MediaStream;
export const accepted = [
  pc.addIceCandidate(domCandidate),
  pc.setRemoteDescription(domDescription),
  pc.setLocalDescription(),
  pc.setConfiguration(domConfig),
  pc.createDataChannel("x", domChannelInit),
  new ours.RTCPeerConnection(domConfig),
  pc.createOffer(
    (offer: RTCSessionDescriptionInit) => offer.sdp,
    (e: DOMException) => e.name,
  ),
  transceiver.sender.setStreams(stream),
  new ours.RTCIceCandidate(domCandidate),
  new ours.RTCSessionDescription(domDescription),
];
// lib.dom's MediaStreamTrack/MediaStream are not ours: our sender needs an encoded track
// (EncodedMediaStreamTrack), so a track from getUserMedia cannot be passed (README, API table).
// @ts-expect-error a lib.dom MediaStreamTrack is not an EncodedMediaStreamTrack
pc.addTrack(domTrack, domStream);
