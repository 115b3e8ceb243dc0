/**
 * The STUN message (RFC 8489 §5, §14): header and attribute list, decode and encode.
 *
 * Decoding (`message-view.ts`) is zero-copy: the attribute values of a
 * {@link DecodedStunMessage} are views of the input and stay valid as long as the caller does
 * not reuse the input buffer.
 */
import type { StunAttributeCodec, StunCodecContext } from "./attribute-codec.js";
import {
  encodeMessageType,
  MAGIC_COOKIE,
  STUN_HEADER_LENGTH,
  StunAttributeType,
  type StunClass,
} from "./constants.js";
import { type StunSignOptions, signedTrailerLength, writeSignedTrailer } from "./integrity.js";
import { StunMessageView } from "./message-view.js";

export { decodeStunMessage, StunMessageView, viewStunMessage } from "./message-view.js";

/** An attribute as bytes: what decoding yields, and how unknown attributes are kept. */
export interface RawStunAttribute {
  readonly type: number;
  /** The value without padding (a view of the decoded input). */
  readonly value: Uint8Array;
  /** Padding bytes as received, kept only when they are not all zero (RFC 5769 uses spaces). */
  readonly padding?: Uint8Array;
}

/** An attribute with a typed value and the codec that writes it. Build with {@link attr}. */
export interface TypedStunAttribute<T> {
  readonly codec: StunAttributeCodec<T>;
  readonly value: T;
}

/** What an encoder accepts for each attribute. */
// biome-ignore lint/suspicious/noExplicitAny: the list holds attributes of many value types.
export type StunAttribute = RawStunAttribute | TypedStunAttribute<any>;

/** A STUN message to encode (or a decoded one). */
export interface StunMessage {
  /** 12-bit method, see `StunMethod`. */
  readonly method: number;
  readonly class: StunClass;
  /** 96-bit transaction id (12 bytes). */
  readonly transactionId: Uint8Array;
  readonly attributes: readonly StunAttribute[];
}

/** The result of {@link decodeStunMessage}. */
export interface DecodedStunMessage extends StunMessage {
  readonly attributes: readonly RawStunAttribute[];
  /** The whole message: a view of the input. */
  readonly raw: Uint8Array;
}

/** A typed attribute for an encoder's list: `attr(XorMappedAddress, { address, port })`. */
export function attr<T>(codec: StunAttributeCodec<T>, value: T): TypedStunAttribute<T>;
export function attr(codec: StunAttributeCodec<true>): TypedStunAttribute<true>;
export function attr<T>(codec: StunAttributeCodec<T>, value?: T): TypedStunAttribute<T> {
  return { codec, value: (value === undefined ? true : value) as T };
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Options of {@link encodeStunMessage}. */
export type StunEncodeOptions = StunSignOptions;

const lengthScratch: { lens: Int32Array } = { lens: new Int32Array(32) };

// biome-ignore lint/suspicious/noExplicitAny: narrows the StunAttribute union.
function isTyped(a: StunAttribute): a is TypedStunAttribute<any> {
  return (a as TypedStunAttribute<unknown>).codec !== undefined;
}

function checkMessage(msg: StunMessage): void {
  if (msg.transactionId.length !== 12) {
    throw new RangeError(`STUN transaction id must be 12 bytes, got ${msg.transactionId.length}`);
  }
}

/** Length of the attribute part, filling `lengthScratch` with each value length. */
function attributesLength(msg: StunMessage): number {
  const list = msg.attributes;
  if (lengthScratch.lens.length < list.length) lengthScratch.lens = new Int32Array(list.length * 2);
  const lens = lengthScratch.lens;
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    const len = isTyped(a) ? a.codec.valueLength(a.value) : a.value.length;
    if (len > 0xffff) throw new RangeError(`STUN attribute of ${len} bytes is too long`);
    lens[i] = len;
    total += 4 + pad4(len);
  }
  return total;
}

/** The encoded size of `msg` with the trailer that `options` asks for. */
export function encodedLengthStunMessage(msg: StunMessage, options?: StunEncodeOptions): number {
  return STUN_HEADER_LENGTH + attributesLength(msg) + signedTrailerLength(options);
}

/**
 * Writes `msg` at `offset` of `buf` and returns the number of bytes written. With
 * `options.integrity`, MESSAGE-INTEGRITY (and/or MESSAGE-INTEGRITY-SHA256) is appended; with
 * `options.fingerprint`, FINGERPRINT. Throws `RangeError` when `buf` is too small.
 */
export function encodeStunMessageInto(
  msg: StunMessage,
  buf: Uint8Array,
  offset: number,
  options?: StunEncodeOptions,
): number {
  checkMessage(msg);
  const attrsLen = attributesLength(msg);
  const total = STUN_HEADER_LENGTH + attrsLen + signedTrailerLength(options);
  if (offset < 0 || offset + total > buf.length) {
    throw new RangeError(`STUN encode: need ${total} bytes at ${offset}, buffer has ${buf.length}`);
  }
  return writeMessage(msg, buf, offset, attrsLen, options);
}

/** Encodes `msg` into a new array of exactly the right size. See {@link encodeStunMessageInto}. */
export function encodeStunMessage(msg: StunMessage, options?: StunEncodeOptions): Uint8Array {
  checkMessage(msg);
  const attrsLen = attributesLength(msg);
  const out = new Uint8Array(STUN_HEADER_LENGTH + attrsLen + signedTrailerLength(options));
  writeMessage(msg, out, 0, attrsLen, options);
  return out;
}

