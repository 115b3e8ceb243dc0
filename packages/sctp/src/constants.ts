/**
 * SCTP registry values used on the wire: chunk types (RFC 9260 §3.2, RFC 3758, RFC 6525,
 * RFC 8260), parameter types (RFC 9260 §3.3, RFC 6525 §4, RFC 9653), error causes (RFC 9260 §3.3.10)
 * and the WebRTC payload protocol identifiers (RFC 8831 §8, RFC 8832 §8).
 */

/** Chunk type codes. */
export const ChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
  /** RFC 8260 §2.1 */
  I_DATA: 64,
  /** RFC 6525 §3.1 */
  RE_CONFIG: 130,
  /** RFC 4820 §3 */
  PAD: 132,
  /** RFC 3758 §3.2 */
  FORWARD_TSN: 192,
  /** RFC 8260 §2.3.1 */
  I_FORWARD_TSN: 194,
} as const;

/** Parameter type codes (INIT/INIT-ACK, HEARTBEAT, RE-CONFIG). */
export const ParamType = {
  HEARTBEAT_INFO: 1,
  IPV4_ADDRESS: 5,
  IPV6_ADDRESS: 6,
  STATE_COOKIE: 7,
  UNRECOGNIZED_PARAMETER: 8,
  COOKIE_PRESERVATIVE: 9,
  HOST_NAME_ADDRESS: 11,
  SUPPORTED_ADDRESS_TYPES: 12,
  /** RFC 6525 §4.1 */
  OUTGOING_SSN_RESET_REQUEST: 13,
  /** RFC 6525 §4.2 */
  INCOMING_SSN_RESET_REQUEST: 14,
  /** RFC 6525 §4.3 */
  SSN_TSN_RESET_REQUEST: 15,
  /** RFC 6525 §4.4 */
  RE_CONFIG_RESPONSE: 16,
  /** RFC 6525 §4.5 */
  ADD_OUTGOING_STREAMS_REQUEST: 17,
  /** RFC 6525 §4.6 */
  ADD_INCOMING_STREAMS_REQUEST: 18,
  ECN_CAPABLE: 0x8000,
  /** RFC 9653 §4 */
  ZERO_CHECKSUM_ACCEPTABLE: 0x8001,
  /**
   * Receive MTU: a purertc extension, not IANA-registered (see `ReceiveMtuParam`). Its upper
   * bits (10) make every other stack skip it silently (RFC 9260 §3.2.1).
   */
  RECEIVE_MTU: 0xbf01,
  /** RFC 5061 §4.2.7 */
  SUPPORTED_EXTENSIONS: 0x8008,
  /** RFC 3758 §3.1 */
  FORWARD_TSN_SUPPORTED: 0xc000,
} as const;

/** Error cause codes (RFC 9260 §3.3.10, RFC 6525 none). */
export const CauseCode = {
  INVALID_STREAM_IDENTIFIER: 1,
  MISSING_MANDATORY_PARAMETER: 2,
  STALE_COOKIE: 3,
  OUT_OF_RESOURCE: 4,
  UNRESOLVABLE_ADDRESS: 5,
  UNRECOGNIZED_CHUNK_TYPE: 6,
  INVALID_MANDATORY_PARAMETER: 7,
  UNRECOGNIZED_PARAMETERS: 8,
  NO_USER_DATA: 9,
  COOKIE_RECEIVED_WHILE_SHUTTING_DOWN: 10,
  RESTART_WITH_NEW_ADDRESSES: 11,
  USER_INITIATED_ABORT: 12,
  PROTOCOL_VIOLATION: 13,
} as const;

/** Payload Protocol Identifiers for WebRTC (RFC 8831 §8, RFC 8832 §8). */
export const Ppid = {
  /** WebRTC DCEP (RFC 8832). */
  DCEP: 50,
  STRING: 51,
  /** Deprecated partial string (RFC 8831 §6.6): accepted on receive only. */
  STRING_PARTIAL: 52,
  BINARY: 53,
  /** Deprecated partial binary: accepted on receive only. */
  BINARY_PARTIAL: 54,
  STRING_EMPTY: 56,
  BINARY_EMPTY: 57,
} as const;

/** RFC 9653 §4: Error Detection Method Identifier for "DTLS" (RFC 8261). */
export const EDMID_DTLS = 1;

/** The layer name carried by every {@link DecodeError} this package throws. */
export const LAYER = "sctp";

/** Rounds a length up to the next multiple of four (chunk and parameter padding). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}
