/**
 * The transceivers of one `RTCPeerConnection` and their JSEP glue (RFC 8829 §5, webrtc-pc §4.4.1.5
 * "set the RTCSessionDescription", §5.1 addTrack/removeTrack/addTransceiver): RTP m= sections of
 * offers and answers, transceivers created or associated by remote offers, `track` events,
 * `currentDirection`, and the negotiated senders/receivers handed to the core's media session.
 */
import type { Rng } from "@purertc/common";
import type { HeaderExtension, RtpPacket } from "@purertc/rtp";
import type {
  AnswerMediaInit,
  Direction,
  MediaInit,
  MediaSection,
  SessionDescription,
} from "@purertc/sdp";
import type { AnswerMediaOptions } from "../../jsep/session.js";
import { defaultCodecs, defaultExtmaps, type MediaKind, mimeMatches } from "../../media/codecs.js";
import { answerCodecLevels } from "../../media/h264-level.js";
import type { MediaEvent } from "../../media/media-events.js";
import type { MediaReceiveConfig } from "../../media/receive-stream.js";
import type { MediaSendConfig } from "../../media/send-stream.js";
import type { PeerCore } from "../../peer-core.js";
import { domError } from "../errors.js";
import type { RTCStatsReport, StatsInput } from "../stats.js";
import type { RTCDtlsTransport } from "../transports.js";
import { RTCBandwidthEstimateEvent, RTCTransportFeedbackEvent } from "./bandwidth-events.js";
import { RTCDTMFSender, RTCDTMFToneEvent } from "./dtmf-sender.js";
import { RTCEncodedAudioFrame, RTCEncodedVideoFrame } from "./encoded-frame.js";
import type { EncodedMediaStreamTrack } from "./encoded-track.js";
import { LAYER_ID_BASE, layerStreamId, MAX_LAYERS } from "./layer-ids.js";
import { MediaStream, RTCTrackEvent } from "./media-stream.js";
import { RTCRtpReceiver } from "./rtp-receiver.js";
import { type RTCRtpEncodingParameters, RTCRtpSender } from "./rtp-sender.js";
import { RTCRtpTransceiver, type RTCRtpTransceiverDirection } from "./rtp-transceiver.js";
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
}

/** webrtc-pc §5.1 `RTCRtpTransceiverInit`. */
export interface RTCRtpTransceiverInit {
  direction?: RTCRtpTransceiverDirection;
  streams?: MediaStream[];
  /** One encoding, or simulcast layers (each with a rid, lowest first as browsers list them). */
  sendEncodings?: RTCRtpEncodingParameters[];
}

const sends = (d: string | null | undefined) => d === "sendrecv" || d === "sendonly";
const receives = (d: string | null | undefined) => d === "sendrecv" || d === "recvonly";
const reverse = (d: Direction | undefined): Direction =>
  d === "sendonly" ? "recvonly" : d === "recvonly" ? "sendonly" : (d ?? "sendrecv");
const isRtp = (m: MediaSection) => m.kind === "audio" || m.kind === "video";
const used = (m: MediaSection) => m.port !== 0 || m.bundleOnly;
/** Receiver ids of simulcast layers start here (transceiver ids are indexes below it). */
/** The rids the peer sends (`a=simulcast:send`, first alternative of each stream, RFC 8853 §5.1). */
const simulcastRids = (m: MediaSection, dir: "send" | "recv" = "send"): string[] =>
  (m.simulcast?.[dir] ?? [])
    .map((alts) => alts[0]?.rid)
    .filter((r): r is string => r !== undefined)
    .slice(0, MAX_LAYERS);

