import { DecodeError } from "@purertc/common";
import { checkMaxPayload, type PayloadCodec } from "./payload-codec.js";

/**
 * H.264 payload format (RFC 6184). Frames are Annex-B byte streams (start code prefixed NAL
 * units) on both sides. Packetization mode 0 sends single NAL unit packets only (§6.2);
 * mode 1 (non-interleaved, §6.3) adds STAP-A aggregation and FU-A fragmentation:
 * ```
 * NAL unit header (§5.3)      FU indicator + FU header (§5.8)
 * +---------------+           +---------------+---------------+
 * |0|1|2|3|4|5|6|7|           |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |           |F|NRI| Type=28 |S|E|R|  Type   |
 * +---------------+           +---------------+---------------+
 * STAP-A (§5.7.1): header (Type=24), then per NAL unit a 16-bit size and the NAL unit.
 * ```
 */
export const H264_NAL_STAP_A = 24;
export const H264_NAL_FU_A = 28;
/** NAL unit types of an IDR slice, SPS and PPS (H.264 Table 7-1). */
export const H264_NAL_IDR = 5;
export const H264_NAL_SPS = 7;
export const H264_NAL_PPS = 8;
export const H264_NAL_AUD = 9;

const START_CODE = new Uint8Array([0, 0, 0, 1]);

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/**
 * Splits an Annex-B byte stream into NAL unit views (3- and 4-byte start codes; trailing zero
 * bytes before a start code belong to it).
 */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = stream.byteLength;
  let start = -1;
  let i = 0;
  while (i + 2 < n) {
    if (stream[i + 2]! > 1) {
      i += 3;
    } else if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      if (start >= 0) {
        let end = i;
        while (end > start && stream[end - 1] === 0) end--;
        if (end > start) out.push(stream.subarray(start, end));
      }
      start = i + 3;
      i += 3;
    } else {
      i++;
    }
  }
  if (start >= 0 && start < n) out.push(stream.subarray(start));
  else if (start < 0 && n > 0) out.push(stream);
  return out;
}

/** Options of the H.264 packetizer. */
export interface H264Options {
  /** RFC 6184 packetization-mode: 0 (single NAL unit) or 1 (non-interleaved). Default 1. */
  readonly packetizationMode?: 0 | 1;
}

/** RFC 6184 packetizer and depacketizer (modes 0 and 1). */
export class H264Codec implements PayloadCodec {
  readonly encodingName = "H264";
  readonly kind = "video";
  readonly clockRate = 90000;
  readonly packetizationMode: 0 | 1;

  constructor(options: H264Options = {}) {
    this.packetizationMode = options.packetizationMode ?? 1;
  }

  /**
   * Splits an Annex-B access unit. Mode 1 aggregates consecutive small NAL units (SPS, PPS,
   * SEI) into STAP-A packets and fragments large ones with FU-A. Access unit delimiters are
   * dropped (RFC 6184 §6: they carry nothing the RTP timestamp and marker do not).
   */
  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[] {
    checkMaxPayload(maxPayloadSize, 3, "H264");
    const nals = splitAnnexB(frame).filter((n) => (n[0]! & 0x1f) !== H264_NAL_AUD);
    const out: Uint8Array[] = [];
    let pending: Uint8Array[] = [];
    let pendingSize = 1;
    const flush = (): void => {
      if (pending.length === 1) out.push(pending[0]!);
      else if (pending.length > 1) out.push(buildStapA(pending, pendingSize));
      pending = [];
      pendingSize = 1;
    };
    for (const nal of nals) {
      if (nal.byteLength <= maxPayloadSize) {
        if (this.packetizationMode === 0) {
          out.push(nal);
          continue;
        }
        if (pendingSize + 2 + nal.byteLength > maxPayloadSize) flush();
        pending.push(nal);
        pendingSize += 2 + nal.byteLength;
        continue;
      }
      if (this.packetizationMode === 0) {
        throw new RangeError(
          `H264 mode 0: a ${nal.byteLength}-byte NAL unit exceeds ${maxPayloadSize} bytes`,
        );
      }
      flush();
      fragment(nal, maxPayloadSize, out);
    }
    flush();
    return out;
  }

  /** Whether the payload begins a NAL unit (anything but an FU-A without the S bit). */
  isFrameStart(payload: Uint8Array): boolean {
    if (payload.byteLength < 1) fail("truncated", 0, "empty H264 payload");
    const type = payload[0]! & 0x1f;
    if (type === H264_NAL_FU_A) {
      if (payload.byteLength < 2) fail("truncated", 1, "FU header");
      return (payload[1]! & 0x80) !== 0;
    }
    return true;
  }

