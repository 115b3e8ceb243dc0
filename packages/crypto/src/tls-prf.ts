import { utf8Encode } from "@purertc/common";
import type { MacContext } from "./provider.js";

/**
 * TLS 1.2 PRF (RFC 5246 §5): `P_hash(secret, label ‖ seed)` truncated to `length` bytes.
 *
 * ```
 * P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
 *                        HMAC_hash(secret, A(2) + seed) + ...
 * A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
 * ```
 *
 * Shared by both backends: only the keyed HMAC differs.
 */
export function tlsPrfWith(
  mac: MacContext,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`tlsPrf: invalid length ${length}`);
  const labelBytes = utf8Encode(label);
  const out = new Uint8Array(length);
  let a = mac.compute(labelBytes, seed);
  let offset = 0;
  while (offset < length) {
    const block = mac.compute(a, labelBytes, seed);
    const n = Math.min(block.length, length - offset);
    out.set(n === block.length ? block : block.subarray(0, n), offset);
    offset += n;
    if (offset < length) a = mac.compute(a);
  }
  return out;
}
