/**
 * The regular RTCP report of a bundle (RFC 3550 §6.4, RFC 8108 §5.3): one compound packet with
 * a Sender Report per local SSRC that has sent (the reception report blocks ride on the first),
 * else a Receiver Report from the session's RTCP SSRC, followed by an SDES CNAME chunk for each
 * reporting SSRC (RFC 3550 §6.1: every compound packet carries a CNAME).
 *
 * ```
 *  [SR ssrc A + blocks] [SR ssrc B] ... [SDES A cname, B cname]     (some stream sent)
 *  [RR rtcp-ssrc + blocks] [SDES rtcp-ssrc cname]                   (receive only)
 * ```
 */
import type { Millis } from "@purertc/common";
import { ntpFromUnixMs, type RtcpPacket, SDES_CNAME } from "@purertc/rtp";
import type { ReceiveStream } from "./receive-stream.js";
import type { SendStream } from "./send-stream.js";

/** RFC 3550 §6.4.1: the 5-bit reception report count. */
const MAX_REPORT_BLOCKS = 31;

/** The compound report due at `now`; empty when there is nothing to report. */
export function buildReports(
  now: Millis,
  wallClockOffsetMs: number,
  rtcpSsrc: number,
  cname: string,
  senders: Iterable<SendStream>,
  receivers: Iterable<ReceiveStream>,
): RtcpPacket[] {
  const blocks = [];
  for (const rx of receivers) {
    const s = rx.receiverStats;
    if (s && rx.packetsReceived > 0) blocks.push(s.reportBlock(now));
  }
  const packets: RtcpPacket[] = [];
  const ntp = ntpFromUnixMs(now + wallClockOffsetMs);
  const chunks = [];
  for (const tx of senders) {
    if (!tx.sentAny) continue;
    const sr = tx.report.build(now, ntp);
    packets.push({
      ...sr,
      reports: packets.length === 0 ? blocks.slice(0, MAX_REPORT_BLOCKS) : [],
    });
    chunks.push({ source: tx.ssrc, items: [{ type: SDES_CNAME, text: cname }] });
  }
  if (packets.length === 0) {
    if (blocks.length === 0) return [];
    packets.push({ type: "rr", ssrc: rtcpSsrc, reports: blocks.slice(0, MAX_REPORT_BLOCKS) });
    chunks.push({ source: rtcpSsrc, items: [{ type: SDES_CNAME, text: cname }] });
  }
  packets.push({ type: "sdes", chunks });
  return packets;
}
