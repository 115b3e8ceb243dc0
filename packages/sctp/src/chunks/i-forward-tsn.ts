import { ChunkType } from "../constants.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * I-FORWARD-TSN (RFC 8260 §2.3.1): FORWARD TSN for I-DATA, naming message identifiers and
 * whether they were unordered.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 194  | Flags = 0x00  |      Length = Variable        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       New Cumulative TSN                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Stream Identifier       |          Reserved           |U|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Message Identifier                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface IForwardTsnChunk {
  readonly kind: "i-forward-tsn";
  readonly newCumulativeTsn: number;
  readonly streams: readonly IForwardTsnStream[];
}

export interface IForwardTsnStream {
  readonly streamId: number;
  readonly unordered: boolean;
  readonly mid: number;
}

export function encodedLengthIForwardTsn(c: IForwardTsnChunk): number {
  return 8 + 8 * c.streams.length;
}

export function encodeIForwardTsnInto(
  c: IForwardTsnChunk,
  buf: Uint8Array,
  offset: number,
): number {
  const len = encodedLengthIForwardTsn(c);
  const w = startChunk(buf, offset, ChunkType.I_FORWARD_TSN, 0, len).u32(c.newCumulativeTsn);
  for (const s of c.streams)
    w.u16(s.streamId)
      .u16(s.unordered ? 1 : 0)
      .u32(s.mid);
  return w.offset - offset;
}

export function encodeIForwardTsn(c: IForwardTsnChunk): Uint8Array {
  return encodeWith(c, encodedLengthIForwardTsn, encodeIForwardTsnInto);
}

export function decodeIForwardTsn(bytes: Uint8Array): IForwardTsnChunk {
  const { value: r } = openChunk(bytes, ChunkType.I_FORWARD_TSN, 8);
  const newCumulativeTsn = r.u32();
  if (r.remaining % 8 !== 0)
    r.fail("bad-chunk-length", "I-FORWARD-TSN entries not a multiple of 8");
  const streams: IForwardTsnStream[] = [];
  while (r.remaining > 0) {
    const streamId = r.u16();
    const unordered = (r.u16() & 1) !== 0;
    streams.push({ streamId, unordered, mid: r.u32() });
  }
  return { kind: "i-forward-tsn", newCumulativeTsn, streams };
}
