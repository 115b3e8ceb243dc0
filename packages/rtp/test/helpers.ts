import { decodeRtpPacket, type RtpPacket } from "../src/index.js";

/** Splits an RFC 4571 stream (16-bit big-endian length before each packet) into RTP packets. */
export function readRfc4571(stream: Uint8Array): RtpPacket[] {
  const out: RtpPacket[] = [];
  let o = 0;
  while (o + 2 <= stream.byteLength) {
    const len = (stream[o]! << 8) | stream[o + 1]!;
    out.push(decodeRtpPacket(stream.subarray(o + 2, o + 2 + len)));
    o += 2 + len;
  }
  return out;
}

/** Frames of an IVF file (32-byte header; per frame a 12-byte header: LE size, LE pts). */
export function readIvfFrames(ivf: Uint8Array): Uint8Array[] {
  const v = new DataView(ivf.buffer, ivf.byteOffset, ivf.byteLength);
  const headerLen = v.getUint16(6, true);
  const out: Uint8Array[] = [];
  let o = headerLen;
  while (o + 12 <= ivf.byteLength) {
    const size = v.getUint32(o, true);
    out.push(ivf.subarray(o + 12, o + 12 + size));
    o += 12 + size;
  }
  return out;
}
