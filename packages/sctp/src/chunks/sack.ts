import { DecodeError } from "@purertc/common";
import { ChunkType, LAYER } from "../constants.js";
import { encodeWith } from "./chunk-header.js";
import { readU32 } from "./data.js";

/**
 * SACK (RFC 9260 §3.3.4). Gap blocks are offsets from the cumulative TSN ack.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 3    |Chunk  Flags   |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Advertised Receiver Window Credit (a_rwnd)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Gap Ack Block #1 Start     |     Gap Ack Block #1 End      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                              ...                              /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Duplicate TSN 1                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                              ...                              /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface SackChunk {
  readonly kind: "sack";
  readonly cumulativeTsnAck: number;
  readonly aRwnd: number;
  /** Flat pairs `[start0, end0, start1, end1, ...]`: offsets from `cumulativeTsnAck`. */
  readonly gapBlocks: readonly number[];
  readonly duplicateTsns: readonly number[];
}

const FIXED = 16;

export function encodedLengthSack(c: SackChunk): number {
  return FIXED + 2 * (c.gapBlocks.length & ~1) + 4 * c.duplicateTsns.length;
}

function put32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

export function encodeSackInto(c: SackChunk, buf: Uint8Array, offset: number): number {
  const len = encodedLengthSack(c);
  const gaps = c.gapBlocks.length >>> 1;
  buf[offset] = ChunkType.SACK;
  buf[offset + 1] = 0;
  buf[offset + 2] = len >>> 8;
  buf[offset + 3] = len & 0xff;
  put32(buf, offset + 4, c.cumulativeTsnAck);
  put32(buf, offset + 8, c.aRwnd);
  buf[offset + 12] = gaps >>> 8;
  buf[offset + 13] = gaps & 0xff;
  buf[offset + 14] = c.duplicateTsns.length >>> 8;
  buf[offset + 15] = c.duplicateTsns.length & 0xff;
  let o = offset + FIXED;
  for (let i = 0; i < gaps * 2; i++) {
    const v = c.gapBlocks[i]!;
    buf[o] = v >>> 8;
    buf[o + 1] = v & 0xff;
    o += 2;
  }
  for (const d of c.duplicateTsns) {
    put32(buf, o, d);
    o += 4;
  }
  return len; // always a multiple of four
}

export function encodeSack(c: SackChunk): Uint8Array {
  return encodeWith(c, encodedLengthSack, encodeSackInto);
}

export function decodeSack(bytes: Uint8Array): SackChunk {
  if (bytes.byteLength < FIXED)
    throw new DecodeError(LAYER, "truncated-chunk", 0, "SACK needs 16 bytes");
  if (bytes[0] !== ChunkType.SACK)
    throw new DecodeError(LAYER, "wrong-chunk-type", 0, `got ${bytes[0]}`);
  const len = (bytes[2]! << 8) | bytes[3]!;
  if (len > bytes.byteLength) throw new DecodeError(LAYER, "truncated-chunk", 2, `length ${len}`);
  const gaps = (bytes[12]! << 8) | bytes[13]!;
  const dups = (bytes[14]! << 8) | bytes[15]!;
  if (len !== FIXED + 4 * gaps + 4 * dups) {
    throw new DecodeError(
      LAYER,
      "bad-chunk-length",
      2,
      `SACK length ${len} for ${gaps} gaps, ${dups} dups`,
    );
  }
  const gapBlocks: number[] = new Array(gaps * 2);
  let o = FIXED;
  for (let i = 0; i < gaps * 2; i++, o += 2) gapBlocks[i] = (bytes[o]! << 8) | bytes[o + 1]!;
  const duplicateTsns: number[] = new Array(dups);
  for (let i = 0; i < dups; i++, o += 4) duplicateTsns[i] = readU32(bytes, o);
  return {
    kind: "sack",
    cumulativeTsnAck: readU32(bytes, 4),
    aRwnd: readU32(bytes, 8),
    gapBlocks,
    duplicateTsns,
  };
}
