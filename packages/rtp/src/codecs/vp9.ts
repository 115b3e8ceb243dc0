import { DecodeError } from "@purertc/common";
import { checkMaxPayload, joinPayloads, type PayloadCodec } from "./payload-codec.js";

/**
 * The VP9 payload descriptor (RFC 9628 §4.2), flexible (F=1) and non-flexible (F=0) modes:
 * ```
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |I|P|L|F|B|E|V|Z| (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  I:   |M| PICTURE ID  | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  M:   | EXTENDED PID  | (RECOMMENDED)
 *       +-+-+-+-+-+-+-+-+
 *  L:   | TID |U| SID |D| (CONDITIONALLY RECOMMENDED)
 *       +-+-+-+-+-+-+-+-+
 *       |   TL0PICIDX   | (non-flexible mode only)
 *       +-+-+-+-+-+-+-+-+
 *  P,F: | P_DIFF      |N| (flexible mode, up to 3 times)
 *       +-+-+-+-+-+-+-+-+
 *  V:   | SS            |
 *       | ..            |
 * ```
 * Scalability structure (§4.2.1): `N_S|Y|G|-|-|-`, then WIDTH/HEIGHT per layer if Y, then
 * N_G and per picture group `TID|U| R |-|-` and R × P_DIFF if G.
 */
export interface Vp9Descriptor {
  readonly interPicture: boolean;
  readonly flexible: boolean;
  readonly beginOfFrame: boolean;
  readonly endOfFrame: boolean;
  /** 7- or 15-bit picture ID, or -1. */
  readonly pictureId: number;
  /** TID, SID, or -1 when there is no layer index. */
  readonly temporalId: number;
  readonly spatialId: number;
  /** Reference picture ID differences (flexible mode). */
  readonly pDiffs: readonly number[];
  /** Spatial layer resolutions from the scalability structure, when present with Y=1. */
  readonly resolutions: readonly { readonly width: number; readonly height: number }[];
  readonly descriptorLength: number;
}

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/** Decodes the VP9 payload descriptor. */
export function decodeVp9Descriptor(p: Uint8Array): Vp9Descriptor {
  const n = p.byteLength;
  const need = (o: number, what: string): void => {
    if (o >= n) fail("truncated", o, `VP9 ${what}`);
  };
  need(0, "descriptor");
  const b0 = p[0]!;
  let o = 1;
  let pictureId = -1;
  let temporalId = -1;
  let spatialId = -1;
  const pDiffs: number[] = [];
  const resolutions: { width: number; height: number }[] = [];
  const flexible = (b0 & 0x10) !== 0;
  if (b0 & 0x80) {
    need(o, "picture ID");
    const m = p[o]!;
    if (m & 0x80) {
      need(o + 1, "extended picture ID");
      pictureId = ((m & 0x7f) << 8) | p[o + 1]!;
      o += 2;
    } else {
      pictureId = m;
      o += 1;
    }
  }
  if (b0 & 0x20) {
    need(o, "layer index");
    temporalId = p[o]! >>> 5;
    spatialId = (p[o]! >>> 1) & 7;
    o += flexible ? 1 : 2;
  }
  if (flexible && b0 & 0x40) {
    for (;;) {
      need(o, "P_DIFF");
      const v = p[o++]!;
      pDiffs.push(v >>> 1);
      if ((v & 1) === 0) break;
      if (pDiffs.length === 3) fail("bad-descriptor", o, "more than 3 P_DIFF");
    }
  }
  if (b0 & 0x02) {
    need(o, "scalability structure");
    const ss = p[o++]!;
    const layers = (ss >>> 5) + 1;
    if (ss & 0x10) {
      for (let i = 0; i < layers; i++) {
        need(o + 3, "SS resolution");
        resolutions.push({ width: (p[o]! << 8) | p[o + 1]!, height: (p[o + 2]! << 8) | p[o + 3]! });
        o += 4;
      }
    }
    if (ss & 0x08) {
      need(o, "N_G");
      const groups = p[o++]!;
      for (let g = 0; g < groups; g++) {
        need(o, "picture group");
        const r = (p[o]! >>> 2) & 3;
        o += 1 + r;
      }
    }
  }
  if (o > n) fail("truncated", n, "VP9 descriptor");
  return {
    interPicture: (b0 & 0x40) !== 0,
    flexible,
    beginOfFrame: (b0 & 0x08) !== 0,
    endOfFrame: (b0 & 0x04) !== 0,
    pictureId,
    temporalId,
    spatialId,
    pDiffs,
    resolutions,
    descriptorLength: o,
  };
}

