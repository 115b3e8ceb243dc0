import { DecodeError } from "@purertc/common";
import { ChunkType, LAYER, pad4 } from "../constants.js";
import { encodeWith } from "./chunk-header.js";

/**
 * DATA chunk (RFC 9260 §3.3.1), with the I bit of RFC 7053.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 0    |  Res  |I|U|B|E|          Length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Stream Identifier S      |   Stream Sequence Number n    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Payload Protocol Identifier                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                 User Data (seq n of Stream S)                 /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface DataChunk {
  readonly kind: "data";
  readonly tsn: number;
  readonly streamId: number;
  readonly ssn: number;
  readonly ppid: number;
  /** U: unordered. */
  readonly unordered: boolean;
  /** B: first fragment of a message. */
  readonly beginning: boolean;
  /** E: last fragment of a message. */
  readonly ending: boolean;
  /** I (RFC 7053): the sender asks for an immediate SACK. */
  readonly immediate: boolean;
  /** A view into the decoded packet: valid as long as the packet's bytes are. */
  readonly payload: Uint8Array;
}

/** Size of the DATA chunk header before the user data. */
export const DATA_HEADER_LENGTH = 16;

export const FLAG_E = 1;
export const FLAG_B = 2;
export const FLAG_U = 4;
export const FLAG_I = 8;

export function encodedLengthData(c: DataChunk): number {
  return DATA_HEADER_LENGTH + c.payload.byteLength;
}

/** Flags byte for the four DATA/I-DATA bits. */
export function dataFlags(
  unordered: boolean,
  beginning: boolean,
  ending: boolean,
  immediate: boolean,
): number {
  return (
    (immediate ? FLAG_I : 0) |
    (unordered ? FLAG_U : 0) |
    (beginning ? FLAG_B : 0) |
    (ending ? FLAG_E : 0)
  );
}

/**
 * Writes a DATA chunk header and payload at `offset` from its fields (the hot path: no
 * intermediate object). Returns the padded length written.
 */
export function writeDataChunk(
  buf: Uint8Array,
  offset: number,
  flags: number,
  tsn: number,
  streamId: number,
  ssn: number,
  ppid: number,
  payload: Uint8Array,
): number {
  const len = DATA_HEADER_LENGTH + payload.byteLength;
  buf[offset] = ChunkType.DATA;
  buf[offset + 1] = flags;
  buf[offset + 2] = len >>> 8;
  buf[offset + 3] = len & 0xff;
  buf[offset + 4] = tsn >>> 24;
  buf[offset + 5] = (tsn >>> 16) & 0xff;
  buf[offset + 6] = (tsn >>> 8) & 0xff;
  buf[offset + 7] = tsn & 0xff;
  buf[offset + 8] = streamId >>> 8;
  buf[offset + 9] = streamId & 0xff;
  buf[offset + 10] = ssn >>> 8;
  buf[offset + 11] = ssn & 0xff;
  buf[offset + 12] = ppid >>> 24;
  buf[offset + 13] = (ppid >>> 16) & 0xff;
  buf[offset + 14] = (ppid >>> 8) & 0xff;
  buf[offset + 15] = ppid & 0xff;
  buf.set(payload, offset + DATA_HEADER_LENGTH);
  const padded = pad4(len);
  for (let i = len; i < padded; i++) buf[offset + i] = 0;
  return padded;
}

export function encodeDataInto(c: DataChunk, buf: Uint8Array, offset: number): number {
  const flags = dataFlags(c.unordered, c.beginning, c.ending, c.immediate);
  return writeDataChunk(buf, offset, flags, c.tsn, c.streamId, c.ssn, c.ppid, c.payload);
}

export function encodeData(c: DataChunk): Uint8Array {
  return encodeWith(c, encodedLengthData, encodeDataInto);
}

/** Reads a big-endian u32 at `i` (caller checked bounds). */
export function readU32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** Decodes the DATA chunk at the start of `bytes` (trailing padding allowed). */
export function decodeData(bytes: Uint8Array): DataChunk {
  if (bytes.byteLength < DATA_HEADER_LENGTH) {
    throw new DecodeError(LAYER, "truncated-chunk", 0, `DATA needs ${DATA_HEADER_LENGTH} bytes`);
  }
  if (bytes[0] !== ChunkType.DATA)
    throw new DecodeError(LAYER, "wrong-chunk-type", 0, `got ${bytes[0]}`);
  const len = (bytes[2]! << 8) | bytes[3]!;
  if (len < DATA_HEADER_LENGTH)
    throw new DecodeError(LAYER, "bad-chunk-length", 2, `DATA length ${len}`);
  if (len > bytes.byteLength) throw new DecodeError(LAYER, "truncated-chunk", 2, `length ${len}`);
  const flags = bytes[1]!;
  return {
    kind: "data",
    tsn: readU32(bytes, 4),
    streamId: (bytes[8]! << 8) | bytes[9]!,
    ssn: (bytes[10]! << 8) | bytes[11]!,
    ppid: readU32(bytes, 12),
    unordered: (flags & FLAG_U) !== 0,
    beginning: (flags & FLAG_B) !== 0,
    ending: (flags & FLAG_E) !== 0,
    immediate: (flags & FLAG_I) !== 0,
    payload: bytes.subarray(DATA_HEADER_LENGTH, len),
  };
}
