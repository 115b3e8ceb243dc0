/**
 * UTF-8 for the text attributes (USERNAME, REALM, NONCE, SOFTWARE...): lengths and writes without
 * allocating, reads with an ASCII fast path (RFC 8489 §14 gives text limits in bytes).
 */
import { utf8Decode, utf8Encode } from "@purertc/common";

/** Fast UTF-8 byte length without allocating (surrogate pairs count 4). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 (ASCII fast path, no allocation for ASCII). */
export function writeUtf8(s: string, buf: Uint8Array, offset: number): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      buf.set(utf8Encode(s.slice(i)), offset + i);
      return;
    }
    buf[offset + i] = c;
  }
}

/** Reads UTF-8 (ASCII fast path). Invalid sequences become U+FFFD. */
export function readUtf8(v: Uint8Array): string {
  return readUtf8At(v, 0, v.length);
}

/** {@link readUtf8} of `buf[offset..offset+length)`, with a view only for non-ASCII or long text. */
export function readUtf8At(buf: Uint8Array, offset: number, length: number): string {
  if (length > 64) return utf8Decode(buf.subarray(offset, offset + length));
  let s = "";
  for (let i = offset; i < offset + length; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return utf8Decode(buf.subarray(offset, offset + length));
    s += String.fromCharCode(c);
  }
  return s;
}
