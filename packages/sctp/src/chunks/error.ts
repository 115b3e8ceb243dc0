import { ChunkType } from "../constants.js";
import {
  decodeCauses,
  type ErrorCause,
  encodedLengthCauses,
  writeCauses,
} from "../error-causes.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * ERROR (RFC 9260 §3.3.10): reports conditions that do not abort the association.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 9    | Chunk  Flags  |           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                    one or more Error Causes                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ErrorChunk {
  readonly kind: "error";
  readonly causes: readonly ErrorCause[];
}

export function encodedLengthError(c: ErrorChunk): number {
  return 4 + encodedLengthCauses(c.causes);
}

export function encodeErrorInto(c: ErrorChunk, buf: Uint8Array, offset: number): number {
  const w = startChunk(buf, offset, ChunkType.ERROR, 0, encodedLengthError(c));
  writeCauses(c.causes, w);
  return w.offset - offset;
}

export function encodeError(c: ErrorChunk): Uint8Array {
  return encodeWith(c, encodedLengthError, encodeErrorInto);
}

export function decodeError(bytes: Uint8Array): ErrorChunk {
  const { value: r } = openChunk(bytes, ChunkType.ERROR, 4);
  return { kind: "error", causes: decodeCauses(bytes, r.offset, r.offset + r.remaining) };
}
