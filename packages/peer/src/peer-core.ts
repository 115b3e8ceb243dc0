/**
 * The sans-IO peer core: one ICE agent, one DTLS endpoint and one SCTP association with its
 * data-channel endpoint (max-bundle: everything on one 5-tuple). Incoming datagrams are
 * demultiplexed by first byte (RFC 7983); after every input the children are drained in a fixed
 * order (ICE, DTLS, SCTP) until none has anything left, so one call moves bytes all the way up
 * or down the stack.
 *
 * ```
 *   app ──send──▶ SCTP ──packet──▶ DTLS ──record──▶ ICE ──▶ pollTransmit()
 *   handleDatagram ──▶ demux ─┬─ STUN ─────────────▶ ICE
 *                             ├─ DTLS ──▶ DTLS ──data──▶ SCTP ──▶ pollEvent()
 *                             └─ RTP  ──▶ SRTP ──▶ MediaSession ──▶ pollEvent()
 * ```
 *
 * DTLS's `connected` keys SRTP (RFC 5764 §4.2) from the exporter and the negotiated profile.
 */
import { type Datagram, Fifo, type Logger, type Millis, type Transmit } from "@purertc/common";
import { DtlsEndpoint, type DtlsFingerprint, type DtlsStats } from "@purertc/dtls";
import {
  type HostCandidateOptions,
  IceAgent,
  type IceAgentEvent,
  type IceAgentStats,
  type IceCandidate,
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  type IceRelayClient,
  type IceRole,
} from "@purertc/ice";
import type { HeaderExtension, RtpPacket } from "@purertc/rtp";
import {
  type AssociationStats,
  DataChannelEndpoint,
  type DataChannelEvent,
  type DataChannelInfo,
  type DataChannelInit,
  type DataChannelState,
  type DataChannelStats,
} from "@purertc/sctp";
import { srtpProfileFromDtlsId } from "@purertc/srtp";
import {
  type DtlsTransportState,
  type PeerConnectionState,
  peerConnectionState,
} from "./connection-state.js";
import { classifyDatagram } from "./demux.js";
import { MediaSession, type MediaSessionStats } from "./media/media-session.js";
import type { MediaReceiveConfig } from "./media/receive-stream.js";
import type { MediaSendConfig } from "./media/send-stream.js";
import { keySrtp } from "./media/srtp-keying.js";
import { type PeerCoreConfig, resolvePeerCoreConfig } from "./peer-core-config.js";
import type { PeerCoreEvent, SctpTransportState } from "./peer-core-events.js";
import { peerEventOfSctp } from "./sctp-events.js";

/** What the remote description says about the DTLS and SCTP transports. */
export interface TransportParameters {
  /** Our DTLS role, from `a=setup` (RFC 8842 §5): the `active` side is the client. */
  readonly dtlsRole: "client" | "server";
  /** The peer's certificate fingerprints (`a=fingerprint`, RFC 8122 §5). */
  readonly fingerprints: readonly DtlsFingerprint[];
  /** `a=sctp-port` of both sides (RFC 8841 §5.2; 5000 when absent). */
  readonly localSctpPort: number;
  readonly remoteSctpPort: number;
  /** The peer's `a=max-message-size` (RFC 8841 §6: 65536 when absent, 0 = unlimited). */
  readonly remoteMaxMessageSize: number;
  /** Whether a data section was negotiated (default true); media-only peers have no SCTP. */
  readonly sctp?: boolean;
}

/** The earlier of two optional deadlines. */
function earlier(a: Millis | undefined, b: Millis | undefined): Millis | undefined {
  return b === undefined || (a !== undefined && a <= b) ? a : b;
}

