import { DecodeError } from "@purertc/common";

/**
 * The RTP fixed header (RFC 3550 §5.1), CSRC list and header extension block (RFC 3550 §5.3.1).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * ```
 */
export interface RtpHeader {
  /** P bit: the packet ends with padding (RFC 3550 §5.1). */
  readonly padding: boolean;
  readonly marker: boolean;
  /** 7-bit payload type. */
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit media timestamp (unsigned). */
  readonly timestamp: number;
  /** 32-bit synchronization source (unsigned). */
  readonly ssrc: number;
  /** Up to 15 contributing sources (unsigned). */
  readonly csrcs: readonly number[];
  /** The header extension block, raw; parse it with `readHeaderExtensions` / `findHeaderExtension`. */
  readonly extension: RtpExtensionBlock | undefined;
}

/**
 * A decoded header: the fields plus where the payload starts. `headerLength` counts the fixed
 * header, CSRCs and the extension block (what SRTP authenticates but does not encrypt).
 */
export interface DecodedRtpHeader extends RtpHeader {
  readonly headerLength: number;
}

/**
 * The raw header extension block (RFC 3550 §5.3.1): a 16-bit profile ("defined by profile")
 * and its data, a multiple of 4 bytes. `0xBEDE` is the RFC 8285 one-byte form, `0x100x` the
 * two-byte form. `data` is a view into the decoded packet.
 */
export interface RtpExtensionBlock {
  readonly profile: number;
  readonly data: Uint8Array;
}

/** RTP version 2 (RFC 3550 §5.1: "The version defined by this specification is two"). */
export const RTP_VERSION = 2;
/** Length of the fixed header, without CSRCs (RFC 3550 §5.1). */
export const RTP_FIXED_HEADER_LENGTH = 12;

const NO_CSRCS: readonly number[] = Object.freeze([]);

