/**
 * TURN constants (RFC 8656 §18 IANA registries) and the RFC's default timers.
 */

/** TURN attribute types (RFC 8656 §18, RFC 6062 §6.2). */
export const TurnAttributeType = {
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  EvenPort: 0x0018,
  RequestedTransport: 0x0019,
  DontFragment: 0x001a,
  ReservationToken: 0x0022,
  /** RFC 6062 §6.2.1 */
  ConnectionId: 0x002a,
  AdditionalAddressFamily: 0x8000,
  AddressErrorCode: 0x8001,
  Icmp: 0x8004,
} as const;

/** TURN error codes (RFC 8656 §18, plus the STUN ones a TURN client meets). */
export const TurnErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  PeerAddressFamilyMismatch: 443,
  AllocationQuotaReached: 486,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;

/** The reason phrases RFC 8656 §18 suggests. */
export const TURN_REASON: Readonly<Record<number, string>> = Object.freeze({
  300: "Try Alternate",
  400: "Bad Request",
  401: "Unauthenticated",
  403: "Forbidden",
  420: "Unknown Attribute",
  437: "Allocation Mismatch",
  438: "Stale Nonce",
  440: "Address Family not Supported",
  441: "Wrong Credentials",
  442: "Unsupported Transport Protocol",
  443: "Peer Address Family Mismatch",
  486: "Allocation Quota Reached",
  500: "Server Error",
  508: "Insufficient Capacity",
});

/** REQUESTED-TRANSPORT protocol numbers (IANA protocol numbers, RFC 8656 §18.7). */
export const TransportProtocol = { Udp: 17, Tcp: 6 } as const;

/** RFC 8656 §18.8 address family codes in REQUESTED-/ADDITIONAL-ADDRESS-FAMILY. */
export const ADDRESS_FAMILY_IPV4 = 0x01;
export const ADDRESS_FAMILY_IPV6 = 0x02;

/** RFC 8656 §7.2: the default allocation lifetime, 10 minutes. */
export const DEFAULT_ALLOCATION_LIFETIME_MS = 600_000;
/** RFC 8656 §7.2: "the maximum allowed lifetime ... 3600 seconds" is the recommended cap. */
export const MAX_ALLOCATION_LIFETIME_MS = 3_600_000;
/** RFC 8656 §9: "The Permission Lifetime MUST be 300 seconds (= 5 minutes)." */
export const PERMISSION_LIFETIME_MS = 300_000;
/** RFC 8656 §12: "The Channel Lifetime is 10 minutes." */
export const CHANNEL_LIFETIME_MS = 600_000;
/**
 * RFC 8656 §12: after a binding expires, the channel number and peer stay reserved for
 * 5 minutes so that an old ChannelData message cannot reach the wrong peer.
 */
export const CHANNEL_REUSE_DELAY_MS = 300_000;

/** RFC 8656 §12: channel numbers 0x4000 through 0x4FFF. */
export const MIN_CHANNEL_NUMBER = 0x4000;
export const MAX_CHANNEL_NUMBER = 0x4fff;

/**
 * RFC 5766 §11 allowed 0x4000 through 0x7FFF and coturn's clients still pick numbers there;
 * servers accept that range for compatibility, clients only use RFC 8656's.
 */
export const MAX_CHANNEL_NUMBER_RFC5766 = 0x7fff;

/** Whether a server accepts `n` as a channel number (RFC 8656 §12 or RFC 5766 §11 range). */
export function isAcceptableChannelNumber(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_CHANNEL_NUMBER && n <= MAX_CHANNEL_NUMBER_RFC5766;
}

/** Whether `n` is a valid channel number (RFC 8656 §12). */
export function isValidChannelNumber(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_CHANNEL_NUMBER && n <= MAX_CHANNEL_NUMBER;
}
