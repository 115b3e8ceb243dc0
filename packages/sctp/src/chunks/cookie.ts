import { ChunkType } from "../constants.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * COOKIE ECHO (RFC 9260 §3.3.11) and COOKIE ACK (§3.3.12).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 10   |Chunk  Flags   |         Length                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                     Cookie                                    /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 11   |Chunk  Flags   |     Length = 4                |   COOKIE ACK
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface CookieEchoChunk {
  readonly kind: "cookie-echo";
  /** A view into the packet when decoded. */
  readonly cookie: Uint8Array;
}

export interface CookieAckChunk {
  readonly kind: "cookie-ack";
}

export function encodedLengthCookieEcho(c: CookieEchoChunk): number {
  return 4 + c.cookie.byteLength;
}

export function encodeCookieEchoInto(c: CookieEchoChunk, buf: Uint8Array, offset: number): number {
  const len = encodedLengthCookieEcho(c);
  const w = startChunk(buf, offset, ChunkType.COOKIE_ECHO, 0, len).bytes(c.cookie);
  w.zeros(((len + 3) & ~3) - len);
  return w.offset - offset;
}

export function encodeCookieEcho(c: CookieEchoChunk): Uint8Array {
  return encodeWith(c, encodedLengthCookieEcho, encodeCookieEchoInto);
}

export function decodeCookieEcho(bytes: Uint8Array): CookieEchoChunk {
  const { value: r } = openChunk(bytes, ChunkType.COOKIE_ECHO, 4);
  return { kind: "cookie-echo", cookie: r.rest() };
}

export function encodeCookieAckInto(_c: CookieAckChunk, buf: Uint8Array, offset: number): number {
  startChunk(buf, offset, ChunkType.COOKIE_ACK, 0, 4);
  return 4;
}

export function decodeCookieAck(bytes: Uint8Array): CookieAckChunk {
  openChunk(bytes, ChunkType.COOKIE_ACK, 4);
  return { kind: "cookie-ack" };
}
