import { ChunkType } from "../constants.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * FORWARD TSN (RFC 3758 §3.2): moves the receiver's cumulative TSN past abandoned data and
 * names, per ordered stream, the last skipped stream sequence number.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      New Cumulative TSN                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-1              |       Stream Sequence-1       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ForwardTsnChunk {
  readonly kind: "forward-tsn";
  readonly newCumulativeTsn: number;
  readonly streams: readonly ForwardTsnStream[];
}

export interface ForwardTsnStream {
  readonly streamId: number;
  readonly ssn: number;
}

export function encodedLengthForwardTsn(c: ForwardTsnChunk): number {
  return 8 + 4 * c.streams.length;
}

export function encodeForwardTsnInto(c: ForwardTsnChunk, buf: Uint8Array, offset: number): number {
  const w = startChunk(buf, offset, ChunkType.FORWARD_TSN, 0, encodedLengthForwardTsn(c)).u32(
    c.newCumulativeTsn,
  );
  for (const s of c.streams) w.u16(s.streamId).u16(s.ssn);
  return w.offset - offset;
}

export function encodeForwardTsn(c: ForwardTsnChunk): Uint8Array {
  return encodeWith(c, encodedLengthForwardTsn, encodeForwardTsnInto);
}

export function decodeForwardTsn(bytes: Uint8Array): ForwardTsnChunk {
  const { value: r } = openChunk(bytes, ChunkType.FORWARD_TSN, 8);
  const newCumulativeTsn = r.u32();
  if (r.remaining % 4 !== 0)
    r.fail("bad-chunk-length", "FORWARD-TSN stream list not a multiple of 4");
  const streams: ForwardTsnStream[] = [];
  while (r.remaining > 0) streams.push({ streamId: r.u16(), ssn: r.u16() });
  return { kind: "forward-tsn", newCumulativeTsn, streams };
}
