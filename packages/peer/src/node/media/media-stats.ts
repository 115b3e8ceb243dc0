/**
 * The media entries of `getStats()` (webrtc-stats §3.2, §5): `codec`, `inbound-rtp`,
 * `outbound-rtp`, `remote-inbound-rtp` (from the peer's RR about our stream: loss, jitter, RTT by
 * LSR/DLSR, RFC 3550 §6.4.1), `remote-outbound-rtp` (from the peer's SR), `media-source`; and the
 * selector filter of `getStats(track)` / `sender.getStats()` / `receiver.getStats()` (webrtc-pc
 * §8.5 "stats selection algorithm": the RTP streams of one sender or receiver and every object
 * they reference).
 */
import type { PeerCore } from "../../peer-core.js";
import type { RTCStats } from "../stats.js";
import { layerStreamId } from "./layer-ids.js";
import type { RTCRtpTransceiver } from "./rtp-transceiver.js";

/** What the media part of a report needs. */
export interface MediaStatsInput {
  readonly core: PeerCore | undefined;
  readonly transceivers: readonly RTCRtpTransceiver[];
  readonly transportId: string;
  /** Core clock (ms) → W3C timestamp (ms since the epoch). */
  readonly epoch: (t: number | undefined) => number | undefined;
}

const letter = (kind: string) => (kind === "video" ? "V" : "A");

/** The outbound and inbound stream ids of a transceiver (one per simulcast layer). */
export interface StreamIds {
  readonly outbound: string[];
  readonly inbound: string[];
}

type CodecList = readonly {
  payloadType: number;
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}[];

/** Adds the media entries to `add`; returns the ids of each transceiver's streams. */
export function addMediaStats(
  input: MediaStatsInput,
  timestamp: number,
  add: (s: RTCStats) => void,
): Map<RTCRtpTransceiver, StreamIds> {
  const ids = new Map<RTCRtpTransceiver, StreamIds>();
  const media = input.core?.media;
  if (!media) return ids;
  const transportId = input.transportId;
  const codecs = new Set<string>();
  const codecId = (dir: "I" | "O", kind: string, pt: number | undefined, list: CodecList) => {
    const c = list.find((x) => x.payloadType === pt);
    if (!c) return undefined;
    const id = `C${dir}${transportId}_${c.payloadType}${c.sdpFmtpLine ? `_${c.sdpFmtpLine}` : ""}`;
    if (codecs.has(id)) return id;
    codecs.add(id);
    add({
      id,
      type: "codec",
      timestamp,
      transportId,
      payloadType: c.payloadType,
      mimeType: c.mimeType,
      clockRate: c.clockRate,
      channels: kind === "audio" ? c.channels : undefined,
      sdpFmtpLine: c.sdpFmtpLine,
    });
    return id;
  };
  const ctx: StreamContext = { media, transportId, timestamp, add, codecId, epoch: input.epoch };
  for (const t of input.transceivers) {
    const entry: StreamIds = { outbound: [], inbound: [] };
    ids.set(t, entry);
    // Encoding 0 is the transceiver's own stream; simulcast layers 1.. are streams of their own.
    const encodings = t.sender.getParameters().encodings;
    for (const [i, enc] of encodings.entries()) {
      const id = addOutbound(ctx, t, i === 0 ? t._id : layerStreamId(t._id, i), i, enc);
      if (id) entry.outbound.push(id);
    }
    // A simulcast receiver has one stream per rid layer (layer ids from 0), none of its own.
    const layers = t.receiver.encodings;
    const streams =
      layers[0]?.rid === undefined
        ? [{ streamId: t._id, track: t.receiver.track, rid: undefined }]
        : layers.map((e, i) => ({ streamId: layerStreamId(t._id, i), track: e.track, rid: e.rid }));
    for (const st of streams) {
      const id = addInbound(ctx, t, st.streamId, st.track.id, st.rid);
      if (id) entry.inbound.push(id);
    }
  }
  return ids;
}

interface StreamContext {
  readonly media: NonNullable<PeerCore["media"]>;
  readonly transportId: string;
  readonly timestamp: number;
  readonly add: (s: RTCStats) => void;
  readonly codecId: (
    dir: "I" | "O",
    kind: string,
    pt: number | undefined,
    list: CodecList,
  ) => string | undefined;
  readonly epoch: MediaStatsInput["epoch"];
}

