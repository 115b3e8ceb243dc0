import { DecodeError } from "@purertc/common";
import { checkMaxPayload, joinPayloads, type PayloadCodec } from "./payload-codec.js";

/**
 * The VP8 payload descriptor (RFC 7741 §4.2):
 * ```
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   | (when M = 1)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * ```
 */
export interface Vp8Descriptor {
  readonly nonReference: boolean;
  /** S: start of a VP8 partition. */
  readonly partitionStart: boolean;
  /** PID: partition index (0..7). */
  readonly partitionId: number;
  /** 7- or 15-bit picture ID, or -1 when absent. */
  readonly pictureId: number;
  /** TL0PICIDX, or -1. */
  readonly tl0PicIdx: number;
  /** TID, or -1. */
  readonly temporalId: number;
  readonly layerSync: boolean;
  /** KEYIDX, or -1. */
  readonly keyIdx: number;
  /** Length of the descriptor: the VP8 data starts here. */
  readonly descriptorLength: number;
}

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/** Length of the descriptor at the start of `p` (hot path: no allocation). */
export function vp8DescriptorLength(p: Uint8Array): number {
  const n = p.byteLength;
  if (n < 1) fail("truncated", 0, "empty VP8 payload");
  let o = 1;
  const b0 = p[0]!;
  if (b0 & 0x80) {
    if (n < 2) fail("truncated", 1, "VP8 X byte");
    const x = p[1]!;
    o = 2;
    if (x & 0x80) {
      if (o >= n) fail("truncated", o, "VP8 picture ID");
      o += p[o]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) o++;
    if (x & 0x30) o++;
  }
  if (o > n) fail("truncated", n, "VP8 payload descriptor");
  return o;
}

/** Decodes the VP8 payload descriptor. */
export function decodeVp8Descriptor(p: Uint8Array): Vp8Descriptor {
  const descriptorLength = vp8DescriptorLength(p);
  const b0 = p[0]!;
  let pictureId = -1;
  let tl0PicIdx = -1;
  let temporalId = -1;
  let layerSync = false;
  let keyIdx = -1;
  if (b0 & 0x80) {
    const x = p[1]!;
    let o = 2;
    if (x & 0x80) {
      const m = p[o]!;
      pictureId = m & 0x80 ? ((m & 0x7f) << 8) | p[o + 1]! : m & 0x7f;
      o += m & 0x80 ? 2 : 1;
    }
    if (x & 0x40) tl0PicIdx = p[o++]!;
    if (x & 0x30) {
      const t = p[o]!;
      if (x & 0x20) {
        temporalId = t >>> 6;
        layerSync = (t & 0x20) !== 0;
      }
      if (x & 0x10) keyIdx = t & 0x1f;
    }
  }
  return {
    nonReference: (b0 & 0x20) !== 0,
    partitionStart: (b0 & 0x10) !== 0,
    partitionId: b0 & 0x07,
    pictureId,
    tl0PicIdx,
    temporalId,
    layerSync,
    keyIdx,
    descriptorLength,
  };
}

/** Options of the VP8 packetizer. */
export interface Vp8Options {
  /** First picture ID (15-bit); it increments per frame. `undefined` omits the picture ID. */
  readonly pictureId?: number;
}

/**
 * VP8 payload format (RFC 7741): one partition-agnostic split of each frame (PID 0, S on the
 * first packet), with a 15-bit picture ID by default, as browsers send.
 */
export class Vp8Codec implements PayloadCodec {
  readonly encodingName = "VP8";
  readonly kind = "video";
  readonly clockRate = 90000;
  #pictureId: number | undefined;

  constructor(options: Vp8Options = { pictureId: 0 }) {
    this.#pictureId = options.pictureId === undefined ? undefined : options.pictureId & 0x7fff;
  }

  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[] {
    const pid = this.#pictureId;
    const desc = pid === undefined ? 1 : 4;
    checkMaxPayload(maxPayloadSize, desc + 1, "VP8");
    const room = maxPayloadSize - desc;
    const out: Uint8Array[] = [];
    const count = Math.max(1, Math.ceil(frame.byteLength / room));
    for (let i = 0; i < count; i++) {
      const o = i * room;
      const len = Math.min(room, frame.byteLength - o);
      const p = new Uint8Array(desc + len);
      if (pid === undefined) {
        p[0] = o === 0 ? 0x10 : 0;
      } else {
        p[0] = 0x80 | (o === 0 ? 0x10 : 0);
        p[1] = 0x80;
        p[2] = 0x80 | (pid >>> 8);
        p[3] = pid & 0xff;
      }
      p.set(frame.subarray(o, o + len), desc);
      out.push(p);
    }
    if (pid !== undefined) this.#pictureId = (pid + 1) & 0x7fff;
    return out;
  }

  isFrameStart(payload: Uint8Array): boolean {
    vp8DescriptorLength(payload);
    return (payload[0]! & 0x17) === 0x10;
  }

  /**
   * RFC 7741 §4.3: the P bit of the VP8 payload header (first bit after the descriptor, at the
   * start of partition 0) is 0 for a key frame.
   */
  isKeyframe(payload: Uint8Array): boolean {
    const d = vp8DescriptorLength(payload);
    return (payload[0]! & 0x17) === 0x10 && d < payload.byteLength && (payload[d]! & 0x01) === 0;
  }

  depacketize(payloads: readonly Uint8Array[]): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    for (const p of payloads) {
      const d = p.subarray(vp8DescriptorLength(p));
      parts.push(d);
      n += d.byteLength;
    }
    return joinPayloads(parts, n);
  }
}
