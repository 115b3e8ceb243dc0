import { DecodeError } from "@purertc/common";
import { readU32, writeU32 } from "./rtp-header.js";

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): RTPFB (PT=205) with FMT=15.
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                                                               .
 * |           recv delta          |  recv delta   | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Run length chunk: `0 | S(2) | run length(13)`. Status vector chunk: `1 | 0 | 14 × 1-bit` or
 * `1 | 1 | 7 × 2-bit` symbols. Symbols: 00 not received, 01 received with a small delta
 * (1 byte, unsigned), 10 received with a large or negative delta (2 bytes, signed), 11 reserved.
 * Deltas are in units of 250 µs, the first relative to the reference time (× 64 ms).
 */
export interface TransportCcFeedback {
  readonly type: "transport-cc";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly baseSequenceNumber: number;
  /** Signed 24-bit, in multiples of 64 ms. */
  readonly referenceTime: number;
  /** 8-bit feedback packet counter. */
  readonly feedbackPacketCount: number;
  /** One symbol per packet from the base: 0 not received, 1 small delta, 2 large delta. */
  readonly statuses: Uint8Array;
  /** Receive deltas of the received packets, in 250 µs ticks, in sequence order. */
  readonly deltas: Int32Array;
}

export const RTPFB_TRANSPORT_CC = 15;
/** Symbols of the packet status chunks (§3.1.1). */
export const TWCC_NOT_RECEIVED = 0;
export const TWCC_SMALL_DELTA = 1;
export const TWCC_LARGE_DELTA = 2;
/** Receive delta unit: 250 µs. Reference time unit: 64 ms. */
export const TWCC_DELTA_US = 250;
export const TWCC_REFERENCE_TIME_MS = 64;

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtcp", code, offset, detail);
}

/**
 * @internal Decodes a whole transport-cc packet `p` (common header at 0, padding removed).
 */
export function decodeTransportCc(p: Uint8Array): TransportCcFeedback {
  const end = p.byteLength;
  if (end < 20) fail("truncated", end, "transport-cc needs 20 bytes");
  const count = (p[14]! << 8) | p[15]!;
  const statuses = new Uint8Array(count);
  let received = 0;
  let o = 20;
  let i = 0;
  while (i < count) {
    if (o + 2 > end) fail("truncated", o, "packet chunk");
    const chunk = (p[o]! << 8) | p[o + 1]!;
    o += 2;
    if ((chunk & 0x8000) === 0) {
      const sym = (chunk >>> 13) & 3;
      if (sym === 3) fail("reserved-status", o - 2, "run length of symbol 11");
      const n = Math.min(chunk & 0x1fff, count - i);
      if (sym !== 0) {
        statuses.fill(sym, i, i + n);
        received += n;
      }
      i += n;
    } else if ((chunk & 0x4000) === 0) {
      for (let k = 13; k >= 0 && i < count; k--) {
        const sym = (chunk >>> k) & 1;
        statuses[i++] = sym;
        received += sym;
      }
    } else {
      for (let k = 12; k >= 0 && i < count; k -= 2) {
        const sym = (chunk >>> k) & 3;
        if (sym === 3) fail("reserved-status", o - 2, "status vector symbol 11");
        statuses[i++] = sym;
        if (sym !== 0) received++;
      }
    }
  }
  const deltas = new Int32Array(received);
  let d = 0;
  for (i = 0; i < count; i++) {
    const sym = statuses[i]!;
    if (sym === 1) {
      if (o + 1 > end) fail("truncated", o, "small receive delta");
      deltas[d++] = p[o++]!;
    } else if (sym === 2) {
      if (o + 2 > end) fail("truncated", o, "large receive delta");
      deltas[d++] = (((p[o]! << 8) | p[o + 1]!) << 16) >> 16;
      o += 2;
    }
  }
  const ref = (p[16]! << 16) | (p[17]! << 8) | p[18]!;
  return {
    type: "transport-cc",
    senderSsrc: readU32(p, 4),
    mediaSsrc: readU32(p, 8),
    baseSequenceNumber: (p[12]! << 8) | p[13]!,
    referenceTime: ref & 0x800000 ? ref - 0x1000000 : ref,
    feedbackPacketCount: p[19]!,
    statuses,
    deltas,
  };
}

let scratch = new Uint16Array(64);

