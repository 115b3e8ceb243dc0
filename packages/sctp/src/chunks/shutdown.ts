import { ChunkType } from "../constants.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * SHUTDOWN (RFC 9260 §3.3.8), SHUTDOWN ACK (§3.3.9) and SHUTDOWN COMPLETE (§3.3.13).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 7    | Chunk  Flags  |      Length = 8               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 8    | Chunk  Flags  |      Length = 4               |   SHUTDOWN ACK
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 14   |  Reserved   |T|      Length = 4               |   SHUTDOWN COMPLETE
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ShutdownChunk {
  readonly kind: "shutdown";
  readonly cumulativeTsnAck: number;
}

export interface ShutdownAckChunk {
  readonly kind: "shutdown-ack";
}

export interface ShutdownCompleteChunk {
  readonly kind: "shutdown-complete";
  readonly reflectedTag: boolean;
}

export function encodedLengthShutdown(_c: ShutdownChunk): number {
  return 8;
}

export function encodeShutdownInto(c: ShutdownChunk, buf: Uint8Array, offset: number): number {
  startChunk(buf, offset, ChunkType.SHUTDOWN, 0, 8).u32(c.cumulativeTsnAck);
  return 8;
}

export function encodeShutdown(c: ShutdownChunk): Uint8Array {
  return encodeWith(c, encodedLengthShutdown, encodeShutdownInto);
}

export function decodeShutdown(bytes: Uint8Array): ShutdownChunk {
  const { value: r } = openChunk(bytes, ChunkType.SHUTDOWN, 8);
  return { kind: "shutdown", cumulativeTsnAck: r.u32() };
}

export function encodeShutdownAckInto(
  _c: ShutdownAckChunk,
  buf: Uint8Array,
  offset: number,
): number {
  startChunk(buf, offset, ChunkType.SHUTDOWN_ACK, 0, 4);
  return 4;
}

export function decodeShutdownAck(bytes: Uint8Array): ShutdownAckChunk {
  openChunk(bytes, ChunkType.SHUTDOWN_ACK, 4);
  return { kind: "shutdown-ack" };
}

export function encodeShutdownCompleteInto(
  c: ShutdownCompleteChunk,
  buf: Uint8Array,
  offset: number,
): number {
  startChunk(buf, offset, ChunkType.SHUTDOWN_COMPLETE, c.reflectedTag ? 1 : 0, 4);
  return 4;
}

export function decodeShutdownComplete(bytes: Uint8Array): ShutdownCompleteChunk {
  const { flags } = openChunk(bytes, ChunkType.SHUTDOWN_COMPLETE, 4);
  return { kind: "shutdown-complete", reflectedTag: (flags & 1) !== 0 };
}