/** `outbound-rtp` (+ `media-source` once, + `remote-inbound-rtp` from RRs) of one stream. */
function addOutbound(
  c: StreamContext,
  t: RTCRtpTransceiver,
  streamId: number,
  encodingIndex: number,
  enc: { rid?: string; active?: boolean },
): string | undefined {
  const tx = c.media.senderStats(streamId);
  if (!tx) return undefined;
  const { transportId, timestamp, add } = c;
  const kind = t._kind;
  const id = `OT${transportId}${letter(kind)}${tx.ssrc}`;
  const sourceId = `S${letter(kind)}${t._id}`;
  const remoteId = tx.reportsReceived > 0 ? `RI${transportId}${letter(kind)}${tx.ssrc}` : undefined;
  const cid = c.codecId("O", kind, tx.payloadType, t.sender.getParameters().codecs);
  if (encodingIndex === 0)
    add({
      id: sourceId,
      type: "media-source",
      timestamp,
      kind,
      trackIdentifier: t.sender.track?.id,
      ...(kind === "video" ? { frames: tx.framesSent } : {}),
    });
  add({
    id,
    type: "outbound-rtp",
    timestamp,
    ssrc: tx.ssrc,
    kind,
    transportId,
    codecId: cid,
    mid: tx.mid,
    rid: enc.rid,
    encodingIndex,
    mediaSourceId: sourceId,
    remoteId,
    packetsSent: tx.packetsSent,
    bytesSent: tx.bytesSent,
    retransmittedPacketsSent: tx.retransmittedPacketsSent,
    nackCount: tx.nackCount,
    ...(kind === "video"
      ? { framesSent: tx.framesSent, pliCount: tx.pliCount, firCount: tx.firCount }
      : {}),
    active: enc.active ?? true,
  });
  if (remoteId)
    add({
      id: remoteId,
      type: "remote-inbound-rtp",
      timestamp,
      ssrc: tx.ssrc,
      kind,
      transportId,
      codecId: cid,
      localId: id,
      packetsLost: tx.remotePacketsLost,
      fractionLost: tx.remoteFractionLost,
      jitter: tx.remoteJitter,
      roundTripTime: tx.roundTripTime === undefined ? undefined : tx.roundTripTime / 1000,
      totalRoundTripTime: tx.totalRoundTripTime / 1000,
      roundTripTimeMeasurements: tx.roundTripTimeMeasurements,
    });
  return id;
}

/** `inbound-rtp` (+ `remote-outbound-rtp` from SRs) of one received stream. */
function addInbound(
  c: StreamContext,
  t: RTCRtpTransceiver,
  streamId: number,
  trackIdentifier: string,
  rid: string | undefined,
): string | undefined {
  const rx = c.media.receiverStats(streamId);
  if (!rx || rx.ssrc === undefined) return undefined;
  const { transportId, timestamp, add } = c;
  const kind = t._kind;
  const id = `IT${transportId}${letter(kind)}${rx.ssrc}`;
  const r = rx.remoteSender;
  const remoteId = r ? `RO${transportId}${letter(kind)}${rx.ssrc}` : undefined;
  const cid = c.codecId("I", kind, rx.payloadType, t.receiver.getParameters().codecs);
  add({
    id,
    type: "inbound-rtp",
    timestamp,
    ssrc: rx.ssrc,
    kind,
    transportId,
    codecId: cid,
    mid: rx.mid,
    rid,
    trackIdentifier,
    remoteId,
    packetsReceived: rx.packetsReceived,
    bytesReceived: rx.bytesReceived,
    packetsLost: rx.packetsLost,
    jitter: rx.jitter,
    lastPacketReceivedTimestamp: c.epoch(rx.lastPacketReceivedAt),
    retransmittedPacketsReceived: rx.retransmittedPacketsReceived,
    nackCount: rx.nackCount,
    ...(kind === "video"
      ? {
          framesReceived: rx.framesReceived,
          framesDropped: rx.framesDropped,
          pliCount: rx.pliCount,
          firCount: 0,
        }
      : {}),
  });
  if (r && remoteId)
    add({
      id: remoteId,
      type: "remote-outbound-rtp",
      timestamp,
      ssrc: rx.ssrc,
      kind,
      transportId,
      codecId: cid,
      localId: id,
      packetsSent: r.packetsSent,
      bytesSent: r.bytesSent,
      remoteTimestamp: r.remoteTimestamp,
      reportsSent: r.reportsReceived,
    });
  return id;
}

/**
 * webrtc-pc §8.5 stats selection: the entries in `roots` and every entry they reference through
 * an `...Id` field, transitively.
 */
export function selectStats(
  report: ReadonlyMap<string, RTCStats>,
  roots: readonly string[],
): Map<string, RTCStats> {
  const out = new Map<string, RTCStats>();
  const todo = [...roots];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    const s = report.get(id);
    if (!s || out.has(id)) continue;
    out.set(id, s);
    for (const [k, v] of Object.entries(s))
      if (k !== "id" && k.endsWith("Id") && typeof v === "string") todo.push(v);
  }
  return out;
}
