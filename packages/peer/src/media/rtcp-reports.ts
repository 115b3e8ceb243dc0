/**
 * The regular RTCP report of a bundle (RFC 3550 §6.4, RFC 8108 §5.3): a Sender Report per local
 * SSRC that has sent, else a Receiver Report from the session's RTCP SSRC, each followed in its
 * compound packet by an SDES CNAME chunk (RFC 3550 §6.1: every compound packet carries one).
 * Reception report blocks are shared out over the reports, 31 each (the 5-bit count), extra
 * RRs carrying what is left (§6.4.2). Compounds are cut so that each stays within the size
 * limit (the MTU less SRTCP's trailer): many SSRCs give several compounds (RFC 8108 §5.3).
 *
 * ```
 *  compound 1: [SR A + 31 blocks] [SR B + 9 blocks] [SDES A, B]
 *  compound 2: [SR C] [SR D] [SDES C, D]                       (limit reached before C)
 *  receive only: [RR rtcp-ssrc + blocks] [SDES rtcp-ssrc]
 * ```
 */
import type { Millis } from "@purertc/common";
import {
  encodedLengthRtcpPacket,
  ntpFromUnixMs,
  type ReportBlock,
  type RtcpPacket,
  SDES_CNAME,
  type SdesChunk,
} from "@purertc/rtp";
import type { ReceiveStream } from "./receive-stream.js";
import type { SendStream } from "./send-stream.js";

/** RFC 3550 §6.4.1: the 5-bit reception report count. */
const MAX_REPORT_BLOCKS = 31;
/** RFC 3550 §6.5: the 5-bit source count of an SDES packet. */
const MAX_SDES_CHUNKS = 31;

/** What one regular report needs to know. */
export interface ReportInput {
  readonly now: Millis;
  readonly wallClockOffsetMs: number;
  /** Our SSRC for RRs when no stream of ours has sent. */
  readonly rtcpSsrc: number;
  readonly cname: string;
  /** The largest compound packet, in bytes before SRTCP protection. */
  readonly maxBytes: number;
}

/** One compound packet of a report and the local SSRCs it reports for. */
export interface ReportCompound {
  readonly packets: RtcpPacket[];
  readonly ssrcs: number;
}

/** The compound packets of the report due at `now`; empty when there is nothing to report. */
export function buildReports(
  input: ReportInput,
  senders: Iterable<SendStream>,
  receivers: Iterable<ReceiveStream>,
): ReportCompound[] {
  const blocks: ReportBlock[] = [];
  for (const rx of receivers) {
    const s = rx.receiverStats;
    if (s && rx.packetsReceived > 0) blocks.push(s.reportBlock(input.now));
  }
  const reports: RtcpPacket[] = [];
  const ntp = ntpFromUnixMs(input.now + input.wallClockOffsetMs);
  let next = 0;
  const take = () => {
    const from = next;
    next = Math.min(next + MAX_REPORT_BLOCKS, blocks.length);
    return blocks.slice(from, next);
  };
  for (const tx of senders) {
    if (!tx.sentAny) continue;
    reports.push({ ...tx.report.build(input.now, ntp), reports: take() });
  }
  if (reports.length === 0) {
    if (blocks.length === 0) return [];
    reports.push({ type: "rr", ssrc: input.rtcpSsrc, reports: take() });
  }
  // RFC 3550 §6.4.2: blocks beyond one report each go in further RRs of the first reporter.
  const first = (reports[0] as { ssrc: number }).ssrc;
  while (next < blocks.length) reports.push({ type: "rr", ssrc: first, reports: take() });
  return pack(reports, input.cname, input.maxBytes);
}

/** Greedy packing: each compound is reports then one SDES with a chunk per reporting SSRC. */
function pack(reports: readonly RtcpPacket[], cname: string, maxBytes: number): ReportCompound[] {
  const out: ReportCompound[] = [];
  let cur: RtcpPacket[] = [];
  let chunks: SdesChunk[] = [];
  let size = 4; // the SDES header
  const chunkBytes = encodedLengthRtcpPacket(sdes(0, cname)) - 4;
  const close = () => {
    if (cur.length === 0) return;
    out.push({ packets: [...cur, { type: "sdes", chunks }], ssrcs: chunks.length });
    cur = [];
    chunks = [];
    size = 4;
  };
  for (const r of reports) {
    const ssrc = (r as { ssrc: number }).ssrc;
    let fresh = !chunks.some((c) => c.source === ssrc);
    const bytes = encodedLengthRtcpPacket(r);
    const full = fresh && chunks.length === MAX_SDES_CHUNKS;
    if (cur.length > 0 && (full || size + bytes + (fresh ? chunkBytes : 0) > maxBytes)) {
      close();
      fresh = true;
    }
    cur.push(r);
    size += bytes;
    if (fresh) {
      chunks.push({ source: ssrc, items: [{ type: SDES_CNAME, text: cname }] });
      size += chunkBytes;
    }
  }
  close();
  return out;
}

function sdes(source: number, cname: string): RtcpPacket {
  return { type: "sdes", chunks: [{ source, items: [{ type: SDES_CNAME, text: cname }] }] };
}
