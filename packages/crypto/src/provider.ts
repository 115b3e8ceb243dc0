/**
 * The synchronous crypto interface every purertc core uses. Two backends implement it and pass
 * the same vectors: `nodeCrypto` (`@purertc/crypto/node`, OpenSSL via `node:crypto`) and
 * `nobleCrypto` (`@purertc/crypto`, pure JS via @noble, for browsers/Deno/Bun/workers).
 *
 * Hot paths (SRTP, DTLS records, STUN integrity) create a keyed context once
 * (`createHmac`, `createAesCtr`, `createAead`) and reuse it for every packet.
 */

export type HashAlgorithm = "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512";
export type HmacAlgorithm = "sha1" | "sha256" | "sha384" | "sha512";
export type AeadAlgorithm = "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";
export type EcdhCurve = "P-256" | "P-384" | "X25519";
export type EcdsaCurve = "P-256" | "P-384";

/** A keyed HMAC, reusable across messages. */
export interface MacContext {
  readonly algorithm: HmacAlgorithm;
  /** Digest length in bytes (20 for SHA-1). */
  readonly outputLength: number;
  /** HMAC over the concatenation of `a`, `b` and `c` (no copy of the inputs is made). */
  compute(a: Uint8Array, b?: Uint8Array, c?: Uint8Array): Uint8Array;
}

/** A keyed AES counter-mode context (RFC 3711 §4.1.1 AES-CM), reusable across packets. */
export interface AesCtrContext {
  /** Key length in bytes (16, 24 or 32). */
  readonly keyLength: number;
  /**
   * XORs `input` with the keystream that starts at the 16-byte counter block `iv`
   * (the counter is the big-endian integer of the whole block, incremented per block) and writes
   * the result to `output` (same length; may be `input` itself for in-place).
   */
  xor(iv: Uint8Array, input: Uint8Array, output: Uint8Array): void;
  /** `length` bytes of raw keystream starting at counter block `iv` (SRTP key derivation). */
  keystream(iv: Uint8Array, length: number): Uint8Array;
  /**
   * Keystream for several counter runs in one backend call: run `r` starts at the 16-byte counter
   * block `ivs[16r .. 16r + 16)` and is `blocks` blocks long; the runs are concatenated in the
   * result (`ivs.length / 16 * blocks * 16` bytes). A caller that can predict its next counter
   * blocks (SRTP: the next packet indices of a stream) amortises the per-call cost of the backend.
   */
  keystreamRuns(ivs: Uint8Array, blocks: number): Uint8Array;
}

/** A keyed AEAD context, reusable across records/packets. */
export interface AeadContext {
  readonly algorithm: AeadAlgorithm;
  /** Tag length in bytes (16). */
  readonly tagLength: number;
  /** Encrypts; returns ciphertext followed by the tag. `nonce` is 12 bytes. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Decrypts `ciphertext‖tag`; returns the plaintext, or `undefined` if authentication fails. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined;
  /**
   * {@link AeadContext.seal} writing `ciphertext‖tag` into `out` at `offset` (hot paths that
   * build a packet around the ciphertext save an allocation and a copy). Returns bytes written;
   * throws `RangeError` when `out` is too short.
   */
  sealInto(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array | undefined,
    out: Uint8Array,
    offset: number,
  ): number;
  /**
   * {@link AeadContext.open} writing the plaintext into `out` at `offset`. Returns the plaintext
   * length, or `-1` if authentication fails (nothing is written then); throws `RangeError` when
   * `out` is too short.
   */
  openInto(
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array | undefined,
    out: Uint8Array,
    offset: number,
  ): number;
}

