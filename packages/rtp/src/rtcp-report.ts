import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * A reception report block (RFC 3550 §6.4.1), shared by SR and RR:
 * ```
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous report, 0..255 (fixed point, /256). */
  readonly fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  readonly packetsLost: number;
  readonly highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received. */
  readonly lastSr: number;
  /** Delay since that SR, in units of 1/65536 s. */
  readonly delaySinceLastSr: number;
}

/** Sender Report (RFC 3550 §6.4.1, PT=200). */
export interface SenderReport {
  readonly type: "sr";
  readonly ssrc: number;
  /** 64-bit NTP timestamp (RFC 5905 format: seconds since 1900 in the upper 32 bits). */
  readonly ntpTime: bigint;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension after the report blocks (RFC 3550 §6.4.1), usually empty. */
  readonly profileExtension?: Uint8Array;
}

/** Receiver Report (RFC 3550 §6.4.2, PT=201). */
export interface ReceiverReport {
  readonly type: "rr";
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  readonly profileExtension?: Uint8Array;
}

export const RTCP_SR = 200;
export const RTCP_RR = 201;

function readBlocks(r: ByteReader, count: number): ReportBlock[] {
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const ssrc = r.u32();
    const fractionLost = r.u8();
    const lost = r.u24();
    reports.push({
      ssrc,
      fractionLost,
      packetsLost: lost & 0x800000 ? lost - 0x1000000 : lost,
      highestSequence: r.u32(),
      jitter: r.u32(),
      lastSr: r.u32(),
      delaySinceLastSr: r.u32(),
    });
  }
  return reports;
}

/** @internal Decodes an SR body (after the 4-byte common header). */
export function decodeSrBody(r: ByteReader, count: number): SenderReport {
  const ssrc = r.u32();
  const ntpTime = r.u64();
  const rtpTimestamp = r.u32();
  const packetCount = r.u32();
  const octetCount = r.u32();
  const reports = readBlocks(r, count);
  const ext = r.rest();
  return ext.byteLength > 0
    ? {
        type: "sr",
        ssrc,
        ntpTime,
        rtpTimestamp,
        packetCount,
        octetCount,
        reports,
        profileExtension: ext,
      }
    : { type: "sr", ssrc, ntpTime, rtpTimestamp, packetCount, octetCount, reports };
}

/** @internal Decodes an RR body. */
export function decodeRrBody(r: ByteReader, count: number): ReceiverReport {
  const ssrc = r.u32();
  const reports = readBlocks(r, count);
  const ext = r.rest();
  return ext.byteLength > 0
    ? { type: "rr", ssrc, reports, profileExtension: ext }
    : { type: "rr", ssrc, reports };
}

/** @internal Body length (without common header) of an SR or RR. */
export function reportBodyLength(p: SenderReport | ReceiverReport): number {
  return (p.type === "sr" ? 24 : 4) + p.reports.length * 24 + (p.profileExtension?.byteLength ?? 0);
}

/** @internal Writes an SR or RR body. */
export function writeReportBody(p: SenderReport | ReceiverReport, w: ByteWriter): void {
  if (p.reports.length > 31)
    throw new RangeError(`RTCP: ${p.reports.length} report blocks, at most 31`);
  w.u32(p.ssrc);
  if (p.type === "sr") {
    w.u64(BigInt.asUintN(64, p.ntpTime)).u32(p.rtpTimestamp).u32(p.packetCount).u32(p.octetCount);
  }
  for (const b of p.reports) {
    w.u32(b.ssrc)
      .u8(b.fractionLost)
      .u24(b.packetsLost & 0xffffff)
      .u32(b.highestSequence)
      .u32(b.jitter)
      .u32(b.lastSr)
      .u32(b.delaySinceLastSr);
  }
  if (p.profileExtension) {
    if (p.profileExtension.byteLength % 4 !== 0)
      throw new RangeError("RTCP: profile extension not 32-bit aligned");
    w.bytes(p.profileExtension);
  }
}
