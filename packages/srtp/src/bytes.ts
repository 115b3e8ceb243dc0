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

/**
 * Writes `salt ⊕ (SSRC ‖ hi16 ‖ lo32)` into `out[at .. at + 10)`: the part of the AES-CM counter
 * block (RFC 3711 §4.1.1, `at` = 4) and of the AEAD IV (RFC 7714 §8.1/§9.1, `at` = 2) that
 * changes per packet. `hi`/`lo` are the top 16 and low 32 bits of the 48-bit packet index (SRTP)
 * or 0 and the SRTCP index.
 */
export function writeSaltedIndex(
  out: Uint8Array,
  salt: Uint8Array,
  at: number,
  ssrc: number,
  hi: number,
  lo: number,
): void {
  out[at] = salt[at]! ^ (ssrc >>> 24);
  out[at + 1] = salt[at + 1]! ^ ((ssrc >>> 16) & 0xff);
  out[at + 2] = salt[at + 2]! ^ ((ssrc >>> 8) & 0xff);
  out[at + 3] = salt[at + 3]! ^ (ssrc & 0xff);
  out[at + 4] = salt[at + 4]! ^ ((hi >>> 8) & 0xff);
  out[at + 5] = salt[at + 5]! ^ (hi & 0xff);
  out[at + 6] = salt[at + 6]! ^ (lo >>> 24);
  out[at + 7] = salt[at + 7]! ^ ((lo >>> 16) & 0xff);
  out[at + 8] = salt[at + 8]! ^ ((lo >>> 8) & 0xff);
  out[at + 9] = salt[at + 9]! ^ (lo & 0xff);
}
