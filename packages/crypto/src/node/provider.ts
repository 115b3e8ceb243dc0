import {
  constants,
  createECDH,
  createHash,
  diffieHellman,
  generateKeyPairSync,
  randomFillSync,
  sign,
  verify,
} from "node:crypto";
import { checkHmacAlgorithm, checkLength } from "../checks.js";
import { hkdfExpandWith } from "../hkdf.js";
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
import { tlsPrfWith } from "../tls-prf.js";
import { NodeAesCtr } from "./aes-ctr.js";
import { fromB64url, padStart, u8 } from "./bytes.js";
import { nodeAead, nodeMac } from "./contexts.js";
import {
  ecdsaPrivateKey,
  ecdsaPublicKey,
  nistCurve,
  rememberKey,
  rememberRsaPrivateKey,
  rsaPrivateKey,
  rsaPublicKey,
  x25519PrivateKey,
  x25519PublicKey,
} from "./keys.js";

const HASHES: ReadonlySet<string> = new Set<HashAlgorithm>([
  "md5",
  "sha1",
  "sha224",
  "sha256",
  "sha384",
  "sha512",
]);

function checkHash(algorithm: HashAlgorithm): void {
  if (!HASHES.has(algorithm))
    throw new TypeError(`unsupported hash algorithm: ${String(algorithm)}`);
}

/** Throws unless `bits` is a modulus size we generate (RFC 8017 has no bound; OpenSSL and WebCrypto do). */
function checkModulusLength(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1024 || bits > 16384 || bits % 8 !== 0)
    throw new RangeError(`RSA modulusLength ${bits} outside 1024..16384 (multiple of 8)`);
}

/** The public exponent as a number; 65537 when absent (WebCrypto's usual `[1, 0, 1]`). */
function exponentOf(e: Uint8Array | undefined): number {
  if (e === undefined) return 65537;
  let v = 0;
  for (let i = 0; i < e.length; i++) v = v * 256 + (e[i] as number);
  if (v < 3 || v % 2 === 0 || v > 0xffffffff)
    throw new RangeError(`RSA publicExponent ${v} must be odd, >= 3 and below 2^32`);
  return v;
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i] as number;
  return acc === 0;
}

/** An ECDH key pair on a NIST curve, as raw bytes (`ecdh` computes through `createECDH`). */
function nistKeyPair(curve: EcdsaCurve): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const { openssl, size } = nistCurve(curve);
  const ecdh = createECDH(openssl);
  const publicKey = u8(ecdh.generateKeys());
  return { privateKey: padStart(u8(ecdh.getPrivateKey()), size), publicKey };
}

/**
 * The Node backend: OpenSSL through `node:crypto`, synchronous calls only. The default provider
 * under Node (`@purertc/crypto/default`). Every returned byte array is a plain `Uint8Array`.
 */
