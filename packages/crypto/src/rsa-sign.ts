import type { HashAlgorithm, RsaPrivateKey } from "./provider.js";
import {
  bitLength,
  DIGEST_INFO_PREFIX,
  hexBytes,
  modPow,
  toBigInt,
  toBytes,
} from "./rsa-verify.js";

/**
 * RSASSA-PKCS1-v1_5 signing (RFC 8017 §8.2.1) on BigInt, for backends without native RSA.
 * Uses the CRT form of RSASP1 (§5.1.2 step 2b) and checks the result against the public key
 * before returning it (a fault in the CRT path must never leak a factor, the Bellcore attack).
 * BigInt arithmetic is not constant-time: see the package README limits.
 */
export function rsaPkcs1Sign(
  key: RsaPrivateKey,
  hash: HashAlgorithm,
  digest: Uint8Array,
): Uint8Array {
  const n = toBigInt(key.n);
  const k = Math.ceil(bitLength(n) / 8);
  const em = emsaPkcs1(hash, digest, k);
  const m = toBigInt(em);
  if (m >= n) throw new RangeError("rsaSign: message representative out of range");
  const p = toBigInt(key.p);
  const q = toBigInt(key.q);
  // RFC 8017 §5.1.2 step 2b: s1 = m^dP mod p, s2 = m^dQ mod q, h = (s1 − s2)·qInv mod p.
  const s1 = modPow(m, toBigInt(key.dp), p);
  const s2 = modPow(m, toBigInt(key.dq), q);
  let h = ((s1 - s2) * toBigInt(key.qi)) % p;
  if (h < 0n) h += p;
  const s = s2 + q * h;
  if (modPow(s, toBigInt(key.e), n) !== m)
    throw new RangeError("rsaSign: inconsistent private key");
  return toBytes(s, k);
}

/** EMSA-PKCS1-v1_5 (RFC 8017 §9.2): 0x00 ‖ 0x01 ‖ 0xff… ‖ 0x00 ‖ DigestInfo. */
function emsaPkcs1(hash: HashAlgorithm, digest: Uint8Array, k: number): Uint8Array {
  const prefix = hexBytes(DIGEST_INFO_PREFIX[hash]);
  const tLen = prefix.length + digest.length;
  // §9.2 step 3: "intended encoded message length too short".
  if (k < tLen + 11) throw new RangeError("rsaSign: modulus too short for this hash");
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - tLen - 1);
  em.set(prefix, k - tLen);
  em.set(digest, k - digest.length);
  return em;
}
