/**
 * The transceivers of one `RTCPeerConnection` and their JSEP glue (RFC 8829 §5, webrtc-pc §4.4.1.5
 * "set the RTCSessionDescription", §5.1 addTrack/removeTrack/addTransceiver): RTP m= sections of
 * offers and answers, transceivers created or associated by remote offers, `track` events,
 * `currentDirection`, and the negotiated senders/receivers handed to the core's media session.
 */
import type { Rng } from "@purertc/common";
import type { HeaderExtension, RtpPacket } from "@purertc/rtp";
import type { MediaInit, MediaSection, SessionDescription } from "@purertc/sdp";
import type { AnswerMediaOptions } from "../../jsep/session.js";
import type { MediaKind } from "../../media/codecs.js";
import type { MediaEvent } from "../../media/media-events.js";
import type { PeerCore } from "../../peer-core.js";
import { domError } from "../errors.js";
import type { RTCStatsReport, StatsInput } from "../stats.js";
import type { RTCDtlsTransport } from "../transports.js";
import { negotiatedCryptex } from "./cryptex-negotiation.js";
import { RTCDTMFSender } from "./dtmf-sender.js";
import type { EncodedMediaStreamTrack } from "./encoded-track.js";
import { layerStreamId, MAX_LAYERS } from "./layer-ids.js";
import { answerSections, mediaNegotiationNeeded, offerSections } from "./local-sections.js";
import { type DeliveryTargets, deliverMediaEvent, receiveRtpEvent } from "./media-delivery.js";
import { MediaStream, MediaStreamTrackEvent, RTCTrackEvent } from "./media-stream.js";
import { negotiatedStreams, receives, reverse, used } from "./negotiated-streams.js";
import { RTCRtpReceiver } from "./rtp-receiver.js";
import { type RTCRtpEncodingParameters, RTCRtpSender } from "./rtp-sender.js";
import { RTCRtpTransceiver, type RTCRtpTransceiverDirection } from "./rtp-transceiver.js";
import { sends } from "./send-attributes.js";
import { checkSendEncodings } from "./send-layer.js";

/** What the controller needs from its connection. */
export interface MediaHost {
  core(): PeerCore | undefined;
  now(): number;
  /** Drains the core to the sockets. */
  pump(): void;
  /** Queues a task (events are never dispatched inside the drain loop). */
  queue(task: () => void): void;
  /** The transceivers changed: update the negotiation-needed flag. */
  changed(): void;
  /** Fires a `track` event on the connection. */
  dispatchTrack(e: RTCTrackEvent): void;
  /** `getStats()` of the connection, optionally selected to one sender's or receiver's streams. */
  stats(select?: StatsInput["select"]): Promise<RTCStatsReport>;
  readonly dtlsTransport: RTCDtlsTransport;
  readonly rng: Rng;
  /** Offer `a=cryptex` and accept it (RFC 9335): encrypted header extensions and CSRCs. */
  readonly cryptex?: boolean;
}

/** webrtc-pc §5.1 `RTCRtpTransceiverInit`. */
export interface RTCRtpTransceiverInit {
  direction?: RTCRtpTransceiverDirection;
  streams?: MediaStream[];
  /** One encoding, or simulcast layers (each with a rid, lowest first as browsers list them). */
  sendEncodings?: RTCRtpEncodingParameters[];
}

const isRtp = (m: MediaSection) => m.kind === "audio" || m.kind === "video";

export class MediaController {
  readonly #host: MediaHost;
  readonly #cname: string;
  readonly #transceivers: RTCRtpTransceiver[] = [];
  readonly #streams = new Map<string, MediaStream>();
  #closed = false;
  /** Receiver ids of simulcast layers (RFC 8853) → their transceiver and rid. */
  readonly #layers = new Map<number, { t: RTCRtpTransceiver; rid: string }>();