  /** Whether the payload carries (the start of) an IDR slice or an SPS. */
  isKeyframe(payload: Uint8Array): boolean {
    if (payload.byteLength < 1) return false;
    const type = payload[0]! & 0x1f;
    if (type === H264_NAL_FU_A) {
      const t = payload.byteLength >= 2 ? payload[1]! & 0x1f : 0;
      return t === H264_NAL_IDR || t === H264_NAL_SPS;
    }
    if (type === H264_NAL_STAP_A) {
      let o = 1;
      while (o + 2 < payload.byteLength) {
        const size = (payload[o]! << 8) | payload[o + 1]!;
        const t = payload[o + 2]! & 0x1f;
        if (t === H264_NAL_IDR || t === H264_NAL_SPS) return true;
        o += 2 + size;
      }
      return false;
    }
    return type === H264_NAL_IDR || type === H264_NAL_SPS;
  }

  /**
   * Rebuilds an Annex-B access unit with 4-byte start codes. FU-A fragments must run from an
   * S packet to an E packet without a gap in between (§5.8), else `DecodeError`.
   */
  depacketize(payloads: readonly Uint8Array[]): Uint8Array {
    let total = 0;
    let inFu = false;
    for (const p of payloads) {
      total += depacketizedLength(p);
      const isFu = (p[0]! & 0x1f) === H264_NAL_FU_A;
      const start = isFu && (p[1]! & 0x80) !== 0;
      if (isFu ? start === inFu : inFu)
        fail("bad-fragment", 0, "FU-A fragments out of order or incomplete");
      if (isFu) inFu = (p[1]! & 0x40) === 0;
    }
    if (inFu) fail("bad-fragment", 0, "FU-A without its end fragment");
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of payloads) o = writeDepacketized(p, out, o);
    return out.subarray(0, o);
  }
}

function buildStapA(nals: readonly Uint8Array[], size: number): Uint8Array {
  const p = new Uint8Array(size);
  let nri = 0;
  for (const n of nals) nri = Math.max(nri, n[0]! & 0x60);
  p[0] = nri | H264_NAL_STAP_A;
  let o = 1;
  for (const n of nals) {
    p[o] = n.byteLength >>> 8;
    p[o + 1] = n.byteLength & 0xff;
    p.set(n, o + 2);
    o += 2 + n.byteLength;
  }
  return p;
}

function fragment(nal: Uint8Array, max: number, out: Uint8Array[]): void {
  const header = nal[0]!;
  const room = max - 2;
  for (let o = 1; o < nal.byteLength; o += room) {
    const len = Math.min(room, nal.byteLength - o);
    const p = new Uint8Array(2 + len);
    p[0] = (header & 0xe0) | H264_NAL_FU_A;
    p[1] = (o === 1 ? 0x80 : 0) | (o + len === nal.byteLength ? 0x40 : 0) | (header & 0x1f);
    p.set(nal.subarray(o, o + len), 2);
    out.push(p);
  }
}

/** Upper bound of the Annex-B bytes one payload produces (validates lengths). */
function depacketizedLength(p: Uint8Array): number {
  const n = p.byteLength;
  if (n < 1) fail("truncated", 0, "empty H264 payload");
  const type = p[0]! & 0x1f;
  if (type >= 1 && type <= 23) return 4 + n;
  if (type === H264_NAL_STAP_A) {
    let o = 1;
    let total = 0;
    while (o < n) {
      if (o + 2 > n) fail("truncated", o, "STAP-A NAL size");
      const size = (p[o]! << 8) | p[o + 1]!;
      if (size === 0 || o + 2 + size > n) fail("bad-length", o, `STAP-A NAL of ${size} bytes`);
      total += 4 + size;
      o += 2 + size;
    }
    return total;
  }
  if (type === H264_NAL_FU_A) {
    if (n < 2) fail("truncated", 1, "FU header");
    return n - 2 + ((p[1]! & 0x80) !== 0 ? 5 : 0);
  }
  return fail(
    "unsupported-nal",
    0,
    `NAL type ${type} is not allowed in packetization modes 0 and 1`,
  );
}

function writeDepacketized(p: Uint8Array, out: Uint8Array, o: number): number {
  const type = p[0]! & 0x1f;
  if (type >= 1 && type <= 23) {
    out.set(START_CODE, o);
    out.set(p, o + 4);
    return o + 4 + p.byteLength;
  }
  if (type === H264_NAL_STAP_A) {
    let i = 1;
    while (i < p.byteLength) {
      const size = (p[i]! << 8) | p[i + 1]!;
      out.set(START_CODE, o);
      out.set(p.subarray(i + 2, i + 2 + size), o + 4);
      o += 4 + size;
      i += 2 + size;
    }
    return o;
  }
  const fu = p[1]!;
  if (fu & 0x80) {
    out.set(START_CODE, o);
    out[o + 4] = (p[0]! & 0xe0) | (fu & 0x1f);
    o += 5;
  }
  out.set(p.subarray(2), o);
  return o + p.byteLength - 2;
}
