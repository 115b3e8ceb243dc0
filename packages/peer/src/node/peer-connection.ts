/**
 * W3C `RTCPeerConnection` (webrtc-pc §4) for Node: JSEP through the core's {@link JsepSession},
 * the protocols through a {@link PeerCore} run by a {@link PeerRunner}. Every asynchronous method
 * runs on the operations chain; every event from the network is dispatched in a queued task
 * (`setImmediate`), never from inside the drain loop.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { createLogger, type Logger, normalizeIp, type Rng, secureRng } from "@purertc/common";
import { debugLogSink } from "@purertc/common/node";
import type { CryptoProvider } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import {
  generateCredentials,
  type IceCandidate,
  type IceCredentials,
  type IceStunServer,
  parseIceCandidate,
} from "@purertc/ice";
import { tryParseCandidate } from "@purertc/sdp";
import type { DtlsTransportState, PeerConnectionState } from "../connection-state.js";
import { JsepSession, type LocalTransportInit } from "../jsep/session.js";
import type { SignalingState } from "../jsep/signaling.js";
import { PeerCore } from "../peer-core.js";
import type { PeerCoreEvent } from "../peer-core-events.js";
import {
  type CertificateKeygenAlgorithm,
  certificateMaterial,
  createCertificate,
  type RTCCertificate,
} from "./certificate.js";
import {
  type IceServerUrl,
  type RTCConfiguration,
  validateConfiguration,
} from "./configuration.js";
import {
  type ChannelHost,
  type ChannelSettings,
  RTCDataChannel,
  type RTCDataChannelInit,
} from "./data-channel.js";
import { domError, RTCError, RTCErrorEvent, toW3cError } from "./errors.js";
import { defineEventHandlers } from "./event-handlers.js";
import {
  RTCDataChannelEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from "./events.js";
import type { RTCIceCandidateInit } from "./ice-candidate.js";
import type { EncodedMediaStreamTrack } from "./media/encoded-track.js";
import { MediaController, type RTCRtpTransceiverInit } from "./media/media-controller.js";
import type { MediaStream } from "./media/media-stream.js";
import type { RTCRtpReceiver } from "./media/rtp-receiver.js";
import type { RTCRtpSender } from "./media/rtp-sender.js";
import type { RTCRtpTransceiver } from "./media/rtp-transceiver.js";
import type { WebRtcOptions } from "./options.js";
import { PeerRunner, type RunnerTurnServer } from "./runner.js";
import { RTCSessionDescription, type RTCSessionDescriptionInit } from "./session-description.js";
import { buildStatsReport, type RTCStatsReport } from "./stats.js";
import {
  RTCDtlsTransport,
  type RTCIceGathererState,
  RTCIceTransport,
  type RTCIceTransportState,
  RTCSctpTransport,
  type TransportSource,
  toRtcCandidate,
} from "./transports.js";

/** Static slot where {@link createWebRtc} puts a subclass's options. */
export const WEBRTC_OPTIONS: unique symbol = Symbol("purertc.options");

/** Ours (`a=max-message-size`): 256 KiB, as Firefox and Chromium accept. */
const DEFAULT_MAX_MESSAGE_SIZE = 262144;

type Task = () => void;

let sharedLogger: Logger | undefined;
/** `DEBUG=purertc:*` enables scopes (the `debug` package convention). */
function defaultLogger(): Logger {
  sharedLogger ??= createLogger(debugLogSink(), "purertc:peer");
  return sharedLogger;
}

export class RTCPeerConnection extends EventTarget {
  declare onnegotiationneeded: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  declare onicecandidate:
    | ((this: RTCPeerConnection, ev: RTCPeerConnectionIceEvent) => unknown)
    | null;
  declare onicecandidateerror:
    | ((this: RTCPeerConnection, ev: RTCPeerConnectionIceErrorEvent) => unknown)
    | null;
  declare onsignalingstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  declare oniceconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  declare onicegatheringstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  declare onconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  declare ondatachannel: ((this: RTCPeerConnection, ev: RTCDataChannelEvent) => unknown) | null;
  declare ontrack: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  static [WEBRTC_OPTIONS]: WebRtcOptions = {};

  /** webrtc-pc §4.9.1: ECDSA P-256 certificates (RSA rejects with NotSupportedError). */
  static async generateCertificate(
    keygenAlgorithm: CertificateKeygenAlgorithm,
  ): Promise<RTCCertificate> {
    const crypto =
      (RTCPeerConnection as typeof RTCPeerConnection)[WEBRTC_OPTIONS].crypto ?? nodeCrypto;
    return createCertificate(crypto, keygenAlgorithm, Date.now());
  }

