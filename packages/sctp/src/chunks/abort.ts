import { ChunkType } from "../constants.js";
import {
  decodeCauses,
  type ErrorCause,
  encodedLengthCauses,
  writeCauses,
} from "../error-causes.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * ABORT (RFC 9260 §3.3.7). The T bit says the verification tag is reflected (the sender had no TCB).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 6    |  Reserved   |T|            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                   zero or more Error Causes                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface AbortChunk {
  readonly kind: "abort";
  readonly reflectedTag: boolean;
  readonly causes: readonly ErrorCause[];
}

export function encodedLengthAbort(c: AbortChunk): number {
  return 4 + encodedLengthCauses(c.causes);
}

export function encodeAbortInto(c: AbortChunk, buf: Uint8Array, offset: number): number {
  const w = startChunk(buf, offset, ChunkType.ABORT, c.reflectedTag ? 1 : 0, encodedLengthAbort(c));
  writeCauses(c.causes, w);
  return w.offset - offset;
}

export function encodeAbort(c: AbortChunk): Uint8Array {
  return encodeWith(c, encodedLengthAbort, encodeAbortInto);
}

export function decodeAbort(bytes: Uint8Array): AbortChunk {
  const { flags, value: r } = openChunk(bytes, ChunkType.ABORT, 4);
  return {
    kind: "abort",
    reflectedTag: (flags & 1) !== 0,
    causes: decodeCauses(bytes, r.offset, r.offset + r.remaining),
  };
}
