/**
 * ChannelData messages (RFC 8656 §12.4): the 4-byte-header framing of application data on a
 * bound channel.
 */
import { DecodeError } from "@purertc/common";
import { isAcceptableChannelNumber } from "./constants.js";

/** A ChannelData message. `data` of a decoded message is a view of the input. */
export interface ChannelData {
  readonly channel: number;
  readonly data: Uint8Array;
}

/** RFC 8656 §12.4: the header is 4 bytes. */
export const CHANNEL_DATA_HEADER_LENGTH = 4;

/** RFC 7983 / RFC 8656 §12.4: a ChannelData message starts with 0b01 (0x40-0x4F in practice). */
export function isChannelData(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[0]! & 0xc0) === 0x40;
}

/**
 * Decodes a ChannelData message. Over UDP the datagram may carry padding after the data
 * (RFC 8656 §12.5: "the receiver MUST ignore" it), so `bytes` may be longer than 4 + length.
 * Throws only `DecodeError` (layer `"turn"`).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * /                       Application Data                        /
 * /                                                               /
 * |                                                               |
 * |                               +-------------------------------+
 * |                               |
 * +-------------------------------+
 * ```
 */
export function decodeChannelData(bytes: Uint8Array): ChannelData {
  if (bytes.length < 4) {
    throw new DecodeError("turn", "truncated", bytes.length, "ChannelData shorter than 4 bytes");
  }
  const channel = (bytes[0]! << 8) | bytes[1]!;
  if (!isAcceptableChannelNumber(channel)) {
    throw new DecodeError("turn", "bad-channel-number", 0, `0x${channel.toString(16)}`);
  }
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (4 + length > bytes.length) {
    throw new DecodeError("turn", "truncated", 2, `length ${length}, have ${bytes.length - 4}`);
  }
  return { channel, data: bytes.subarray(4, 4 + length) };
}

/** Bytes {@link encodeChannelDataInto} writes; `padded` rounds up to 4 (TCP/TLS, §12.5). */
export function encodedLengthChannelData(dataLength: number, padded = false): number {
  const n = 4 + dataLength;
  return padded ? (n + 3) & ~3 : n;
}

/**
 * Writes a ChannelData message at `offset` and returns its length. With `padded` (required
 * over TCP and TLS, RFC 8656 §12.5) zero bytes round the message up to a multiple of 4.
 */
export function encodeChannelDataInto(
  msg: ChannelData,
  buf: Uint8Array,
  offset: number,
  padded = false,
): number {
  if (!isAcceptableChannelNumber(msg.channel)) {
    throw new RangeError(`channel number must be 0x4000-0x7FFF, got ${msg.channel}`);
  }
  if (msg.data.length > 0xffff) throw new RangeError("ChannelData longer than 65535 bytes");
  const total = encodedLengthChannelData(msg.data.length, padded);
  if (offset < 0 || offset + total > buf.length) {
    throw new RangeError(`ChannelData encode: need ${total} bytes at ${offset}`);
  }
  buf[offset] = msg.channel >>> 8;
  buf[offset + 1] = msg.channel & 0xff;
  buf[offset + 2] = msg.data.length >>> 8;
  buf[offset + 3] = msg.data.length & 0xff;
  buf.set(msg.data, offset + 4);
  for (let i = offset + 4 + msg.data.length; i < offset + total; i++) buf[i] = 0;
  return total;
}

/** Encodes a ChannelData message into a new array. See {@link encodeChannelDataInto}. */
export function encodeChannelData(msg: ChannelData, padded = false): Uint8Array {
  const out = new Uint8Array(encodedLengthChannelData(msg.data.length, padded));
  encodeChannelDataInto(msg, out, 0, padded);
  return out;
}