function fail(code: string, offset: number, detail?: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/**
 * The byte length of the header, CSRCs and extension block of the RTP packet in `bytes`:
 * the offset of the payload. Allocates nothing. Throws `DecodeError` when truncated or not
 * version 2.
 */
export function rtpHeaderLength(bytes: Uint8Array): number {
  const n = bytes.byteLength;
  if (n < RTP_FIXED_HEADER_LENGTH) fail("truncated", 0, `RTP header needs 12 bytes, have ${n}`);
  const b0 = bytes[0]!;
  if (b0 >>> 6 !== RTP_VERSION) fail("bad-version", 0, `version ${b0 >>> 6}`);
  let len = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
  if ((b0 & 0x10) !== 0) {
    if (len + 4 > n) fail("truncated", len, "extension header");
    len += 4 + ((bytes[len + 2]! << 8) | bytes[len + 3]!) * 4;
  }
  if (len > n) fail("truncated", n, `header needs ${len} bytes, have ${n}`);
  return len;
}

/**
 * Decodes the RTP header at the start of `bytes` (zero copy: `extension.data` is a view into
 * `bytes`, valid while the caller keeps the buffer unchanged).
 */
export function decodeRtpHeader(bytes: Uint8Array): DecodedRtpHeader {
  const n = bytes.byteLength;
  if (n < RTP_FIXED_HEADER_LENGTH) fail("truncated", 0, `RTP header needs 12 bytes, have ${n}`);
  const b0 = bytes[0]!;
  if (b0 >>> 6 !== RTP_VERSION) fail("bad-version", 0, `version ${b0 >>> 6}`);
  const b1 = bytes[1]!;
  const cc = b0 & 0x0f;
  let off = RTP_FIXED_HEADER_LENGTH + cc * 4;
  if (off > n) fail("truncated", n, "CSRC list");
  let csrcs = NO_CSRCS;
  if (cc > 0) {
    const list: number[] = new Array(cc);
    for (let i = 0; i < cc; i++) {
      const p = 12 + i * 4;
      list[i] =
        ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
    }
    csrcs = list;
  }
  let extension: RtpExtensionBlock | undefined;
  if ((b0 & 0x10) !== 0) {
    if (off + 4 > n) fail("truncated", off, "extension header");
    const profile = (bytes[off]! << 8) | bytes[off + 1]!;
    const extLen = ((bytes[off + 2]! << 8) | bytes[off + 3]!) * 4;
    if (off + 4 + extLen > n) fail("truncated", off + 2, `extension of ${extLen} bytes`);
    extension = { profile, data: bytes.subarray(off + 4, off + 4 + extLen) };
    off += 4 + extLen;
  }
  return {
    padding: (b0 & 0x20) !== 0,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (bytes[2]! << 8) | bytes[3]!,
    timestamp: ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0,
    ssrc: ((bytes[8]! << 24) | (bytes[9]! << 16) | (bytes[10]! << 8) | bytes[11]!) >>> 0,
    csrcs,
    extension,
    headerLength: off,
  };
}

/** Encoded size of a header in bytes. */
export function encodedLengthRtpHeader(h: RtpHeader): number {
  let len = RTP_FIXED_HEADER_LENGTH + h.csrcs.length * 4;
  if (h.extension !== undefined) len += 4 + h.extension.data.byteLength;
  return len;
}

function checkHeader(h: RtpHeader): void {
  if (h.csrcs.length > 15) throw new RangeError(`RTP: ${h.csrcs.length} CSRCs, at most 15`);
  if (h.payloadType < 0 || h.payloadType > 127 || !Number.isInteger(h.payloadType)) {
    throw new RangeError(`RTP: payload type ${h.payloadType} outside 0..127`);
  }
  if (h.extension !== undefined) {
    const len = h.extension.data.byteLength;
    if (len % 4 !== 0 || len > 0xffff * 4) {
      throw new RangeError(
        `RTP: extension data of ${len} bytes is not a multiple of 4 under 256 KiB`,
      );
    }
  }
}

/**
 * Writes the header at `offset` in `buf` and returns the offset just past it. Throws
 * `RangeError` when `buf` is too small or a field is out of range.
 */
export function encodeRtpHeaderInto(h: RtpHeader, buf: Uint8Array, offset: number): number {
  checkHeader(h);
  const len = encodedLengthRtpHeader(h);
  if (offset < 0 || offset + len > buf.byteLength) {
    throw new RangeError(
      `RTP: header needs ${len} bytes at ${offset}, buffer has ${buf.byteLength}`,
    );
  }
  const cc = h.csrcs.length;
  const ext = h.extension;
  buf[offset] = 0x80 | (h.padding ? 0x20 : 0) | (ext !== undefined ? 0x10 : 0) | cc;
  buf[offset + 1] = (h.marker ? 0x80 : 0) | h.payloadType;
  buf[offset + 2] = (h.sequenceNumber >>> 8) & 0xff;
  buf[offset + 3] = h.sequenceNumber & 0xff;
  writeU32(buf, offset + 4, h.timestamp);
  writeU32(buf, offset + 8, h.ssrc);
  let o = offset + 12;
  for (let i = 0; i < cc; i++, o += 4) writeU32(buf, o, h.csrcs[i]!);
  if (ext !== undefined) {
    const words = ext.data.byteLength / 4;
    buf[o] = (ext.profile >>> 8) & 0xff;
    buf[o + 1] = ext.profile & 0xff;
    buf[o + 2] = words >>> 8;
    buf[o + 3] = words & 0xff;
    buf.set(ext.data, o + 4);
    o += 4 + ext.data.byteLength;
  }
  return o;
}

/** Encodes the header into a new array. */
export function encodeRtpHeader(h: RtpHeader): Uint8Array {
  const out = new Uint8Array(encodedLengthRtpHeader(h));
  encodeRtpHeaderInto(h, out, 0);
  return out;
}

/** @internal big-endian 32-bit store. */
export function writeU32(buf: Uint8Array, o: number, v: number): void {
  buf[o] = v >>> 24;
  buf[o + 1] = (v >>> 16) & 0xff;
  buf[o + 2] = (v >>> 8) & 0xff;
  buf[o + 3] = v & 0xff;
}

/** @internal big-endian 32-bit load (unsigned). */
export function readU32(buf: Uint8Array, o: number): number {
  return ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
}

/** Reads the SSRC of an RTP packet without decoding the rest (RFC 3550 §5.1). */
export function peekRtpSsrc(bytes: Uint8Array): number {
  if (bytes.byteLength < RTP_FIXED_HEADER_LENGTH) fail("truncated", 0, "RTP header");
  return readU32(bytes, 8);
}

/** Reads the sequence number of an RTP packet without decoding the rest. */
export function peekRtpSequenceNumber(bytes: Uint8Array): number {
  if (bytes.byteLength < RTP_FIXED_HEADER_LENGTH) fail("truncated", 0, "RTP header");
  return (bytes[2]! << 8) | bytes[3]!;
}
