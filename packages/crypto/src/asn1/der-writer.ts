import { TAG } from "./der-reader.js";

/**
 * DER encoding helpers (ITU-T X.690 §10): each returns the complete TLV. Only the handful of
 * types an X.509 certificate and an EC private key need.
 */

/** A TLV with definite, minimal length (X.690 §10.1). */
export function derTlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of contents) length += c.length;
  const lenBytes: number[] = [];
  if (length < 0x80) {
    lenBytes.push(length);
  } else {
    for (let n = length; n > 0; n = Math.floor(n / 256)) lenBytes.unshift(n & 0xff);
    lenBytes.unshift(0x80 | lenBytes.length);
  }
  const out = new Uint8Array(1 + lenBytes.length + length);
  out[0] = tag;
  out.set(lenBytes, 1);
  let p = 1 + lenBytes.length;
  for (const c of contents) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** SEQUENCE of the given encoded elements. */
export function derSequence(...elements: readonly Uint8Array[]): Uint8Array {
  return derTlv(TAG.SEQUENCE, ...elements);
}

/** SET of the given encoded elements (callers pass at most one, so no DER sorting is needed). */
export function derSet(...elements: readonly Uint8Array[]): Uint8Array {
  return derTlv(TAG.SET, ...elements);
}

/** INTEGER from an unsigned big-endian magnitude (minimal two's complement, X.690 §8.3.2). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const m = magnitude.subarray(start);
  if (m.length === 0) return derTlv(TAG.INTEGER, Uint8Array.of(0));
  return ((m[0] as number) & 0x80) !== 0
    ? derTlv(TAG.INTEGER, Uint8Array.of(0), m)
    : derTlv(TAG.INTEGER, m);
}

/** INTEGER of a small non-negative number. */
export function derSmallInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return derUnsignedInteger(Uint8Array.from(bytes));
}

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const [a, b, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [(a as number) * 40 + (b as number), ...rest]) {
    const septets: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      septets.unshift(0x80 | (v & 0x7f));
    out.push(...septets);
  }
  return derTlv(TAG.OID, Uint8Array.from(out));
}

/** BIT STRING with zero unused bits. */
export function derBitString(bytes: Uint8Array): Uint8Array {
  return derTlv(TAG.BIT_STRING, Uint8Array.of(0), bytes);
}

/** OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(TAG.OCTET_STRING, bytes);
}

/** Explicitly tagged `[n]` wrapper (constructed, context-specific). */
export function derExplicit(n: number, inner: Uint8Array): Uint8Array {
  return derTlv(0xa0 | n, inner);
}