/** Counters of the core's own demultiplexer, plus each child's snapshot. */
export interface PeerCoreStats {
  readonly stunDatagrams: number;
  readonly dtlsDatagrams: number;
  /** RTP/RTCP datagrams handed to the media session. */
  readonly rtpDropped: number;
  /** Datagrams of no known protocol, or DTLS held over the bound. */
  readonly unknownDropped: number;
  /** Exceptions a child threw on remote input (a bug: caught so the caller keeps running). */
  readonly internalErrors: number;
  readonly ice: IceAgentStats;
  readonly dtls: DtlsStats | undefined;
  readonly sctp: AssociationStats | undefined;
  readonly media: MediaSessionStats;
}

/** The peer connection's protocol machines as one sans-IO endpoint. */
export class PeerCore {
  readonly #config: PeerCoreConfig;
  readonly #log: Logger;
  readonly #ice: IceAgent;
  readonly #events = new Fifo<PeerCoreEvent>();
  #dtls: DtlsEndpoint | undefined;
  #sctp: DataChannelEndpoint | undefined;
  /**
   * Created on first use (a stream configured, RTP in or out, `media` read): a data-channel-only
   * connection never pays for it (its transport-wide feedback history alone is ~64 KB).
   */
  #mediaSession: MediaSession | undefined;
  #params: TransportParameters | undefined;
  /** DTLS datagrams that arrived before the DTLS endpoint existed. */
  #early: Datagram[] = [];
  /** DTLS datagrams to send once ICE selects a pair. */
  #held: Uint8Array[] = [];
  #hasPair = false;
  /** The time of the latest input, for the DTLS records that SCTP packets pulled later become. */
  #now: Millis = 0;
  /** The negotiated SRTP profile, kept until media is in use ({@link PeerCore.#keySrtpIfUsed}). */
  #srtpPending: { readonly profile: number; readonly mki: Uint8Array } | undefined;
  /**
   * As DTLS client, when our SCTP INIT goes out unless the peer's came first (see
   * {@link PeerCore.#onDtls}): a deadline in the timer set, at the instant DTLS connected.
   */
  #sctpConnectAt: Millis | undefined;
  #srtpProfile: string | undefined;
  #mediaUsed = false;
  #iceState: IceConnectionState = "new";
  #dtlsState: DtlsTransportState = "new";
  #sctpState: SctpTransportState | undefined;
  #connState: PeerConnectionState = "new";
  #closed = false;
  #remoteCertificate: Uint8Array | undefined;
  #cipherSuite: string | undefined;
  #stun = 0;
  #dtlsIn = 0;
  #rtp = 0;
  #unknown = 0;
  #internal = 0;