  readonly #targets: DeliveryTargets = {
    byId: (id) => this.#byId(id),
    receiving: (id) => this.#receiving(id),
    receiverTrack: (t, id) => this.#receiverTrack(t, id),
  };

  constructor(host: MediaHost, cname: string) {
    this.#host = host;
    this.#cname = cname;
  }

  get transceivers(): RTCRtpTransceiver[] {
    return [...this.#transceivers];
  }

  // --- webrtc-pc §5.1 -------------------------------------------------------------------------

  addTrack(track: EncodedMediaStreamTrack, streams: MediaStream[]): RTCRtpSender {
    if (!track || (track.kind !== "audio" && track.kind !== "video"))
      throw new TypeError("addTrack needs an audio or video track");
    if (this.#transceivers.some((t) => t.sender.track === track))
      throw domError("InvalidAccessError", "the track already has a sender");
    const reuse = this.#transceivers.find(
      (t) =>
        t._kind === track.kind &&
        t.sender.track === null &&
        t.direction !== "stopped" &&
        !t._addedByTrack &&
        !sends(t.currentDirection) &&
        !t._sentBefore,
    );
    if (reuse) {
      reuse.sender._setTrack(track);
      reuse._streamIds = streams.map((s) => s.id);
      reuse._addedByTrack = true;
      reuse.direction =
        reuse.direction === "recvonly"
          ? "sendrecv"
          : reuse.direction === "inactive"
            ? "sendonly"
            : reuse.direction;
      this.#host.changed();
      return reuse.sender;
    }
    const t = this.addTransceiver(track, { direction: "sendrecv", streams });
    t._addedByTrack = true;
    return t.sender;
  }

  removeTrack(sender: RTCRtpSender): void {
    const t = this.#transceivers.find((x) => x.sender === sender);
    if (!t) throw domError("InvalidAccessError", "the sender does not belong to this connection");
    if (sender.track === null || t.direction === "stopped") return;
    sender._setTrack(null);
    if (t.direction === "sendrecv") t.direction = "recvonly";
    else if (t.direction === "sendonly") t.direction = "inactive";
    this.#host.changed();
  }

  addTransceiver(
    trackOrKind: EncodedMediaStreamTrack | string,
    init: RTCRtpTransceiverInit = {},
  ): RTCRtpTransceiver {
    const track = typeof trackOrKind === "string" ? null : trackOrKind;
    const kind = typeof trackOrKind === "string" ? trackOrKind : trackOrKind?.kind;
    if (kind !== "audio" && kind !== "video") throw new TypeError(`unknown kind ${String(kind)}`);
    const direction = init.direction ?? "sendrecv";
    if (!["sendrecv", "sendonly", "recvonly", "inactive"].includes(direction))
      throw new TypeError(`invalid direction ${direction}`);
    const encodings = init.sendEncodings ?? [];
    if (encodings.length > 1) checkSendEncodings(encodings);
    if (encodings.length > MAX_LAYERS) throw new RangeError(`at most ${MAX_LAYERS} sendEncodings`);
    const t = this.#create(kind, direction);
    // Audio simulcast is not a thing browsers do: an audio sender keeps the first encoding.
    t.sender._setSendEncodings(kind === "audio" ? encodings.slice(0, 1) : encodings, (i) =>
      layerStreamId(t._id, i),
    );
    if (track) t.sender._setTrack(track);
    t._streamIds = (init.streams ?? []).map((s) => s.id);
    this.#host.changed();
    return t;
  }

  // --- JSEP -----------------------------------------------------------------------------------

  /** Whether a transceiver needs (re)negotiation (webrtc-pc §4.7.3 for media). */
  negotiationNeeded(local: SessionDescription | undefined): boolean {
    return mediaNegotiationNeeded(this.#transceivers, local);
  }

  /** The RTP sections of an offer; transceivers without a mid get one (RFC 8829 §5.2.1). */
  offerMedia(usedMids: Set<string>): MediaInit[] {
    return offerSections(this.#transceivers, usedMids, this.#cname, this.#host.cryptex === true);
  }

  /** The media side of an answer to `offer` (webrtc-pc §4.4.1.5, RFC 8829 §5.3.1). */
  answerOptions(offer: SessionDescription): AnswerMediaOptions {
    return answerSections(this.#transceivers, offer, this.#cname, this.#host.cryptex === true);
  }

  /**
   * A remote description was applied: associate or create transceivers for a remote offer,
   * record what the peer sends, and fire `track` for sections that start sending to us.
   */
  remoteApplied(type: "offer" | "answer" | "pranswer", model: SessionDescription): void {
    for (const m of model.media) {
      if (!isRtp(m) || m.mid === undefined) continue;
      const kind = m.kind as MediaKind;
      let t = this.#transceivers.find((x) => x.mid === m.mid);
      if (!t && type === "offer" && used(m)) {
        t = this.#transceivers.find(
          (x) => x.mid === null && x._kind === kind && x._addedByTrack && x.direction !== "stopped",
        );
        if (!t) t = this.#create(kind, "recvonly");
        t._setMid(m.mid);
      }
      if (!t) continue;
      if (!used(m)) {
        if (type !== "offer" || t.direction !== "stopped") this.#stopped(t);
        continue;
      }
      const remoteSends = sends(m.direction ?? model.direction ?? "sendrecv");
      if (
        remoteSends &&
        !t._receiving &&
        receives(type === "offer" ? t.direction : reverse(m.direction))
      ) {
        t._receiving = true;
        const track = t.receiver.track;
        const streams = m.msids.map((x) => this.#stream(x.stream));
        // webrtc-pc §4.4.1.6 "set the associated remote streams": `addtrack` on each stream
        // the track joins, then the `track` event.
        const joined = streams.filter((s) => !s.getTracks().includes(track));
        for (const s of joined) s.addTrack(track);
        const tr = t;
        this.#host.queue(() => {
          for (const s of joined) s.dispatchEvent(new MediaStreamTrackEvent("addtrack", { track }));
          this.#host.dispatchTrack(
            new RTCTrackEvent("track", { receiver: tr.receiver, track, streams, transceiver: tr }),
          );
          // The task after: the handlers and their microtasks have run; whoever reads frames
          // has said so, and a track only relayed stops assembling them.
          this.#host.queue(() => {
            for (const e of tr.receiver.encodings) e.track._framesOnDemand();
            this.#applyFrameAssembly();
          });
        });
      } else if (!remoteSends && t._receiving) {
        t._receiving = false;
        const track = t.receiver.track;
        const left = [...this.#streams.values()].filter((s) => s.getTracks().includes(track));
        for (const s of left) s.removeTrack(track);
        this.#host.queue(() => {
          for (const s of left)
            s.dispatchEvent(new MediaStreamTrackEvent("removetrack", { track }));
          track._remoteEnded(false);
        });
      }
    }
  }

  /**
   * An answer completed a negotiation: set `currentDirection` from it and configure the core's
   * senders and receivers with the negotiated codecs, header extensions and the peer's SSRCs.
   */
  negotiated(local: SessionDescription, remote: SessionDescription, weAnswered: boolean): void {
    const { senders, receivers } = negotiatedStreams(
      this.#transceivers,
      local,
      remote,
      weAnswered,
      {
        stopped: (t) => this.#stopped(t),
        requestKeyFrame: (id) => this.#requestKeyFrame(id),
        layer: (id, t, rid) => this.#layers.set(id, { t, rid }),
      },
    );
    const core = this.#host.core();
    if (!core) return;
    // Reading `media` creates the session: a data-only connection keeps none.
    const cryptex = negotiatedCryptex(local, remote);
    if (cryptex || senders.length + receivers.length > 0) core.media.setCryptex(cryptex);
    core.configureMedia(this.#host.now(), senders, receivers);
    this.#applyFrameAssembly();
    this.#host.pump();
  }

  /**
   * A media event of the core, inside the runner's drain: a received packet is relayed at once
   * (a task only when its track needs one), anything else queued as a task.
   */
  handleEvent(e: MediaEvent): void {
    if (e.type === "rtp") receiveRtpEvent(this.#targets, e, this.#queue);
    else this.#deliverLater(e);
  }

  /** Apart from {@link handleEvent}: its closure would allocate a context per received packet. */
  #deliverLater(e: MediaEvent): void {
    this.#host.queue(() => deliverMediaEvent(this.#targets, e));
  }

  readonly #queue = (task: () => void): void => this.#host.queue(task);

  /**
   * Frame assembly in the core follows demand (`EncodedMediaStreamTrack._needsFrames`): a
   * receiver whose frames nobody reads only orders, repairs and counts its packets.
   */
  #applyFrameAssembly(): void {
    const core = this.#host.core();
    if (!core || this.#closed) return;
    const now = this.#host.now();
    for (const t of this.#transceivers) {
      if (!t._receiving) continue;
      core.media.setFrameAssembly(now, t._id, t.receiver.track._needsFrames);
    }
    for (const [id, { t, rid }] of this.#layers)
      if (t._receiving)
        core.media.setFrameAssembly(now, id, t.receiver._layerTrack(rid)._needsFrames);
    this.#host.pump();
  }

  /** The connection closed: every transceiver stops. */
  close(): void {
    this.#closed = true;
    for (const t of this.#transceivers) {
      t.sender._setTrack(null);
      for (const x of t.receiver.encodings) x.track._remoteEnded(true);
      t._setCurrentDirection("stopped");
    }
  }

  // --- internals ------------------------------------------------------------------------------

  #create(kind: MediaKind, direction: RTCRtpTransceiverDirection): RTCRtpTransceiver {
    const rng = this.#host.rng;
    const id = this.#transceivers.length;
    const ssrc = rng.nextU32() >>> 0 || 1;
    const rtxSsrc = rng.nextU32() >>> 0 || 2;
    const host = {
      cname: this.#cname,
      sendFrame: (sid: number, data: Uint8Array, ts: number) => this.#sendFrame(sid, data, ts),
      sendRtp: (sid: number, p: RtpPacket, carried?: readonly HeaderExtension[]) =>
        this.#sendRtp(sid, p, carried),
      now: () => this.#host.now(),
      nextU32: () => rng.nextU32(),
    };
    const sender = new RTCRtpSender(kind, id, ssrc, host, this.#host.dtlsTransport);
    const receiver = new RTCRtpReceiver(
      kind,
      `purertc-remote-${kind}-${id}-${ssrc.toString(36)}`,
      this.#host.dtlsTransport,
    );
    receiver._onFrameDemand = () => this.#applyFrameAssembly();
    const t = new RTCRtpTransceiver({ kind, id, ssrc, rtxSsrc, direction }, sender, receiver, () =>
      this.#host.changed(),
    );
    sender._stats = () => this.#host.stats({ transceiver: t, side: "sender" });
    sender._setStreams = (ids) => {
      if (this.#closed) throw domError("InvalidStateError", "the connection is closed");
      t._streamIds = ids;
      this.#host.changed();
    };
    receiver._stats = () => this.#host.stats({ transceiver: t, side: "receiver" });
    if (kind === "audio") sender._dtmf = this.#dtmfSender(t);
    this.#transceivers.push(t);
    return t;
  }

  /** webrtc-pc §7: the DTMF sender of an audio transceiver, played by the core (RFC 4733). */
  #dtmfSender(t: RTCRtpTransceiver): RTCDTMFSender {
    return new RTCDTMFSender({
      sending: () =>
        t.direction !== "stopped" &&
        (t.currentDirection === "sendrecv" || t.currentDirection === "sendonly"),
      negotiated: () => this.#host.core()?.media.canInsertDtmf(t._id) ?? false,
      insert: (tones, duration, gap) => {
        if (this.#host.core()?.insertDtmf(this.#host.now(), t._id, tones, duration, gap))
          this.#host.pump();
      },
      toneBuffer: () => this.#host.core()?.media.dtmfToneBuffer(t._id) ?? "",
    });
  }

  #byId(id: number): RTCRtpTransceiver | undefined {
    return this.#transceivers[id];
  }

  /** The transceiver of a receiver id (a transceiver's own, or one of its simulcast layers). */
  #receiving(id: number): RTCRtpTransceiver | undefined {
    return this.#layers.get(id)?.t ?? this.#byId(id);
  }

  #receiverTrack(t: RTCRtpTransceiver, id: number): EncodedMediaStreamTrack {
    const layer = this.#layers.get(id);
    return layer ? t.receiver._layerTrack(layer.rid) : t.receiver.track;
  }

  #stopped(t: RTCRtpTransceiver): void {
    if (t.currentDirection === "stopped") return;
    t._setCurrentDirection("stopped");
    if (t.direction !== "stopped") t.stop();
    t._receiving = false;
  }

  #stream(id: string): MediaStream {
    let s = this.#streams.get(id);
    if (!s) {
      s = new MediaStream([], id);
      this.#streams.set(id, s);
    }
    return s;
  }

  #sendFrame(id: number, data: Uint8Array, ts: number): void {
    const core = this.#host.core();
    if (!core) return;
    if (core.sendFrame(this.#host.now(), id, data, ts)) this.#host.pump();
  }

  #sendRtp(id: number, p: RtpPacket, carried?: readonly HeaderExtension[]): void {
    const core = this.#host.core();
    if (!core) return;
    if (core.sendRtp(this.#host.now(), id, p, carried)) this.#host.pump();
  }

  #requestKeyFrame(id: number): void {
    const core = this.#host.core();
    if (core?.requestKeyFrame(this.#host.now(), id)) this.#host.pump();
  }
}
