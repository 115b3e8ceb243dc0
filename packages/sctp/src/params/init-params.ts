import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * Parameters carried by INIT and INIT-ACK (RFC 9260 §3.3.2–§3.3.3, RFC 3758 §3.1,
 * RFC 5061 §4.2.7, RFC 9653 §4), and the HEARTBEAT info parameter (RFC 9260 §3.3.5).
 * Each is a value codec: the TLV header is handled by `param.ts`.
 */

/** State Cookie (type 7): opaque to the receiver, echoed back in COOKIE ECHO. */
export interface StateCookieParam {
  readonly kind: "state-cookie";
  readonly cookie: Uint8Array;
}

/**
 * Supported Extensions (type 0x8008, RFC 5061 §4.2.7): the chunk types the sender supports.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 0x8008   |      Parameter Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | CHUNK TYPE 1  |  CHUNK TYPE 2 |  CHUNK TYPE 3 |  CHUNK TYPE 4 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface SupportedExtensionsParam {
  readonly kind: "supported-extensions";
  readonly chunkTypes: readonly number[];
}

/** Forward-TSN-Supported (type 0xC000, RFC 3758 §3.1): no value. */
export interface ForwardTsnSupportedParam {
  readonly kind: "forward-tsn-supported";
}

/**
 * Zero Checksum Acceptable (type 0x8001, RFC 9653 §4).
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Type = 0x8001        |          Length = 8           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Error Detection Method Identifier (EDMID)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ZeroChecksumAcceptableParam {
  readonly kind: "zero-checksum-acceptable";
  readonly edmid: number;
}

/**
 * Receive MTU (type 0xBF01, a purertc extension): the largest SCTP packet the sender accepts,
 * its EMTU_R in RFC 8899 §5.1.2 terms ("MAX_PLPMTU is the minimum of the local MTU and EMTU_R
 * when this is learned from the remote endpoint"). Path MTU discovery probes up to it; without
 * it a sender must assume less (libwebrtc drops DTLS datagrams over 2048 bytes and fails).
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Type = 0xBF01        |          Length = 8           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Largest SCTP packet accepted                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ReceiveMtuParam {
  readonly kind: "receive-mtu";
  readonly mtu: number;
}

export function decodeReceiveMtu(r: ByteReader): ReceiveMtuParam {
  if (r.remaining !== 4) r.fail("bad-receive-mtu-param", `length ${r.remaining}`);
  return { kind: "receive-mtu", mtu: r.u32() };
}

/** Unrecognized Parameter (type 8, RFC 9260 §3.3.3.1): the offending parameter TLV, verbatim. */
export interface UnrecognizedParameterParam {
  readonly kind: "unrecognized-parameter";
  readonly parameter: Uint8Array;
}

/** Heartbeat Info (type 1, RFC 9260 §3.3.5): sender-specific, echoed in HEARTBEAT ACK. */
export interface HeartbeatInfoParam {
  readonly kind: "heartbeat-info";
  readonly info: Uint8Array;
}

export function decodeSupportedExtensions(r: ByteReader): SupportedExtensionsParam {
  const chunkTypes: number[] = [];
  while (r.remaining > 0) chunkTypes.push(r.u8());
  return { kind: "supported-extensions", chunkTypes };
}

export function encodeSupportedExtensions(p: SupportedExtensionsParam, w: ByteWriter): void {
  for (const t of p.chunkTypes) w.u8(t & 0xff);
}

export function decodeZeroChecksumAcceptable(r: ByteReader): ZeroChecksumAcceptableParam {
  if (r.remaining !== 4) r.fail("bad-zero-checksum-param", `length ${r.remaining}`);
  return { kind: "zero-checksum-acceptable", edmid: r.u32() };
}
