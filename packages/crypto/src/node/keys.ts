import { Buffer } from "node:buffer";
import { createECDH, createPrivateKey, createPublicKey, ECDH, type KeyObject } from "node:crypto";
import type { EcdhCurve, EcdsaCurve, RsaPublicKey } from "../provider.js";
import { b64url, b64urlUint, padStart } from "./bytes.js";

/** OpenSSL names and field sizes of the NIST curves. */
export const NIST_CURVES = {
  "P-256": { openssl: "prime256v1", size: 32 },
  "P-384": { openssl: "secp384r1", size: 48 },
} as const;

/** The NIST curve parameters, throwing `TypeError` for anything else. */
export function nistCurve(curve: EcdhCurve | EcdsaCurve): (typeof NIST_CURVES)[EcdsaCurve] {
  const c = NIST_CURVES[curve as EcdsaCurve];
  if (c === undefined) throw new TypeError(`unsupported curve: ${String(curve)}`);
  return c;
}

/** RFC 8410 §7 PKCS#8 and §4 SubjectPublicKeyInfo prefixes for a raw 32-byte X25519 key. */
const X25519_PKCS8_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x04,
  0x22,
  0x04,
  0x20,
);
const X25519_SPKI_PREFIX = Uint8Array.of(
  0x30,
  0x2a,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x03,
  0x21,
  0x00,
);

function withPrefix(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix);
  out.set(key, prefix.length);
  return out;
}

/** X25519 private key object from the raw 32-byte scalar. */
export function x25519PrivateKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError("X25519 private key must be 32 bytes");
  return createPrivateKey({
    key: Buffer.from(withPrefix(X25519_PKCS8_PREFIX, raw)),
    format: "der",
    type: "pkcs8",
  });
}

/** X25519 public key object from the raw 32-byte u-coordinate. */
export function x25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError("X25519 public key must be 32 bytes");
  return createPublicKey({
    key: Buffer.from(withPrefix(X25519_SPKI_PREFIX, raw)),
    format: "der",
    type: "spki",
  });
}

/** The uncompressed SEC1 point (0x04 ‖ x ‖ y) of a private scalar. */
export function nistPublicFromPrivate(curve: EcdsaCurve, privateKey: Uint8Array): Uint8Array {
  const ecdh = createECDH(nistCurve(curve).openssl);
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey();
}

/** Splits a SEC1 point (compressed or not; validated by OpenSSL) into JWK coordinates. */
function jwkCoordinates(curve: EcdsaCurve, point: Uint8Array): { x: string; y: string } {
  const { openssl, size } = nistCurve(curve);
  const uncompressed =
    point[0] === 0x04
      ? point
      : ECDH.convertKey(point, openssl, undefined, undefined, "uncompressed");
  const p = uncompressed as Uint8Array;
  if (p.length !== 1 + 2 * size || p[0] !== 0x04)
    throw new RangeError(`invalid ${curve} public key`);
  return { x: b64url(p.subarray(1, 1 + size)), y: b64url(p.subarray(1 + size)) };
}

const privateCache = new WeakMap<Uint8Array, KeyObject>();
const publicCache = new WeakMap<Uint8Array, KeyObject>();
const rsaCache = new WeakMap<RsaPublicKey, KeyObject>();

/** ECDSA private key object from the raw scalar, cached per scalar array (DTLS signs with one key). */
export function ecdsaPrivateKey(curve: EcdsaCurve, privateKey: Uint8Array): KeyObject {
  let k = privateCache.get(privateKey);
  if (k === undefined || k.asymmetricKeyDetails?.namedCurve !== nistCurve(curve).openssl) {
    const { size } = nistCurve(curve);
    const pub = nistPublicFromPrivate(curve, privateKey);
    const { x, y } = jwkCoordinates(curve, pub);
    k = createPrivateKey({
      key: { kty: "EC", crv: curve, d: b64url(padStart(privateKey, size)), x, y },
      format: "jwk",
    });
    privateCache.set(privateKey, k);
  }
  return k;
}

/** ECDSA public key object from a SEC1 point, cached per point array. */
export function ecdsaPublicKey(curve: EcdsaCurve, point: Uint8Array): KeyObject {
  let k = publicCache.get(point);
  if (k === undefined || k.asymmetricKeyDetails?.namedCurve !== nistCurve(curve).openssl) {
    k = createPublicKey({
      key: { kty: "EC", crv: curve, ...jwkCoordinates(curve, point) },
      format: "jwk",
    });
    publicCache.set(point, k);
  }
  return k;
}

/** RSA public key object from (n, e), cached per key object. */
export function rsaPublicKey(key: RsaPublicKey): KeyObject {
  let k = rsaCache.get(key);
  if (k === undefined) {
    k = createPublicKey({
      key: { kty: "RSA", n: b64urlUint(key.n), e: b64urlUint(key.e) },
      format: "jwk",
    });
    rsaCache.set(key, k);
  }
  return k;
}
