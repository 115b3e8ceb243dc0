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

/** Packets of one logical Ogg stream (RFC 3533 §6: segments joined until a lacing value < 255). */
export function readOggPackets(ogg: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pending: number[] = [];
  let o = 0;
  while (o + 27 <= ogg.byteLength) {
    if (ogg[o] !== 0x4f || ogg[o + 1] !== 0x67 || ogg[o + 2] !== 0x67 || ogg[o + 3] !== 0x53)
      throw new Error(`Ogg: no capture pattern at ${o}`);
    const segments = ogg[o + 26]!;
    let body = o + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const lace = ogg[o + 27 + i]!;
      pending.push(...ogg.subarray(body, body + lace));
      body += lace;
      if (lace < 255) {
        out.push(Uint8Array.from(pending));
        pending = [];
      }
    }
    o = body;
  }
  return out;
}
