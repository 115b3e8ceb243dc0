/**
 * Decoding of a STUN message (RFC 8489 §5, §14): {@link decodeStunMessage} builds the attribute
 * list up front; {@link viewStunMessage} checks the same things but materialises nothing until it
 * is read. An ICE agent that verifies FINGERPRINT and MESSAGE-INTEGRITY and reads two attributes
 * of a connectivity check then allocates one object per datagram; the attribute list and the
 * transaction id view are built on first access and cached.
 */
import { DecodeError } from "@purertc/common";
import { classOfType, methodOfType, STUN_HEADER_LENGTH, type StunClass } from "./constants.js";
import type { DecodedStunMessage, RawStunAttribute } from "./message.js";

/**
 * The lazy {@link DecodedStunMessage} that {@link viewStunMessage} returns. Every function that
 * takes a decoded message takes a view; `getAttribute` and `hasAttribute` read its bytes without
 * building the attribute list. `transactionId` and `attributes` are accessors: spreading a view
 * (`{ ...view }`) copies only `method`, `class` and `raw`; use {@link decodeStunMessage} for a
 * plain object.
 */
export class StunMessageView implements DecodedStunMessage {
  readonly method: number;
  readonly class: StunClass;
  readonly raw: Uint8Array;
  #transactionId: Uint8Array | undefined;
  #attributes: RawStunAttribute[] | undefined;

  /** `raw` must already have passed {@link checkStunLayout}. */
  private constructor(raw: Uint8Array) {
    const type = (raw[0]! << 8) | raw[1]!;
    this.method = methodOfType(type);
    this.class = classOfType(type);
    this.raw = raw;
  }

  /** The 96-bit transaction id: a view of bytes 8..20 of the input. */
  get transactionId(): Uint8Array {
    this.#transactionId ??= this.raw.subarray(8, STUN_HEADER_LENGTH);
    return this.#transactionId;
  }

  /** Every attribute in order, values as views of the input (built on first access). */
  get attributes(): readonly RawStunAttribute[] {
    this.#attributes ??= materialise(this.raw);
    return this.#attributes;
  }

  /** A plain object with the same fields (what {@link decodeStunMessage} returns). */
  toJSON(): DecodedStunMessage {
    return {
      method: this.method,
      class: this.class,
      transactionId: this.transactionId,
      attributes: this.attributes,
      raw: this.raw,
    };
  }

  /** @internal Wraps bytes that passed {@link checkStunLayout}. */
  static of(raw: Uint8Array): StunMessageView {
    return new StunMessageView(raw);
  }
}

function materialise(bytes: Uint8Array): RawStunAttribute[] {
  const n = bytes.length;
  const attributes: RawStunAttribute[] = [];
  let off = STUN_HEADER_LENGTH;
  while (off < n) {
    const at = (bytes[off]! << 8) | bytes[off + 1]!;
    const end = off + 4 + ((bytes[off + 2]! << 8) | bytes[off + 3]!);
    const padded = (end + 3) & ~3;
    let nonZeroPad = false;
    for (let i = end; i < padded; i++) if (bytes[i] !== 0) nonZeroPad = true;
    attributes.push(
      nonZeroPad
        ? { type: at, value: bytes.subarray(off + 4, end), padding: bytes.subarray(end, padded) }
        : { type: at, value: bytes.subarray(off + 4, end) },
    );
    off = padded;
  }
  return attributes;
}

/**
 * Decodes one STUN message that fills `bytes` exactly (a UDP datagram, or a frame cut by
 * `StunTcpFramer`) into a plain object. Throws only `DecodeError` (layer `"stun"`). Attribute
 * values are views of `bytes`: they stay valid as long as the caller does not reuse the buffer.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |  (attributes,
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   §14)
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function decodeStunMessage(bytes: Uint8Array): DecodedStunMessage {
  checkStunLayout(bytes);
  const type = (bytes[0]! << 8) | bytes[1]!;
  return {
    method: methodOfType(type),
    class: classOfType(type),
    transactionId: bytes.subarray(8, STUN_HEADER_LENGTH),
    attributes: materialise(bytes),
    raw: bytes,
  };
}

/**
 * {@link decodeStunMessage} without building anything: the same header and attribute-layout
 * checks (throws only `DecodeError`), then a {@link StunMessageView} whose attributes are decoded
 * when read (`getAttribute` may then throw `DecodeError` for a malformed value). For hot paths
 * that verify a message and read a few attributes (ICE connectivity checks).
 */
export function viewStunMessage(bytes: Uint8Array): StunMessageView {
  checkStunLayout(bytes);
  return StunMessageView.of(bytes);
}

/** RFC 8489 §5, §14: header fields, length and the attribute TLV layout; throws `DecodeError`. */
function checkStunLayout(bytes: Uint8Array): void {
  const n = bytes.length;
  if (n < STUN_HEADER_LENGTH) throw new DecodeError("stun", "truncated", n, `${n} bytes < 20`);
  if (bytes[0]! & 0xc0) throw new DecodeError("stun", "not-stun", 0, "top two bits not zero");
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length & 3) throw new DecodeError("stun", "bad-length", 2, `${length} not a multiple of 4`);
  if (bytes[4] !== 0x21 || bytes[5] !== 0x12 || bytes[6] !== 0xa4 || bytes[7] !== 0x42) {
    throw new DecodeError("stun", "bad-magic-cookie", 4);
  }
  if (STUN_HEADER_LENGTH + length !== n) {
    throw new DecodeError("stun", "length-mismatch", 2, `header says ${length}, have ${n - 20}`);
  }
  let off = STUN_HEADER_LENGTH;
  while (off < n) {
    if (off + 4 > n) throw new DecodeError("stun", "truncated-attribute", off);
    const len = (bytes[off + 2]! << 8) | bytes[off + 3]!;
    const padded = off + 4 + ((len + 3) & ~3);
    if (padded > n) {
      const at = (bytes[off]! << 8) | bytes[off + 1]!;
      throw new DecodeError(
        "stun",
        "truncated-attribute",
        off,
        `attribute 0x${at.toString(16)} of ${len} bytes`,
      );
    }
    off = padded;
  }
}
