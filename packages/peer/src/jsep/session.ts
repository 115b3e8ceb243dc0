/**
 * JSEP (RFC 8829) for a peer connection with max-bundle (data and Unified Plan media sections): the signaling state, the four
 * descriptions (pending/current × local/remote), offers and answers built with @purertc/sdp,
 * the DTLS role from `a=setup` (RFC 8842 §5), ICE restarts. No I/O: the W3C layer applies what
 * each step returns to the {@link PeerCore}.
 */
import type { IceCandidate, IceCredentials } from "@purertc/ice";
import { serializeIceCandidate } from "@purertc/ice";
import {
  type AnswerInit,
  buildAnswer,
  buildOffer,
  type Candidate,
  type Fingerprint,
  type MediaInit,
  type MediaSection,
  type SessionDescription,
  type Setup,
  serialize,
  tryParseCandidate,
} from "@purertc/sdp";
import { readTransport, releaseModel, type TransportInfo } from "./remote.js";
import {
  NegotiationError,
  nextSignalingState,
  type SdpType,
  type SignalingState,
} from "./signaling.js";

/** A description as the W3C API carries it. */
export interface Description {
  readonly type: Exclude<SdpType, "rollback">;
  readonly sdp: string;
}

/** What the local side puts into an offer or answer. */
export interface LocalTransportInit {
  readonly credentials: IceCredentials;
  readonly fingerprints: readonly Fingerprint[];
  readonly candidates: readonly IceCandidate[];
  readonly endOfCandidates: boolean;
  /** Our `a=max-message-size` (what we accept) and `a=sctp-port`. */
  readonly maxMessageSize: number;
  readonly sctpPort: number;
}

/** The media side of an answer: what we support and, per offered mid, what we want. */
export type AnswerMediaOptions = Pick<AnswerInit, "codecs" | "headerExtensions" | "media">;

/** The result of applying a description. */
export interface AppliedDescription {
  readonly previousState: SignalingState;
  readonly state: SignalingState;
  readonly transport: TransportInfo;
}

const DATA_MID = "0";

/** Our DTLS role from the `a=setup` of an answer (RFC 8842 §5.2, §5.3). */
function dtlsRoleOf(setup: Setup | undefined, ours: boolean): "client" | "server" {
  if (setup === "actpass" || setup === undefined)
    throw new NegotiationError(
      "InvalidAccessError",
      `an answer must have a=setup active or passive`,
    );
  const activeIsUs = setup === "active" ? ours : !ours;
  return activeIsUs ? "client" : "server";
}

/** The data section's mid: "0" unless a media section or an earlier section took it. */
function freeMid(media: readonly MediaInit[], previous: SessionDescription | undefined): string {
  const used = new Set<string>(media.map((m) => m.mid));
  for (const m of previous?.media ?? []) if (m.mid !== undefined) used.add(m.mid);
  let i = Number(DATA_MID);
  while (used.has(String(i))) i++;
  return String(i);
}

function toSdpCandidate(c: IceCandidate): Candidate | undefined {
  return tryParseCandidate(serializeIceCandidate({ ...c, usernameFragment: undefined }));
}

/** The JSEP state of one peer connection. */
export class JsepSession {
  readonly #sessionId: string;
  #version = 0;
  #state: SignalingState = "stable";
  #pendingLocal: (Description & { info: TransportInfo }) | undefined;
  #currentLocal: (Description & { info: TransportInfo }) | undefined;
  #pendingRemote: (Description & { info: TransportInfo }) | undefined;
  #currentRemote: (Description & { info: TransportInfo }) | undefined;
  #dtlsRole: "client" | "server" | undefined;
  #lastOffer: string | undefined;
  #lastAnswer: string | undefined;

  /** `sessionId`: the `o=` session id, a random decimal of up to 62 bits. */
  constructor(sessionId: string) {
    this.#sessionId = sessionId;
  }

  get signalingState(): SignalingState {
    return this.#state;
  }

  get pendingLocalDescription(): Description | undefined {
    return this.#pendingLocal;
  }

  get currentLocalDescription(): Description | undefined {
    return this.#currentLocal;
  }

  get pendingRemoteDescription(): Description | undefined {
    return this.#pendingRemote;
  }

  get currentRemoteDescription(): Description | undefined {
    return this.#currentRemote;
  }