/** An ECDH key pair; `publicKey` is the raw point (uncompressed SEC1 for NIST, 32 bytes for X25519). */
export interface EcdhKeyPair {
  readonly curve: EcdhCurve;
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** An ECDSA key pair: private scalar and uncompressed SEC1 public point. */
export interface EcdsaKeyPair {
  readonly curve: EcdsaCurve;
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** An RSA public key: big-endian modulus and exponent. */
export interface RsaPublicKey {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

/**
 * An RSA private key with its CRT parameters (RFC 8017 §3.2, second representation), all
 * big-endian unsigned integers.
 */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  /** d mod (p − 1). */
  readonly dp: Uint8Array;
  /** d mod (q − 1). */
  readonly dq: Uint8Array;
  /** q⁻¹ mod p. */
  readonly qi: Uint8Array;
}

/**
 * An RSA key pair. `kind` tells it apart from an {@link EcdsaKeyPair} (see {@link isRsaKeyPair}).
 */
export interface RsaKeyPair {
  readonly kind: "rsa";
  /** Modulus size in bits. */
  readonly modulusLength: number;
  readonly publicKey: RsaPublicKey;
  readonly privateKey: RsaPrivateKey;
}

/** A certificate signing key: ECDSA (the WebRTC default) or RSA. */
export type SigningKeyPair = EcdsaKeyPair | RsaKeyPair;

/** Whether `k` is an RSA key pair (otherwise ECDSA). */
export function isRsaKeyPair(k: SigningKeyPair): k is RsaKeyPair {
  return (k as RsaKeyPair).kind === "rsa";
}

/**
 * Thrown when a backend cannot perform an operation at all (as opposed to bad arguments), e.g.
 * RSA key generation on the portable backend. `operation` names what was asked.
 */
export class UnsupportedOperationError extends Error {
  override readonly name = "UnsupportedOperationError";
  readonly operation: string;
  readonly backend: string;
  constructor(backend: string, operation: string, message: string) {
    super(message);
    this.backend = backend;
    this.operation = operation;
  }
}

export interface CryptoProvider {
  /** `"node"` or `"noble"`. */
  readonly name: string;
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;

  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  hmac(algorithm: HmacAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  createHmac(algorithm: HmacAlgorithm, key: Uint8Array): MacContext;

  createAesCtr(key: Uint8Array): AesCtrContext;
  createAead(algorithm: AeadAlgorithm, key: Uint8Array): AeadContext;

  /** TLS 1.2 PRF (RFC 5246 §5) with the given hash. */
  tlsPrf(
    hash: "sha256" | "sha384",
    secret: Uint8Array,
    label: string,
    seed: Uint8Array,
    length: number,
  ): Uint8Array;
  /** HKDF (RFC 5869) extract-and-expand. */
  hkdf(
    hash: HmacAlgorithm,
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Uint8Array;

  generateEcdhKeyPair(curve: EcdhCurve): EcdhKeyPair;
  /** The shared secret (x-coordinate for NIST curves); throws `RangeError` on an invalid peer key. */
  ecdh(curve: EcdhCurve, privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array;

  generateEcdsaKeyPair(curve: EcdsaCurve): EcdsaKeyPair;
  /** ECDSA signature over `hash(data)`, DER-encoded (as TLS and X.509 carry it). */
  ecdsaSign(
    curve: EcdsaCurve,
    privateKey: Uint8Array,
    hash: HashAlgorithm,
    data: Uint8Array,
  ): Uint8Array;
  /** Verifies a DER-encoded ECDSA signature; `false` (never a throw) when invalid or malformed. */
  ecdsaVerify(
    curve: EcdsaCurve,
    publicKey: Uint8Array,
    hash: HashAlgorithm,
    data: Uint8Array,
    signature: Uint8Array,
  ): boolean;
  /** Verifies an RSA signature (PKCS#1 v1.5 or PSS with salt = hash length); `false` when invalid. */
  rsaVerify(
    padding: "pkcs1" | "pss",
    key: RsaPublicKey,
    hash: HashAlgorithm,
    data: Uint8Array,
    signature: Uint8Array,
  ): boolean;
  /**
   * Generates an RSA key pair (`modulusLength` 1024–16384 bits, a multiple of 8; exponent
   * big-endian, default 65537). Throws {@link UnsupportedOperationError} on a backend that cannot
   * generate primes fast enough (the portable one).
   */
  generateRsaKeyPair(modulusLength: number, publicExponent?: Uint8Array): RsaKeyPair;
  /** RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.1) over `hash(data)`; `k` bytes long. */
  rsaSign(key: RsaPrivateKey, hash: HashAlgorithm, data: Uint8Array): Uint8Array;
}
