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

/** Adds the media entries to `add`; returns the ids of each transceiver's outbound/inbound stream. */
export function addMediaStats(
  input: MediaStatsInput,
  timestamp: number,
  add: (s: RTCStats) => void,
): Map<RTCRtpTransceiver, { outbound?: string; inbound?: string }> {
  const ids = new Map<RTCRtpTransceiver, { outbound?: string; inbound?: string }>();
  const media = input.core?.media;
  if (!media) return ids;
  const transportId = input.transportId;
  const codecs = new Set<string>();
  const codecId = (
    dir: "I" | "O",
    kind: string,
    pt: number | undefined,
    list: readonly {
      payloadType: number;
      mimeType: string;
      clockRate: number;
      channels?: number;
      sdpFmtpLine?: string;
    }[],
  ): string | undefined => {
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
  for (const t of input.transceivers) {
    const entry: { outbound?: string; inbound?: string } = {};
    ids.set(t, entry);
    const kind = t._kind;
    const tx = media.senderStats(t._id);
    if (tx) {
      const id = `OT${transportId}${letter(kind)}${tx.ssrc}`;
      const sourceId = `S${letter(kind)}${t._id}`;
      const remoteId =
        tx.reportsReceived > 0 ? `RI${transportId}${letter(kind)}${tx.ssrc}` : undefined;
      const cid = codecId("O", kind, tx.payloadType, t.sender.getParameters().codecs);
      entry.outbound = id;
      const track = t.sender.track;
      add({
        id: sourceId,
        type: "media-source",
        timestamp,
        kind,
        trackIdentifier: track?.id,
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
        mediaSourceId: sourceId,
        remoteId,
        packetsSent: tx.packetsSent,
        bytesSent: tx.bytesSent,
        retransmittedPacketsSent: tx.retransmittedPacketsSent,
        nackCount: tx.nackCount,
        ...(kind === "video"
          ? { framesSent: tx.framesSent, pliCount: tx.pliCount, firCount: tx.firCount }
          : {}),
        active: t.sender.getParameters().encodings[0]?.active ?? true,
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
    }
    const rx = media.receiverStats(t._id);
    if (rx && rx.ssrc !== undefined) {
      const id = `IT${transportId}${letter(kind)}${rx.ssrc}`;
      const r = rx.remoteSender;
      const remoteId = r ? `RO${transportId}${letter(kind)}${rx.ssrc}` : undefined;
      const cid = codecId("I", kind, rx.payloadType, t.receiver.getParameters().codecs);
      entry.inbound = id;
      add({
        id,
        type: "inbound-rtp",
        timestamp,
        ssrc: rx.ssrc,
        kind,
        transportId,
        codecId: cid,
        mid: rx.mid,
        trackIdentifier: t.receiver.track.id,
        remoteId,
        packetsReceived: rx.packetsReceived,
        bytesReceived: rx.bytesReceived,
        packetsLost: rx.packetsLost,
        jitter: rx.jitter,
        lastPacketReceivedTimestamp: input.epoch(rx.lastPacketReceivedAt),
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
    }
  }
  return ids;
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