export const nodeCrypto: CryptoProvider = Object.freeze<CryptoProvider>({
  name: "node",

  randomBytes(length: number): Uint8Array {
    checkLength("randomBytes", length);
    return randomFillSync(new Uint8Array(length));
  },

  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
    checkHash(algorithm);
    return u8(createHash(algorithm).update(data).digest());
  },

  hmac(algorithm, key, data) {
    return nodeMac(algorithm, key).compute(data);
  },

  createHmac: nodeMac,

  createAesCtr(key: Uint8Array) {
    return new NodeAesCtr(key);
  },

  createAead: nodeAead,

  tlsPrf(hash, secret, label, seed, length) {
    if (hash !== "sha256" && hash !== "sha384")
      throw new TypeError(`unsupported TLS PRF hash: ${String(hash)}`);
    return tlsPrfWith(nodeMac(hash, secret), label, seed, length);
  },

  hkdf(hash, ikm, salt, info, length) {
    checkHmacAlgorithm(hash);
    // RFC 5869 §2.2: an absent salt is HashLen zero octets; HMAC pads a short key with zeros anyway.
    const prk = nodeMac(hash, salt).compute(ikm);
    return hkdfExpandWith(nodeMac(hash, prk), info, length);
  },

  generateEcdhKeyPair(curve: EcdhCurve): EcdhKeyPair {
    if (curve === "X25519") {
      const { privateKey: key } = generateKeyPairSync("x25519");
      const jwk = key.export({ format: "jwk" });
      const privateKey = fromB64url(jwk.d as string);
      // The agreement that follows reuses this KeyObject instead of re-importing the scalar.
      rememberKey("x25519-private", privateKey, key);
      return { curve, privateKey, publicKey: fromB64url(jwk.x as string) };
    }
    return { curve, ...nistKeyPair(curve) };
  },

  ecdh(curve: EcdhCurve, privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
    let shared: Uint8Array;
    if (curve === "X25519") {
      let priv: ReturnType<typeof x25519PrivateKey>;
      let pub: ReturnType<typeof x25519PublicKey>;
      try {
        priv = x25519PrivateKey(privateKey);
        pub = x25519PublicKey(peerPublicKey);
        shared = u8(diffieHellman({ privateKey: priv, publicKey: pub }));
      } catch (e) {
        throw new RangeError(`ecdh X25519: invalid key (${(e as Error).message})`);
      }
    } else {
      const ecdh = createECDH(nistCurve(curve).openssl);
      try {
        ecdh.setPrivateKey(privateKey);
        shared = u8(ecdh.computeSecret(peerPublicKey));
      } catch (e) {
        throw new RangeError(`ecdh ${curve}: invalid key (${(e as Error).message})`);
      }
    }
    // RFC 7748 §6.1: an all-zero X25519 output means a low-order peer point; abort.
    if (isAllZero(shared)) throw new RangeError(`ecdh ${curve}: all-zero shared secret`);
    return shared;
  },

  generateEcdsaKeyPair(curve: EcdsaCurve): EcdsaKeyPair {
    const { openssl, size } = nistCurve(curve);
    const { privateKey: key } = generateKeyPairSync("ec", { namedCurve: openssl });
    // One JWK export yields the scalar and the point (RFC 7518 §6.2); signing reuses the KeyObject.
    const jwk = key.export({ format: "jwk" });
    const privateKey = padStart(fromB64url(jwk.d as string), size);
    const publicKey = new Uint8Array(1 + 2 * size);
    publicKey[0] = 0x04;
    publicKey.set(padStart(fromB64url(jwk.x as string), size), 1);
    publicKey.set(padStart(fromB64url(jwk.y as string), size), 1 + size);
    rememberKey(`${curve}-private`, privateKey, key);
    return { curve, privateKey, publicKey };
  },

  ecdsaSign(
    curve: EcdsaCurve,
    privateKey: Uint8Array,
    hash: HashAlgorithm,
    data: Uint8Array,
  ): Uint8Array {
    checkHash(hash);
    return u8(sign(hash, data, { key: ecdsaPrivateKey(curve, privateKey), dsaEncoding: "der" }));
  },

  ecdsaVerify(
    curve: EcdsaCurve,
    publicKey: Uint8Array,
    hash: HashAlgorithm,
    data: Uint8Array,
    signature: Uint8Array,
  ) {
    checkHash(hash);
    nistCurve(curve);
    try {
      return verify(
        hash,
        data,
        { key: ecdsaPublicKey(curve, publicKey), dsaEncoding: "der" },
        signature,
      );
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
    checkHash(hash);
    try {
      const k = rsaPublicKey(key);
      if (padding === "pss") {
        return verify(
          hash,
          data,
          {
            key: k,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          },
          signature,
        );
      }
      return verify(hash, data, { key: k, padding: constants.RSA_PKCS1_PADDING }, signature);
    } catch {
      return false;
    }
  },

  generateRsaKeyPair(modulusLength: number, publicExponent?: Uint8Array): RsaKeyPair {
    checkModulusLength(modulusLength);
    const { privateKey: key } = generateKeyPairSync("rsa", {
      modulusLength,
      publicExponent: exponentOf(publicExponent),
    });
    const jwk = key.export({ format: "jwk" });
    const field = (name: "n" | "e" | "d" | "p" | "q" | "dp" | "dq" | "qi") =>
      fromB64url(jwk[name] as string);
    const privateKey: RsaPrivateKey = {
      n: field("n"),
      e: field("e"),
      d: field("d"),
      p: field("p"),
      q: field("q"),
      dp: field("dp"),
      dq: field("dq"),
      qi: field("qi"),
    };
    rememberRsaPrivateKey(privateKey, key);
    return {
      kind: "rsa",
      modulusLength,
      publicKey: { n: privateKey.n, e: privateKey.e },
      privateKey,
    };
  },

  rsaSign(key: RsaPrivateKey, hash: HashAlgorithm, data: Uint8Array): Uint8Array {
    checkHash(hash);
    return u8(sign(hash, data, { key: rsaPrivateKey(key), padding: constants.RSA_PKCS1_PADDING }));
  },
});
