/**
 * STUN constants with the values of the IANA "Session Traversal Utilities for NAT (STUN)
 * Parameters" registry (RFC 8489 §18, RFC 5780 §9, RFC 8445 §20.1, RFC 8656 §18).
 */

/** RFC 8489 §5: the fixed value of the magic-cookie field, in network byte order. */
export const MAGIC_COOKIE = 0x2112a442;

/** RFC 8489 §5: a STUN message header is 20 bytes. */
export const STUN_HEADER_LENGTH = 20;

/** RFC 8489 §14.7: the CRC-32 of a FINGERPRINT is XOR-ed with this value ("STUN"). */
export const FINGERPRINT_XOR = 0x5354554e;

/** The class of a STUN message (RFC 8489 §5: the C1 and C0 bits). */
export type StunClass = "request" | "indication" | "success" | "error";

/** STUN methods (IANA "STUN Methods"). Methods are 12-bit numbers; any value is accepted. */
export const StunMethod = {
  /** RFC 8489 §18.2 */
  Binding: 0x001,
  /** RFC 8656 §17 (TURN) */
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
  /** RFC 6062 (TURN-TCP) */
  Connect: 0x00a,
  ConnectionBind: 0x00b,
  ConnectionAttempt: 0x00c,
  /** Google's lightweight ICE ping (libwebrtc `GOOG_PING_REQUEST` = type 0x200), not in IANA. */
  GoogPing: 0x080,
} as const;

/**
 * STUN attribute types (IANA "STUN Attributes"). Types 0x0000-0x7FFF are
 * comprehension-required, 0x8000-0xFFFF comprehension-optional (RFC 8489 §14).
 * TURN attributes are defined by `@purertc/turn` through {@link defineStunAttribute}.
 */
export const StunAttributeType = {
  MappedAddress: 0x0001,
  /** RFC 5780 §7.2 */
  ChangeRequest: 0x0003,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Realm: 0x0014,
  Nonce: 0x0015,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  /** RFC 8445 §7.1.1 */
  Priority: 0x0024,
  UseCandidate: 0x0025,
  /** RFC 5780 §7.6, §7.5 */
  Padding: 0x0026,
  ResponsePort: 0x0027,
  PasswordAlgorithms: 0x8002,
  AlternateDomain: 0x8003,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  /** RFC 8445 §7.1.3 */
  IceControlled: 0x8029,
  IceControlling: 0x802a,
  /** RFC 5780 §7.3, §7.4 */
  ResponseOrigin: 0x802b,
  OtherAddress: 0x802c,
  /** Google's network information (libwebrtc `STUN_ATTR_GOOG_NETWORK_INFO`). */
  GoogNetworkInfo: 0xc057,
} as const;

/** Error codes (IANA "STUN Error Codes", RFC 8489 §14.8 and §18.4). */
export const StunErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthenticated: 401,
  UnknownAttribute: 420,
  StaleNonce: 438,
  ServerError: 500,
} as const;

/** RFC 8489 §18.5: password algorithms (PASSWORD-ALGORITHM, PASSWORD-ALGORITHMS). */
export const StunPasswordAlgorithm = {
  Md5: 0x0001,
  Sha256: 0x0002,
} as const;

/** Whether an attribute type is comprehension-required (RFC 8489 §14: 0x0000-0x7FFF). */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

const CLASS_BITS: Readonly<Record<StunClass, number>> = {
  request: 0x0000,
  indication: 0x0010,
  success: 0x0100,
  error: 0x0110,
};
const CLASS_BY_BITS: readonly StunClass[] = ["request", "indication", "success", "error"];

/**
 * RFC 8489 §5: the message type interleaves the 12 method bits with the 2 class bits.
 *
 * ```
 *  0                 1
 *  2  3  4 5 6 7 8 9 0 1 2 3 4 5
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 * |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function encodeMessageType(method: number, cls: StunClass): number {
  if (!Number.isInteger(method) || method < 0 || method > 0xfff) {
    throw new RangeError(`STUN method must be a 12-bit integer, got ${method}`);
  }
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | CLASS_BITS[cls];
}

/** The method of a 14-bit message type. */
export function methodOfType(type: number): number {
  return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

/** The class of a 14-bit message type. */
export function classOfType(type: number): StunClass {
  return CLASS_BY_BITS[((type >> 4) & 1) | ((type >> 7) & 2)]!;
}
