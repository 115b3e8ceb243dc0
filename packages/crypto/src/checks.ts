import type { AeadAlgorithm, HmacAlgorithm } from "./provider.js";

/** Argument checks shared by both backends, so misuse fails the same way everywhere. */

const HMAC_ALGORITHMS: ReadonlySet<string> = new Set<HmacAlgorithm>([
  "sha1",
  "sha256",
  "sha384",
  "sha512",
]);

/** Throws `TypeError` unless `algorithm` is a supported HMAC hash. */
export function checkHmacAlgorithm(algorithm: HmacAlgorithm): void {
  if (!HMAC_ALGORITHMS.has(algorithm))
    throw new TypeError(`unsupported HMAC algorithm: ${String(algorithm)}`);
}

/** Throws `RangeError` unless `key` has one of the allowed AES key lengths. */
export function checkAesKey(key: Uint8Array, allowed: readonly number[]): void {
  if (!allowed.includes(key.length)) {
    throw new RangeError(`AES key must be ${allowed.join("/")} bytes, got ${key.length}`);
  }
}

/** Throws on a malformed AEAD key; returns the key length the algorithm needs. */
export function checkAeadKey(algorithm: AeadAlgorithm, key: Uint8Array): void {
  const need =
    algorithm === "aes-128-gcm"
      ? 16
      : algorithm === "aes-256-gcm" || algorithm === "chacha20-poly1305"
        ? 32
        : 0;
  if (need === 0) throw new TypeError(`unsupported AEAD algorithm: ${String(algorithm)}`);
  if (key.length !== need)
    throw new RangeError(`${algorithm} key must be ${need} bytes, got ${key.length}`);
}

/** Throws `RangeError` on a malformed AES-CTR call. */
export function checkCtrArgs(iv: Uint8Array, input: Uint8Array, output: Uint8Array): void {
  checkCounterBlock(iv);
  if (output.length !== input.length)
    throw new RangeError("AES-CTR output length must equal input length");
}

/** Throws `RangeError` unless `iv` is a 16-byte counter block. */
export function checkCounterBlock(iv: Uint8Array): void {
  if (iv.length !== 16)
    throw new RangeError(`AES-CTR counter block must be 16 bytes, got ${iv.length}`);
}

/** Validates a `keystreamRuns` call; returns the number of runs. */
export function checkRuns(ivs: Uint8Array, blocks: number): number {
  if (ivs.length === 0 || ivs.length % 16 !== 0)
    throw new RangeError(`AES-CTR counter runs: ${ivs.length} bytes is not whole counter blocks`);
  if (!Number.isInteger(blocks) || blocks < 1 || (ivs.length / 16) * blocks > 1 << 20)
    throw new RangeError(`AES-CTR counter runs: invalid block count ${blocks}`);
  return ivs.length / 16;
}

/** Throws `RangeError` unless the AEAD nonce is 12 bytes. */
export function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== 12) throw new RangeError(`AEAD nonce must be 12 bytes, got ${nonce.length}`);
}

/** Throws `RangeError` unless `length` is a non-negative integer. */
export function checkLength(what: string, length: number): void {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`${what}: invalid length ${length}`);
}

/** Whether two views share bytes of the same buffer. */
export function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.length &&
    b.byteOffset < a.byteOffset + a.length
  );
}

/** Ensures `out` has `length` bytes of room at `offset`. */
export function checkRoom(out: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length) {
    throw new RangeError(`output too short: ${length} bytes at offset ${offset} in ${out.length}`);
  }
}
