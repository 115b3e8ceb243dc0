/**
 * Cryptex (RFC 9335): SRTP that also encrypts the CSRC list and the RFC 8285 header extensions.
 *
 * ```
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|X|  CC   |M|     PT      |       sequence number         |  clear
 *   |                           timestamp                           |  clear
 *   |           synchronization source (SSRC) identifier            |  clear
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |            contributing source (CSRC) identifiers             |  encrypted
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |       0xC0 or 0xC2    |  0xDE |           length              |  clear
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      RFC 8285 header extensions, then the payload ...         |  encrypted
 * ```
 *
 * The encrypted region is one keystream / one AEAD plaintext: CSRCs, extension body, payload
 * (RFC 9335 §5.1); for AEAD the 12-byte fixed header and the 4-byte extension header are the
 * associated data (§5.2). Both ciphers get that region contiguous by moving the 4-byte extension
 * header in front of the CSRCs ({@link swapExtensionHeader}) while they encrypt or decrypt.
 */

/** RFC 8285 §4.2 one-byte header extensions. */
export const PROFILE_ONE_BYTE = 0xbede;
/** RFC 8285 §4.3 two-byte header extensions (appbits zero). */
export const PROFILE_TWO_BYTE = 0x1000;
/** RFC 9335 §4: encrypted one-byte header extensions. */
export const PROFILE_CRYPTEX_ONE_BYTE = 0xc0de;
/** RFC 9335 §4: encrypted two-byte header extensions. */
export const PROFILE_CRYPTEX_TWO_BYTE = 0xc2de;

/**
 * The packet to protect with cryptex (a new array, the input untouched) and its CSRC byte count,
 * or `undefined` when cryptex does not apply: no CSRCs and no extension (nothing to hide), or an
 * extension that is not RFC 8285 with appbits zero (RFC 9335 §4.1: MUST NOT be used with them).
 * A packet with CSRCs and no extension gets an empty 0xC0DE block and the X bit (§4.1).
 */
export function prepareCryptex(
  packet: Uint8Array,
): { packet: Uint8Array; csrc: number } | undefined {
  const b0 = packet[0]!;
  const csrc = (b0 & 0x0f) * 4;
  const extAt = 12 + csrc;
  if ((b0 & 0x10) === 0) {
    if (csrc === 0) return undefined;
    const out = new Uint8Array(packet.byteLength + 4);
    out.set(packet.subarray(0, extAt));
    out[0] = b0 | 0x10;
    out[extAt] = PROFILE_CRYPTEX_ONE_BYTE >>> 8;
    out[extAt + 1] = PROFILE_CRYPTEX_ONE_BYTE & 0xff;
    out.set(packet.subarray(extAt), extAt + 4);
    return { packet: out, csrc };
  }
  const profile = (packet[extAt]! << 8) | packet[extAt + 1]!;
  const encrypted =
    profile === PROFILE_ONE_BYTE
      ? PROFILE_CRYPTEX_ONE_BYTE
      : profile === PROFILE_TWO_BYTE
        ? PROFILE_CRYPTEX_TWO_BYTE
        : -1;
  if (encrypted < 0) return undefined;
  const out = packet.slice();
  out[extAt] = encrypted >>> 8;
  out[extAt + 1] = encrypted & 0xff;
  return { packet: out, csrc };
}

/**
 * The CSRC byte count of a received cryptex packet (0xC0DE/0xC2DE extension, RFC 9335 §4.2), or
 * -1 when it is not one. `headerLength` has been validated (the extension header is in bounds).
 */
export function cryptexCsrcLength(packet: Uint8Array): number {
  const b0 = packet[0]!;
  if ((b0 & 0x10) === 0) return -1;
  const csrc = (b0 & 0x0f) * 4;
  const profile = (packet[12 + csrc]! << 8) | packet[13 + csrc]!;
  return profile === PROFILE_CRYPTEX_ONE_BYTE || profile === PROFILE_CRYPTEX_TWO_BYTE ? csrc : -1;
}

/**
 * After decryption, gives the extension back its RFC 8285 profile (RFC 9335 §5.4 allows
 * replacing it with the no-encryption counterpart), so RTP parsers see an ordinary packet.
 */
export function restoreProfile(out: Uint8Array, csrc: number): void {
  const at = 12 + csrc;
  const plain = out[at] === 0xc0 ? PROFILE_ONE_BYTE : PROFILE_TWO_BYTE;
  out[at] = plain >>> 8;
  out[at + 1] = plain & 0xff;
}

/**
 * Moves the 4-byte extension header between its wire place (after the CSRCs) and the front of
 * the CSRCs (`toFront`), in place, so the encrypted region `buf[16..]` is contiguous.
 */
export function swapExtensionHeader(buf: Uint8Array, csrc: number, toFront: boolean): void {
  if (csrc === 0) return;
  const h = 12 + csrc;
  if (toFront) {
    const a = buf[h]!;
    const b = buf[h + 1]!;
    const c = buf[h + 2]!;
    const d = buf[h + 3]!;
    buf.copyWithin(16, 12, h);
    buf[12] = a;
    buf[13] = b;
    buf[14] = c;
    buf[15] = d;
  } else {
    const a = buf[12]!;
    const b = buf[13]!;
    const c = buf[14]!;
    const d = buf[15]!;
    buf.copyWithin(12, 16, h + 4);
    buf[h] = a;
    buf[h + 1] = b;
    buf[h + 2] = c;
    buf[h + 3] = d;
  }
}
