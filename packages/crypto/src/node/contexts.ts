import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import { checkAeadKey, checkHmacAlgorithm, checkNonce, checkRoom } from "../checks.js";
import type { AeadAlgorithm, AeadContext, HmacAlgorithm, MacContext } from "../provider.js";
import { Sha1Hmac } from "../sha1-hmac.js";
import { u8 } from "./bytes.js";

const HMAC_LENGTH: Readonly<Record<HmacAlgorithm, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/**
 * Messages up to this many bytes go to the JavaScript HMAC-SHA1 with precomputed states; longer
 * ones to OpenSSL. Measured on Node 20 (2 cores, unrolled compression): JS 1.66M/s vs OpenSSL
 * 480k/s at 92 bytes (an ICE check), 730k vs 426k at 500 bytes, equal near 1000 bytes (SRTP with
 * a 1000-byte payload), OpenSSL ahead beyond.
 */
const JS_SHA1_MAX_BYTES = 1024;

/**
 * Keyed HMAC on OpenSSL. Measured on Node 20: one `createHmac` per message beats cloning
 * precomputed ipad/opad hash states with `Hash.copy()` (two copies and two digests per message).
 * Short HMAC-SHA1 messages take the allocation-free JavaScript path ({@link Sha1Hmac}).
 */
export function nodeMac(algorithm: HmacAlgorithm, key: Uint8Array): MacContext {
  checkHmacAlgorithm(algorithm);
  const k = key.slice();
  const js = algorithm === "sha1" ? new Sha1Hmac(k) : undefined;
  return {
    algorithm,
    outputLength: HMAC_LENGTH[algorithm],
    compute(a: Uint8Array, b?: Uint8Array, c?: Uint8Array): Uint8Array {
      if (js !== undefined && a.length + (b?.length ?? 0) + (c?.length ?? 0) <= JS_SHA1_MAX_BYTES) {
        return js.compute(a, b, c);
      }
      const h = createHmac(algorithm, k).update(a);
      if (b !== undefined) h.update(b);
      if (c !== undefined) h.update(c);
      return u8(h.digest());
    },
  };
}

type NodeAeadName = "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";

/** An AEAD on OpenSSL: AES-GCM (RFC 5116 §5.1, §5.2) or ChaCha20-Poly1305 (RFC 8439 §2.8). */
export function nodeAead(algorithm: AeadAlgorithm, key: Uint8Array): AeadContext {
  checkAeadKey(algorithm, key);
  const k = key.slice();
  const name: NodeAeadName = algorithm;
  // ChaCha20-Poly1305 needs the tag length spelled out; GCM defaults to 16 and is faster without
  // the options object (and without `plaintextLength`, which only CCM needs).
  const options = algorithm === "chacha20-poly1305" ? ({ authTagLength: 16 } as const) : undefined;
  const sealInto = (
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array | undefined,
    out: Uint8Array,
    offset: number,
  ): number => {
    checkNonce(nonce);
    checkRoom(out, offset, plaintext.length + 16);
    // The overloads of createCipheriv are keyed on literal mode names; the union is one of them.
    const cipher = createCipheriv(name as "aes-128-gcm", k, nonce, options);
    // No options object: `plaintextLength` is for CCM only, GCM and ChaCha20-Poly1305 ignore it.
    if (aad !== undefined && aad.length > 0) cipher.setAAD(aad);
    out.set(cipher.update(plaintext), offset);
    cipher.final();
    out.set(cipher.getAuthTag(), offset + plaintext.length);
    return plaintext.length + 16;
  };
  const decrypt = (
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array | undefined,
  ): Buffer | undefined => {
    checkNonce(nonce);
    if (sealed.length < 16) return undefined;
    const ctLength = sealed.length - 16;
    const decipher = createDecipheriv(name as "aes-128-gcm", k, nonce, options);
    decipher.setAuthTag(sealed.subarray(ctLength));
    if (aad !== undefined && aad.length > 0) decipher.setAAD(aad);
    const plain = decipher.update(sealed.subarray(0, ctLength));
    try {
      decipher.final();
    } catch {
      return undefined;
    }
    return plain;
  };
  return {
    algorithm,
    tagLength: 16,
    seal(nonce, plaintext, aad) {
      const out = new Uint8Array(plaintext.length + 16);
      sealInto(nonce, plaintext, aad, out, 0);
      return out;
    },
    sealInto,
    open(nonce, sealed, aad) {
      const plain = decrypt(nonce, sealed, aad);
      return plain === undefined ? undefined : u8(plain);
    },
    openInto(nonce, sealed, aad, out, offset) {
      checkRoom(out, offset, Math.max(0, sealed.length - 16));
      const plain = decrypt(nonce, sealed, aad);
      if (plain === undefined) return -1;
      out.set(plain, offset);
      return plain.length;
    },
  };
}