  /** The transport of the latest local description (pending, else current). */
  get localTransport(): TransportInfo | undefined {
    return (this.#pendingLocal ?? this.#currentLocal)?.info;
  }

  /** The transport of the latest remote description (pending, else current). */
  get remoteTransport(): TransportInfo | undefined {
    return (this.#pendingRemote ?? this.#currentRemote)?.info;
  }

  /** Our DTLS role, fixed by the first answer. */
  get dtlsRole(): "client" | "server" | undefined {
    return this.#dtlsRole;
  }

  /** Whether the current descriptions (both) carry a data section. */
  get dataNegotiated(): boolean {
    return (
      this.#currentLocal?.info.data !== undefined && this.#currentRemote?.info.data !== undefined
    );
  }

  /** The last offer/answer {@link createOffer}/{@link createAnswer} returned. */
  get lastCreated(): { offer: string | undefined; answer: string | undefined } {
    return { offer: this.#lastOffer, answer: this.#lastAnswer };
  }

  /**
   * An offer (RFC 8829 §5.2.1). `wantData` adds a data section when none was negotiated;
   * `media` are the RTP sections of the transceivers (their mids assigned by the caller).
   * Sections of earlier negotiations keep their place and mid; a previous media section with
   * no entry in `media` is offered rejected; new sections go at the end.
   */
  createOffer(
    init: LocalTransportInit,
    wantData: boolean,
    media: readonly MediaInit[] = [],
  ): string {
    this.#checkOpen();
    const previous = this.#currentLocal?.info.model;
    const dataMid = this.#currentLocal?.info.data?.mid ?? freeMid(media, previous);
    const hasData = wantData || this.#currentLocal?.info.data !== undefined;
    const model = buildOffer({
      sessionId: this.#sessionId,
      sessionVersion: String(++this.#version),
      iceUfrag: init.credentials.ufrag,
      icePwd: init.credentials.pwd,
      fingerprints: init.fingerprints.map((f) => ({ ...f })),
      setup: "actpass",
      candidates: this.#candidates(init.candidates),
      endOfCandidates: init.endOfCandidates,
      media: [
        ...media,
        ...(hasData
          ? [
              {
                kind: "application" as const,
                mid: dataMid,
                sctpPort: init.sctpPort,
                maxMessageSize: init.maxMessageSize,
              },
            ]
          : []),
      ],
    });
    if (previous) {
      model.media = this.#keepLayout(previous, model.media);
      // RFC 8843 §7.2.1: the first mid of the group is the offerer-tagged section; it must stay
      // the section that carried the bundle before, so follow the kept m-line order.
      for (const g of model.groups) {
        const bundled = new Set(g.mids);
        g.mids = model.media.flatMap((m) =>
          m.mid !== undefined && bundled.has(m.mid) ? [m.mid] : [],
        );
      }
    }
    if (model.media.length === 0) model.groups = [];
    this.#lastOffer = serialize(model);
    return this.#lastOffer;
  }

  /**
   * An answer to the pending remote offer (RFC 8829 §5.3.1). Without `mediaOptions` every RTP
   * section is rejected.
   */
  createAnswer(init: LocalTransportInit, mediaOptions?: AnswerMediaOptions): string {
    this.#checkOpen();
    const offer = this.#pendingRemote;
    if (this.#state !== "have-remote-offer" && this.#state !== "have-local-pranswer")
      throw new NegotiationError("InvalidStateError", `createAnswer in state ${this.#state}`);
    if (!offer) throw new NegotiationError("InvalidStateError", "no remote offer");
    const media: NonNullable<AnswerInit["media"]> = { ...mediaOptions?.media };
    if (mediaOptions === undefined)
      for (const m of offer.info.model.media)
        if (m.kind !== "application" && m.mid !== undefined) media[m.mid] = { reject: true };
    const setup: Setup | undefined =
      this.#dtlsRole === undefined ? undefined : this.#dtlsRole === "client" ? "active" : "passive";
    const model = buildAnswer(offer.info.model, {
      sessionId: this.#sessionId,
      sessionVersion: String(++this.#version),
      iceUfrag: init.credentials.ufrag,
      icePwd: init.credentials.pwd,
      fingerprints: init.fingerprints.map((f) => ({ ...f })),
      ...(setup ? { setup } : {}),
      candidates: this.#candidates(init.candidates),
      endOfCandidates: init.endOfCandidates,
      media,
      ...(mediaOptions?.codecs ? { codecs: mediaOptions.codecs } : {}),
      ...(mediaOptions?.headerExtensions
        ? { headerExtensions: mediaOptions.headerExtensions }
        : {}),
      sctpPort: init.sctpPort,
      maxMessageSize: init.maxMessageSize,
    });
    this.#lastAnswer = serialize(model);
    return this.#lastAnswer;
  }

  /** Applies a local description (webrtc-pc §4.4.1.5). */
  setLocal(type: Exclude<SdpType, "rollback">, sdp: string): AppliedDescription {
    return this.#apply("local", type, sdp);
  }

  /** Applies a remote description (webrtc-pc §4.4.1.5). */
  setRemote(type: Exclude<SdpType, "rollback">, sdp: string): AppliedDescription {
    return this.#apply("remote", type, sdp);
  }

  /**
   * Rollback (RFC 8829 §4.1.10.2): discards the pending offer of `side` and returns to
   * `stable`. Only valid in `have-local-offer` (local) or `have-remote-offer` (remote).
   */
  rollback(side: "local" | "remote"): SignalingState {
    this.#checkOpen();
    const ok = side === "local" ? "have-local-offer" : "have-remote-offer";
    if (this.#state !== ok)
      throw new NegotiationError("InvalidStateError", `cannot roll back in state ${this.#state}`);
    const previous = this.#state;
    if (side === "local") this.#pendingLocal = undefined;
    else this.#pendingRemote = undefined;
    this.#state = "stable";
    return previous;
  }

  /** The local description with the candidates gathered so far (webrtc-pc §4.4.1.6). */
  withCandidates(
    d: Description | undefined,
    candidates: readonly IceCandidate[],
    endOfCandidates: boolean,
  ): Description | undefined {
    if (!d) return undefined;
    const info = (d as Description & { info?: TransportInfo }).info;
    if (!info) return d;
    const model: SessionDescription = {
      ...info.model,
      media: info.model.media.map((m) => ({ ...m })),
    };
    const sdpCandidates = this.#candidates(candidates);
    for (const m of model.media) {
      if (m.port === 0 && !m.bundleOnly) continue;
      m.candidates = sdpCandidates;
      m.endOfCandidates = endOfCandidates;
    }
    return { type: d.type, sdp: serialize(model) };
  }

  close(): void {
    this.#state = "closed";
  }

  /**
   * Stable: the current descriptions' parsed models are only read again by the next
   * negotiation (or a getter), so they may go (see {@link releaseModel}); an idle connection
   * keeps their text and transport fields.
   */
  #releaseModels(): void {
    if (this.#currentLocal) releaseModel(this.#currentLocal.info);
    if (this.#currentRemote) releaseModel(this.#currentRemote.info);
  }

  #checkOpen(): void {
    if (this.#state === "closed")
      throw new NegotiationError("InvalidStateError", "the RTCPeerConnection is closed");
  }

  #candidates(list: readonly IceCandidate[]): Candidate[] {
    const out: Candidate[] = [];
    for (const c of list) {
      const s = toSdpCandidate(c);
      if (s) out.push(s);
    }
    return out;
  }

  /** Keeps the m-section order of the previous negotiation (RFC 8829 §5.2.2). */
  #keepLayout(previous: SessionDescription, fresh: MediaSection[]): MediaSection[] {
    const out: MediaSection[] = [];
    const placed = new Set<MediaSection>();
    for (const m of previous.media) {
      const f =
        m.kind === "application"
          ? fresh.find((x) => x.kind === "application")
          : fresh.find((x) => x.kind !== "application" && x.mid === m.mid);
      if (f && !placed.has(f)) {
        out.push(f);
        placed.add(f);
      } else out.push({ ...m, port: 0, candidates: [], endOfCandidates: false });
    }
    for (const f of fresh) if (!placed.has(f)) out.push(f);
    return out;
  }

  #apply(side: "local" | "remote", type: Exclude<SdpType, "rollback">, sdp: string) {
    this.#checkOpen();
    if (!["offer", "answer", "pranswer"].includes(type))
      throw new NegotiationError("TypeError", `unknown description type ${String(type)}`);
    const previousState = this.#state;
    const next = nextSignalingState(previousState, side, type);
    if (next === undefined)
      throw new NegotiationError(
        "InvalidStateError",
        `cannot set a ${side} ${type} in state ${previousState}`,
      );
    const info = readTransport(sdp);
    if (info.model.media.length > 0 && info.ufrag === undefined && type !== "offer")
      throw new NegotiationError("InvalidAccessError", "no ICE credentials");
    const desc = { type, sdp, info };
    if (type === "answer") {
      if (this.#dtlsRole === undefined && info.ufrag !== undefined)
        this.#dtlsRole = dtlsRoleOf(info.setup, side === "local");
      if (side === "local") {
        this.#currentLocal = desc;
        this.#currentRemote = this.#pendingRemote ?? this.#currentRemote;
      } else {
        this.#currentRemote = desc;
        this.#currentLocal = this.#pendingLocal ?? this.#currentLocal;
      }
      this.#pendingLocal = undefined;
      this.#pendingRemote = undefined;
    } else if (side === "local") {
      this.#pendingLocal = desc;
    } else {
      this.#pendingRemote = desc;
    }
    this.#state = next;
    if (next === "stable") this.#releaseModels();
    return { previousState, state: next, transport: info };
  }
}
