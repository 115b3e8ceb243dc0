import { ByteReader, ByteWriter, DecodeError } from "@purertc/common";
import {
  type ApplicationDefined,
  appBodyLength,
  decodeAppBody,
  RTCP_APP,
  writeAppBody,
} from "./rtcp-app.js";
import { byeBodyLength, decodeByeBody, type Goodbye, RTCP_BYE, writeByeBody } from "./rtcp-bye.js";
import {
  decodeNackFci,
  type GenericNack,
  RTCP_PSFB,
  RTCP_RTPFB,
  RTPFB_NACK,
  writeNackFci,
} from "./rtcp-nack.js";
import {
  decodeFirFci,
  decodeRembFci,
  type FullIntraRequest,
  isRembFci,
  type PictureLossIndication,
  PSFB_AFB,
  PSFB_FIR,
  PSFB_PLI,
  type ReceiverEstimatedMaxBitrate,
  rembFciLength,
  writeFirFci,
  writeRembFci,
} from "./rtcp-psfb.js";
import {
  decodeRrBody,
  decodeSrBody,
  type ReceiverReport,
  RTCP_RR,
  RTCP_SR,
  reportBodyLength,
  type SenderReport,
  writeReportBody,
} from "./rtcp-report.js";
import {
  decodeSdesBody,
  RTCP_SDES,
  type SourceDescription,
  sdesBodyLength,
  writeSdesBody,
} from "./rtcp-sdes.js";
import {
  decodeTransportCc,
  RTPFB_TRANSPORT_CC,
  type TransportCcFeedback,
  transportCcUnpaddedLength,
  writeTransportCcBody,
} from "./rtcp-twcc.js";
import {
  decodeXrBody,
  type ExtendedReport,
  RTCP_XR,
  writeXrBody,
  xrBodyLength,
} from "./rtcp-xr.js";

/**
 * Any RTCP packet type we do not model (or an RTPFB/PSFB FMT we do not model), kept raw:
 * `count` is the 5-bit RC/FMT field, `body` the bytes after the common header, without padding.
 */
export interface UnknownRtcp {
  readonly type: "unknown";
  readonly packetType: number;
  readonly count: number;
  readonly body: Uint8Array;
}

/** One RTCP packet: a discriminated union on `type`. */
export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | ApplicationDefined
  | GenericNack
  | TransportCcFeedback
  | PictureLossIndication
  | FullIntraRequest
  | ReceiverEstimatedMaxBitrate
  | ExtendedReport
  | UnknownRtcp;

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtcp", code, offset, detail);
}

/**
 * Decodes a compound RTCP packet (RFC 3550 §6.1) or a reduced-size one (RFC 5506 §3: any single
 * packet type, no SR/RR first). Common header of every packet:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |   length (32-bit words - 1)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Views inside the result share memory with `bytes`.
 */
export function decodeRtcp(bytes: Uint8Array): RtcpPacket[] {
  const out: RtcpPacket[] = [];
  let o = 0;
  const n = bytes.byteLength;
  if (n === 0) fail("truncated", 0, "empty RTCP datagram");
  while (o < n) {
    if (o + 4 > n) fail("truncated", o, "RTCP common header");
    const b0 = bytes[o]!;
    if (b0 >>> 6 !== 2) fail("bad-version", o, `version ${b0 >>> 6}`);
    const size = (((bytes[o + 2]! << 8) | bytes[o + 3]!) + 1) * 4;
    if (o + size > n) fail("truncated", o + 2, `RTCP packet of ${size} bytes, ${n - o} left`);
    let end = o + size;
    if ((b0 & 0x20) !== 0) {
      const pad = bytes[end - 1]!;
      if (pad === 0 || pad > size - 4) fail("bad-padding", end - 1, `padding count ${pad}`);
      end -= pad;
    }
    out.push(decodeOne(bytes.subarray(o, end), b0 & 0x1f, bytes[o + 1]!));
    o += size;
  }
  return out;
}

function decodeOne(p: Uint8Array, count: number, pt: number): RtcpPacket {
  const r = new ByteReader(p, "rtcp", 4);
  switch (pt) {
    case RTCP_SR:
      return decodeSrBody(r, count);
    case RTCP_RR:
      return decodeRrBody(r, count);
    case RTCP_SDES:
      return decodeSdesBody(r, count);
    case RTCP_BYE:
      return decodeByeBody(r, count);
    case RTCP_APP:
      return decodeAppBody(r, count);
    case RTCP_XR:
      return decodeXrBody(r);
    case RTCP_RTPFB:
    case RTCP_PSFB: {
      const senderSsrc = r.u32();
      const mediaSsrc = r.u32();
      if (pt === RTCP_RTPFB) {
        if (count === RTPFB_NACK) return decodeNackFci(r, senderSsrc, mediaSsrc);
        if (count === RTPFB_TRANSPORT_CC) return decodeTransportCc(p);
      } else {
        if (count === PSFB_PLI) return { type: "pli", senderSsrc, mediaSsrc };
        if (count === PSFB_FIR) return decodeFirFci(r, senderSsrc, mediaSsrc);
        if (count === PSFB_AFB && isRembFci(r)) return decodeRembFci(r, senderSsrc);
      }
      return { type: "unknown", packetType: pt, count, body: p.subarray(4) };
    }
    default:
      return { type: "unknown", packetType: pt, count, body: p.subarray(4) };
  }
}

