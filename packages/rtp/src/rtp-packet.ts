import { DecodeError } from "@purertc/common";
import {
  type DecodedRtpHeader,
  decodeRtpHeader,
  encodedLengthRtpHeader,
  encodeRtpHeaderInto,
  type RtpHeader,
} from "./rtp-header.js";

/**
 * A whole RTP packet (RFC 3550 §5.1): header, payload and trailing padding. When the P bit is
 * set, "the last octet of the padding contains a count of how many padding octets should be
 * ignored, including itself".
 */
export interface RtpPacket {
  readonly header: RtpHeader;
  readonly payload: Uint8Array;
  /** Padding bytes after the payload (0 when none); the encoder sets the P bit iff > 0. */
  readonly paddingSize: number;
}

/** A decoded packet; `payload` and the extension block are views into the input bytes. */
export interface DecodedRtpPacket extends RtpPacket {
  readonly header: DecodedRtpHeader;
}

/**
 * Decodes an RTP packet with zero copies: the payload is a view into `bytes`, valid while the
 * caller leaves the buffer unchanged.
 */
export function decodeRtpPacket(bytes: Uint8Array): DecodedRtpPacket {
  const header = decodeRtpHeader(bytes);
  let end = bytes.byteLength;
  let paddingSize = 0;
  if (header.padding) {
    paddingSize = end > header.headerLength ? bytes[end - 1]! : 0;
    if (paddingSize === 0 || header.headerLength + paddingSize > end) {
      throw new DecodeError("rtp", "bad-padding", end - 1, `padding count ${paddingSize}`);
    }
    end -= paddingSize;
  }
  return { header, payload: bytes.subarray(header.headerLength, end), paddingSize };
}

/** Encoded size of a packet in bytes. */
export function encodedLengthRtpPacket(p: RtpPacket): number {
  return encodedLengthRtpHeader(p.header) + p.payload.byteLength + p.paddingSize;
}

/**
 * Writes the packet at `offset` and returns the offset just past it. Padding bytes are zero
 * except the last, which holds the count (RFC 3550 §5.1).
 */
export function encodeRtpPacketInto(p: RtpPacket, buf: Uint8Array, offset: number): number {
  const pad = p.paddingSize;
  if (!Number.isInteger(pad) || pad < 0 || pad > 255) {
    throw new RangeError(`RTP: padding size ${pad} outside 0..255`);
  }
  const header = p.header.padding === pad > 0 ? p.header : { ...p.header, padding: pad > 0 };
  const total = encodedLengthRtpPacket(p);
  if (offset < 0 || offset + total > buf.byteLength) {
    throw new RangeError(
      `RTP: packet needs ${total} bytes at ${offset}, buffer has ${buf.byteLength}`,
    );
  }
  let o = encodeRtpHeaderInto(header, buf, offset);
  buf.set(p.payload, o);
  o += p.payload.byteLength;
  if (pad > 0) {
    buf.fill(0, o, o + pad - 1);
    buf[o + pad - 1] = pad;
    o += pad;
  }
  return o;
}

/** Encodes the packet into a new array. */
export function encodeRtpPacket(p: RtpPacket): Uint8Array {
  const out = new Uint8Array(encodedLengthRtpPacket(p));
  encodeRtpPacketInto(p, out, 0);
  return out;
}

/**
 * Whether a datagram looks like RTP rather than RTCP when both share a port (RFC 5761 §4):
 * RTCP packet types 192..223 occupy the second byte's range that RTP payload types
 * 64..95 (with the marker bit) would.
 */
export function isRtcpPacket(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0]! >>> 6 === 2 && bytes[1]! >= 192 && bytes[1]! <= 223;
}
