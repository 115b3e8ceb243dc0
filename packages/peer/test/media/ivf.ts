/** Reads the frames of an IVF file (the container libvpx and GStreamer's avmux_ivf write). */
export interface IvfFrame {
  readonly data: Uint8Array;
  readonly pts: number;
}

/**
 * IVF: a 32-byte file header (`DKIF`, version, header size, fourcc, width, height, rate, scale,
 * frame count) then per frame a 12-byte header (size u32le, pts u64le) and the frame.
 */
export function readIvf(file: Uint8Array): { fourcc: string; frames: IvfFrame[] } {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (String.fromCharCode(...file.subarray(0, 4)) !== "DKIF") throw new Error("not an IVF file");
  const headerSize = dv.getUint16(6, true);
  const fourcc = String.fromCharCode(...file.subarray(8, 12));
  const frames: IvfFrame[] = [];
  let o = headerSize;
  while (o + 12 <= file.byteLength) {
    const size = dv.getUint32(o, true);
    const pts = Number(dv.getBigUint64(o + 4, true));
    o += 12;
    frames.push({ data: file.subarray(o, o + size), pts });
    o += size;
  }
  return { fourcc, frames };
}
