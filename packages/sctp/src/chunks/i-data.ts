import { DecodeError } from "@purertc/common";
import { ChunkType, LAYER, pad4 } from "../constants.js";
import { encodeWith } from "./chunk-header.js";
import { dataFlags, FLAG_B, FLAG_E, FLAG_I, FLAG_U, readU32 } from "./data.js";

/**
 * I-DATA chunk (RFC 8260 §2.1): DATA with a 32-bit Message Identifier and a Fragment Sequence
 * Number, so fragments of different messages can interleave.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 64   |  Res  |I|U|B|E|       Length = Variable       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Stream Identifier      |           Reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Message Identifier                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Payload Protocol Identifier / Fragment Sequence Number     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                           User Data                           /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface IDataChunk {
  readonly kind: "i-data";
  readonly tsn: number;
  readonly streamId: number;
  readonly mid: number;
  /** Meaningful when `beginning` (the field carries the PPID); 0 otherwise. */
  readonly ppid: number;
  /** Meaningful when not `beginning` (the field carries the FSN); 0 on the first fragment. */
  readonly fsn: number;
  readonly unordered: boolean;
  readonly beginning: boolean;
  readonly ending: boolean;
  readonly immediate: boolean;
  /** A view into the decoded packet. */
  readonly payload: Uint8Array;
}

export const I_DATA_HEADER_LENGTH = 20;

export function encodedLengthIData(c: IDataChunk): number {
  return I_DATA_HEADER_LENGTH + c.payload.byteLength;
}

/** Writes an I-DATA chunk from its fields; `ppidOrFsn` is the PPID on B fragments. */
export function writeIDataChunk(
  buf: Uint8Array,
  offset: number,
  flags: number,
  tsn: number,
  streamId: number,
  mid: number,
  ppidOrFsn: number,
  payload: Uint8Array,
): number {
  const len = I_DATA_HEADER_LENGTH + payload.byteLength;
  const v = new DataView(buf.buffer, buf.byteOffset + offset, I_DATA_HEADER_LENGTH);
  v.setUint8(0, ChunkType.I_DATA);
  v.setUint8(1, flags);
  v.setUint16(2, len);
  v.setUint32(4, tsn >>> 0);
  v.setUint16(8, streamId);
  v.setUint16(10, 0);
  v.setUint32(12, mid >>> 0);
  v.setUint32(16, ppidOrFsn >>> 0);
  buf.set(payload, offset + I_DATA_HEADER_LENGTH);
  const padded = pad4(len);
  for (let i = len; i < padded; i++) buf[offset + i] = 0;
  return padded;
}

export function encodeIDataInto(c: IDataChunk, buf: Uint8Array, offset: number): number {
  const flags = dataFlags(c.unordered, c.beginning, c.ending, c.immediate);
  return writeIDataChunk(
    buf,
    offset,
    flags,
    c.tsn,
    c.streamId,
    c.mid,
    c.beginning ? c.ppid : c.fsn,
    c.payload,
  );
}

export function encodeIData(c: IDataChunk): Uint8Array {
  return encodeWith(c, encodedLengthIData, encodeIDataInto);
}

export function decodeIData(bytes: Uint8Array): IDataChunk {
  if (bytes.byteLength < I_DATA_HEADER_LENGTH) {
    throw new DecodeError(
      LAYER,
      "truncated-chunk",
      0,
      `I-DATA needs ${I_DATA_HEADER_LENGTH} bytes`,
    );
  }
  if (bytes[0] !== ChunkType.I_DATA)
    throw new DecodeError(LAYER, "wrong-chunk-type", 0, `got ${bytes[0]}`);
  const len = (bytes[2]! << 8) | bytes[3]!;
  if (len < I_DATA_HEADER_LENGTH)
    throw new DecodeError(LAYER, "bad-chunk-length", 2, `I-DATA length ${len}`);
  if (len > bytes.byteLength) throw new DecodeError(LAYER, "truncated-chunk", 2, `length ${len}`);
  const flags = bytes[1]!;
  const beginning = (flags & FLAG_B) !== 0;
  const field = readU32(bytes, 16);
  return {
    kind: "i-data",
    tsn: readU32(bytes, 4),
    streamId: (bytes[8]! << 8) | bytes[9]!,
    mid: readU32(bytes, 12),
    ppid: beginning ? field : 0,
    fsn: beginning ? 0 : field,
    unordered: (flags & FLAG_U) !== 0,
    beginning,
    ending: (flags & FLAG_E) !== 0,
    immediate: (flags & FLAG_I) !== 0,
    payload: bytes.subarray(I_DATA_HEADER_LENGTH, len),
  };
}
