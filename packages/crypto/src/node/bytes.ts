import { Buffer } from "node:buffer";

/** A plain `Uint8Array` view of a Node `Buffer` (so `.slice()` copies, as callers expect). */
export function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Base64url without padding, as JWK wants (RFC 7518 §2). */
export function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}

/** Base64url for a JWK big-endian integer: leading zero octets removed (RFC 7518 §6.3.1.1). */
export function b64urlUint(b: Uint8Array): string {
  let start = 0;
  while (start < b.length - 1 && b[start] === 0) start++;
  return Buffer.from(b.buffer, b.byteOffset + start, b.byteLength - start).toString("base64url");
}

/** Bytes of a base64url string. */
export function fromB64url(s: string): Uint8Array {
  return u8(Buffer.from(s, "base64url"));
}

/** Left-pads a big-endian integer to `length` bytes. */
export function padStart(b: Uint8Array, length: number): Uint8Array {
  if (b.length >= length) return b;
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}
