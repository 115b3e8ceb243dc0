import { ctr, gcm } from "@noble/ciphers/aes.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hmac } from "@noble/hashes/hmac.js";
import {
  checkAeadKey,
  checkAesKey,
  checkCounterBlock,
  checkCtrArgs,
  checkHmacAlgorithm,
  checkLength,
  checkNonce,
  checkRoom,
  checkRuns,
  overlaps,
} from "../checks.js";
import type {
  AeadAlgorithm,
  AeadContext,
  AesCtrContext,
  HmacAlgorithm,
  MacContext,
} from "../provider.js";
import { Sha1Hmac } from "../sha1-hmac.js";
import { nobleHash } from "./hashes.js";

const EMPTY = new Uint8Array(0);

/**
 * Keyed HMAC (RFC 2104): the ipad/opad states are computed once and cloned per message.
 * HMAC-SHA1 (STUN integrity, SRTP auth) uses {@link Sha1Hmac}, which reuses its states without
 * cloning and measured 5–10× faster than a cloned @noble HMAC.
 */
export function nobleMac(algorithm: HmacAlgorithm, key: Uint8Array): MacContext {
  checkHmacAlgorithm(algorithm);
  if (algorithm === "sha1") return new Sha1Hmac(key);
  const h = nobleHash(algorithm);
  const keyed = hmac.create(h, key);
  return {
    algorithm,
    outputLength: h.outputLen,
    compute(a: Uint8Array, b?: Uint8Array, c?: Uint8Array): Uint8Array {
      const m = keyed.clone();
      m.update(a);
      if (b !== undefined) m.update(b);
      if (c !== undefined) m.update(c);
      return m.digest();
    },
  };
}

/** AES-CTR with a full 128-bit big-endian counter (NIST SP 800-38A §6.5, RFC 3711 §4.1.1). */
export function nobleAesCtr(key: Uint8Array): AesCtrContext {
  checkAesKey(key, [16, 24, 32]);
  const k = key.slice();
  return {
    keyLength: k.length,
    xor(iv: Uint8Array, input: Uint8Array, output: Uint8Array): void {
      checkCtrArgs(iv, input, output);
      const c = ctr(k, iv);
      // @noble writes straight into a 4-byte-aligned output that is the input or disjoint from it.
      if ((output.byteOffset & 3) === 0 && (output === input || !overlaps(input, output)))
        c.encrypt(input, output);
      else output.set(c.encrypt(input));
    },
    keystream(iv: Uint8Array, length: number): Uint8Array {
      checkCounterBlock(iv);
      checkLength("keystream", length);
      return ctr(k, iv).encrypt(new Uint8Array(length));
    },
    keystreamRuns(ivs: Uint8Array, blocks: number): Uint8Array {
      const runs = checkRuns(ivs, blocks);
      const run = blocks * 16;
      const out = new Uint8Array(runs * run);
      for (let r = 0; r < runs; r++) {
        const slot = out.subarray(r * run, (r + 1) * run);
        ctr(k, ivs.subarray(r * 16, r * 16 + 16)).encrypt(slot, slot);
      }
      return out;
    },
  };
}

type AeadFactory = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
) => { encrypt(p: Uint8Array): Uint8Array; decrypt(c: Uint8Array): Uint8Array };

/** An AEAD: AES-GCM (RFC 5116 §5.1, §5.2) or ChaCha20-Poly1305 (RFC 8439 §2.8). */
export function nobleAead(algorithm: AeadAlgorithm, key: Uint8Array): AeadContext {
  checkAeadKey(algorithm, key);
  const make: AeadFactory = algorithm === "chacha20-poly1305" ? chacha20poly1305 : gcm;
  const k = key.slice();
  return {
    algorithm,
    tagLength: 16,
    seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
      checkNonce(nonce);
      return make(k, nonce, aad ?? EMPTY).encrypt(plaintext);
    },
    open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined {
      checkNonce(nonce);
      if (sealed.length < 16) return undefined;
      try {
        return make(k, nonce, aad ?? EMPTY).decrypt(sealed);
      } catch {
        return undefined;
      }
    },
    sealInto(nonce, plaintext, aad, out, offset) {
      checkRoom(out, offset, plaintext.length + 16);
      const sealed = this.seal(nonce, plaintext, aad);
      out.set(sealed, offset);
      return sealed.length;
    },
    openInto(nonce, sealed, aad, out, offset) {
      checkRoom(out, offset, Math.max(0, sealed.length - 16));
      const plain = this.open(nonce, sealed, aad);
      if (plain === undefined) return -1;
      out.set(plain, offset);
      return plain.length;
    },
  };
}
