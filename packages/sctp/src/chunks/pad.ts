import { ChunkType } from "../constants.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * PAD (RFC 4820 §3): a chunk whose only purpose is to make its packet bigger. Its receiver
 * discards it and goes on with the rest of the packet; the type's upper bits (10, RFC 9260
 * §3.2) make a stack that does not know it skip it silently too. PLPMTUD for SCTP (RFC 8899
 * §6.2.1.2) bundles one after a HEARTBEAT to build a probe packet of a chosen size.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = 0x84   |   Flags=0     |             Length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                             Padding Data                      /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface PadChunk {
  readonly kind: "pad";
  /** Bytes of padding data (the value; RFC 4820 leaves their content to the sender: zeros). */
  readonly padding: number;
}

export function encodedLengthPad(c: PadChunk): number {
  return 4 + c.padding;
}

export function encodePadInto(c: PadChunk, buf: Uint8Array, offset: number): number {
  const len = encodedLengthPad(c);
  const w = startChunk(buf, offset, ChunkType.PAD, 0, len);
  w.zeros(((len + 3) & ~3) - 4);
  return w.offset - offset;
}

export function encodePad(c: PadChunk): Uint8Array {
  return encodeWith(c, encodedLengthPad, encodePadInto);
}

/** Decodes a PAD chunk; the padding bytes are not looked at (RFC 4820 §3: discarded). */
export function decodePad(bytes: Uint8Array): PadChunk {
  const { value } = openChunk(bytes, ChunkType.PAD, 4);
  return { kind: "pad", padding: value.remaining };
}