  readonly #opts: WebRtcOptions;
  readonly #crypto: CryptoProvider;
  readonly #rng: Rng;
  readonly #log: Logger;
  #config: ReturnType<typeof validateConfiguration>["config"];
  #servers: IceServerUrl[];
  #turnServers: RunnerTurnServer[] = [];
  readonly #certificate: RTCCertificate;
  readonly #jsep: JsepSession;
  #runner: PeerRunner | undefined;
  #runnerReady: Promise<void> | undefined;
  #creds: IceCredentials;
  #nextCreds: IceCredentials | undefined;
  #restartPending = false;
  #remoteCreds: IceCredentials | undefined;
  #deferredRemote: { creds: IceCredentials; lite: boolean } | undefined;
  #gathering = false;
  #closed = false;
  #ops: Promise<unknown> = Promise.resolve();
  #tasks: Task[] = [];
  #tasksScheduled = false;
  #bufferedTaskQueued = false;
  #negotiationNeeded = false;
  #wantsData = false;
  readonly #channels = new Map<number, RTCDataChannel>();
  #pending: { channel: RTCDataChannel; init: RTCDataChannelInit }[] = [];
  readonly #watched = new Set<RTCDataChannel>();
  #localCandidates: IceCandidate[] = [];
  #remoteCandidates: IceCandidate[] = [];
  #signalingState: SignalingState = "stable";
  #iceGatheringState: RTCIceGathererState = "new";
  #iceConnectionState: RTCIceTransportState = "new";
  #connectionState: PeerConnectionState = "new";
  #channelsOpened = 0;
  #channelsClosed = 0;
  readonly #iceTransport: RTCIceTransport;
  readonly #dtlsTransport: RTCDtlsTransport;
  #sctp: RTCSctpTransport | null = null;
  readonly #host: ChannelHost;
  readonly #cname: string;
  readonly #media: MediaController;

  constructor(configuration?: RTCConfiguration) {
    super();
    this.#opts = (new.target as typeof RTCPeerConnection)[WEBRTC_OPTIONS] ?? {};
    this.#crypto = this.#opts.crypto ?? nodeCrypto;
    this.#rng = this.#opts.rng ?? secureRng();
    this.#log = (this.#opts.logger ?? defaultLogger()).child("pc");
    const v = validateConfiguration(configuration);
    this.#config = v.config;
    this.#servers = v.servers;
    this.#certificate =
      v.config.certificates[0] ?? createCertificate(this.#crypto, undefined, Date.now());
    this.#jsep = new JsepSession(String(BigInt(this.#rng.nextU32()) * 1_000_000n + 1n));
    this.#creds = generateCredentials(this.#rng);
    const src = this.#source();
    this.#iceTransport = new RTCIceTransport(src);
    this.#dtlsTransport = new RTCDtlsTransport(src, this.#iceTransport);
    this.#host = this.#channelHost();
    this.#cname =
      this.#rng.nextU32().toString(36) +
      this.#rng.nextU32().toString(36) +
      this.#rng.nextU32().toString(36);
    this.#media = this.#mediaController();
  }

  // --- attributes ---------------------------------------------------------------------------

  get signalingState(): SignalingState {
    return this.#signalingState;
  }
  get iceGatheringState(): RTCIceGathererState {
    return this.#iceGatheringState;
  }
  get iceConnectionState(): RTCIceTransportState {
    return this.#iceConnectionState;
  }
  get connectionState(): PeerConnectionState {
    return this.#connectionState;
  }
  get localDescription(): RTCSessionDescription | null {
    return this.#local(this.#jsep.pendingLocalDescription ?? this.#jsep.currentLocalDescription);
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#local(this.#jsep.currentLocalDescription);
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#local(this.#jsep.pendingLocalDescription);
  }
  get remoteDescription(): RTCSessionDescription | null {
    const d = this.#jsep.pendingRemoteDescription ?? this.#jsep.currentRemoteDescription;
    return d ? new RTCSessionDescription(d) : null;
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    const d = this.#jsep.currentRemoteDescription;
    return d ? new RTCSessionDescription(d) : null;
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    const d = this.#jsep.pendingRemoteDescription;
    return d ? new RTCSessionDescription(d) : null;
  }
  /** webrtc-pc §4.4.1.6: null until a remote description; then whether it says `trickle`. */
  get canTrickleIceCandidates(): boolean | null {
    const r = this.#jsep.remoteTransport;
    if (!r) return null;
    const m = r.model.media[0];
    return (m?.iceOptions ?? r.model.iceOptions ?? []).includes("trickle");
  }
  get sctp(): RTCSctpTransport | null {
    return this.#sctp;
  }
  /** Not part of webrtc-pc: the DTLS transport shared by every section (max-bundle). */
  get dtlsTransport(): RTCDtlsTransport {
    return this.#dtlsTransport;
  }
  get idpLoginUrl(): null {
    return null;
  }

  // --- negotiation --------------------------------------------------------------------------

  createOffer(options?: { iceRestart?: boolean }): Promise<RTCSessionDescriptionInit> {
    return this.#chain(() => {
      if (options?.iceRestart) this.#restartPending = true;
      return { type: "offer", sdp: this.#createOffer() };
    });
  }

