/** Big-endian 32-bit store. */
export function writeU32(buf: Uint8Array, o: number, v: number): void {
  buf[o] = v >>> 24;
  buf[o + 1] = (v >>> 16) & 0xff;
  buf[o + 2] = (v >>> 8) & 0xff;
  buf[o + 3] = v & 0xff;
}

/** Big-endian unsigned 32-bit load. */
export function readU32(buf: Uint8Array, o: number): number {
  return ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
}

/**
 * Constant-time comparison of the first `length` bytes of `digest` with `packet[at..at+length]`
 * (the truncated tag of RFC 3711 §4.2), without making views of either array.
 */
export function tagMatches(
  digest: Uint8Array,
  packet: Uint8Array,
  at: number,
  length: number,
): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= digest[i]! ^ packet[at + i]!;
  return diff === 0;
}