/** Writes header, attributes (lengths already in `lengthScratch`) and the signed trailer. */
function writeMessage(
  msg: StunMessage,
  buf: Uint8Array,
  offset: number,
  attrsLen: number,
  options: StunEncodeOptions | undefined,
): number {
  if (attrsLen + signedTrailerLength(options) > 0xffff) {
    throw new RangeError("STUN message longer than 65535 bytes");
  }
  const type = encodeMessageType(msg.method, msg.class);
  buf[offset] = type >>> 8;
  buf[offset + 1] = type & 0xff;
  buf[offset + 2] = attrsLen >>> 8;
  buf[offset + 3] = attrsLen & 0xff;
  buf[offset + 4] = MAGIC_COOKIE >>> 24;
  buf[offset + 5] = (MAGIC_COOKIE >>> 16) & 0xff;
  buf[offset + 6] = (MAGIC_COOKIE >>> 8) & 0xff;
  buf[offset + 7] = MAGIC_COOKIE & 0xff;
  buf.set(msg.transactionId, offset + 8);
  const ctx: StunCodecContext = msg;
  const lens = lengthScratch.lens;
  const list = msg.attributes;
  let o = offset + STUN_HEADER_LENGTH;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    const len = lens[i]!;
    const typed = isTyped(a);
    const t = typed ? a.codec.type : a.type;
    buf[o] = t >>> 8;
    buf[o + 1] = t & 0xff;
    buf[o + 2] = len >>> 8;
    buf[o + 3] = len & 0xff;
    if (typed) a.codec.write(a.value, buf, o + 4, ctx);
    else buf.set(a.value, o + 4);
    const padEnd = o + 4 + pad4(len);
    if (!typed && a.padding && a.padding.length === padEnd - o - 4 - len) {
      buf.set(a.padding, o + 4 + len);
    } else {
      for (let p = o + 4 + len; p < padEnd; p++) buf[p] = 0;
    }
    o = padEnd;
  }
  if (options) o = writeSignedTrailer(buf, offset, o, options);
  return o - offset;
}

/** Where attributes stop counting (RFC 8489 §14.5, §14.6): MI, MI-SHA256 and FINGERPRINT. */
function afterIntegrity(type: number, wanted: number): boolean {
  if (type === StunAttributeType.MessageIntegrity) {
    return (
      wanted !== StunAttributeType.MessageIntegritySha256 &&
      wanted !== StunAttributeType.Fingerprint
    );
  }
  if (type === StunAttributeType.MessageIntegritySha256)
    return wanted !== StunAttributeType.Fingerprint;
  return false;
}

/**
 * The offset of the first `wanted` attribute header in the bytes of a decoded message (whose
 * layout {@link decodeStunMessage} checked), or -1; stops after integrity like
 * {@link afterIntegrity}.
 */
function findAttribute(raw: Uint8Array, wanted: number): number {
  const n = raw.length;
  let off = STUN_HEADER_LENGTH;
  while (off < n) {
    const type = (raw[off]! << 8) | raw[off + 1]!;
    if (type === wanted) return off;
    if (afterIntegrity(type, wanted)) return -1;
    off += 4 + ((((raw[off + 2]! << 8) | raw[off + 3]!) + 3) & ~3);
  }
  return -1;
}

/**
 * The first value of an attribute, typed by its codec, or `undefined`. Attributes after
 * MESSAGE-INTEGRITY are ignored as RFC 8489 §14.5 requires (except MESSAGE-INTEGRITY-SHA256 and
 * FINGERPRINT). On a decoded message this may throw `DecodeError` for a malformed value.
 */
export function getAttribute<T>(msg: StunMessage, codec: StunAttributeCodec<T>): T | undefined {
  const wanted = codec.type;
  if (msg instanceof StunMessageView) {
    const off = findAttribute(msg.raw, wanted);
    if (off < 0) return undefined;
    const raw = msg.raw;
    const len = (raw[off + 2]! << 8) | raw[off + 3]!;
    return codec.readAt
      ? codec.readAt(raw, off + 4, len, msg)
      : codec.read(raw.subarray(off + 4, off + 4 + len), msg);
  }
  const list = msg.attributes;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    if (isTyped(a)) {
      if (a.codec.type === wanted) return a.value as T;
      if (afterIntegrity(a.codec.type, wanted)) return undefined;
    } else {
      if (a.type === wanted) return codec.read(a.value, msg);
      if (afterIntegrity(a.type, wanted)) return undefined;
    }
  }
  return undefined;
}

/** Every value of a repeatable attribute (e.g. TURN's XOR-PEER-ADDRESS), in order. */
export function getAttributes<T>(msg: StunMessage, codec: StunAttributeCodec<T>): T[] {
  const out: T[] = [];
  const wanted = codec.type;
  for (const a of msg.attributes) {
    const t = isTyped(a) ? a.codec.type : a.type;
    if (t === wanted) out.push(isTyped(a) ? (a.value as T) : codec.read(a.value, msg));
    if (afterIntegrity(t, wanted)) break;
  }
  return out;
}

/** Whether the message carries an attribute of this type (before MESSAGE-INTEGRITY). */
export function hasAttribute(msg: StunMessage, type: number): boolean {
  if (msg instanceof StunMessageView) return findAttribute(msg.raw, type) >= 0;
  for (const a of msg.attributes) {
    const t = isTyped(a) ? a.codec.type : a.type;
    if (t === type) return true;
    if (afterIntegrity(t, type)) return false;
  }
  return false;
}

/** The type number of an attribute in an encoder's list. */
export function attributeType(a: StunAttribute): number {
  return isTyped(a) ? a.codec.type : a.type;
}
