import { type ByteReader, type ByteWriter, utf8Decode, utf8Encode } from "@purertc/common";

/**
 * Goodbye (RFC 3550 §6.6, PT=203):
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface Goodbye {
  readonly type: "bye";
  readonly sources: readonly number[];
  readonly reason?: string;
}

export const RTCP_BYE = 203;

/** @internal */
export function decodeByeBody(r: ByteReader, count: number): Goodbye {
  const sources: number[] = [];
  for (let i = 0; i < count; i++) sources.push(r.u32());
  if (r.remaining > 0) {
    const len = r.u8();
    return { type: "bye", sources, reason: utf8Decode(r.bytes(len)) };
  }
  return { type: "bye", sources };
}

/** @internal */
export function byeBodyLength(p: Goodbye): number {
  const reason = p.reason === undefined ? 0 : 1 + utf8Encode(p.reason).byteLength;
  return p.sources.length * 4 + ((reason + 3) & ~3);
}

/** @internal */
export function writeByeBody(p: Goodbye, w: ByteWriter): void {
  if (p.sources.length > 31)
    throw new RangeError(`RTCP BYE: ${p.sources.length} sources, at most 31`);
  for (const s of p.sources) w.u32(s);
  if (p.reason !== undefined) {
    const b = utf8Encode(p.reason);
    if (b.byteLength > 255) throw new RangeError("RTCP BYE: reason over 255 bytes");
    w.u8(b.byteLength).bytes(b);
    w.zeros((4 - ((1 + b.byteLength) % 4)) % 4);
  }
}