/** Plans the packet chunks for `st` into the module scratch; returns how many. */
function planChunks(st: Uint8Array): number {
  const n = st.length;
  if (scratch.length < n + 1) scratch = new Uint16Array(n + 64);
  let c = 0;
  let i = 0;
  while (i < n) {
    const s = st[i]!;
    let run = 1;
    while (i + run < n && st[i + run] === s && run < 0x1fff) run++;
    if (run >= 14 || i + run === n) {
      scratch[c++] = (s << 13) | run;
      i += run;
      continue;
    }
    const m = Math.min(14, n - i);
    let oneBit = true;
    for (let k = 0; k < m; k++) {
      if (st[i + k]! > 1) {
        oneBit = false;
        break;
      }
    }
    if (oneBit) {
      let chunk = 0x8000;
      for (let k = 0; k < m; k++) chunk |= st[i + k]! << (13 - k);
      scratch[c++] = chunk;
      i += m;
    } else if (run >= 7) {
      scratch[c++] = (s << 13) | run;
      i += run;
    } else {
      const m2 = Math.min(7, n - i);
      let chunk = 0xc000;
      for (let k = 0; k < m2; k++) chunk |= st[i + k]! << (12 - 2 * k);
      scratch[c++] = chunk;
      i += m2;
    }
  }
  return c;
}

function deltaBytes(fb: TransportCcFeedback): number {
  const st = fb.statuses;
  const dl = fb.deltas;
  let bytes = 0;
  let d = 0;
  for (let i = 0; i < st.length; i++) {
    const s = st[i]!;
    if (s === 0) continue;
    const v = dl[d++];
    if (v === undefined) throw new RangeError("transport-cc: fewer deltas than received packets");
    if (s === 1) {
      if (v < 0 || v > 255) throw new RangeError(`transport-cc: small delta ${v} outside 0..255`);
      bytes += 1;
    } else if (s === 2) {
      if (v < -32768 || v > 32767)
        throw new RangeError(`transport-cc: large delta ${v} outside int16`);
      bytes += 2;
    } else {
      throw new RangeError(`transport-cc: status ${s} is not 0, 1 or 2`);
    }
  }
  if (d !== dl.length) throw new RangeError("transport-cc: more deltas than received packets");
  return bytes;
}

let plannedChunks = 0;

/**
 * @internal Unpadded length (header included). Validates the deltas and plans the chunks that
 * the next {@link writeTransportCcBody} call writes.
 */
export function transportCcUnpaddedLength(fb: TransportCcFeedback): number {
  if (fb.statuses.length > 0xffff) throw new RangeError("transport-cc: more than 65535 statuses");
  const bytes = deltaBytes(fb);
  plannedChunks = planChunks(fb.statuses);
  return 20 + plannedChunks * 2 + bytes;
}

/**
 * @internal Writes the transport-cc body after the 4-byte common header at `o` (which the
 * caller writes), right after {@link transportCcUnpaddedLength} on the same feedback; returns
 * the end offset before padding.
 */
export function writeTransportCcBody(fb: TransportCcFeedback, buf: Uint8Array, o: number): number {
  const chunks = plannedChunks;
  writeU32(buf, o, fb.senderSsrc);
  writeU32(buf, o + 4, fb.mediaSsrc);
  const count = fb.statuses.length;
  buf[o + 8] = (fb.baseSequenceNumber >>> 8) & 0xff;
  buf[o + 9] = fb.baseSequenceNumber & 0xff;
  buf[o + 10] = count >>> 8;
  buf[o + 11] = count & 0xff;
  const ref = fb.referenceTime & 0xffffff;
  buf[o + 12] = ref >>> 16;
  buf[o + 13] = (ref >>> 8) & 0xff;
  buf[o + 14] = ref & 0xff;
  buf[o + 15] = fb.feedbackPacketCount & 0xff;
  o += 16;
  for (let c = 0; c < chunks; c++) {
    const v = scratch[c]!;
    buf[o++] = v >>> 8;
    buf[o++] = v & 0xff;
  }
  const st = fb.statuses;
  const dl = fb.deltas;
  let d = 0;
  for (let i = 0; i < count; i++) {
    const s = st[i]!;
    if (s === 1) {
      buf[o++] = dl[d++]!;
    } else if (s === 2) {
      const v = dl[d++]! & 0xffff;
      buf[o++] = v >>> 8;
      buf[o++] = v & 0xff;
    }
  }
  return o;
}
