import { ByteReader, ByteWriter } from "@purertc/common";
import { LAYER, pad4 } from "../constants.js";

/**
 * The common chunk header (RFC 9260 §3.2) shared by every chunk codec.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                          Chunk Value                          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */

/** A chunk's flags and a reader positioned at its value. */
export interface OpenedChunk {
  readonly flags: number;
  readonly value: ByteReader;
}

/**
 * Checks the header of the chunk at the start of `bytes` (type, length within `bytes`,
 * at least `minLength`) and returns its flags and a reader over the value.
 */
export function openChunk(bytes: Uint8Array, type: number, minLength: number): OpenedChunk {
  const r = new ByteReader(bytes, LAYER);
  const t = r.u8();
  if (t !== type) r.fail("wrong-chunk-type", `expected ${type}, got ${t}`, 0);
  const flags = r.u8();
  const len = r.u16();
  if (len < minLength) r.fail("bad-chunk-length", `length ${len} < ${minLength}`, 2);
  if (len > bytes.byteLength) r.fail("truncated-chunk", `length ${len} > ${bytes.byteLength}`, 2);
  return { flags, value: r.sub(len - 4) };
}

/** A writer at `offset` that has already written the chunk header. */
export function startChunk(
  buf: Uint8Array,
  offset: number,
  type: number,
  flags: number,
  length: number,
): ByteWriter {
  return new ByteWriter(buf, offset).u8(type).u8(flags).u16(length);
}

/** Encodes a chunk into a fresh array of exactly its (unpadded) length. */
export function encodeWith<T>(
  chunk: T,
  lengthOf: (c: T) => number,
  into: (c: T, buf: Uint8Array, offset: number) => number,
): Uint8Array {
  const len = lengthOf(chunk);
  const buf = new Uint8Array(pad4(len));
  into(chunk, buf, 0);
  return buf.subarray(0, len);
}
