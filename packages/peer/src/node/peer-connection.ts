/**
 * W3C `RTCPeerConnection` (webrtc-pc §4) for Node: JSEP through the core's {@link JsepSession},
 * the protocols through a {@link PeerCore} run by a {@link PeerRunner}. Every asynchronous method
 * runs on the operations chain; every event from the network is dispatched in a queued task
 * (`setImmediate`), never from inside the drain loop. This class coordinates: negotiation,
 * data channels and core events live in their own modules over one shared {@link PeerContext}.
 */
import { nodeCrypto } from "@purertc/crypto/node";
import type { PeerConnectionState } from "../connection-state.js";
import type { SignalingState } from "../jsep/signaling.js";
import {
  type CertificateKeygenAlgorithm,
  certificateMaterial,
  createCertificate,
  type RTCCertificate,
} from "./certificate.js";
import { ChannelRegistry } from "./channel-registry.js";
import { type RTCConfiguration, reconfigure } from "./configuration.js";
import { CoreEventDispatcher } from "./core-events.js";
import type { RTCDataChannel, RTCDataChannelInit } from "./data-channel.js";
import { domError } from "./errors.js";
import { defineEventHandlers, type EventHandler } from "./event-handlers.js";
import type {
  RTCDataChannelEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from "./events.js";
import type { RTCIceCandidateInit } from "./ice-candidate.js";
import {
  type RTCPeerConnectionErrorCallback,
  type RTCSessionDescriptionCallback,
  viaCallbacks,
} from "./legacy-callbacks.js";
import type { EncodedMediaStreamTrack } from "./media/encoded-track.js";
import { MediaController, type RTCRtpTransceiverInit } from "./media/media-controller.js";
import type { MediaStream, RTCTrackEvent } from "./media/media-stream.js";
import type { RTCRtpReceiver } from "./media/rtp-receiver.js";
import type { RTCRtpSender } from "./media/rtp-sender.js";
import type { RTCRtpTransceiver } from "./media/rtp-transceiver.js";
import { Negotiator } from "./negotiation.js";
import type { WebRtcOptions } from "./options.js";
import { closedError, PeerContext } from "./peer-context.js";
import {
  type RTCLocalSessionDescriptionInit,
  RTCSessionDescription,
  type RTCSessionDescriptionInit,
} from "./session-description.js";
import { buildStatsReport, type RTCStatsReport, type StatsInput } from "./stats.js";
import type {
  RTCDtlsTransport,
  RTCIceGathererState,
  RTCIceTransportState,
  RTCSctpTransport,
} from "./transports.js";

/** Static slot where {@link createWebRtc} puts a subclass's options. */
export const WEBRTC_OPTIONS: unique symbol = Symbol("purertc.options");

/** W3C `RTCOfferOptions` (the legacy `offerToReceive*` are not honoured: add transceivers). */
export interface RTCOfferOptions {
  iceRestart?: boolean;
}

export class RTCPeerConnection extends EventTarget {
  declare onnegotiationneeded: EventHandler<RTCPeerConnection, "RTCPeerConnection">;
  declare onicecandidate: EventHandler<
    RTCPeerConnection,
    "RTCPeerConnection",
    RTCPeerConnectionIceEvent,
    "RTCPeerConnectionIceEvent"
  >;
  declare onicecandidateerror: EventHandler<
    RTCPeerConnection,
    "RTCPeerConnection",
    RTCPeerConnectionIceErrorEvent,
    "RTCPeerConnectionIceErrorEvent"
  >;
  declare onsignalingstatechange: EventHandler<RTCPeerConnection, "RTCPeerConnection">;
  declare oniceconnectionstatechange: EventHandler<RTCPeerConnection, "RTCPeerConnection">;
  declare onicegatheringstatechange: EventHandler<RTCPeerConnection, "RTCPeerConnection">;
  declare onconnectionstatechange: EventHandler<RTCPeerConnection, "RTCPeerConnection">;
  declare ondatachannel: EventHandler<
    RTCPeerConnection,
    "RTCPeerConnection",
    RTCDataChannelEvent,
    "RTCDataChannelEvent"
  >;
  declare ontrack: EventHandler<
    RTCPeerConnection,
    "RTCPeerConnection",
    RTCTrackEvent,
    "RTCTrackEvent"
  >;
  static [WEBRTC_OPTIONS]: WebRtcOptions = {};

  /** webrtc-pc §4.9.1: ECDSA P-256 or RSASSA-PKCS1-v1_5/SHA-256 certificates (others: NotSupportedError). */
  static async generateCertificate(
    keygenAlgorithm: CertificateKeygenAlgorithm,
  ): Promise<RTCCertificate> {
    const crypto =
      (RTCPeerConnection as typeof RTCPeerConnection)[WEBRTC_OPTIONS].crypto ?? nodeCrypto;
    return createCertificate(crypto, keygenAlgorithm, Date.now());
  }

  readonly #ctx: PeerContext;
  readonly #channels: ChannelRegistry;
  readonly #media: MediaController;
  readonly #events: CoreEventDispatcher;
  readonly #negotiation: Negotiator;

  constructor(configuration?: RTCConfiguration) {
    super();
    const ctx = new PeerContext(
      this,
      (new.target as typeof RTCPeerConnection)[WEBRTC_OPTIONS] ?? {},
      configuration,
    );
    this.#ctx = ctx;
    this.#channels = new ChannelRegistry(ctx, () => this.#negotiation.updateNegotiationNeeded());
    this.#media = new MediaController(
      {
        core: () => ctx.runner?.core,
        now: () => ctx.runner?.now() ?? 0,
        pump: () => ctx.runner?.pump(),
        queue: (task) => ctx.queue(task),
        changed: () => this.#negotiation.updateNegotiationNeeded(),
        dispatchTrack: (e) => this.dispatchEvent(e),
        stats: (select) => this.#stats(select),
        dtlsTransport: ctx.dtlsTransport,
        rng: ctx.rng,
        cryptex: ctx.opts.cryptex === true,
      },
      ctx.cname,
    );
    this.#events = new CoreEventDispatcher(ctx, this.#channels, this.#media);
    this.#negotiation = new Negotiator(ctx, this.#channels, this.#media, {
      onEvent: (e) => this.#events.handle(e),
      afterPump: () => this.#channels.afterPump(),
    });
  }

  // --- attributes ---------------------------------------------------------------------------

  get signalingState(): SignalingState {
    return this.#ctx.signalingState;
  }
  get iceGatheringState(): RTCIceGathererState {
    return this.#ctx.iceGatheringState;
  }
  get iceConnectionState(): RTCIceTransportState {
    return this.#ctx.iceConnectionState;
  }
  get connectionState(): PeerConnectionState {
    return this.#ctx.connectionState;
  }
  get localDescription(): RTCSessionDescription | null {
    const jsep = this.#ctx.jsep;
    return this.#negotiation.localDescription(
      jsep.pendingLocalDescription ?? jsep.currentLocalDescription,
    );
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#negotiation.localDescription(this.#ctx.jsep.currentLocalDescription);
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#negotiation.localDescription(this.#ctx.jsep.pendingLocalDescription);
  }
  get remoteDescription(): RTCSessionDescription | null {
    const jsep = this.#ctx.jsep;
    const d = jsep.pendingRemoteDescription ?? jsep.currentRemoteDescription;
    return d ? new RTCSessionDescription(d) : null;
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    const d = this.#ctx.jsep.currentRemoteDescription;
    return d ? new RTCSessionDescription(d) : null;
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    const d = this.#ctx.jsep.pendingRemoteDescription;
    return d ? new RTCSessionDescription(d) : null;
  }
  /** webrtc-pc §4.4.1.6: null until a remote description; then whether it says `trickle`. */
  get canTrickleIceCandidates(): boolean | null {
    const r = this.#ctx.jsep.remoteTransport;
    if (!r) return null;
    const m = r.model.media[0];
    return (m?.iceOptions ?? r.model.iceOptions ?? []).includes("trickle");
  }
  get sctp(): RTCSctpTransport | null {
    return this.#ctx.sctp;
  }
  /** Not part of webrtc-pc: the DTLS transport shared by every section (max-bundle). */
  get dtlsTransport(): RTCDtlsTransport {
    return this.#ctx.dtlsTransport;
  }
  get idpLoginUrl(): null {
    return null;
  }

  // --- negotiation (see ./negotiation.ts) ---------------------------------------------------

  /** webrtc-pc §4.4.1.6 createOffer(). */
  createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit>;
  /** @deprecated webrtc-pc §10.1 legacy callback form; use the promise. */
  createOffer(
    successCallback: RTCSessionDescriptionCallback<RTCSessionDescriptionInit>,
    failureCallback: RTCPeerConnectionErrorCallback,
    options?: RTCOfferOptions,
  ): Promise<undefined>;
  createOffer(
    a?: RTCOfferOptions | RTCSessionDescriptionCallback<RTCSessionDescriptionInit>,
    b?: RTCPeerConnectionErrorCallback,
    c?: RTCOfferOptions,
  ): Promise<RTCSessionDescriptionInit | undefined> {
    if (typeof a === "function") return viaCallbacks(this.createOffer(c), a, b!);
    return this.#ctx.chain(() => ({
      type: "offer",
      sdp: this.#negotiation.createOffer(a?.iceRestart),
    }));
  }

  /** webrtc-pc §4.4.1.6 createAnswer() (no option applies). */
  createAnswer(options?: object): Promise<RTCSessionDescriptionInit>;
  /** @deprecated webrtc-pc §10.1 legacy callback form; use the promise. */
  createAnswer(
    successCallback: RTCSessionDescriptionCallback<RTCSessionDescriptionInit>,
    failureCallback: RTCPeerConnectionErrorCallback,
  ): Promise<undefined>;
  createAnswer(
    a?: object | RTCSessionDescriptionCallback<RTCSessionDescriptionInit>,
    b?: RTCPeerConnectionErrorCallback,
  ): Promise<RTCSessionDescriptionInit | undefined> {
    if (typeof a === "function")
      return viaCallbacks(
        this.createAnswer(),
        a as RTCSessionDescriptionCallback<RTCSessionDescriptionInit>,
        b!,
      );
    return this.#ctx.chain(() => ({ type: "answer", sdp: this.#negotiation.createAnswer() }));
  }

  /** webrtc-pc §4.4.1.6 setLocalDescription(), also without a description (implicit). */
  setLocalDescription(
    description?: RTCLocalSessionDescriptionInit,
    successCallback?: () => void,
    failureCallback?: RTCPeerConnectionErrorCallback,
  ): Promise<void> {
    const p = this.#ctx.chain(() => this.#negotiation.setLocal(description));
    return successCallback ? viaCallbacks(p, successCallback, failureCallback!) : p;
  }

  setRemoteDescription(
    description: RTCSessionDescriptionInit,
    successCallback?: () => void,
    failureCallback?: RTCPeerConnectionErrorCallback,
  ): Promise<void> {
    const p = this.#ctx.chain(() => this.#negotiation.setRemote(description));
    return successCallback ? viaCallbacks(p, successCallback, failureCallback!) : p;
  }

  /** webrtc-pc §4.4.1.6 addIceCandidate(): `null`, `{}` or an empty candidate ends candidates. */
  addIceCandidate(
    candidate?: RTCIceCandidateInit | null,
    successCallback?: () => void,
    failureCallback?: RTCPeerConnectionErrorCallback,
  ): Promise<void> {
    const p = this.#ctx.chain(() => this.#negotiation.addIceCandidate(candidate));
    return successCallback ? viaCallbacks(p, successCallback, failureCallback!) : p;
  }

  /** webrtc-pc §4.4.1.6 restartIce(): the next offer carries new ICE credentials. */
  restartIce(): void {
    this.#negotiation.restartIce();
  }

  getConfiguration(): RTCConfiguration {
    const ctx = this.#ctx;
    return {
      ...ctx.config,
      iceServers: ctx.config.iceServers.map((s) => ({ ...s })),
      certificates: [ctx.certificate],
    };
  }

  setConfiguration(configuration?: RTCConfiguration): void {
    const ctx = this.#ctx;
    if (ctx.closed) throw closedError();
    const v = reconfigure(
      ctx.config,
      ctx.certificate,
      configuration,
      ctx.jsep.localTransport !== undefined,
    );
    ctx.config = v.config;
    ctx.servers = v.servers;
  }

  /**
   * webrtc-pc §8.2 getStats: every entry, or with a track as selector (§8.5) the RTP stream of
   * the one sender or receiver of that track and what it references.
   */
  getStats(selector?: EncodedMediaStreamTrack | null): Promise<RTCStatsReport> {
    if (selector === undefined || selector === null) return this.#stats(undefined);
    const ts = this.#media.transceivers;
    const senders = ts.filter((t) => t.sender.track === selector);
    const receivers = ts.filter((t) => t.receiver.track === selector);
    if (senders.length + receivers.length !== 1)
      return Promise.reject(
        domError("InvalidAccessError", "the selector is not the track of one sender or receiver"),
      );
    return senders.length === 1
      ? this.#stats({ transceiver: senders[0]!, side: "sender" })
      : this.#stats({ transceiver: receivers[0]!, side: "receiver" });
  }

  #stats(select: StatsInput["select"]): Promise<RTCStatsReport> {
    const ctx = this.#ctx;
    return Promise.resolve(
      buildStatsReport({
        transceivers: this.#media.transceivers,
        ...(select ? { select } : {}),
        core: ctx.runner?.core,
        channels: this.#channels.list(),
        certificate: certificateMaterial(ctx.certificate).der,
        localFingerprint: ctx.certificate.getFingerprints()[0]!.value!,
        crypto: ctx.crypto,
        channelsOpened: this.#channels.opened,
        channelsClosed: this.#channels.closed,
        dtlsState: ctx.dtlsTransport.state,
      }),
    );
  }

  // --- data channels (see ./channel-registry.ts) ----------------------------------------------

  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    return this.#channels.create(label, init);
  }

  // --- media: encoded tracks (see ./media) ----------------------------------------------------

  /** webrtc-pc §5.1 addTrack: a sender for `track`, reusing a free transceiver of its kind. */
  addTrack(track: EncodedMediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
    if (this.#ctx.closed) throw closedError();
    return this.#media.addTrack(track, streams);
  }

  /** webrtc-pc §5.1 removeTrack: stops sending; the transceiver keeps receiving. */
  removeTrack(sender: RTCRtpSender): void {
    if (this.#ctx.closed) throw closedError();
    this.#media.removeTrack(sender);
  }

  /** webrtc-pc §5.1 addTransceiver with a kind (`"audio"`/`"video"`) or a track. */
  addTransceiver(
    trackOrKind: EncodedMediaStreamTrack | "audio" | "video",
    init?: RTCRtpTransceiverInit,
  ): RTCRtpTransceiver {
    if (this.#ctx.closed) throw closedError();
    return this.#media.addTransceiver(trackOrKind, init);
  }

  getSenders(): RTCRtpSender[] {
    return this.getTransceivers().map((t) => t.sender);
  }
  getReceivers(): RTCRtpReceiver[] {
    return this.getTransceivers().map((t) => t.receiver);
  }
  getTransceivers(): RTCRtpTransceiver[] {
    return this.#media.transceivers.filter((t) => t.currentDirection !== "stopped");
  }

  close(): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    ctx.closed = true;
    ctx.jsep.close();
    ctx.signalingState = "closed";
    this.#channels.close();
    this.#media.close();
    ctx.iceTransport._state = "closed";
    ctx.dtlsTransport._state = "closed";
    if (ctx.sctp) ctx.sctp._state = "closed";
    ctx.iceConnectionState = "closed";
    ctx.connectionState = "closed";
    ctx.clearTasks();
    const r = ctx.runner;
    if (r) void r.close().catch((e) => ctx.log.warn("close failed", { error: String(e) }));
    else if (ctx.runnerReady) void ctx.runnerReady.then(() => ctx.runner?.close()).catch(() => {});
  }
}

defineEventHandlers(RTCPeerConnection.prototype, [
  "negotiationneeded",
  "icecandidate",
  "icecandidateerror",
  "signalingstatechange",
  "iceconnectionstatechange",
  "icegatheringstatechange",
  "connectionstatechange",
  "datachannel",
  "track",
]);
