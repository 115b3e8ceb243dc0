/**
 * JSEP offer/answer for one peer connection (RFC 9429, webrtc-pc §4.4.1): creating and applying
 * descriptions, ICE restarts (RFC 8445 §9), trickled remote candidates (RFC 8838), the
 * signaling state and the negotiation-needed flag. Runs inside the operations chain.
 */
import {
  generateCredentials,
  type IceCandidate,
  type IceCredentials,
  parseIceCandidate,
} from "@purertc/ice";
import { tryParseCandidate } from "@purertc/sdp";
import type { LocalTransportInit } from "../jsep/session.js";
import type { ChannelRegistry } from "./channel-registry.js";
import { domError } from "./errors.js";
import type { RTCIceCandidateInit } from "./ice-candidate.js";
import type { MediaController } from "./media/media-controller.js";
import type { PeerContext } from "./peer-context.js";
import { ensureRunner, type RunnerHooks, startGathering } from "./runner-setup.js";
import {
  type RTCLocalSessionDescriptionInit,
  RTCSessionDescription,
  type RTCSessionDescriptionInit,
} from "./session-description.js";
import { RTCSctpTransport } from "./transports.js";

export class Negotiator {
  readonly #ctx: PeerContext;
  readonly #channels: ChannelRegistry;
  readonly #media: MediaController;
  readonly #hooks: RunnerHooks;
  #negotiationNeeded = false;

  constructor(
    ctx: PeerContext,
    channels: ChannelRegistry,
    media: MediaController,
    hooks: RunnerHooks,
  ) {
    this.#ctx = ctx;
    this.#channels = channels;
    this.#media = media;
    this.#hooks = hooks;
  }

  createOffer(iceRestart: boolean | undefined): string {
    if (iceRestart) this.#ctx.restartPending = true;
    return this.#createOffer();
  }

  createAnswer(): string {
    return this.#createAnswer(this.#answerCreds());
  }

  async setLocal(description: RTCLocalSessionDescriptionInit | undefined): Promise<void> {
    const ctx = this.#ctx;
    let type = description?.type;
    let sdp = description?.sdp ?? "";
    if (type === "rollback") {
      ctx.jsep.rollback("local");
      ctx.nextCreds = undefined;
      this.#signalingChanged();
      return;
    }
    const s = ctx.jsep.signalingState;
    type ??=
      s === "stable" || s === "have-local-offer" || s === "have-remote-pranswer"
        ? "offer"
        : "answer";
    if (sdp === "") {
      sdp = type === "offer" ? this.#createOffer() : this.#createAnswer(this.#answerCreds());
    }
    const applied = ctx.jsep.setLocal(type, sdp);
    await ensureRunner(ctx, type === "offer" ? "controlling" : "controlled", this.#hooks);
    const runner = ctx.runner!;
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
      ctx.localCandidates = [];
    }
    if (t.ufrag && t.pwd) ctx.creds = { ufrag: t.ufrag, pwd: t.pwd };
    ctx.nextCreds = undefined;
    if (type === "offer") ctx.restartPending = false;
    if (type !== "offer" && ctx.deferredRemote) {
      const d = ctx.deferredRemote;
      ctx.deferredRemote = undefined;
      core.setRemoteCredentials(now, d.creds, d.lite);
    }
    if (!ctx.gathering && t.model.media.some((m) => m.port !== 0 || m.bundleOnly)) {
      ctx.gathering = true;
      await startGathering(ctx);
    }
    if (type === "answer") {
      this.#applyTransport();
      this.#mediaNegotiated(true);
    }
    runner.pump();
    this.#signalingChanged();
  }

