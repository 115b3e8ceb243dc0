/**
 * What the media session does with the peer's RTCP (one decoded compound packet at a time):
 * Sender Reports feed the receivers' reception statistics and the W3C remote-outbound-rtp
 * figures, report blocks give our senders the peer's loss, jitter and the round-trip time
 * (RFC 3550 §6.4.1), generic NACKs are answered from the send history over RTX (RFC 4585
 * §6.2.1, RFC 4588), PLI/FIR surface as keyframe requests (RFC 4585 §6.3.1, RFC 5104 §4.3.1),
 * and REMB / transport-cc feed ./transport-feedback.ts.
 */
import type { Logger, Millis } from "@purertc/common";
import {
  nackSequenceNumbers,
  ntpFromUnixMs,
  type ReportBlock,
  type RtcpPacket,
  type RtpPacket,
  unixMsFromNtp,
} from "@purertc/rtp";
import type { MediaEvent } from "./media-events.js";
import type { ReceiveStream } from "./receive-stream.js";
import type { SendStream } from "./send-stream.js";
import type { TransportFeedback } from "./transport-feedback.js";

/** The parts of the media session incoming RTCP acts on. */
export interface RtcpInboundHost {
  readonly senders: ReadonlyMap<number, SendStream>;
  readonly receivers: ReadonlyMap<number, ReceiveStream>;
  readonly feedback: TransportFeedback;
  /** Wall clock at `now` = 0 (RFC 3550 §6.4.1 NTP times). */
  readonly wallClockOffsetMs: number;
  readonly log: Logger;
  event(e: MediaEvent): void;
  /** Sends a repair packet (already rewritten for RTX) on a sender. */
  retransmit(now: Millis, tx: SendStream, packet: RtpPacket): void;
}

/** The sender whose SSRC is `ssrc`. */
export function senderBySsrc(
  senders: ReadonlyMap<number, SendStream>,
  ssrc: number,
): SendStream | undefined {
  for (const s of senders.values()) if (s.ssrc === ssrc) return s;
  return undefined;
}

/** Applies every packet of one decoded compound RTCP packet. */
export function handleRtcpPackets(
  host: RtcpInboundHost,
  now: Millis,
  packets: readonly RtcpPacket[],
): void {
  for (const p of packets) {
    switch (p.type) {
      case "sr":
        for (const rx of host.receivers.values()) {
          if (rx.mediaSsrc !== p.ssrc) continue;
          rx.receiverStats?.handleSenderReport(now, p);
          rx.remoteSender = {
            packetsSent: p.packetCount,
            bytesSent: p.octetCount,
            remoteTimestamp: unixMsFromNtp(p.ntpTime),
            reportsReceived: (rx.remoteSender?.reportsReceived ?? 0) + 1,
          };
        }
        handleReportBlocks(host, now, p.reports);
        break;
      case "rr":
        handleReportBlocks(host, now, p.reports);
        break;
      case "nack": {
        const tx = senderBySsrc(host.senders, p.mediaSsrc);
        if (!tx) break;
        tx.nackCount++;
        for (const r of tx.history.handleNack(now, nackSequenceNumbers(p)))
          host.retransmit(now, tx, tx.repair(now, r));
        break;
      }
      case "pli": {
        const tx = senderBySsrc(host.senders, p.mediaSsrc);
        if (!tx) break;
        tx.pliCount++;
        host.event({ type: "keyframe-request", senderId: tx.config.id, method: "pli" });
        break;
      }
      case "fir":
        for (const e of p.entries) {
          const tx = senderBySsrc(host.senders, e.ssrc);
          if (!tx) continue;
          tx.firCount++;
          host.event({ type: "keyframe-request", senderId: tx.config.id, method: "fir" });
        }
        break;
      case "remb": {
        host.feedback.handleRemb(now, p);
        const senderIds = [];
        for (const tx of host.senders.values())
          if (p.ssrcs.includes(tx.ssrc)) senderIds.push(tx.config.id);
        host.event({ type: "remb", senderIds, bitrate: p.bitrate });
        break;
      }
      case "transport-cc": {
        const r = host.feedback.handleFeedback(p);
        if (r.packets.length === 0) break;
        const senderIds = [];
        for (const tx of host.senders.values())
          if (tx.twccId !== undefined && tx.sentAny) senderIds.push(tx.config.id);
        host.event({
          type: "transport-cc",
          senderIds,
          packets: r.packets,
          acknowledgedBitrate: r.acknowledgedBitrate,
        });
        break;
      }
      default:
        break;
    }
  }
}

/** RFC 3550 §6.4.1: RTT = arrival − LSR − DLSR, in 1/65536 s units. */
function handleReportBlocks(
  host: RtcpInboundHost,
  now: Millis,
  blocks: readonly ReportBlock[],
): void {
  for (const b of blocks) {
    const tx = senderBySsrc(host.senders, b.ssrc);
    if (!tx) continue;
    tx.reportsReceived++;
    tx.remotePacketsLost = b.packetsLost;
    tx.remoteFractionLost = b.fractionLost / 256;
    tx.remoteJitter = b.jitter / tx.clockRate;
    if (b.lastSr === 0) continue;
    const arrival = Number((ntpFromUnixMs(now + host.wallClockOffsetMs) >> 16n) & 0xffffffffn);
    const rtt = ((arrival - b.lastSr - b.delaySinceLastSr) >>> 0) / 65536;
    if (rtt < 60) {
      tx.roundTripTime = rtt * 1000;
      tx.totalRoundTripTime += rtt * 1000;
      tx.roundTripTimeMeasurements++;
    } else host.log.debug("implausible RTT from RR", { ssrc: b.ssrc });
  }
}