/**
 * Whether a VP9 frame is a key frame, from its uncompressed header (VP9 bitstream §6.2):
 * frame_marker(2) profile(2, +1 reserved bit for profile 3) show_existing_frame(1) frame_type(1).
 */
export function isVp9KeyframeData(frame: Uint8Array): boolean {
  if (frame.byteLength < 1) return false;
  const b = frame[0]!;
  if (b >>> 6 !== 2) return false;
  const profile = ((b >>> 5) & 1) | (((b >>> 4) & 1) << 1);
  let bit = profile === 3 ? 5 : 4;
  if ((b >>> (7 - bit)) & 1) return false;
  bit++;
  return ((b >>> (7 - bit)) & 1) === 0;
}

/** Options of the VP9 packetizer. */
export interface Vp9Options {
  /** RFC 9628 flexible mode (F=1, P_DIFF references) or non-flexible (F=0). Default false. */
  readonly flexible?: boolean;
  /** First 15-bit picture ID. Default 0. */
  readonly pictureId?: number;
  /** Resolution to announce in the scalability structure of key frames. */
  readonly width?: number;
  readonly height?: number;
}

/** RFC 9628 packetizer (single spatial/temporal layer) and depacketizer. */
export class Vp9Codec implements PayloadCodec {
  readonly encodingName = "VP9";
  readonly kind = "video";
  readonly clockRate = 90000;
  readonly #flexible: boolean;
  readonly #width: number | undefined;
  readonly #height: number | undefined;
  #pictureId: number;
  #tl0PicIdx = 0;

  constructor(options: Vp9Options = {}) {
    this.#flexible = options.flexible ?? false;
    this.#pictureId = (options.pictureId ?? 0) & 0x7fff;
    this.#width = options.width;
    this.#height = options.height;
  }

  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[] {
    const key = isVp9KeyframeData(frame);
    const ss = key ? (this.#width !== undefined && this.#height !== undefined ? 5 : 1) : 0;
    const pid = this.#pictureId;
    const fixed = 3 + (this.#flexible ? (key ? 0 : 1) : 2);
    checkMaxPayload(maxPayloadSize, fixed + ss + 1, "VP9");
    const out: Uint8Array[] = [];
    let o = 0;
    let first = true;
    while (first || o < frame.byteLength) {
      const head = fixed + (first ? ss : 0);
      const len = Math.min(maxPayloadSize - head, frame.byteLength - o);
      const last = o + len === frame.byteLength;
      const p = new Uint8Array(head + len);
      // I=1, P, L=0 in flexible / L=1 (TID 0 SID 0) with TL0PICIDX in non-flexible, F, B, E, V.
      p[0] =
        0x80 |
        (key ? 0 : 0x40) |
        (this.#flexible ? 0x10 : 0x20) |
        (first ? 0x08 : 0) |
        (last ? 0x04 : 0) |
        (first && ss ? 0x02 : 0);
      p[1] = 0x80 | (pid >>> 8);
      p[2] = pid & 0xff;
      let h = 3;
      if (this.#flexible) {
        if (!key) p[h++] = 1 << 1;
      } else {
        p[h++] = key ? 0 : 0x10;
        p[h++] = this.#tl0PicIdx;
      }
      if (first && ss === 5) {
        p[h++] = 0x10;
        p[h++] = this.#width! >>> 8;
        p[h++] = this.#width! & 0xff;
        p[h++] = this.#height! >>> 8;
        p[h++] = this.#height! & 0xff;
      } else if (first && ss === 1) {
        p[h++] = 0;
      }
      p.set(frame.subarray(o, o + len), h);
      out.push(p);
      o += len;
      first = false;
    }
    this.#pictureId = (pid + 1) & 0x7fff;
    this.#tl0PicIdx = (this.#tl0PicIdx + 1) & 0xff;
    return out;
  }

  isFrameStart(payload: Uint8Array): boolean {
    if (payload.byteLength < 1) fail("truncated", 0, "empty VP9 payload");
    return (payload[0]! & 0x08) !== 0;
  }

  /** RFC 9628 §4.2: a key frame is a beginning of frame that is not inter-picture predicted. */
  isKeyframe(payload: Uint8Array): boolean {
    const d = decodeVp9Descriptor(payload);
    return d.beginOfFrame && !d.interPicture && d.spatialId <= 0;
  }

  depacketize(payloads: readonly Uint8Array[]): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    for (const p of payloads) {
      const d = p.subarray(decodeVp9Descriptor(p).descriptorLength);
      parts.push(d);
      n += d.byteLength;
    }
    return joinPayloads(parts, n);
  }
}