  createAnswer(_options?: object): Promise<RTCSessionDescriptionInit> {
    return this.#chain(() => {
      const creds = this.#answerCreds();
      return { type: "answer", sdp: this.#createAnswer(creds) };
    });
  }

  setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    return this.#chain(async () => {
      let type = description?.type;
      let sdp = description?.sdp ?? "";
      if (type === "rollback") {
        this.#jsep.rollback("local");
        this.#nextCreds = undefined;
        this.#signalingChanged();
        return;
      }
      const s = this.#jsep.signalingState;
      type ??=
        s === "stable" || s === "have-local-offer" || s === "have-remote-pranswer"
          ? "offer"
          : "answer";
      if (sdp === "") {
        sdp = type === "offer" ? this.#createOffer() : this.#createAnswer(this.#answerCreds());
      }
      const applied = this.#jsep.setLocal(type, sdp);
      await this.#ensureRunner(type === "offer" ? "controlling" : "controlled");
      const runner = this.#runner!;
      const core = runner.core;
      const now = runner.now();
      const t = applied.transport;
      if (
        t.ufrag &&
        t.pwd &&
        (t.ufrag !== core.localCredentials.ufrag || t.pwd !== core.localCredentials.pwd)
      ) {
        core.restartIce(now, { ufrag: t.ufrag, pwd: t.pwd });
        runner.reregister();
        this.#localCandidates = [];
      }
      if (t.ufrag && t.pwd) this.#creds = { ufrag: t.ufrag, pwd: t.pwd };
      this.#nextCreds = undefined;
      if (type === "offer") this.#restartPending = false;
      if (type !== "offer" && this.#deferredRemote) {
        const d = this.#deferredRemote;
        this.#deferredRemote = undefined;
        core.setRemoteCredentials(now, d.creds, d.lite);
      }
      if (!this.#gathering && t.model.media.some((m) => m.port !== 0 || m.bundleOnly)) {
        this.#gathering = true;
        await this.#startGathering();
      }
      if (type === "answer") {
        this.#applyTransport();
        this.#mediaNegotiated(true);
      }
      runner.pump();
      this.#signalingChanged();
    });
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    return this.#chain(async () => {
      if (!description || typeof description !== "object" || description.type === undefined)
        throw new TypeError("setRemoteDescription needs a description with a type");
      const type = description.type;
      if (type === "rollback") {
        this.#jsep.rollback("remote");
        this.#deferredRemote = undefined;
        this.#signalingChanged();
        return;
      }
      const applied = this.#jsep.setRemote(type, description.sdp ?? "");
      await this.#ensureRunner(type === "offer" ? "controlled" : "controlling");
      const runner = this.#runner!;
      const core = runner.core;
      const now = runner.now();
      const t = applied.transport;
      if (t.ufrag && t.pwd) {
        const creds = { ufrag: t.ufrag, pwd: t.pwd };
        const cur = this.#remoteCreds;
        if (cur && cur.ufrag !== creds.ufrag && type === "offer") {
          // The peer restarts ICE: we restart too, with the credentials of our answer.
          this.#deferredRemote = { creds, lite: t.lite };
        } else if (!cur || cur.ufrag !== creds.ufrag || cur.pwd !== creds.pwd) {
          core.setRemoteCredentials(now, creds, t.lite);
        }
        this.#remoteCreds = creds;
      }
      for (const c of t.candidates) {
        core.addRemoteCandidate(now, c);
        this.#remoteCandidates.push(c);
      }
      if (t.endOfCandidates) core.addRemoteEndOfCandidates(now);
      this.#media.remoteApplied(type, t.model);
      if (type === "answer") {
        this.#applyTransport();
        this.#mediaNegotiated(false);
      }
      runner.pump();
      this.#signalingChanged();
    });
  }

  addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    return this.#chain(() => {
      if (!this.#jsep.remoteTransport)
        throw domError("InvalidStateError", "addIceCandidate before setRemoteDescription");
      const runner = this.#runner;
      if (!runner) return;
      const core = runner.core;
      const now = runner.now();
      if (!candidate?.candidate) {
        if (
          candidate &&
          candidate.sdpMid == null &&
          candidate.sdpMLineIndex == null &&
          candidate.candidate !== ""
        )
          throw new TypeError("sdpMid and sdpMLineIndex are both null");
        // RFC 8838 §4.4: end-of-candidates.
        core.addRemoteEndOfCandidates(now);
        runner.pump();
        return;
      }
      if (candidate.sdpMid == null && candidate.sdpMLineIndex == null)
        throw new TypeError("sdpMid and sdpMLineIndex are both null");
      const mids = this.#jsep.remoteTransport.mids;
      if (candidate.sdpMid != null && !mids.includes(candidate.sdpMid))
        throw domError("OperationError", `no m-section with mid ${candidate.sdpMid}`);
      if (candidate.sdpMid == null && (candidate.sdpMLineIndex ?? 0) >= mids.length)
        throw domError("OperationError", `no m-section at index ${candidate.sdpMLineIndex}`);
      const text = candidate.candidate;
      if (tryParseCandidate(text) === undefined)
        throw domError("OperationError", `cannot parse candidate ${text}`);
      const ic = parseIceCandidate(text);
      if (ic?.component !== 1) return; // TCP and RTCP candidates are not used
      const c: IceCandidate = candidate.usernameFragment
        ? { ...ic, usernameFragment: candidate.usernameFragment }
        : ic;
      core.addRemoteCandidate(now, c);
      this.#remoteCandidates.push(c);
      runner.pump();
    });
  }

  /** webrtc-pc §4.4.1.6 restartIce(): the next offer carries new ICE credentials. */
  restartIce(): void {
    if (this.#closed) return;
    this.#restartPending = true;
    this.#updateNegotiationNeeded();
  }

  getConfiguration(): RTCConfiguration {
    return {
      ...this.#config,
      iceServers: this.#config.iceServers.map((s) => ({ ...s })),
      certificates: [this.#certificate],
    };
  }

  setConfiguration(configuration?: RTCConfiguration): void {
    if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
    const v = validateConfiguration(configuration);
    const c = configuration ?? {};
    if (c.certificates && (c.certificates.length !== 1 || c.certificates[0] !== this.#certificate))
      throw domError("InvalidModificationError", "certificates cannot change");
    if (v.config.bundlePolicy !== this.#config.bundlePolicy)
      throw domError("InvalidModificationError", "bundlePolicy cannot change");
    if (v.config.rtcpMuxPolicy !== this.#config.rtcpMuxPolicy)
      throw domError("InvalidModificationError", "rtcpMuxPolicy cannot change");
    if (
      v.config.iceCandidatePoolSize !== this.#config.iceCandidatePoolSize &&
      this.#jsep.localTransport
    )
      throw domError(
        "InvalidModificationError",
        "iceCandidatePoolSize cannot change after setLocalDescription",
      );
    this.#config = { ...v.config, certificates: [this.#certificate] };
    this.#servers = v.servers;
  }

  getStats(_selector?: unknown): Promise<RTCStatsReport> {
    return Promise.resolve(
      buildStatsReport({
        core: this.#runner?.core,
        channels: [...this.#channels.values()],
        certificate: certificateMaterial(this.#certificate).der,
        localFingerprint: this.#certificate.getFingerprints()[0]!.value!,
        crypto: this.#crypto,
        channelsOpened: this.#channelsOpened,
        channelsClosed: this.#channelsClosed,
        dtlsState: this.#dtlsTransport.state,
      }),
    );
  }

  // --- data channels ------------------------------------------------------------------------

  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
    const lbl = String(label ?? "");
    const protocol = String(init.protocol ?? "");
    if (Buffer.byteLength(lbl) > 65535) throw new TypeError("label longer than 65535 bytes");
    if (Buffer.byteLength(protocol) > 65535)
      throw new TypeError("protocol longer than 65535 bytes");
    const clamp = (v: number | undefined) =>
      v === undefined || v === null ? null : Math.min(65535, Math.max(0, Math.trunc(Number(v))));
    const maxPacketLifeTime = clamp(init.maxPacketLifeTime);
    const maxRetransmits = clamp(init.maxRetransmits);
    if (maxPacketLifeTime !== null && maxRetransmits !== null)
      throw new TypeError("maxPacketLifeTime and maxRetransmits are mutually exclusive");
    const negotiated = init.negotiated ?? false;
    const id = init.id === undefined || init.id === null ? null : Math.trunc(Number(init.id));
    if (negotiated && id === null) throw new TypeError("a negotiated channel needs an id");
    if (id !== null && (id < 0 || id > 65534)) throw new TypeError(`invalid id ${id}`);
    const priority = init.priority ?? "low";
    if (!["very-low", "low", "medium", "high"].includes(priority))
      throw new TypeError(`invalid priority ${priority}`);
    const settings: ChannelSettings = {
      label: lbl,
      ordered: init.ordered ?? true,
      maxPacketLifeTime,
      maxRetransmits,
      protocol,
      negotiated,
      id: negotiated ? id : null,
      priority,
    };
    if (id !== null && (this.#channels.has(id) || this.#pending.some((p) => p.init.id === id)))
      throw domError("OperationError", `data channel id ${id} is in use`);
    const channel = new RTCDataChannel(this.#host, settings);
    const core = this.#runner?.core;
    if (core?.hasSctp) this.#openInCore(channel, { ...init, id: id ?? undefined });
    else this.#pending.push({ channel, init: { ...init, id: id ?? undefined } });
    if (!this.#wantsData) {
      this.#wantsData = true;
      this.#updateNegotiationNeeded();
    }
    return channel;
  }

  // --- media: encoded tracks (see ./media) ----------------------------------------------------

  /** webrtc-pc §5.1 addTrack: a sender for `track`, reusing a free transceiver of its kind. */
  addTrack(track: EncodedMediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
    if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
    return this.#media.addTrack(track, streams);
  }

  /** webrtc-pc §5.1 removeTrack: stops sending; the transceiver keeps receiving. */
  removeTrack(sender: RTCRtpSender): void {
    if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
    this.#media.removeTrack(sender);
  }

  /** webrtc-pc §5.1 addTransceiver with a kind (`"audio"`/`"video"`) or a track. */
  addTransceiver(
    trackOrKind: EncodedMediaStreamTrack | "audio" | "video",
    init?: RTCRtpTransceiverInit,
  ): RTCRtpTransceiver {
    if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
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
    if (this.#closed) return;
    this.#closed = true;
    this.#jsep.close();
    this.#signalingState = "closed";
    for (const ch of this.#channels.values()) ch._closed(false);
    for (const p of this.#pending) p.channel._closed(false);
    this.#channels.clear();
    this.#pending = [];
    this.#media.close();
    this.#iceTransport._state = "closed";
    this.#dtlsTransport._state = "closed";
    if (this.#sctp) this.#sctp._state = "closed";
    this.#iceConnectionState = "closed";
    this.#connectionState = "closed";
    this.#tasks = [];
    const r = this.#runner;
    if (r) void r.close().catch((e) => this.#log.warn("close failed", { error: String(e) }));
    else if (this.#runnerReady)
      void this.#runnerReady.then(() => this.#runner?.close()).catch(() => {});
  }

  // --- internals ----------------------------------------------------------------------------

  #chain<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(domError("InvalidStateError", "the RTCPeerConnection is closed"));
    const p = this.#ops.then(async () => {
      if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
      try {
        return await fn();
      } catch (e) {
        throw toW3cError(e);
      }
    });
    this.#ops = p.catch(() => {});
    return p;
  }

  /** A restart by the peer (RFC 8445 §9) gets new credentials in our answer. */
  #answerCreds(): IceCredentials {
    if (!this.#deferredRemote) return this.#creds;
    this.#nextCreds ??= generateCredentials(this.#rng);
    return this.#nextCreds;
  }

  #offerCreds(): IceCredentials {
    if (!this.#restartPending) return this.#creds;
    this.#nextCreds ??= generateCredentials(this.#rng);
    return this.#nextCreds;
  }

  #localInit(credentials: IceCredentials): LocalTransportInit {
    return {
      credentials,
      fingerprints: this.#certificate
        .getFingerprints()
        .map((f) => ({ algorithm: f.algorithm!, value: f.value! })),
      candidates: credentials === this.#creds ? this.#localCandidates : [],
      endOfCandidates: credentials === this.#creds && this.#iceGatheringState === "complete",
      maxMessageSize: this.#opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      sctpPort: 5000,
    };
  }

  #local(
    d: { type: "offer" | "answer" | "pranswer"; sdp: string } | undefined,
  ): RTCSessionDescription | null {
    const withC = this.#jsep.withCandidates(
      d,
      this.#localCandidates,
      this.#iceGatheringState === "complete",
    );
    return withC ? new RTCSessionDescription(withC) : null;
  }

  async #ensureRunner(role: "controlling" | "controlled"): Promise<void> {
    if (!this.#runnerReady) this.#runnerReady = this.#createRunner(role);
    await this.#runnerReady;
    if (this.#closed) throw domError("InvalidStateError", "the RTCPeerConnection is closed");
  }

  async #createRunner(role: "controlling" | "controlled"): Promise<void> {
    const { stun: stunServers, turn } = await this.#resolveIceServers();
    this.#turnServers = turn;
    const cert = certificateMaterial(this.#certificate);
    const core = new PeerCore({
      iceRole: role,
      certificate: cert,
      crypto: this.#crypto,
      rng: this.#rng,
      logger: this.#log,
      ice: {
        credentials: this.#creds,
        stunServers,
        transportPolicy: this.#config.iceTransportPolicy,
        mdns: this.#opts.mdns ?? "query-only",
      },
      sctp: { maxReceiveMessageSize: this.#opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE },
      cname: this.#cname,
      media: { wallClockOffsetMs: performance.timeOrigin },
    });
    this.#runner = new PeerRunner(
      core,
      (e) => this.#onCoreEvent(e),
      () => this.#afterPump(),
      this.#log,
    );
    if (this.#closed) return;
  }

  async #startGathering(): Promise<void> {
    const runner = this.#runner!;
    const o = this.#opts;
    await runner.bind({
      ...(o.interfaces ? { interfaces: o.interfaces } : {}),
      ...(o.addresses ? { addresses: o.addresses } : {}),
      ...(o.portRange ? { portRange: o.portRange } : {}),
      ...(o.singlePort ? { mux: o.singlePort } : {}),
      ...(o.natIp ? { announcedAddresses: o.natIp } : {}),
      mdns: (o.mdns ?? "query-only") !== "disabled",
      logger: this.#log,
    });
    if (this.#closed) return;
    await runner.addTurnRelays(
      this.#turnServers,
      this.#crypto,
      this.#rng,
      ...(o.portRange ? [o.portRange] : []),
    );
    if (this.#closed) return;
    runner.core.gather(runner.now());
    runner.pump();
  }

  /**
   * Resolves the configured servers' host names: `stun:` URLs for server-reflexive candidates,
   * `turn:` URLs over UDP for relayed ones. `stuns:`, `turns:` and `?transport=tcp` are skipped
   * with a warning and an `icecandidateerror` (the Node runner relays over UDP only), as is a
   * name that does not resolve (701, as browsers report an unreachable server).
   */
  async #resolveIceServers(): Promise<{ stun: IceStunServer[]; turn: RunnerTurnServer[] }> {
    const stun: IceStunServer[] = [];
    const turn: RunnerTurnServer[] = [];
    const fail = (url: string, errorText: string) => {
      this.#log.warn("ICE server skipped", { url, reason: errorText });
      this.#queue(() =>
        this.dispatchEvent(
          new RTCPeerConnectionIceErrorEvent("icecandidateerror", {
            url,
            errorCode: 701,
            errorText,
          }),
        ),
      );
    };
    for (const s of this.#servers) {
      if (s.scheme === "stuns" || s.scheme === "turns" || s.transport === "tcp") {
        fail(s.url, "only STUN and TURN over UDP are supported: skipped");
        continue;
      }
      let address: string;
      try {
        address = isIP(s.host) ? s.host : (await lookup(s.host)).address;
      } catch (e) {
        fail(s.url, `cannot resolve ${s.host}: ${String(e)}`);
        continue;
      }
      if (s.scheme === "stun") stun.push({ address, port: s.port, url: s.url });
      else
        turn.push({
          url: s.url,
          server: { address: normalizeIp(address), port: s.port },
          username: s.username!,
          credential: s.credential!,
        });
    }
    return { stun, turn };
  }

  #applyTransport(): void {
    const runner = this.#runner;
    const role = this.#jsep.dtlsRole;
    const r = this.#jsep.remoteTransport;
    const l = this.#jsep.localTransport;
    if (!runner || !role || !r || !l || r.fingerprints.length === 0) return;
    const core = runner.core;
    const data = r.data !== undefined && l.data !== undefined;
    core.setTransportParameters(runner.now(), {
      dtlsRole: role,
      fingerprints: r.fingerprints,
      localSctpPort: l.data?.sctpPort ?? 5000,
      remoteSctpPort: r.data?.sctpPort ?? 5000,
      remoteMaxMessageSize: r.data?.maxMessageSize ?? 65536,
      sctp: data,
    });
    if (!data) return;
    this.#sctp ??= new RTCSctpTransport(this.#source(), this.#dtlsTransport);
    // webrtc-pc §6.1: ids are generated for the null-id channels once the chosen ones are
    // known, so channels with an id (negotiated) are opened first and never lose it.
    const pending = [
      ...this.#pending.filter((p) => p.init.id !== undefined),
      ...this.#pending.filter((p) => p.init.id === undefined),
    ];
    this.#pending = [];
    for (const p of pending) {
      try {
        this.#openInCore(p.channel, p.init);
      } catch (e) {
        const ch = p.channel;
        this.#queue(() => ch._fail(String(e)));
      }
    }
  }

  #openInCore(channel: RTCDataChannel, init: RTCDataChannelInit): void {
    const runner = this.#runner!;
    const id = runner.core.createChannel(runner.now(), {
      label: channel.label,
      protocol: channel.protocol,
      ordered: channel.ordered,
      ...(channel.maxRetransmits !== null ? { maxRetransmits: channel.maxRetransmits } : {}),
      ...(channel.maxPacketLifeTime !== null
        ? { maxPacketLifeTime: channel.maxPacketLifeTime }
        : {}),
      negotiated: channel.negotiated,
      ...(init.id !== undefined ? { id: init.id } : {}),
      priority: channel.priority,
    });
    channel._assignId(id);
    this.#channels.set(id, channel);
    runner.pump();
  }

  #signalingChanged(): void {
    const s = this.#jsep.signalingState;
    if (s === this.#signalingState) return;
    this.#signalingState = s;
    this.dispatchEvent(new Event("signalingstatechange"));
    if (s === "stable") {
      this.#negotiationNeeded = false;
      this.#updateNegotiationNeeded();
    }
  }

  /** webrtc-pc §4.7.3 "update the negotiation-needed flag", for data sections and restarts. */
  #updateNegotiationNeeded(): void {
    if (this.#closed) return;
    const hasData =
      this.#jsep.currentLocalDescription !== undefined &&
      this.#jsep.localTransport?.data !== undefined;
    const needed =
      this.#restartPending ||
      (this.#wantsData && !hasData) ||
      this.#media.negotiationNeeded(this.#jsep.localTransport?.model);
    if (!needed) {
      this.#negotiationNeeded = false;
      return;
    }
    if (this.#jsep.signalingState !== "stable" || this.#negotiationNeeded) return;
    this.#negotiationNeeded = true;
    this.#queue(() => {
      if (this.#negotiationNeeded && this.#jsep.signalingState === "stable")
        this.dispatchEvent(new Event("negotiationneeded"));
    });
  }

  #queue(task: Task): void {
    this.#tasks.push(task);
    if (this.#tasksScheduled) return;
    this.#tasksScheduled = true;
    setImmediate(() => this.#runTasks());
  }

  #runTasks(): void {
    this.#tasksScheduled = false;
    const tasks = this.#tasks;
    this.#tasks = [];
    for (const t of tasks) {
      if (this.#closed) return;
      t();
    }
  }

  #afterPump(): void {
    if (this.#watched.size === 0 || this.#bufferedTaskQueued) return;
    this.#bufferedTaskQueued = true;
    this.#queue(() => {
      this.#bufferedTaskQueued = false;
      for (const ch of this.#watched) if (!ch._updateBuffered()) this.#watched.delete(ch);
    });
  }

  #createOffer(): string {
    const used = new Set<string>();
    for (const d of [this.#jsep.localTransport, this.#jsep.remoteTransport])
      for (const mid of d?.mids ?? []) if (mid !== undefined) used.add(mid);
    const data = this.#jsep.localTransport?.data?.mid;
    if (data !== undefined) used.add(data);
    const media = this.#media.offerMedia(used);
    return this.#jsep.createOffer(this.#localInit(this.#offerCreds()), this.#wantsData, media);
  }

  #createAnswer(creds: IceCredentials): string {
    const offer = this.#jsep.pendingRemoteDescription;
    const model = offer ? this.#jsep.remoteTransport?.model : undefined;
    return this.#jsep.createAnswer(
      this.#localInit(creds),
      model ? this.#media.answerOptions(model) : undefined,
    );
  }

  /** An answer was applied: transceivers' currentDirection and the core's streams follow it. */
  #mediaNegotiated(weAnswered: boolean): void {
    const l = this.#jsep.currentLocalDescription;
    const r = this.#jsep.currentRemoteDescription;
    const lm = this.#jsep.localTransport?.model;
    const rm = this.#jsep.remoteTransport?.model;
    if (l && r && lm && rm) this.#media.negotiated(lm, rm, weAnswered);
  }

  #mediaController(): MediaController {
    return new MediaController(
      {
        core: () => this.#runner?.core,
        now: () => this.#runner?.now() ?? 0,
        pump: () => this.#runner?.pump(),
        queue: (task) => this.#queue(task),
        changed: () => this.#updateNegotiationNeeded(),
        dispatchTrack: (e) => this.dispatchEvent(e),
        dtlsTransport: this.#dtlsTransport,
        rng: this.#rng,
      },
      this.#cname,
    );
  }

  #onCoreEvent(e: PeerCoreEvent): void {
    switch (e.type) {
      case "rtp":
      case "frame":
      case "keyframe-request":
        this.#queue(() => this.#media.deliver(e));
        return;
      case "message":
        // Looked up in the task: the channel of a DCEP OPEN that came in the same flight is
        // created by the (earlier) datachannel task.
        this.#queue(() => this.#channels.get(e.id)?._message(e.data));
        return;
      case "ice-candidate":
        this.#queue(() => {
          this.#localCandidates.push(e.candidate);
          this.dispatchEvent(
            new RTCPeerConnectionIceEvent("icecandidate", {
              candidate: toRtcCandidate(e.candidate, this.#bundleMid()),
              url: e.candidate.url ?? null,
            }),
          );
        });
        return;
      case "ice-gathering-state":
        this.#queue(() => {
          if (this.#iceGatheringState === e.state) return;
          this.#iceGatheringState = e.state;
          this.#iceTransport._gatheringState = e.state;
          this.#iceTransport.dispatchEvent(new Event("gatheringstatechange"));
          this.dispatchEvent(new Event("icegatheringstatechange"));
          if (e.state === "complete")
            this.dispatchEvent(new RTCPeerConnectionIceEvent("icecandidate", { candidate: null }));
        });
        return;
      case "ice-connection-state":
        this.#queue(() => {
          this.#iceTransport._state = e.state;
          this.#iceTransport.dispatchEvent(new Event("statechange"));
          if (this.#iceConnectionState === e.state) return;
          this.#iceConnectionState = e.state;
          this.dispatchEvent(new Event("iceconnectionstatechange"));
        });
        return;
      case "selected-pair":
        this.#queue(() =>
          this.#iceTransport.dispatchEvent(new Event("selectedcandidatepairchange")),
        );
        return;
      case "candidate-error": {
        // webrtc-pc §4.8.3: the local address only when a local candidate already exposes it.
        const local = this.#runner?.relayLocal(e.url);
        const exposed =
          local !== undefined &&
          this.#config.iceTransportPolicy === "all" &&
          (this.#opts.mdns ?? "query-only") !== "query-and-gather";
        this.#queue(() =>
          this.dispatchEvent(
            new RTCPeerConnectionIceErrorEvent("icecandidateerror", {
              address: exposed ? local.address : null,
              port: local?.port ?? null,
              url: e.url,
              errorCode: e.errorCode,
              errorText: e.errorText,
            }),
          ),
        );
        return;
      }
      case "dtls-state":
        this.#queue(() => this.#onDtlsState(e.state, e.reason, e.message));
        return;
      case "sctp-state":
        this.#queue(() => {
          const sctp = this.#sctp;
          if (!sctp || sctp._state === e.state) return;
          sctp._state = e.state;
          sctp.dispatchEvent(new Event("statechange"));
          if (e.state === "closed") {
            for (const ch of this.#channels.values()) ch._closed();
            this.#channels.clear();
          }
        });
        return;
      case "connection-state":
        this.#queue(() => {
          if (this.#connectionState === e.state) return;
          this.#connectionState = e.state;
          this.dispatchEvent(new Event("connectionstatechange"));
        });
        return;
      case "datachannel":
        this.#queue(() => {
          const info = e.channel;
          const ch = new RTCDataChannel(this.#host, {
            label: info.label,
            ordered: info.ordered,
            maxPacketLifeTime: info.maxPacketLifeTime,
            maxRetransmits: info.maxRetransmits,
            protocol: info.protocol,
            negotiated: false,
            id: info.id,
            priority: info.priority,
          });
          this.#channels.set(info.id, ch);
          this.#channelsOpened++;
          this.dispatchEvent(new RTCDataChannelEvent("datachannel", { channel: ch }));
          ch._open();
        });
        return;
      case "channel-open":
        this.#queue(() => {
          const ch = this.#channels.get(e.id);
          if (!ch) return;
          this.#channelsOpened++;
          ch._open();
        });
        return;
      case "buffered-amount-low":
        return;
      case "channel-closing":
        this.#queue(() => this.#channels.get(e.id)?._closing());
        return;
      case "channel-close":
        this.#queue(() => {
          const ch = this.#channels.get(e.id);
          if (!ch) return;
          this.#channels.delete(e.id);
          this.#watched.delete(ch);
          this.#channelsClosed++;
          ch._closed();
        });
        return;
    }
  }

  #onDtlsState(state: DtlsTransportState, reason?: string, message?: string): void {
    const t = this.#dtlsTransport;
    if (t._state === state) return;
    t._state = state;
    t.dispatchEvent(new Event("statechange"));
    if (state === "failed") {
      const detail = reason === "fingerprint-mismatch" ? "fingerprint-failure" : "dtls-failure";
      t.dispatchEvent(
        new RTCErrorEvent("error", {
          error: new RTCError({ errorDetail: detail }, message ?? reason ?? "DTLS failed"),
        }),
      );
    }
  }

  #bundleMid(): string {
    const l = this.#jsep.localTransport;
    return l?.mids.find((m) => m !== undefined) ?? "0";
  }

  #source(): TransportSource {
    return {
      iceRole: () => this.#runner?.core.iceRole ?? "unknown",
      localCandidates: () => this.#localCandidates,
      remoteCandidates: () => this.#remoteCandidates,
      selectedPair: () => this.#runner?.core.selectedPair,
      localParameters: () => ({ usernameFragment: this.#creds.ufrag, password: this.#creds.pwd }),
      remoteParameters: () =>
        this.#remoteCreds
          ? { usernameFragment: this.#remoteCreds.ufrag, password: this.#remoteCreds.pwd }
          : null,
      remoteCertificates: () => {
        const der = this.#runner?.core.remoteCertificate;
        return der ? [der.slice().buffer] : [];
      },
      sctpMaxMessageSize: () => {
        const remote = this.#runner?.core.remoteMaxMessageSize ?? 65536;
        const local = this.#opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
        if (remote === 0) return local === 0 ? Number.POSITIVE_INFINITY : local;
        return local === 0 ? remote : Math.min(remote, local);
      },
    };
  }

  #channelHost(): ChannelHost {
    return {
      send: (_ch, id, data) => {
        const r = this.#runner;
        if (!r || this.#closed) return;
        r.core.send(r.now(), id, data);
        r.pump();
      },
      close: (_ch, id) => {
        const r = this.#runner;
        if (!r || this.#closed) return;
        r.core.closeChannel(r.now(), id);
        r.pump();
      },
      sctpBufferedAmount: (id) => this.#runner?.core.bufferedAmount(id) ?? 0,
      maxMessageSize: () => this.#runner?.core.remoteMaxMessageSize ?? 65536,
      watchBuffered: (ch) => {
        this.#watched.add(ch);
        this.#afterPump();
      },
    };
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
