import { DecodeError } from "@purertc/common";

/**
 * A minimal DER reader (ITU-T X.690 §8, §10): enough for X.509 certificates and PKCS#8/SEC1 keys.
 *
 * ```
 *   identifier   length                      contents
 *  +----------+--------------------------+----------------+
 *  | class|c|n| 0lllllll  or  1nnnnnnn L…| length octets  |
 *  +----------+--------------------------+----------------+
 * ```
 *
 * Only the low-tag-number form (tag number < 31) and definite lengths are accepted; anything
 * else, and any length running past its enclosing element, throws {@link DecodeError}.
 */

/** Universal tags used by X.509 (X.680 §8.4). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific constructed tag `[n]` (X.690 §8.1.2). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

/** One decoded TLV element. `value` is a view into the input (no copy). */
export interface DerElement {
  /** Identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  /** Offset of the identifier octet in the outer input. */
  readonly offset: number;
  /** The whole encoding, identifier to last content octet (e.g. the signed TBSCertificate). */
  readonly raw: Uint8Array;
  /** The contents octets. */
  readonly value: Uint8Array;
  /** Offset of the first contents octet in the outer input. */
  readonly valueOffset: number;
}

/** Sequential reader over the elements between `start` and `end` of `bytes`. */
export class DerReader {
  readonly #bytes: Uint8Array;
  readonly #layer: string;
  readonly #end: number;
  #pos: number;

  constructor(bytes: Uint8Array, layer: string, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#layer = layer;
    this.#pos = start;
    this.#end = end;
  }

  /** Current offset in the outer input. */
  get offset(): number {
    return this.#pos;
  }

  /** Whether every element has been read. */
  get atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  /** Tag of the next element, or `undefined` at the end. */
  peekTag(): number | undefined {
    return this.#pos < this.#end ? this.#bytes[this.#pos] : undefined;
  }

  /** A {@link DecodeError} of this reader's layer at `offset`. */
  error(code: string, offset: number, detail?: string): DecodeError {
    return new DecodeError(this.#layer, code, offset, detail);
  }

  /** Reads the next element of any tag. */
  read(): DerElement {
    const b = this.#bytes;
    const offset = this.#pos;
    if (offset + 2 > this.#end) throw this.error("truncated", offset, "element header");
    const tag = b[offset] as number;
    if ((tag & 0x1f) === 0x1f) throw this.error("unsupported-tag", offset, "high tag number form");
    let p = offset + 1;
    let length = b[p++] as number;
    if (length & 0x80) {
      const n = length & 0x7f;
      // 0x80 is the BER indefinite form, which DER forbids (X.690 §10.1); 4 octets cover 4 GiB.
      if (n === 0 || n > 4) throw this.error("bad-length", offset + 1, `length of length ${n}`);
      if (p + n > this.#end) throw this.error("truncated", p, "long-form length");
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + (b[p++] as number);
      if (length < 0x80) throw this.error("bad-length", offset + 1, "non-minimal long-form length");
    }
    if (p + length > this.#end)
      throw this.error("truncated", p, `length ${length} exceeds enclosing element`);
    this.#pos = p + length;
    return {
      tag,
      offset,
      raw: b.subarray(offset, p + length),
      value: b.subarray(p, p + length),
      valueOffset: p,
    };
  }

  /** Reads the next element and checks its tag. */
  expect(tag: number, what: string): DerElement {
    const next = this.peekTag();
    if (next !== tag) {
      throw this.error(
        "unexpected-tag",
        this.#pos,
        `${what}: expected 0x${tag.toString(16)}, got ${next === undefined ? "end" : `0x${next.toString(16)}`}`,
      );
    }
    return this.read();
  }

  /** Reads the next element if it has `tag`. */
  optional(tag: number): DerElement | undefined {
    return this.peekTag() === tag ? this.read() : undefined;
  }

  /** A reader over the contents of a constructed element read from this reader. */
  enter(e: DerElement): DerReader {
    if ((e.tag & 0x20) === 0)
      throw this.error("unexpected-tag", e.offset, "primitive element is not constructed");
    return new DerReader(this.#bytes, this.#layer, e.valueOffset, e.valueOffset + e.value.length);
  }

  /** Throws unless every element has been consumed. */
  finish(what: string): void {
    if (!this.atEnd) throw this.error("trailing-data", this.#pos, what);
  }

  /** Reads `SEQUENCE` and returns a reader over its contents. */
  sequence(what: string): DerReader {
    return this.enter(this.expect(TAG.SEQUENCE, what));
  }

  /** Reads an OBJECT IDENTIFIER as dotted text. */
  oid(what: string): string {
    const e = this.expect(TAG.OID, what);
    return decodeOid(e.value, this, e.valueOffset);
  }

  /** Reads an INTEGER's contents (two's complement, as encoded). */
  integer(what: string): Uint8Array {
    const e = this.expect(TAG.INTEGER, what);
    if (e.value.length === 0)
      throw this.error("bad-integer", e.valueOffset, `${what}: empty INTEGER`);
    return e.value;
  }

  /** Reads a small non-negative INTEGER (at most 2^31 - 1). */
  smallInteger(what: string): number {
    const v = this.integer(what);
    if (v.length > 4 || ((v[0] as number) & 0x80) !== 0)
      throw this.error("bad-integer", this.#pos, `${what}: out of range`);
    let n = 0;
    for (const byte of v) n = n * 256 + byte;
    return n;
  }

  /** Reads a BIT STRING with no unused bits (keys and signatures always are). */
  bitString(what: string): Uint8Array {
    const e = this.expect(TAG.BIT_STRING, what);
    if (e.value.length === 0 || e.value[0] !== 0) {
      throw this.error("bad-bit-string", e.valueOffset, `${what}: unused bits must be 0`);
    }
    return e.value.subarray(1);
  }
}

/** Dotted-decimal text of an OID's contents (X.690 §8.19). */
export function decodeOid(v: Uint8Array, r: DerReader, offset: number): string {
  if (v.length === 0 || ((v[v.length - 1] as number) & 0x80) !== 0)
    throw r.error("bad-oid", offset, "empty or truncated");
  const arcs: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const byte = v[i] as number;
    if (n === 0 && byte === 0x80) throw r.error("bad-oid", offset + i, "non-minimal arc");
    n = n * 128 + (byte & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw r.error("bad-oid", offset + i, "arc too large");
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        arcs.push(first, n - first * 40);
      } else {
        arcs.push(n);
      }
      n = 0;
    }
  }
  return arcs.join(".");
}