  constructor(config: Partial<PeerCoreConfig> & Pick<PeerCoreConfig, "iceRole" | "certificate">) {
    this.#config = resolvePeerCoreConfig(config);
    const c = this.#config;
    this.#log = c.logger.child("peer");
    this.#ice = new IceAgent({
      crypto: c.crypto,
      rng: c.rng,
      logger: c.logger,
      ...c.ice,
      role: c.iceRole,
    });
  }

  // --- state --------------------------------------------------------------------------------

  get iceRole(): IceRole {
    return this.#ice.role;
  }

  get localCredentials(): IceCredentials {
    return this.#ice.localCredentials;
  }

  get iceConnectionState(): IceConnectionState {
    return this.#iceState;
  }

  get iceGatheringState(): IceGatheringState {
    return this.#ice.gatheringState;
  }

  get dtlsState(): DtlsTransportState {
    return this.#dtlsState;
  }

  /** `undefined` until the transport parameters are known (no SCTP association yet). */
  get sctpState(): SctpTransportState | undefined {
    return this.#sctpState;
  }

  get connectionState(): PeerConnectionState {
    return this.#connState;
  }

  /** Our DTLS role once the remote description fixed it. */
  get dtlsRole(): "client" | "server" | undefined {
    return this.#params?.dtlsRole;
  }

  get transportParameters(): TransportParameters | undefined {
    return this.#params;
  }

  /** The peer's leaf certificate (DER), once DTLS connected. */
  get remoteCertificate(): Uint8Array | undefined {
    return this.#remoteCertificate;
  }

  /** The negotiated DTLS cipher suite (IANA name), once connected. */
  get dtlsCipherSuite(): string | undefined {
    return this.#cipherSuite;
  }

  /** The SRTP protection profile DTLS negotiated (RFC 5764 §4.1.2 name), if any. */
  get srtpProfile(): string | undefined {
    return this.#srtpProfile;
  }

  get localCandidates(): readonly IceCandidate[] {
    return this.#ice.localCandidates;
  }

  get selectedPair(): { readonly local: IceCandidate; readonly remote: IceCandidate } | undefined {
    return this.#ice.selectedPair;
  }

  /** Whether channels can be created (the DTLS role, hence the id parity, is known). */
  get hasSctp(): boolean {
    return this.#sctp !== undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  describe(): string {
    return `peer ${this.#connState} | ${this.#ice.describe()} | ${this.#dtls?.describe() ?? "no dtls"} | ${this.#sctp?.describe() ?? "no sctp"}`;
  }

  // --- ICE ----------------------------------------------------------------------------------

  /** Adds a host candidate for one of the caller's sockets. */
  addHostCandidate(now: Millis, options: HostCandidateOptions): IceCandidate {
    const c = this.#ice.addHostCandidate(now, options);
    this.#pump(now);
    return c;
  }

  /**
   * Adds a relay source (a TURN allocation, `TurnRelayClient` from @purertc/ice) whose relayed
   * candidate joins the local ones (RFC 8445 §5.1.1.2); call before {@link gather}. Datagrams
   * from its server go to {@link handleDatagram} like any other.
   */
  addRelay(now: Millis, relay: IceRelayClient): void {
    this.#ice.addRelay(now, relay);
    this.#pump(now);
  }

  /** Starts gathering (server-reflexive and relayed candidates). */
  gather(now: Millis): void {
    this.#ice.gather(now);
    this.#pump(now);
  }

  /** The peer's ICE credentials (`a=ice-ufrag`/`a=ice-pwd`) and whether it is ICE-lite. */
  setRemoteCredentials(now: Millis, credentials: IceCredentials, lite = false): void {
    this.#ice.setRemoteCredentials(now, credentials, { lite });
    this.#pump(now);
  }

  /** ICE restart (RFC 8445 §9) with new local credentials. */
  restartIce(now: Millis, credentials: IceCredentials): void {
    this.#ice.restart(now, credentials);
    this.#pump(now);
  }

  addRemoteCandidate(now: Millis, candidate: IceCandidate): void {
    this.#ice.addRemoteCandidate(now, candidate);
    this.#pump(now);
  }

  addRemoteEndOfCandidates(now: Millis): void {
    this.#ice.addRemoteEndOfCandidates(now);
    this.#pump(now);
  }

  // --- DTLS and SCTP ------------------------------------------------------------------------

  /**
   * Applies what a remote description says about DTLS and SCTP. The first call creates the DTLS
   * endpoint and the SCTP association (the DTLS role fixes the data-channel id parity, RFC 8832
   * §6); later calls update the fingerprints and the peer's max-message-size.
   */
  setTransportParameters(now: Millis, params: TransportParameters): void {
    if (this.#closed) throw new TypeError("the peer core is closed");
    const c = this.#config;
    if (this.#dtls === undefined) {
      this.#params = params;
      this.#dtls = new DtlsEndpoint({
        crypto: c.crypto,
        rng: c.rng,
        logger: c.logger,
        // No HelloVerifyRequest (RFC 6347 §4.2.1) unless `dtls.helloVerify` asks for it: its cookie
        // proves the client receives at its address, which the ICE checks have already proved
        // (RFC 8445 §7.2.5.2.1), and DTLS goes out only on the ICE-selected pair, so nothing is
        // amplified towards a spoofed address. Saves a round trip, as libwebrtc does.
        helloVerify: false,
        ...c.dtls,
        role: params.dtlsRole,
        certificate: c.certificate,
        remoteFingerprints: params.fingerprints,
      });
      if (params.sctp !== false) this.#createSctp(params);
      const early = this.#early;
      this.#early = [];
      for (const d of early) this.#dtls.handleDatagram(now, d);
      this.#maybeStartDtls(now);
    } else {
      this.#params = { ...this.#params!, fingerprints: params.fingerprints };
      this.#dtls.setRemoteFingerprints(params.fingerprints);
      if (!this.#sctp && params.sctp !== false) {
        this.#createSctp({ ...this.#params, ...params });
        if (this.#dtls.state === "connected") this.#sctp!.connect(now);
      }
      if (this.#sctp) this.#sctp.maxMessageSize = params.remoteMaxMessageSize;
      this.#params = {
        ...this.#params,
        remoteMaxMessageSize: params.remoteMaxMessageSize,
      };
    }
    this.#pump(now);
  }

  // --- media --------------------------------------------------------------------------------

  /** The media session: streams, stats and CNAME (commands below drain it). */
  get media(): MediaSession {
    if (this.#mediaSession === undefined) {
      const c = this.#config;
      this.#mediaSession = new MediaSession(c.rng, c.logger, c.cname, c.media);
    }
    return this.#mediaSession;
  }

  /** Applies a negotiation's senders and receivers (see {@link MediaSession.configure}). */
  configureMedia(
    now: Millis,
    senders: readonly MediaSendConfig[],
    receivers: readonly MediaReceiveConfig[],
  ): void {
    const none = senders.length === 0 && receivers.length === 0;
    // Nothing to configure and nothing configured before: no session to create.
    if (none && this.#mediaSession === undefined) return;
    if (!none) this.#useMedia(now);
    this.media.configure(now, senders, receivers);
    this.#pump(now);
  }

  /** Sends one encoded frame on a sender; `false` before SRTP keys or for an unknown sender. */
  sendFrame(now: Millis, senderId: number, frame: Uint8Array, timestamp: number): boolean {
    return this.#mediaCommand(now, (m) => m.sendFrame(now, senderId, frame, timestamp));
  }

  /**
   * Sends a ready RTP packet on a sender (its SSRC, payload type and extensions rewritten);
   * `carried`: end-to-end header extensions to keep, already in this sender's ids (relaying).
   */
  sendRtp(
    now: Millis,
    senderId: number,
    packet: RtpPacket,
    carried?: readonly HeaderExtension[],
  ): boolean {
    return this.#mediaCommand(now, (m) => m.sendRtp(now, senderId, packet, carried));
  }

  /**
   * Plays DTMF tones on an audio sender (RFC 4733, see {@link MediaSession.insertDtmf}); `false`
   * when telephone-event was not negotiated for it or before SRTP keys.
   */
  insertDtmf(
    now: Millis,
    senderId: number,
    tones: string,
    durationMs: number,
    interToneGapMs: number,
  ): boolean {
    return this.#mediaCommand(now, (m) =>
      m.insertDtmf(now, senderId, tones, durationMs, interToneGapMs),
    );
  }

  /** Sends a PLI for a receiver's stream. */
  requestKeyFrame(now: Millis, receiverId: number): boolean {
    return this.#mediaCommand(now, (m) => m.requestKeyFrame(now, receiverId));
  }

  /** A media command: nothing once closed; marks media in use (SRTP keys), then drains. */
  #mediaCommand(now: Millis, run: (media: MediaSession) => boolean): boolean {
    if (this.#closed) return false;
    this.#useMedia(now);
    const ok = run(this.media);
    this.#pump(now);
    return ok;
  }

  /** Creates a data channel and returns its stream id (see `DataChannelEndpoint`). */
  createChannel(now: Millis, init: DataChannelInit): number {
    const id = this.#needSctp().createChannel(now, init);
    this.#pump(now);
    return id;
  }

  /** Sends a message on an open channel: text as UTF-8, bytes as binary. */
  send(now: Millis, id: number, data: string | Uint8Array): void {
    this.#needSctp().send(now, id, data);
    this.#pump(now);
  }

  /** Closes a channel by resetting its stream once queued data is sent (RFC 8831 §6.7). */
  closeChannel(now: Millis, id: number): void {
    this.#sctp?.close(now, id);
    this.#pump(now);
  }

  /** Bytes queued on a channel and not yet handed to DTLS. */
  bufferedAmount(id: number): number {
    return this.#sctp?.bufferedAmount(id) ?? 0;
  }

  channel(id: number): DataChannelInfo | undefined {
    return this.#sctp?.channel(id);
  }

  channelState(id: number): DataChannelState {
    return this.#sctp?.channelState(id) ?? "closed";
  }

  channelStats(id: number): DataChannelStats | undefined {
    return this.#sctp?.channelStats(id);
  }

  /** The peer's message size limit (0: none). */
  get remoteMaxMessageSize(): number | undefined {
    return this.#params?.remoteMaxMessageSize;
  }

  /**
   * Closes everything: SCTP ABORT and DTLS close_notify go out (drain `pollTransmit()` once more
   * before closing sockets), the ICE agent stops, no timer remains.
   */
  close(now: Millis): void {
    if (this.#closed) return;
    if (this.#sctp && this.#dtls?.state === "connected" && !this.#sctp.association.ended)
      this.#sctp.abort(now);
    this.#pump(now);
    // The ABORT and whatever SCTP still had go out before close_notify.
    while (this.#pullSctp());
    this.#dtls?.close();
    this.#pump(now);
    this.#closed = true;
    this.#ice.close(now);
    this.#events.clear();
  }

  // --- Endpoint -------------------------------------------------------------------------------

  /** Feeds one received datagram. Never throws on remote input. */
  handleDatagram(now: Millis, dgram: Datagram): void {
    if (this.#closed) return;
    try {
      if (dgram.from.port === 5353 || dgram.to?.port === 5353) {
        this.#ice.handleDatagram(now, dgram);
      } else {
        switch (classifyDatagram(dgram.data)) {
          case "stun":
          case "turn-channel":
            this.#stun++;
            this.#ice.handleDatagram(now, dgram);
            break;
          case "dtls":
          case "rtp":
            this.#applicationData(now, dgram);
            break;
          default:
            this.#unknown++;
            return;
        }
      }
      this.#pump(now);
    } catch (e) {
      this.#internalError(e);
    }
  }

  handleTimeout(now: Millis): void {
    if (this.#closed) return;
    try {
      const due = (t: Millis | undefined) => t !== undefined && t <= now;
      if (due(this.#ice.pollTimeout())) this.#ice.handleTimeout(now);
      if (this.#dtls && due(this.#dtls.pollTimeout())) this.#dtls.handleTimeout(now);
      if (due(this.#sctpConnectAt)) this.#connectSctpUnlessInitiated(now);
      if (this.#sctp && due(this.#sctp.pollTimeout())) this.#sctp.handleTimeout(now);
      const media = this.#mediaSession;
      if (media && due(media.pollTimeout())) media.handleTimeout(now);
      this.#pump(now);
    } catch (e) {
      this.#internalError(e);
    }
  }

  /**
   * The next datagram. SCTP packets are pulled through DTLS here, when the caller drains, not at
   * each input: a caller that feeds a burst of datagrams before draining (the Node runner drains
   * once per event-loop turn) gets one SACK for the burst instead of one per two DATA packets
   * (RFC 9260 §6.2 asks for at least every second packet; the acknowledgement leaves at the same
   * instant, covering more).
   */
  pollTransmit(): Transmit | undefined {
    for (;;) {
      const t = this.#ice.pollTransmit();
      if (t !== undefined || !this.#pullSctp()) return t;
    }
  }

  pollEvent(): PeerCoreEvent | undefined {
    const e = this.#events.shift();
    if (e !== undefined) return e;
    // Events SCTP raised while its packets were pulled (buffered-amount-low, closed).
    const sctp = this.#sctp;
    if (sctp === undefined) return undefined;
    for (let x = sctp.pollEvent(); x; x = sctp.pollEvent()) this.#onSctp(x);
    return this.#events.shift();
  }

  /** The earliest deadline of the children (called once per event-loop turn: no closure). */
  pollTimeout(): Millis | undefined {
    if (this.#closed) return undefined;
    let t = earlier(this.#ice.pollTimeout(), this.#sctpConnectAt);
    if (this.#dtls) t = earlier(t, this.#dtls.pollTimeout());
    if (this.#sctp) t = earlier(t, this.#sctp.pollTimeout());
    if (this.#mediaSession) t = earlier(t, this.#mediaSession.pollTimeout());
    return t;
  }

  stats(): PeerCoreStats {
    return {
      stunDatagrams: this.#stun,
      dtlsDatagrams: this.#dtlsIn,
      rtpDropped: this.#rtp,
      unknownDropped: this.#unknown,
      internalErrors: this.#internal,
      ice: this.#ice.stats(),
      dtls: this.#dtls?.stats(),
      sctp: this.#sctp?.stats(),
      media: this.media.stats(),
    };
  }

  // --- internals ------------------------------------------------------------------------------

  /** Moves one SCTP packet into DTLS (dropped while DTLS is not connected); false when none. */
  #pullSctp(): boolean {
    const sctp = this.#sctp;
    if (sctp === undefined) return false;
    const p = sctp.pollTransmit();
    if (p === undefined) return false;
    const dtls = this.#dtls;
    if (dtls?.state === "connected") {
      dtls.send(p);
      for (let t = dtls.pollTransmit(); t; t = dtls.pollTransmit())
        this.#sendDtls(this.#now, t.data);
    }
    return true;
  }

  #needSctp(): DataChannelEndpoint {
    if (this.#closed) throw new TypeError("the peer core is closed");
    if (!this.#sctp) throw new TypeError("no SCTP transport yet (the DTLS role is not known)");
    return this.#sctp;
  }

  #createSctp(params: TransportParameters): void {
    const c = this.#config;
    this.#sctp = new DataChannelEndpoint({
      crypto: c.crypto,
      rng: c.rng,
      logger: c.logger,
      ...c.sctp,
      role: params.dtlsRole,
      localPort: params.localSctpPort,
      remotePort: params.remoteSctpPort,
      maxMessageSize: params.remoteMaxMessageSize,
    });
    this.#sctpState = "connecting";
  }

  #internalError(e: unknown): void {
    this.#internal++;
    this.#log.warn("internal error on input", { error: String(e) });
  }

  #feedDtls(now: Millis, dgram: Datagram): void {
    if (this.#dtls) {
      this.#dtls.handleDatagram(now, dgram);
    } else if (this.#early.length < this.#config.maxHeldDatagrams) {
      this.#early.push({ from: dgram.from, data: dgram.data.slice() });
    } else {
      this.#unknown++;
    }
  }

  #maybeStartDtls(now: Millis): void {
    const d = this.#dtls;
    if (d?.state !== "new" || d.role !== "client" || !this.#hasPair) return;
    const pair = this.#ice.selectedPair;
    if (!pair) return;
    d.setRemoteAddress({ address: pair.remote.address, port: pair.remote.port });
    d.start(now);
    this.#setDtlsState("connecting");
  }

  #sendDtls(now: Millis, data: Uint8Array): void {
    if (this.#ice.send(now, data)) return;
    if (this.#held.length < this.#config.maxHeldDatagrams) this.#held.push(data);
  }

  /** The drain rule, across the children: until none has output left. */
  #pump(now: Millis): void {
    this.#now = now;
    let progress = true;
    while (progress) {
      progress = false;
      for (let e = this.#ice.pollEvent(); e; e = this.#ice.pollEvent()) {
        progress = true;
        this.#onIce(now, e);
      }
      const dtls = this.#dtls;
      if (dtls) {
        for (let t = dtls.pollTransmit(); t; t = dtls.pollTransmit()) {
          progress = true;
          this.#sendDtls(now, t.data);
        }
        for (let e = dtls.pollEvent(); e; e = dtls.pollEvent()) {
          progress = true;
          this.#onDtls(now, e);
        }
      }
      const sctp = this.#sctp;
      if (sctp) {
        // SCTP's packets wait for pollTransmit() (see there).
        for (let e = sctp.pollEvent(); e; e = sctp.pollEvent()) {
          progress = true;
          this.#onSctp(e);
        }
      }
      const media = this.#mediaSession;
      if (media) {
        for (let d = media.pollTransmit(); d; d = media.pollTransmit()) {
          progress = true;
          this.#ice.send(now, d);
        }
        for (let e = media.pollEvent(); e; e = media.pollEvent()) {
          progress = true;
          this.#events.push(e);
        }
      }
    }
    this.#updateConnectionState();
  }

  /**
   * DTLS or SRTP/SRTCP (RFC 7983 §7), received directly or through a TURN relay: counted on the
   * selected pair, then fed to its layer; anything else is a counted drop.
   */
  #applicationData(now: Millis, dgram: Datagram): void {
    const kind = classifyDatagram(dgram.data);
    if (kind !== "dtls" && kind !== "rtp") {
      this.#unknown++;
      return;
    }
    this.#ice.noteReceived(now, dgram.from, dgram.data.byteLength);
    if (kind === "dtls") {
      this.#dtlsIn++;
      this.#feedDtls(now, dgram);
    } else {
      this.#rtp++;
      this.#useMedia(now);
      this.media.handleDatagram(now, dgram.data);
    }
  }

  #onIce(now: Millis, e: IceAgentEvent): void {
    switch (e.type) {
      case "candidate":
        this.#events.push({ type: "ice-candidate", candidate: e.candidate });
        return;
      case "gathering-state":
        this.#events.push({ type: "ice-gathering-state", state: e.state });
        return;
      case "connection-state":
        if (e.state === this.#iceState) return;
        this.#iceState = e.state;
        this.#events.push({ type: "ice-connection-state", state: e.state });
        return;
      case "selected-pair": {
        this.#hasPair = true;
        this.#dtls?.setRemoteAddress(e.to);
        this.#events.push({ type: "selected-pair", local: e.local, remote: e.remote });
        this.#maybeStartDtls(now);
        const held = this.#held;
        this.#held = [];
        for (const d of held) this.#sendDtls(now, d);
        return;
      }
      case "data":
        // Application data that came through a TURN relay: demultiplex it like a datagram, and
        // count it on the selected (relayed) pair as a direct datagram is.
        this.#applicationData(now, { from: e.from, data: e.data });
        return;
      case "candidate-error":
        this.#events.push({
          type: "candidate-error",
          url: e.url,
          errorCode: e.errorCode,
          errorText: e.errorText,
        });
        return;
      case "role":
        return;
    }
  }

  /**
   * Keys SRTP (RFC 5764 §4.2) once media is in use: a data-channel-only connection never runs
   * the exporter and the SRTP key derivation (browsers offer use_srtp even then). The exporter
   * works at any time after the handshake, so media added by a later negotiation is keyed then.
   */
  #keySrtpIfUsed(now: Millis): void {
    const pending = this.#srtpPending;
    if (pending === undefined || !this.#mediaUsed) return;
    this.#srtpPending = undefined;
    this.media.setSrtp(
      now,
      keySrtp(
        this.#dtls!,
        pending.profile,
        pending.mki,
        this.#params!.dtlsRole,
        this.#config.crypto,
      ),
    );
  }

  /** Notes that media is in use (streams configured, RTP sent or received) and keys SRTP. */
  #useMedia(now: Millis): void {
    this.#mediaUsed = true;
    this.#keySrtpIfUsed(now);
  }

  #onDtls(now: Millis, e: ReturnType<DtlsEndpoint["pollEvent"]> & object): void {
    switch (e.type) {
      case "connected":
        this.#remoteCertificate = e.peerCertificate;
        this.#cipherSuite = e.cipherSuite;
        this.#setDtlsState("connected");
        if (e.srtpProfile !== undefined) {
          this.#srtpProfile = srtpProfileFromDtlsId(e.srtpProfile);
          this.#srtpPending = { profile: e.srtpProfile, mki: e.srtpMki };
          this.#keySrtpIfUsed(now);
        }
        this.#connectSctp(now);
        return;
      case "data":
        // RFC 9260 §6.10: an INIT is alone in its packet, its chunk type (1) right after the
        // 12-byte common header. The peer initiates: our INIT would only collide with it.
        if (this.#sctpConnectAt !== undefined && e.data.byteLength > 12 && e.data[12] === 1)
          this.#sctpConnectAt = undefined;
        this.#sctp?.handleDatagram(now, e.data);
        return;
      case "closed":
        this.#setDtlsState("closed");
        this.#endSctp(now);
        return;
      case "failed":
        this.#log.info("DTLS failed", { reason: e.reason, message: e.message });
        this.#setDtlsState("failed", e.reason, e.message);
        this.#endSctp(now);
        return;
      case "keylog":
        return;
    }
  }

  /**
   * Over DTLS (RFC 8261, RFC 8841) either side or both may initiate the association. The DTLS
   * server is connected half a round trip first (the client's Finished completes it) and sends
   * its INIT right behind its own Finished, so the client's INIT, sent on the same Finished,
   * would cross it: both associations' INIT, INIT ACK and COOKIE ECHO on the wire and the
   * collision rules of RFC 9260 §5.2 to merge them, four packets for nothing. The server
   * initiates at once; the client waits for the next timeout (the instant it connected, so a
   * timer turn later at most) and initiates only if no INIT came meanwhile, which keeps a peer
   * that never initiates working.
   */
  #connectSctp(now: Millis): void {
    if (this.#sctp === undefined) return;
    if (this.#params?.dtlsRole === "client") this.#sctpConnectAt = now;
    else this.#sctp.connect(now);
  }

  #connectSctpUnlessInitiated(now: Millis): void {
    this.#sctpConnectAt = undefined;
    const a = this.#sctp?.association;
    if (a === undefined || a.ended || a.state !== "closed") return;
    this.#sctp!.connect(now);
  }

  #endSctp(now: Millis): void {
    const s = this.#sctp;
    if (s && !s.association.ended) s.abort(now);
  }

  #onSctp(e: DataChannelEvent): void {
    if (e.type === "connected" || e.type === "closed") this.#sctpState = e.type;
    this.#events.push(peerEventOfSctp(e));
  }

  #setDtlsState(state: DtlsTransportState, reason?: string, message?: string): void {
    if (this.#dtlsState === state) return;
    this.#dtlsState = state;
    this.#events.push(
      reason === undefined
        ? { type: "dtls-state", state }
        : { type: "dtls-state", state, reason, ...(message ? { message } : {}) },
    );
  }

  #updateConnectionState(): void {
    const s = peerConnectionState(this.#closed, this.#iceState, this.#dtlsState);
    if (s === this.#connState) return;
    this.#connState = s;
    this.#events.push({ type: "connection-state", state: s });
  }
}
