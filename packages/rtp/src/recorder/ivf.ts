/**
 * IVF writer (the libvpx test container): a 32-byte file header, then per frame a 12-byte
 * header (little-endian size and 64-bit presentation timestamp) and the frame. Pure byte
 * producer: `header()` once, then `frame()` per frame; `headerWithFrameCount()` rewrites the
 * header's frame count at the end when the sink can seek.
 */
export class IvfWriter {
  readonly fourcc: "VP80" | "VP90" | "AV01";
  readonly width: number;
  readonly height: number;
  /** Timebase: timestamps are in units of 1/timebaseDen s (90 kHz RTP clock by default). */
  readonly timebaseDen: number;
  #frames = 0;

  constructor(codec: "VP8" | "VP9" | "AV1", width: number, height: number, timebaseDen = 90000) {
    this.fourcc = codec === "VP8" ? "VP80" : codec === "VP9" ? "VP90" : "AV01";
    this.width = width;
    this.height = height;
    this.timebaseDen = timebaseDen;
  }

  /** The 32-byte file header. */
  header(): Uint8Array {
    return this.headerWithFrameCount();
  }

  /** The header with the number of frames written so far (write it at offset 0 on close). */
  headerWithFrameCount(): Uint8Array {
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
    v.setUint32(24, this.#frames, true);
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
    const out = new Uint8Array(12 + td + data.byteLength);
    const v = new DataView(out.buffer);
    v.setUint32(0, td + data.byteLength, true);
    v.setBigUint64(4, BigInt(Math.max(0, Math.round(pts))), true);
    if (td) out.set([0x12, 0x00], 12);
    out.set(data, 12 + td);
    this.#frames++;
    return out;
  }
}
