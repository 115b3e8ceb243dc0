import { md5, sha1 } from "@noble/hashes/legacy.js";
import { sha224, sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { HashAlgorithm } from "../provider.js";

/** The @noble hash function for each {@link HashAlgorithm}. */
export const NOBLE_HASHES = {
  md5,
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
} as const satisfies Record<HashAlgorithm, unknown>;

/** Looks up a hash, throwing `TypeError` for a name outside {@link HashAlgorithm}. */
export function nobleHash(algorithm: HashAlgorithm): (typeof NOBLE_HASHES)[HashAlgorithm] {
  const h = NOBLE_HASHES[algorithm];
  if (h === undefined) throw new TypeError(`unsupported hash algorithm: ${String(algorithm)}`);
  return h;
}
