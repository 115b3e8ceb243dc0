/**
 * Cheap STUN recognition for demultiplexing (RFC 7983 §7: a first byte of 0-3 is STUN) with the
 * RFC 8489 §5 checks that cost nothing: the magic cookie and a length that fits the datagram.
 */

/**
 * Whether `bytes` looks like one STUN message (RFC 5389/8489, with the magic cookie): first byte
 * 0-3, magic cookie, a length that is a multiple of 4 and fills the datagram exactly. Allocates
 * nothing; the message may still fail to decode.
 */
export function isStunMessage(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return (
    n >= 20 &&
    bytes[0]! < 4 &&
    bytes[4] === 0x21 &&
    bytes[5] === 0x12 &&
    bytes[6] === 0xa4 &&
    bytes[7] === 0x42 &&
    (bytes[3]! & 3) === 0 &&
    ((bytes[2]! << 8) | bytes[3]!) + 20 === n
  );
}

/**
 * The length of the STUN message at the start of a byte stream (RFC 8489 §6.2.2: over TCP,
 * messages are delimited by their length field), or `undefined` when fewer than 4 bytes are
 * available. Does not check the rest of the header.
 */
export function stunFrameLength(bytes: Uint8Array, offset = 0): number | undefined {
  if (bytes.length - offset < 4) return undefined;
  return 20 + ((bytes[offset + 2]! << 8) | bytes[offset + 3]!);
}