  async setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    const ctx = this.#ctx;
    if (!description || typeof description !== "object" || description.type === undefined)
      throw new TypeError("setRemoteDescription needs a description with a type");
    const type = description.type;
    if (type === "rollback") {
      ctx.jsep.rollback("remote");
      ctx.deferredRemote = undefined;
      this.#signalingChanged();
      return;
    }
    const applied = ctx.jsep.setRemote(type, description.sdp ?? "");
    await ensureRunner(ctx, type === "offer" ? "controlled" : "controlling", this.#hooks);
    const runner = ctx.runner!;
    const core = runner.core;
    const now = runner.now();
    const t = applied.transport;
    if (t.ufrag && t.pwd) {
      const creds = { ufrag: t.ufrag, pwd: t.pwd };
      const cur = ctx.remoteCreds;
      if (cur && cur.ufrag !== creds.ufrag && type === "offer") {
        // The peer restarts ICE: we restart too, with the credentials of our answer.
        ctx.deferredRemote = { creds, lite: t.lite };
      } else if (!cur || cur.ufrag !== creds.ufrag || cur.pwd !== creds.pwd) {
        core.setRemoteCredentials(now, creds, t.lite);
      }
      ctx.remoteCreds = creds;
    }
    for (const c of t.candidates) {
      core.addRemoteCandidate(now, c);
      ctx.remoteCandidates.push(c);
    }
    if (t.endOfCandidates) core.addRemoteEndOfCandidates(now);
    this.#media.remoteApplied(type, t.model);
    if (type === "answer") {
      this.#applyTransport();
      this.#mediaNegotiated(false);
    }
    runner.pump();
    this.#signalingChanged();
  }

  addIceCandidate(candidate: RTCIceCandidateInit | null | undefined): void {
    const ctx = this.#ctx;
    if (!ctx.jsep.remoteTransport)
      throw domError("InvalidStateError", "addIceCandidate before setRemoteDescription");
    const runner = ctx.runner;
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
    // An empty mid names no m-section (RFC 5888 §4: a mid is a non-empty token). Pion sends
    // `sdpMid: ""` beside the index; like libwebrtc, read it as absent and use the index.
    const sdpMid = candidate.sdpMid === "" ? null : candidate.sdpMid;
    if (sdpMid == null && candidate.sdpMLineIndex == null)
      throw new TypeError("sdpMid and sdpMLineIndex are both null");
    const mids = ctx.jsep.remoteTransport.mids;
    if (sdpMid != null && !mids.includes(sdpMid))
      throw domError("OperationError", `no m-section with mid ${sdpMid}`);
    if (sdpMid == null && (candidate.sdpMLineIndex ?? 0) >= mids.length)
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
    ctx.remoteCandidates.push(c);
    runner.pump();
  }

