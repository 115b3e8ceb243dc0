/**
 * Typed STUN attribute values and the registry that names them. Every attribute of this package
 * is a {@link StunAttributeCodec}; other packages (`@purertc/turn`) add their own with
 * {@link defineStunAttribute} without editing this one.
 */

/** Context a codec may need: the XOR-ed address attributes use the transaction id. */
export interface StunCodecContext {
  /** The 12-byte transaction id of the message being read or written. */
  readonly transactionId: Uint8Array;
}

/** How one attribute type maps between its value bytes and a typed value `T`. */
export interface StunAttributeCodec<T> {
  /** The attribute type number (IANA). */
  readonly type: number;
  /** The IANA name, e.g. `"XOR-MAPPED-ADDRESS"`. */
  readonly name: string;
  /** Length of the encoded value in bytes, without the 4-byte header and padding. */
  valueLength(value: T): number;
  /** Writes the value (exactly `valueLength(value)` bytes) at `offset`. */
  write(value: T, buf: Uint8Array, offset: number, ctx: StunCodecContext): void;
  /** Reads a value; throws only `DecodeError` (layer `"stun"`). */
  read(value: Uint8Array, ctx: StunCodecContext): T;
  /**
   * Optional: reads the value at `buf[offset..offset+length)` without making a view of it (what
   * `getAttribute` uses on a lazily decoded message). Must give what `read` gives on that range.
   */
  readAt?(buf: Uint8Array, offset: number, length: number, ctx: StunCodecContext): T;
}

/** The description {@link defineStunAttribute} takes. */
export type StunAttributeDefinition<T> = StunAttributeCodec<T>;

const registry = new Map<number, StunAttributeCodec<unknown>>();

/**
 * Defines and registers an attribute codec. Registration only gives the type a name and makes
 * the STUN server treat it as understood; reading and writing work with any codec object.
 * Throws `TypeError` when another codec with a different name already holds the type.
 */
export function defineStunAttribute<T>(def: StunAttributeDefinition<T>): StunAttributeCodec<T> {
  if (!Number.isInteger(def.type) || def.type < 0 || def.type > 0xffff) {
    throw new RangeError(`STUN attribute type must be 16-bit, got ${def.type}`);
  }
  const existing = registry.get(def.type);
  if (existing && existing.name !== def.name) {
    throw new TypeError(
      `STUN attribute 0x${def.type.toString(16)} is already defined as ${existing.name}`,
    );
  }
  const codec = Object.freeze({ ...def }) as StunAttributeCodec<T>;
  registry.set(def.type, codec as StunAttributeCodec<unknown>);
  return codec;
}

/** The registered codec for an attribute type, if any. */
export function stunAttributeCodec(type: number): StunAttributeCodec<unknown> | undefined {
  return registry.get(type);
}

/** The IANA name of a registered attribute type, or `"0xXXXX"`. */
export function stunAttributeName(type: number): string {
  return registry.get(type)?.name ?? `0x${type.toString(16).padStart(4, "0")}`;
}

/** Whether a codec is registered for this attribute type. */
export function isKnownStunAttribute(type: number): boolean {
  return registry.has(type);
}
