import { type ByteReader, ByteWriter } from "@purertc/common";

/**
 * A TLS extension as carried in hello messages (RFC 5246 §7.4.1.4). `data` is a view into the
 * decoded message.
 *
 * ```
 *   struct {
 *       ExtensionType extension_type;        -- uint16
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 *   Extension extensions<0..2^16-1>;
 * ```
 */
export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/**
 * Reads the optional extensions block that ends a hello message. An absent block (no bytes left)
 * is an empty list. RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the same type."
 */
export function readExtensions(reader: ByteReader): Extension[] {
  if (reader.remaining === 0) return [];
  const total = reader.u16();
  const list = reader.sub(total);
  const out: Extension[] = [];
  while (list.remaining > 0) {
    const type = list.u16();
    const len = list.u16();
    const data = list.bytes(len);
    for (const e of out) if (e.type === type) list.fail("duplicate-extension", `type ${type}`);
    out.push({ type, data });
  }
  return out;
}

/** Encoded length of an extensions block (0 when the list is empty: the block is omitted). */
export function encodedLengthExtensions(list: readonly Extension[]): number {
  if (list.length === 0) return 0;
  let n = 2;
  for (const e of list) n += 4 + e.data.byteLength;
  return n;
}

/** Writes an extensions block (nothing for an empty list). */
export function writeExtensions(w: ByteWriter, list: readonly Extension[]): void {
  if (list.length === 0) return;
  w.u16(encodedLengthExtensions(list) - 2);
  for (const e of list) w.u16(e.type).u16(e.data.byteLength).bytes(e.data);
}

/** The extension of `type`, if present. */
export function findExtension(list: readonly Extension[], type: number): Extension | undefined {
  for (const e of list) if (e.type === type) return e;
  return undefined;
}

/** Encodes a `uint16` vector with a 16-bit length prefix (named groups, signature schemes). */
export function encodeU16List(values: readonly number[]): Uint8Array {
  const w = new ByteWriter(new Uint8Array(2 + 2 * values.length));
  w.u16(2 * values.length);
  for (const v of values) w.u16(v);
  return w.view();
}

/** Reads a `uint16` vector with a 16-bit byte-length prefix (must be even and non-empty). */
export function readU16List(reader: ByteReader): number[] {
  const len = reader.u16();
  if (len === 0 || len % 2 !== 0) reader.fail("bad-length", `u16 list length ${len}`);
  const sub = reader.sub(len);
  const out: number[] = [];
  while (sub.remaining > 0) out.push(sub.u16());
  return out;
}