  /** webrtc-pc §4.4.1.6 restartIce(): the next offer carries new ICE credentials. */
  restartIce(): void {
    if (this.#ctx.closed) return;
    this.#ctx.restartPending = true;
    this.updateNegotiationNeeded();
  }

  /** A local description with our candidates so far (and end-of-candidates once complete). */
  localDescription(
    d: { type: "offer" | "answer" | "pranswer"; sdp: string } | undefined,
  ): RTCSessionDescription | null {
    const ctx = this.#ctx;
    const withC = ctx.jsep.withCandidates(
      d,
      ctx.localCandidates,
      ctx.iceGatheringState === "complete",
    );
    return withC ? new RTCSessionDescription(withC) : null;
  }

  /** webrtc-pc §4.7.3 "update the negotiation-needed flag", for data sections and restarts. */
  updateNegotiationNeeded(): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const hasData =
      ctx.jsep.currentLocalDescription !== undefined && ctx.jsep.localTransport?.data !== undefined;
    const needed =
      ctx.restartPending ||
      (this.#channels.wantsData && !hasData) ||
      this.#media.negotiationNeeded(ctx.jsep.localTransport?.model);
    if (!needed) {
      this.#negotiationNeeded = false;
      return;
    }
    if (ctx.jsep.signalingState !== "stable" || this.#negotiationNeeded) return;
    this.#negotiationNeeded = true;
    ctx.queue(() => {
      if (this.#negotiationNeeded && ctx.jsep.signalingState === "stable")
        ctx.dispatch(new Event("negotiationneeded"));
    });
  }

  #signalingChanged(): void {
    const ctx = this.#ctx;
    const s = ctx.jsep.signalingState;
    if (s === ctx.signalingState) return;
    ctx.signalingState = s;
    ctx.dispatch(new Event("signalingstatechange"));
    if (s === "stable") {
      this.#negotiationNeeded = false;
      this.updateNegotiationNeeded();
    }
  }

  #createOffer(): string {
    const jsep = this.#ctx.jsep;
    const used = new Set<string>();
    for (const d of [jsep.localTransport, jsep.remoteTransport])
      for (const mid of d?.mids ?? []) if (mid !== undefined) used.add(mid);
    const data = jsep.localTransport?.data?.mid;
    if (data !== undefined) used.add(data);
    const media = this.#media.offerMedia(used);
    return jsep.createOffer(this.#localInit(this.#offerCreds()), this.#channels.wantsData, media);
  }

  #createAnswer(creds: IceCredentials): string {
    const jsep = this.#ctx.jsep;
    const offer = jsep.pendingRemoteDescription;
    const model = offer ? jsep.remoteTransport?.model : undefined;
    return jsep.createAnswer(
      this.#localInit(creds),
      model ? this.#media.answerOptions(model) : undefined,
    );
  }

  /** A restart by the peer (RFC 8445 §9) gets new credentials in our answer. */
  #answerCreds(): IceCredentials {
    const ctx = this.#ctx;
    if (!ctx.deferredRemote) return ctx.creds;
    ctx.nextCreds ??= generateCredentials(ctx.rng);
    return ctx.nextCreds;
  }

  #offerCreds(): IceCredentials {
    const ctx = this.#ctx;
    if (!ctx.restartPending) return ctx.creds;
    ctx.nextCreds ??= generateCredentials(ctx.rng);
    return ctx.nextCreds;
  }

  #localInit(credentials: IceCredentials): LocalTransportInit {
    const ctx = this.#ctx;
    return {
      credentials,
      fingerprints: ctx.certificate
        .getFingerprints()
        .map((f) => ({ algorithm: f.algorithm!, value: f.value! })),
      candidates: credentials === ctx.creds ? ctx.localCandidates : [],
      endOfCandidates: credentials === ctx.creds && ctx.iceGatheringState === "complete",
      maxMessageSize: ctx.maxMessageSize,
      sctpPort: 5000,
    };
  }

  /** An answer was applied: DTLS role, fingerprints and SCTP go to the core. */
  #applyTransport(): void {
    const ctx = this.#ctx;
    const runner = ctx.runner;
    const role = ctx.jsep.dtlsRole;
    const r = ctx.jsep.remoteTransport;
    const l = ctx.jsep.localTransport;
    if (!runner || !role || !r || !l || r.fingerprints.length === 0) return;
    const data = r.data !== undefined && l.data !== undefined;
    runner.core.setTransportParameters(runner.now(), {
      dtlsRole: role,
      fingerprints: r.fingerprints,
      localSctpPort: l.data?.sctpPort ?? 5000,
      remoteSctpPort: r.data?.sctpPort ?? 5000,
      remoteMaxMessageSize: r.data?.maxMessageSize ?? 65536,
      sctp: data,
    });
    if (!data) return;
    ctx.sctp ??= new RTCSctpTransport(ctx.source(), ctx.dtlsTransport);
    this.#channels.openPending();
  }

  /** An answer was applied: transceivers' currentDirection and the core's streams follow it. */
  #mediaNegotiated(weAnswered: boolean): void {
    const jsep = this.#ctx.jsep;
    const l = jsep.currentLocalDescription;
    const r = jsep.currentRemoteDescription;
    const lm = jsep.localTransport?.model;
    const rm = jsep.remoteTransport?.model;
    if (l && r && lm && rm) this.#media.negotiated(lm, rm, weAnswered);
  }
}
