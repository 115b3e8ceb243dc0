import { Buffer } from "node:buffer";
import { createECDH, createPrivateKey, createPublicKey, ECDH, type KeyObject } from "node:crypto";
import type { EcdhCurve, EcdsaCurve, RsaPrivateKey, RsaPublicKey } from "../provider.js";
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

/** RFC 8410 §7 PKCS#8 prefix for a raw 32-byte X25519 key. */
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
function withPrefix(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix);
  out.set(key, prefix.length);
  return out;
}

/**
 * A KeyObject remembered for the lifetime of the raw key array it was made from. OpenSSL 3 key
 * imports cost far more than the operation that follows (a PKCS#8 X25519 import ~1 ms against
 * ~0.1 ms for the agreement), and a DTLS handshake uses each key it generates right away, so keys
 * made by this backend are cached at generation and foreign keys at first use. The entry keeps a
 * copy of the bytes: a caller that rewrites its array in place gets a fresh import, never a stale key.
 */
interface CachedKey {
  readonly raw: Uint8Array;
  readonly key: KeyObject;
}

/** One cache per key kind (an array could be used as an X25519 and a P-256 scalar). */
export type KeyKind =
  | "x25519-private"
  | "x25519-public"
  | `${EcdsaCurve}-private`
  | `${EcdsaCurve}-public`;

const caches = new Map<KeyKind, WeakMap<Uint8Array, CachedKey>>();

function cacheFor(kind: KeyKind): WeakMap<Uint8Array, CachedKey> {
  let m = caches.get(kind);
  if (m === undefined) {
    m = new WeakMap();
    caches.set(kind, m);
  }
  return m;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The cached KeyObject of `raw`, or a fresh one from `make` (then cached). */
function cached(kind: KeyKind, raw: Uint8Array, make: () => KeyObject): KeyObject {
  const m = cacheFor(kind);
  const hit = m.get(raw);
  if (hit !== undefined && sameBytes(hit.raw, raw)) return hit.key;
  const key = make();
  m.set(raw, { raw: raw.slice(), key });
  return key;
}

/** Records that `raw` is the key material of `key` (a key this backend just generated). */
export function rememberKey(kind: KeyKind, raw: Uint8Array, key: KeyObject): void {
  cacheFor(kind).set(raw, { raw: raw.slice(), key });
}

/** X25519 private key object from the raw 32-byte scalar. */
export function x25519PrivateKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError("X25519 private key must be 32 bytes");
  return cached("x25519-private", raw, () =>
    createPrivateKey({
      key: Buffer.from(withPrefix(X25519_PKCS8_PREFIX, raw)),
      format: "der",
      type: "pkcs8",
    }),
  );
}

/**
 * X25519 public key object from the raw 32-byte u-coordinate. Imported as a JWK (RFC 8037 §2):
 * OpenSSL 3 decodes it about twice as fast as the equivalent SubjectPublicKeyInfo DER.
 */
export function x25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError("X25519 public key must be 32 bytes");
  return cached("x25519-public", raw, () =>
    createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64url(raw) }, format: "jwk" }),
  );
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

const rsaCache = new WeakMap<RsaPublicKey, KeyObject>();

/**
 * ECDSA private key object from the raw scalar, cached for the scalar array's lifetime (DTLS
 * signs with one certificate key for every handshake; keys generated here are cached already).
 */
export function ecdsaPrivateKey(curve: EcdsaCurve, privateKey: Uint8Array): KeyObject {
  const { size } = nistCurve(curve);
  return cached(`${curve}-private`, privateKey, () => {
    const { x, y } = jwkCoordinates(curve, nistPublicFromPrivate(curve, privateKey));
    return createPrivateKey({
      key: { kty: "EC", crv: curve, d: b64url(padStart(privateKey, size)), x, y },
      format: "jwk",
    });
  });
}

/** ECDSA public key object from a SEC1 point, cached for the point array's lifetime. */
export function ecdsaPublicKey(curve: EcdsaCurve, point: Uint8Array): KeyObject {
  return cached(`${curve}-public`, point, () =>
    createPublicKey({
      key: { kty: "EC", crv: curve, ...jwkCoordinates(curve, point) },
      format: "jwk",
    }),
  );
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

const rsaPrivateCache = new WeakMap<RsaPrivateKey, KeyObject>();

/** Records the KeyObject of an RSA private key this backend just generated. */
export function rememberRsaPrivateKey(key: RsaPrivateKey, object: KeyObject): void {
  rsaPrivateCache.set(key, object);
}

/** RSA private key object from its JWK parameters (RFC 7518 §6.3.2), cached per key object. */
export function rsaPrivateKey(key: RsaPrivateKey): KeyObject {
  let k = rsaPrivateCache.get(key);
  if (k === undefined) {
    k = createPrivateKey({
      key: {
        kty: "RSA",
        n: b64urlUint(key.n),
        e: b64urlUint(key.e),
        d: b64urlUint(key.d),
        p: b64urlUint(key.p),
        q: b64urlUint(key.q),
        dp: b64urlUint(key.dp),
        dq: b64urlUint(key.dq),
        qi: b64urlUint(key.qi),
      },
      format: "jwk",
    });
    rsaPrivateCache.set(key, k);
  }
  return k;
}
