import { constantTimeEqual } from "@purertc/common";
import type { HashAlgorithm, RsaPublicKey } from "./provider.js";

/**
 * RSA signature verification (RFC 8017) on BigInt, for backends without native RSA.
 * Verification handles public data only, so it needs no constant-time arithmetic.
 */

/** DER `DigestInfo` prefixes (RFC 8017 §9.2 note 1) for EMSA-PKCS1-v1_5. */
export const DIGEST_INFO_PREFIX: Readonly<Record<HashAlgorithm, string>> = {
  md5: "3020300c06082a864886f70d020505000410",
  sha1: "3021300906052b0e03021a05000414",
  sha224: "302d300d06096086480165030402040500041c",
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

/** Smallest modulus accepted, in bits (keys below this are broken; OpenSSL 3 refuses < 512 too). */
const MIN_MODULUS_BITS = 512;
/** Largest modulus accepted, in bits (bounds the work a peer can make us do). */
const MAX_MODULUS_BITS = 16384;

export function toBigInt(b: Uint8Array): bigint {
  let hex = "";
  for (let i = 0; i < b.length; i++) hex += (b[i] as number).toString(16).padStart(2, "0");
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

export function toBytes(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = x;
  for (let i = length - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    e >>= 1n;
    if (e > 0n) b = (b * b) % mod;
  }
  return result;
}

export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * RSAVP1 (RFC 8017 §5.2.2): `s^e mod n` as the `k`-byte encoded message, or `undefined` when the
 * key or signature is out of range.
 */
function rsavp1(
  key: RsaPublicKey,
  signature: Uint8Array,
): { em: Uint8Array; modBits: number } | undefined {
  const n = toBigInt(key.n);
  const e = toBigInt(key.e);
  const modBits = bitLength(n);
  if (modBits < MIN_MODULUS_BITS || modBits > MAX_MODULUS_BITS || (n & 1n) === 0n) return undefined;
  if (e < 3n || (e & 1n) === 0n || e >= n) return undefined;
  const k = Math.ceil(modBits / 8);
  // RFC 8017 §8.2.2 step 1: the signature must be exactly k octets.
  if (signature.length !== k) return undefined;
  const s = toBigInt(signature);
  if (s >= n) return undefined;
  return { em: toBytes(modPow(s, e, n), k), modBits };
}

/** RSASSA-PKCS1-v1_5-VERIFY (RFC 8017 §8.2.2) given the message digest. */
export function rsaPkcs1Verify(
  key: RsaPublicKey,
  hash: HashAlgorithm,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const r = rsavp1(key, signature);
  if (r === undefined) return false;
  const k = r.em.length;
  const t = new Uint8Array([...hexBytes(DIGEST_INFO_PREFIX[hash]), ...digest]);
  // EM = 0x00 ‖ 0x01 ‖ PS (0xff, at least 8) ‖ 0x00 ‖ T   (RFC 8017 §9.2)
  if (k < t.length + 11) return false;
  const expected = new Uint8Array(k);
  expected[1] = 0x01;
  expected.fill(0xff, 2, k - t.length - 1);
  expected.set(t, k - t.length);
  return constantTimeEqual(r.em, expected);
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 §8.1.2 and EMSA-PSS-VERIFY §9.1.2) with MGF1 over the same hash and
 * salt length equal to the hash length (what TLS 1.2/1.3 use, RFC 8446 §4.2.3).
 */
export function rsaPssVerify(
  key: RsaPublicKey,
  hashFn: (data: Uint8Array) => Uint8Array,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const r = rsavp1(key, signature);
  if (r === undefined) return false;
  const hLen = digest.length;
  const sLen = hLen;
  const emBits = r.modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // When emBits is a multiple of 8 the encoded message is one byte shorter than k and the
  // leading octet of RSAVP1's output must be zero (§8.1.2 step 2c).
  let em = r.em;
  if (em.length > emLen) {
    if (em[0] !== 0) return false;
    em = em.subarray(em.length - emLen);
  }
  if (emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const maskedDb = em.subarray(0, dbLen);
  const h = em.subarray(dbLen, dbLen + hLen);
  const topBits = 8 * emLen - emBits;
  const topMask = (0xff << (8 - topBits)) & 0xff;
  if (((maskedDb[0] as number) & topMask) !== 0) return false;
  const db = mgf1(hashFn, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i] = (db[i] as number) ^ (maskedDb[i] as number);
  db[0] = (db[0] as number) & ~topMask & 0xff;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(dbLen - sLen);
  const mPrime = new Uint8Array(8 + hLen + sLen);
  mPrime.set(digest, 8);
  mPrime.set(salt, 8 + hLen);
  return constantTimeEqual(hashFn(mPrime), h);
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(
  hashFn: (data: Uint8Array) => Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  let offset = 0;
  for (let counter = 0; offset < length; counter++) {
    input[seed.length] = counter >>> 24;
    input[seed.length + 1] = (counter >>> 16) & 0xff;
    input[seed.length + 2] = (counter >>> 8) & 0xff;
    input[seed.length + 3] = counter & 0xff;
    const block = hashFn(input);
    const n = Math.min(block.length, length - offset);
    out.set(block.subarray(0, n), offset);
    offset += n;
  }
  return out;
}
