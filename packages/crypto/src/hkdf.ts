import type { MacContext } from "./provider.js";

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * HKDF-Expand (RFC 5869 §2.3) with a MAC keyed by the pseudorandom key `PRK`:
 *
 * ```
 * T(0) = empty string
 * T(i) = HMAC-Hash(PRK, T(i-1) | info | i)     for i = 1..N
 * OKM  = first L octets of T(1) | T(2) | ... | T(N)
 * ```
 */
export function hkdfExpandWith(prk: MacContext, info: Uint8Array, length: number): Uint8Array {
  const hashLen = prk.outputLength;
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen) {
    throw new RangeError(`hkdf: invalid length ${length} (max 255 × ${hashLen})`);
  }
  const out = new Uint8Array(length);
  const counter = new Uint8Array(1);
  let t: Uint8Array = EMPTY;
  for (let i = 1, offset = 0; offset < length; i++) {
    counter[0] = i;
    t = prk.compute(t, info, counter);
    const n = Math.min(hashLen, length - offset);
    out.set(n === hashLen ? t : t.subarray(0, n), offset);
    offset += n;
  }
  return out;
}
