import { randomBytes as nobleRandomBytes } from "@noble/ciphers/utils.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { p256, p384 } from "@noble/curves/nist.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { checkHmacAlgorithm, checkLength } from "../checks.js";
import type {
  CryptoProvider,
  EcdhCurve,
  EcdhKeyPair,
  EcdsaCurve,
  EcdsaKeyPair,
  HashAlgorithm,
  RsaKeyPair,
  RsaPrivateKey,
  RsaPublicKey,
} from "../provider.js";
import { UnsupportedOperationError } from "../provider.js";
import { rsaPkcs1Sign } from "../rsa-sign.js";
import { rsaPkcs1Verify, rsaPssVerify } from "../rsa-verify.js";
import { tlsPrfWith } from "../tls-prf.js";
import { nobleAead, nobleAesCtr, nobleMac } from "./contexts.js";
import { nobleHash } from "./hashes.js";

const NIST = { "P-256": p256, "P-384": p384 } as const;

function nist(curve: EcdhCurve | EcdsaCurve): typeof p256 {
  const c = NIST[curve as EcdsaCurve];
  if (c === undefined) throw new TypeError(`unsupported curve: ${String(curve)}`);
  return c;
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i] as number;
  return acc === 0;
}

function hashOf(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return nobleHash(algorithm)(data);
}

/**
 * The portable backend: pure JavaScript on @noble/ciphers, @noble/curves and @noble/hashes.
 * Runs anywhere `crypto.getRandomValues` exists (browsers, Deno, Bun, workers, Node).
 * RSA verification and PKCS#1 v1.5 signing, which @noble does not provide, use the BigInt
 * implementation of RFC 8017; RSA key generation is not offered (see `generateRsaKeyPair`).
 */
export const nobleCrypto: CryptoProvider = Object.freeze<CryptoProvider>({
  name: "noble",

  randomBytes(length: number): Uint8Array {
    checkLength("randomBytes", length);
    return nobleRandomBytes(length);
  },

  hash: hashOf,

  hmac(algorithm, key, data) {
    return nobleMac(algorithm, key).compute(data);
  },

  createHmac: nobleMac,
  createAesCtr: nobleAesCtr,
  createAead: nobleAead,

  tlsPrf(hash, secret, label, seed, length) {
    if (hash !== "sha256" && hash !== "sha384")
      throw new TypeError(`unsupported TLS PRF hash: ${String(hash)}`);
    return tlsPrfWith(nobleMac(hash, secret), label, seed, length);
  },

  hkdf(hash, ikm, salt, info, length) {
    checkHmacAlgorithm(hash);
    const h = nobleHash(hash);
    if (!Number.isInteger(length) || length < 0 || length > 255 * h.outputLen) {
      throw new RangeError(`hkdf: invalid length ${length}`);
    }
    return hkdf(h, ikm, salt, info, length);
  },

  generateEcdhKeyPair(curve: EcdhCurve): EcdhKeyPair {
    if (curve === "X25519") {
      const privateKey = x25519.utils.randomSecretKey();
      return { curve, privateKey, publicKey: x25519.getPublicKey(privateKey) };
    }
    const c = nist(curve);
    const privateKey = c.utils.randomSecretKey();
    return { curve, privateKey, publicKey: c.getPublicKey(privateKey, false) };
  },

  ecdh(curve: EcdhCurve, privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
    let shared: Uint8Array;
    try {
      if (curve === "X25519") {
        shared = x25519.getSharedSecret(privateKey, peerPublicKey);
      } else {
        // Compressed form = 0x02/0x03 ‖ x; the shared secret is x (RFC 8422 §5.10).
        shared = nist(curve).getSharedSecret(privateKey, peerPublicKey, true).subarray(1);
      }
    } catch (e) {
      if (e instanceof TypeError) throw e;
      throw new RangeError(`ecdh ${curve}: invalid key (${(e as Error).message})`);
    }
    // RFC 7748 §6.1: an all-zero X25519 output means a low-order peer point; abort.
    if (isAllZero(shared)) throw new RangeError(`ecdh ${curve}: all-zero shared secret`);
    return shared;
  },

  generateEcdsaKeyPair(curve: EcdsaCurve): EcdsaKeyPair {
    const c = nist(curve);
    const privateKey = c.utils.randomSecretKey();
    return { curve, privateKey, publicKey: c.getPublicKey(privateKey, false) };
  },

  ecdsaSign(
    curve: EcdsaCurve,
    privateKey: Uint8Array,
    hash: HashAlgorithm,
    data: Uint8Array,
  ): Uint8Array {
    const c = nist(curve);
    return c.sign(hashOf(hash, data), privateKey, { prehash: false, format: "der" });
  },

  ecdsaVerify(
    curve: EcdsaCurve,
    publicKey: Uint8Array,
    hash: HashAlgorithm,
    data: Uint8Array,
    signature: Uint8Array,
  ) {
    const c = nist(curve);
    const digest = hashOf(hash, data);
    try {
      // lowS: false — OpenSSL and browsers emit high-S signatures too; both halves are valid ECDSA.
      return c.verify(signature, digest, publicKey, { prehash: false, format: "der", lowS: false });
    } catch {
      return false;
    }
  },

  rsaVerify(
    padding: "pkcs1" | "pss",
    key: RsaPublicKey,
    hash: HashAlgorithm,
    data: Uint8Array,
    signature: Uint8Array,
  ) {
    const h = nobleHash(hash);
    const digest = h(data);
    try {
      return padding === "pss"
        ? rsaPssVerify(key, h, digest, signature)
        : rsaPkcs1Verify(key, hash, digest, signature);
    } catch {
      return false;
    }
  },

  generateRsaKeyPair(_modulusLength: number, _publicExponent?: Uint8Array): RsaKeyPair {
    // Finding two 1024-bit primes with BigInt Miller-Rabin takes seconds of blocking JS.
    throw new UnsupportedOperationError(
      "noble",
      "generateRsaKeyPair",
      "RSA key generation needs the node backend (nodeCrypto); pass an existing RSA key pair instead",
    );
  },

  rsaSign(key: RsaPrivateKey, hash: HashAlgorithm, data: Uint8Array): Uint8Array {
    return rsaPkcs1Sign(key, hash, nobleHash(hash)(data));
  },
});
