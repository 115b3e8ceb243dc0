import { findAv1SequenceHeader } from "../codecs/av1-sequence-header.js";

/**
 * IVF writer (the libvpx test container): a 32-byte file header, then per frame a 12-byte
 * header (little-endian size and 64-bit presentation timestamp) and the frame. Pure byte
 * producer: `header()` once, then `frame()` per frame; `finish()` gives the header to write
 * again at offset 0 when the sink can seek.
 *
 * Header bytes 24..27 are the frame count in libvpx but the stream length in timebase units
 * in FFmpeg; `finish()` writes what FFmpeg's own IVF muxer writes, frames × mean frame
 * interval, which is both when the timebase is the frame rate and the right duration
 * otherwise (e.g. with the 90 kHz RTP clock).
 */
export class IvfWriter {
  readonly fourcc: "VP80" | "VP90" | "AV01";
  readonly width: number;
  readonly height: number;
  /** Timebase: timestamps are in units of 1/timebaseDen s (90 kHz RTP clock by default). */
  readonly timebaseDen: number;
  #frames = 0;
  #firstPts = 0;
  #lastPts = 0;

  constructor(codec: "VP8" | "VP9" | "AV1", width: number, height: number, timebaseDen = 90000) {
    for (const [name, v] of [
      ["width", width],
      ["height", height],
    ] as const) {
      if (!(Number.isInteger(v) && v > 0 && v <= 0xffff))
        throw new RangeError(`IVF: ${name} ${v} outside 1..65535`);
    }
    if (!(Number.isInteger(timebaseDen) && timebaseDen > 0 && timebaseDen <= 0xffffffff))
      throw new RangeError(`IVF: timebase denominator ${timebaseDen}`);
    this.fourcc = codec === "VP8" ? "VP80" : codec === "VP9" ? "VP90" : "AV01";
    this.width = width;
    this.height = height;
    this.timebaseDen = timebaseDen;
  }

  /**
   * An AV1 writer sized from the Sequence Header OBU of `keyframe` (a temporal unit that
   * starts a coded video sequence, e.g. the first keyframe out of the depacketizer), so the
   * header matches the stream readers will decode.
   */
  static forAv1(keyframe: Uint8Array, timebaseDen = 90000): IvfWriter {
    const seq = findAv1SequenceHeader(keyframe);
    if (!seq) throw new RangeError("IVF: AV1 temporal unit without a Sequence Header OBU");
    return new IvfWriter("AV1", seq.header.maxFrameWidth, seq.header.maxFrameHeight, timebaseDen);
  }

  /** The 32-byte file header (length 0 until `finish()`). */
  header(): Uint8Array {
    return this.#header(0);
  }

  /** The header with the stream length, to write at offset 0 once the last frame is in. */
  finish(): { readonly offset: 0; readonly bytes: Uint8Array } {
    const n = this.#frames;
    const span = Math.max(0, this.#lastPts - this.#firstPts);
    const length = n > 1 ? Math.round((n * span) / (n - 1)) : n;
    return { offset: 0, bytes: this.#header(Math.min(length, 0xffffffff)) };
  }

  #header(length: number): Uint8Array {
    const h = new Uint8Array(32);
    const v = new DataView(h.buffer);
    h.set([0x44, 0x4b, 0x49, 0x46]); // "DKIF"
    v.setUint16(4, 0, true);
    v.setUint16(6, 32, true);
    for (let i = 0; i < 4; i++) h[8 + i] = this.fourcc.charCodeAt(i);
    v.setUint16(12, this.width, true);
    v.setUint16(14, this.height, true);
    v.setUint32(16, this.timebaseDen, true);
    v.setUint32(20, 1, true);
    v.setUint32(24, length, true);
    return h;
  }

  /**
   * One frame record. `pts` is in timebase units (an RTP timestamp for the 90 kHz default).
   * AV1 frames get a temporal delimiter OBU in front, as IVF readers expect one per unit.
   */
  frame(data: Uint8Array, pts: number): Uint8Array {
    const td =
      this.fourcc === "AV01" && !(data.byteLength >= 2 && data[0] === 0x12 && data[1] === 0)
        ? 2
        : 0;
    const t = Math.max(0, Math.round(pts));
    if (this.#frames === 0) this.#firstPts = t;
    this.#lastPts = t;
    const out = new Uint8Array(12 + td + data.byteLength);
    const v = new DataView(out.buffer);
    v.setUint32(0, td + data.byteLength, true);
    v.setBigUint64(4, BigInt(t), true);
    if (td) out.set([0x12, 0x00], 12);
    out.set(data, 12 + td);
    this.#frames++;
    return out;
  }
}