export class MediaController {
  readonly #host: MediaHost;
  readonly #cname: string;
  readonly #transceivers: RTCRtpTransceiver[] = [];
  readonly #streams = new Map<string, MediaStream>();
  /** Receiver ids of simulcast layers (RFC 8853) → their transceiver and rid. */
  readonly #layers = new Map<number, { t: RTCRtpTransceiver; rid: string }>();

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
    for (const t of this.#transceivers) {
      if (t.direction === "stopped") {
        if (t.mid !== null && t.currentDirection !== "stopped") return true;
        continue;
      }
      if (t.mid === null) return true;
      if (!local?.media.some((x) => x.mid === t.mid)) return true;
      if (t._signalled !== `${t.direction} ${t._streamIds.join(",")}`) return true;
    }
    return false;
  }

  /** The RTP sections of an offer; transceivers without a mid get one (RFC 8829 §5.2.1). */
  offerMedia(usedMids: Set<string>): MediaInit[] {
    const out: MediaInit[] = [];
    let next = 0;
    for (const t of this.#transceivers) {
      if (t.direction === "stopped") continue;
      if (t.mid === null) {
        while (usedMids.has(String(next))) next++;
        t._setMid(String(next));
        usedMids.add(String(next));
      }
      out.push({
        kind: t._kind,
        mid: t.mid!,
        direction: t.direction as Direction,
        codecs: t._codecs(t.sender.track?.codec),
        extmaps: defaultExtmaps(t._kind),
        ...this.#sendAttributes(t, t.direction),
        ...this.#simulcastOffer(t),
      });
    }
    return out;
  }

  /** The media side of an answer to `offer` (webrtc-pc §4.4.1.5, RFC 8829 §5.3.1). */
  answerOptions(offer: SessionDescription): AnswerMediaOptions {
    const media: Record<string, AnswerMediaInit> = {};
    for (const m of offer.media) {
      if (!isRtp(m) || m.mid === undefined) continue;
      const t = this.#transceivers.find((x) => x.mid === m.mid);
      if (!t || t.direction === "stopped") {
        media[m.mid] = { reject: true };
        continue;
      }
      media[m.mid] = {
        direction: t.direction as Direction,
        ...this.#sendAttributes(t, t.direction),
      };
    }
    return {
      codecs: {
        audio: defaultCodecs("audio"),
        // RFC 6184 §8.2.2: H.264 levels answered against the offer's.
        video: answerCodecLevels(
          defaultCodecs("video"),
          offer.media.find((m) => m.kind === "video")?.codecs ?? [],
        ),
      },
      headerExtensions: {
        audio: defaultExtmaps("audio").map((e) => e.uri),
        video: defaultExtmaps("video").map((e) => e.uri),
      },
      media,
    };
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
        const streams = m.msids.map((x) => this.#stream(x.stream));
        for (const s of streams) s.addTrack(t.receiver.track);
        const tr = t;
        this.#host.queue(() =>
          this.#host.dispatchTrack(
            new RTCTrackEvent("track", {
              receiver: tr.receiver,
              track: tr.receiver.track,
              streams,
              transceiver: tr,
            }),
          ),
        );
      } else if (!remoteSends && t._receiving) {
        t._receiving = false;
        for (const s of this.#streams.values()) s.removeTrack(t.receiver.track);
        const tr = t;
        this.#host.queue(() => tr.receiver.track._remoteEnded(false));
      }
    }
  }

  /**
   * An answer completed a negotiation: set `currentDirection` from it and configure the core's
   * senders and receivers with the negotiated codecs, header extensions and the peer's SSRCs.
   */
  negotiated(local: SessionDescription, remote: SessionDescription, weAnswered: boolean): void {
    const senders: MediaSendConfig[] = [];
    const receivers: MediaReceiveConfig[] = [];
    for (const t of this.#transceivers) {
      if (t.mid === null) continue;
      const lm = local.media.find((m) => m.mid === t.mid);
      const rm = remote.media.find((m) => m.mid === t.mid);
      if (!lm || !rm) continue;
      const answer = weAnswered ? lm : rm;
      if (!used(answer) || !used(lm)) {
        this.#stopped(t);
        continue;
      }
      const dir = weAnswered ? (lm.direction ?? "sendrecv") : reverse(rm.direction);
      t._setCurrentDirection(dir as RTCRtpTransceiverDirection);
      const codecs = this.#sendOrder(answer.codecs, t.sender.track?.codec, t._kind);
      t.sender._negotiated(codecs, answer.extmaps);
      t.receiver._negotiated(t._kind, answer.codecs, answer.extmaps);
      t.receiver.track._setKeyFrameRequester(() => this.#requestKeyFrame(t._id));
      // Simulcast send is offered by us; the answer's a=simulcast:recv says which layers go.
      const layers = sends(dir) && !weAnswered ? this.#acceptedLayers(t, rm) : [];
      if (layers.length > 0) {
        t._sentBefore = true;
        for (const l of layers)
          senders.push({ ...l, mid: t.mid, kind: t._kind, codecs, extmaps: answer.extmaps });
      } else if (sends(dir)) {
        t._sentBefore = true;
        senders.push({
          id: t._id,
          mid: t.mid,
          kind: t._kind,
          ssrc: t._ssrc,
          rtxSsrc: t._rtxSsrc,
          codecs,
          extmaps: answer.extmaps,
        });
      }
      const rids = receives(dir) ? simulcastRids(rm) : [];
      t.receiver._setLayers(rids);
      if (rids.length > 0) {
        // Each layer is a receiver of its own, bound by its rid (no a=ssrc with simulcast).
        for (const [i, rid] of rids.entries()) {
          const id = layerStreamId(t._id, i);
          this.#layers.set(id, { t, rid });
          const layer = { id, mid: t.mid, kind: t._kind, codecs: answer.codecs, rid };
          receivers.push({ ...layer, extmaps: answer.extmaps, ssrcs: [], rtxSsrcs: new Map() });
          t.receiver._layerTrack(rid)._setKeyFrameRequester(() => this.#requestKeyFrame(id));
        }
      } else if (receives(dir)) {
        const rtxSsrcs = new Map<number, number>();
        for (const g of rm.ssrcGroups)
          if (g.semantics === "FID" && g.ssrcs.length === 2) rtxSsrcs.set(g.ssrcs[1]!, g.ssrcs[0]!);
        const ssrcs = [...new Set(rm.ssrcs.map((s) => s.ssrc))].filter((s) => !rtxSsrcs.has(s));
        receivers.push({
          id: t._id,
          mid: t.mid,
          kind: t._kind,
          codecs: answer.codecs,
          extmaps: answer.extmaps,
          ssrcs: rm.simulcast ? [] : ssrcs,
          rtxSsrcs,
        });
      }
    }
    const core = this.#host.core();
    if (!core) return;
    core.configureMedia(this.#host.now(), senders, receivers);
    this.#host.pump();
  }

  /** Routes a media event of the core to its track (called inside a queued task). */
  deliver(e: MediaEvent): void {
    switch (e.type) {
      case "rtp": {
        const t = this.#receiving(e.receiverId);
        if (!t) return;
        t.receiver._noteSource(
          e.packet.header.ssrc,
          e.packet.header.csrcs,
          e.packet.header.timestamp,
        );
        this.#receiverTrack(t, e.receiverId)._deliverRtp(e.packet);
        return;
      }
      case "frame": {
        const t = this.#receiving(e.receiverId);
        if (!t) return;
        const f = e.frame;
        const data =
          f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength
            ? (f.data.buffer as ArrayBuffer)
            : f.data.slice().buffer;
        const codec = t.receiver
          .getParameters()
          .codecs.find((c) => c.payloadType === e.payloadType);
        const metadata = {
          synchronizationSource: e.ssrc,
          payloadType: e.payloadType,
          contributingSources: [],
          rtpTimestamp: f.timestamp,
          mimeType: codec?.mimeType ?? "",
          sequenceNumber: f.firstSequenceNumber,
        };
        this.#receiverTrack(t, e.receiverId)._deliverFrame(
          t._kind === "video"
            ? new RTCEncodedVideoFrame({
                data,
                timestamp: f.timestamp,
                type: f.keyframe ? "key" : "delta",
                metadata,
              })
            : new RTCEncodedAudioFrame({ data, timestamp: f.timestamp, metadata }),
        );
        return;
      }
      case "keyframe-request": {
        if (e.senderId >= LAYER_ID_BASE) {
          const t = this.#byId(Math.floor((e.senderId - LAYER_ID_BASE) / MAX_LAYERS));
          t?.sender._trackOf(e.senderId)?.dispatchEvent(new Event("keyframerequest"));
          return;
        }
        const sender = this.#byId(e.senderId)?.sender;
        sender?._keyFrameRequested();
        sender?.track?.dispatchEvent(new Event("keyframerequest"));
        return;
      }
      case "dtmf-tonechange":
        this.#byId(e.senderId)?.sender._dtmf?._toneChange(e.tone);
        return;
      case "dtmf":
        this.#byId(e.receiverId)?.receiver.track.dispatchEvent(
          new RTCDTMFToneEvent("dtmf", {
            tone: e.tone,
            duration: e.durationMs,
            rtpTimestamp: e.rtpTimestamp,
          }),
        );
        return;
      case "remb":
        for (const id of e.senderIds)
          this.#byId(id)?.sender.dispatchEvent(
            new RTCBandwidthEstimateEvent("bandwidthestimate", {
              bitrate: e.bitrate,
              source: "remb",
            }),
          );
        return;
      case "transport-cc":
        for (const id of e.senderIds) {
          const sender = this.#byId(id)?.sender;
          if (!sender) continue;
          sender.dispatchEvent(new RTCTransportFeedbackEvent("twcc", { packets: e.packets }));
          if (e.acknowledgedBitrate !== undefined)
            sender.dispatchEvent(
              new RTCBandwidthEstimateEvent("bandwidthestimate", {
                bitrate: e.acknowledgedBitrate,
                source: "transport-cc",
              }),
            );
        }
        return;
    }
  }

  /** The connection closed: every transceiver stops. */
  close(): void {
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
    const t = new RTCRtpTransceiver({ kind, id, ssrc, rtxSsrc, direction }, sender, receiver, () =>
      this.#host.changed(),
    );
    sender._stats = () => this.#host.stats({ transceiver: t, side: "sender" });
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

  /** `a=rid:<rid> send` per encoding and `a=simulcast:send` (RFC 8851, RFC 8853 §5.1). */
  #simulcastOffer(t: RTCRtpTransceiver): Pick<MediaInit, "rids" | "simulcast"> {
    const layers = t.sender._simulcast(t._id, t._ssrc, t._rtxSsrc);
    if (!sends(t.direction) || layers.length === 0) return {};
    return {
      rids: layers.map((l) => ({
        id: l.rid,
        direction: "send" as const,
        payloadTypes: [],
        restrictions: {},
      })),
      simulcast: { send: layers.map((l) => [{ rid: l.rid, paused: false }]) },
    };
  }

  /**
   * The simulcast encodings the answer accepted (`a=simulcast:recv`, RFC 8853 §5.3); empty when
   * not simulcast or when the peer declined it (then only the first encoding is sent).
   */
  #acceptedLayers(t: RTCRtpTransceiver, remote: MediaSection) {
    const accepted = new Set(simulcastRids(remote, "recv"));
    return t.sender
      ._simulcast(t._id, t._ssrc, t._rtxSsrc)
      .filter((l) => accepted.has(l.rid))
      .map((l) => ({ id: l.id, ssrc: l.ssrc, rtxSsrc: l.rtxSsrc, rid: l.rid }));
  }

  /** `a=msid`, `a=ssrc` (cname, msid) and `a=ssrc-group:FID` of a sending section (RFC 8830, 5576). */
  #sendAttributes(
    t: RTCRtpTransceiver,
    direction: string,
  ): Pick<MediaInit, "msid" | "ssrcs" | "ssrcGroups"> {
    t._signalled = `${t.direction} ${t._streamIds.join(",")}`;
    if (!sends(direction)) return {};
    const stream = t._streamIds[0] ?? "-";
    const trackId = t.sender.track?.id ?? `purertc-${t._kind}-${t._id}`;
    // Simulcast layers are told apart by rid, not signalled SSRCs (RFC 8853 §5.2).
    if (t.sender._simulcast(t._id, t._ssrc, t._rtxSsrc).length > 0)
      return { msid: { stream, track: trackId } };
    const msid = `${stream} ${trackId}`;
    // RTX (and so the FID group) is video only: Chromium refuses an audio section's FID SSRC.
    const ssrcs = t._kind === "video" ? [t._ssrc, t._rtxSsrc] : [t._ssrc];
    return {
      msid: { stream, track: trackId },
      ssrcs: ssrcs.flatMap((ssrc) => [
        { ssrc, attribute: "cname", value: this.#cname },
        { ssrc, attribute: "msid", value: msid },
      ]),
      ssrcGroups: ssrcs.length === 2 ? [{ semantics: "FID", ssrcs }] : [],
    };
  }

  /** The negotiated codecs with the track's preferred codec first (it is the one sent). */
  #sendOrder(
    codecs: readonly MediaSection["codecs"][number][],
    mime: string | undefined,
    kind: MediaKind,
  ) {
    const list = [...codecs];
    if (!mime) return list;
    const first = list.filter((c) => mimeMatches(mime, kind, c));
    return [...first, ...list.filter((c) => !first.includes(c))];
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
