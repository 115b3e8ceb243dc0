import { DecodeError } from "@purertc/common";

/** One frame of an IVF file. */
export interface IvfFrame {
  readonly data: Uint8Array;
  /** Presentation timestamp in the file's timebase. */
  readonly pts: number;
}

/** A parsed IVF file. */
export interface IvfFile {
  /** `VP80`, `VP90` or `AV01`. */
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  /** Timestamps are in units of `timebaseNum / timebaseDen` seconds. */
  readonly timebaseDen: number;
  readonly timebaseNum: number;
  readonly frames: readonly IvfFrame[];
}

/**
 * Reads an IVF file (the libvpx test container, written by ffmpeg, GStreamer and
 * {@link IvfWriter}). Frames are views into `file`, not copies.
 *
 * ```
 *  0      4        6         8        12      14       16           20           24      28   32
 *  +------+--------+---------+--------+-------+--------+------------+------------+-------+----+
 *  | DKIF | ver 0  | hdr len | fourcc | width | height | timebase   | timebase   | count | -- |
 *  |      | u16le  | u16le   |        | u16le | u16le  | den u32le  | num u32le  | u32le |    |
 *  +------+--------+---------+--------+-------+--------+------------+------------+-------+----+
 *  then per frame: size u32le, pts u64le, `size` bytes of frame
 * ```
 * @throws DecodeError (layer `ivf`) on a bad signature or a truncated header or frame.
 */
export function readIvf(file: Uint8Array): IvfFile {
  if (file.byteLength < 32) throw new DecodeError("ivf", "truncated-header", 0);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (dv.getUint32(0, false) !== 0x444b4946) throw new DecodeError("ivf", "bad-signature", 0);
  const headerSize = dv.getUint16(6, true);
  if (headerSize < 32 || headerSize > file.byteLength)
    throw new DecodeError("ivf", "bad-header-size", 6, String(headerSize));
  const fourcc = String.fromCharCode(file[8]!, file[9]!, file[10]!, file[11]!);
  const frames: IvfFrame[] = [];
  let o = headerSize;
  while (o < file.byteLength) {
    if (o + 12 > file.byteLength) throw new DecodeError("ivf", "truncated-frame-header", o);
    const size = dv.getUint32(o, true);
    const pts = Number(dv.getBigUint64(o + 4, true));
    if (o + 12 + size > file.byteLength) throw new DecodeError("ivf", "truncated-frame", o);
    frames.push({ data: file.subarray(o + 12, o + 12 + size), pts });
    o += 12 + size;
  }
  return {
    fourcc,
    width: dv.getUint16(12, true),
    height: dv.getUint16(14, true),
    timebaseDen: dv.getUint32(16, true),
    timebaseNum: dv.getUint32(20, true),
    frames,
  };
}
