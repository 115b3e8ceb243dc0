import { decodeRtpPacket, type RtpPacket, readIvf } from "../src/index.js";

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

/** Frames of an IVF file (views into `ivf`). */
export function readIvfFrames(ivf: Uint8Array): Uint8Array[] {
  return readIvf(ivf).frames.map((f) => f.data);
}

/**
 * Temporal units of an AV1 IVF file without their leading temporal delimiter OBU (`12 00`),
 * i.e. the units as the AV1 RTP depacketizer rebuilds them (the sender drops delimiters).
 */
export function readAv1IvfUnits(ivf: Uint8Array): Uint8Array[] {
  return readIvfFrames(ivf).map((tu) => {
    if (tu[0] !== 0x12 || tu[1] !== 0) throw new Error("IVF AV1 unit without temporal delimiter");
    return tu.subarray(2);
  });
}