/** Packet type and RC/FMT field of a packet. */
function typeAndCount(p: RtcpPacket): [number, number] {
  switch (p.type) {
    case "sr":
      return [RTCP_SR, p.reports.length];
    case "rr":
      return [RTCP_RR, p.reports.length];
    case "sdes":
      return [RTCP_SDES, p.chunks.length];
    case "bye":
      return [RTCP_BYE, p.sources.length];
    case "app":
      return [RTCP_APP, p.subtype];
    case "xr":
      return [RTCP_XR, 0];
    case "nack":
      return [RTCP_RTPFB, RTPFB_NACK];
    case "transport-cc":
      return [RTCP_RTPFB, RTPFB_TRANSPORT_CC];
    case "pli":
      return [RTCP_PSFB, PSFB_PLI];
    case "fir":
      return [RTCP_PSFB, PSFB_FIR];
    case "remb":
      return [RTCP_PSFB, PSFB_AFB];
    case "unknown":
      return [p.packetType, p.count];
  }
}

/** Body length (after the common header) before padding. */
function bodyLength(p: RtcpPacket): number {
  switch (p.type) {
    case "sr":
    case "rr":
      return reportBodyLength(p);
    case "sdes":
      return sdesBodyLength(p);
    case "bye":
      return byeBodyLength(p);
    case "app":
      return appBodyLength(p);
    case "xr":
      return xrBodyLength(p);
    case "nack":
      return 8 + p.items.length * 4;
    case "transport-cc":
      return transportCcUnpaddedLength(p) - 4;
    case "pli":
      return 8;
    case "fir":
      return 8 + p.entries.length * 8;
    case "remb":
      return 8 + rembFciLength(p);
    case "unknown":
      return p.body.byteLength;
  }
}

/** Encoded size of one packet, padded to 32 bits. */
export function encodedLengthRtcpPacket(p: RtcpPacket): number {
  return (4 + bodyLength(p) + 3) & ~3;
}

/**
 * Writes one packet at `offset` and returns the offset past it. A body that is not a multiple
 * of 4 bytes (transport-cc) gets RFC 3550 padding: the P bit and a count in the last octet.
 */
export function encodeRtcpPacketInto(p: RtcpPacket, buf: Uint8Array, offset: number): number {
  const [pt, count] = typeAndCount(p);
  if (count < 0 || count > 31) throw new RangeError(`RTCP: count/FMT ${count} outside 0..31`);
  const body = bodyLength(p);
  const total = (4 + body + 3) & ~3;
  if (offset < 0 || offset + total > buf.byteLength) {
    throw new RangeError(
      `RTCP: packet needs ${total} bytes at ${offset}, buffer has ${buf.byteLength}`,
    );
  }
  if (total / 4 - 1 > 0xffff) throw new RangeError("RTCP: packet longer than 256 KiB");
  const pad = total - 4 - body;
  buf[offset] = 0x80 | (pad > 0 ? 0x20 : 0) | count;
  buf[offset + 1] = pt;
  buf[offset + 2] = (total / 4 - 1) >>> 8;
  buf[offset + 3] = (total / 4 - 1) & 0xff;
  if (p.type === "transport-cc") {
    writeTransportCcBody(p, buf, offset + 4);
  } else {
    const w = new ByteWriter(buf, offset + 4);
    writeBody(p, w);
    if (w.offset !== offset + 4 + body)
      throw new RangeError(`RTCP ${p.type}: body length mismatch`);
  }
  if (pad > 0) {
    buf.fill(0, offset + total - pad, offset + total - 1);
    buf[offset + total - 1] = pad;
  }
  return offset + total;
}

function writeBody(p: Exclude<RtcpPacket, TransportCcFeedback>, w: ByteWriter): void {
  switch (p.type) {
    case "sr":
    case "rr":
      writeReportBody(p, w);
      return;
    case "sdes":
      writeSdesBody(p, w);
      return;
    case "bye":
      writeByeBody(p, w);
      return;
    case "app":
      writeAppBody(p, w);
      return;
    case "xr":
      writeXrBody(p, w);
      return;
    case "nack":
      w.u32(p.senderSsrc).u32(p.mediaSsrc);
      writeNackFci(p, w);
      return;
    case "pli":
      w.u32(p.senderSsrc).u32(p.mediaSsrc);
      return;
    case "fir":
      w.u32(p.senderSsrc).u32(p.mediaSsrc);
      writeFirFci(p, w);
      return;
    case "remb":
      w.u32(p.senderSsrc).u32(0);
      writeRembFci(p, w);
      return;
    case "unknown":
      w.bytes(p.body);
      return;
  }
}

/** Encodes one packet into a new array. */
export function encodeRtcpPacket(p: RtcpPacket): Uint8Array {
  const out = new Uint8Array(encodedLengthRtcpPacket(p));
  encodeRtcpPacketInto(p, out, 0);
  return out;
}

/**
 * Encodes packets back to back as one compound packet (RFC 3550 §6.1). The caller orders them
 * (SR/RR first for a full compound; any single packet for reduced-size RTCP, RFC 5506).
 */
export function encodeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  let n = 0;
  for (const p of packets) n += encodedLengthRtcpPacket(p);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of packets) o += encodeRtcpPacketInto(p, out, o) - o;
  return out;
}

/**
 * Whether packets form a full compound packet per RFC 3550 §6.1 (first SR or RR, and an SDES
 * with a CNAME); otherwise they are reduced-size RTCP (RFC 5506 §3).
 */
export function isFullCompound(packets: readonly RtcpPacket[]): boolean {
  const first = packets[0];
  if (first === undefined || (first.type !== "sr" && first.type !== "rr")) return false;
  return packets.some(
    (p) => p.type === "sdes" && p.chunks.some((c) => c.items.some((i) => i.type === 1)),
  );
}
