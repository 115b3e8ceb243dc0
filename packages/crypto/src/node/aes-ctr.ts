import { type Cipher, createCipheriv } from "node:crypto";
import { checkAesKey, checkCounterBlock, checkCtrArgs, checkLength, checkRuns } from "../checks.js";
import type { AesCtrContext } from "../provider.js";

/** Counter blocks encrypted per `Cipher.update` call (bounds the scratch buffer at 4 KiB). */
const CHUNK_BLOCKS = 256;

/**
 * AES-CTR (NIST SP 800-38A §6.5; RFC 3711 §4.1.1 AES-CM) on one long-lived `aes-*-ecb` cipher.
 *
 * Creating a CTR cipher per packet costs more than the encryption of a 1000-byte payload, so this
 * context writes the counter blocks itself (a full 128-bit big-endian counter, as both RFCs
 * require), turns them into keystream with the ECB cipher (which, without padding and fed whole
 * blocks, carries no state between calls) and XORs in JavaScript.
 */
export class NodeAesCtr implements AesCtrContext {
  readonly keyLength: number;
  readonly #ecb: Cipher;
  readonly #counters = new Uint8Array(CHUNK_BLOCKS * 16);
  readonly #view = new DataView(this.#counters.buffer);
  /** The running 128-bit counter as four big-endian 32-bit words. */
  readonly #counter = new Uint32Array(4);

  constructor(key: Uint8Array) {
    checkAesKey(key, [16, 24, 32]);
    this.keyLength = key.length;
    this.#ecb = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    this.#ecb.setAutoPadding(false);
  }

  xor(iv: Uint8Array, input: Uint8Array, output: Uint8Array): void {
    checkCtrArgs(iv, input, output);
    const length = input.length;
    const counter = this.#counter;
    loadCounter(iv, 0, counter);
    for (let offset = 0; offset < length; offset += CHUNK_BLOCKS * 16) {
      const chunk = Math.min(CHUNK_BLOCKS * 16, length - offset);
      const blocks = (chunk + 15) >>> 4;
      writeCounterRun(this.#view, 0, counter, blocks);
      const ks = this.#ecb.update(this.#counters.subarray(0, blocks * 16));
      xorInto(input, output, offset, chunk, ks);
    }
  }

  keystreamRuns(ivs: Uint8Array, blocks: number): Uint8Array {
    const runs = checkRuns(ivs, blocks);
    const counters = new Uint8Array(runs * blocks * 16);
    const view = new DataView(counters.buffer);
    const counter = this.#counter;
    for (let r = 0; r < runs; r++) {
      loadCounter(ivs, r * 16, counter);
      writeCounterRun(view, r * blocks * 16, counter, blocks);
    }
    // ECB without padding and fed whole blocks keeps no state between calls; the Buffer it
    // returns is handed over as is (one allocation per batch, no copy).
    const ks = this.#ecb.update(counters);
    return new Uint8Array(ks.buffer, ks.byteOffset, ks.byteLength);
  }

  keystream(iv: Uint8Array, length: number): Uint8Array {
    checkCounterBlock(iv);
    checkLength("keystream", length);
    const out = new Uint8Array(length);
    this.xor(iv, out, out);
    return out;
  }
}

/** Loads the 16-byte big-endian counter block at `bytes[at..]` into four words. */
function loadCounter(bytes: Uint8Array, at: number, counter: Uint32Array): void {
  for (let w = 0; w < 4; w++) {
    const p = at + w * 4;
    counter[w] =
      ((bytes[p] as number) << 24) |
      ((bytes[p + 1] as number) << 16) |
      ((bytes[p + 2] as number) << 8) |
      (bytes[p + 3] as number);
  }
}

/**
 * Writes `blocks` consecutive counter blocks at `view[at..]`, starting from `counter` and
 * leaving it at the next value: a 128-bit big-endian increment with carry, wrapping at 2^128
 * (SP 800-38A §B.1 with m = 128, as RFC 3711 §4.1.1 requires).
 */
function writeCounterRun(view: DataView, at: number, counter: Uint32Array, blocks: number): void {
  let c0 = counter[0] as number;
  let c1 = counter[1] as number;
  let c2 = counter[2] as number;
  let c3 = counter[3] as number;
  for (let b = 0, p = at; b < blocks; b++, p += 16) {
    view.setUint32(p, c0);
    view.setUint32(p + 4, c1);
    view.setUint32(p + 8, c2);
    view.setUint32(p + 12, c3);
    c3 = (c3 + 1) >>> 0;
    if (c3 === 0) {
      c2 = (c2 + 1) >>> 0;
      if (c2 === 0) {
        c1 = (c1 + 1) >>> 0;
        if (c1 === 0) c0 = (c0 + 1) >>> 0;
      }
    }
  }
  counter[0] = c0;
  counter[1] = c1;
  counter[2] = c2;
  counter[3] = c3;
}

/** `output[offset + i] = input[offset + i] ^ ks[i]` for `i < n`, word-wise when aligned. */
function xorInto(
  input: Uint8Array,
  output: Uint8Array,
  offset: number,
  n: number,
  ks: Uint8Array,
): void {
  let i = 0;
  const ia = input.byteOffset + offset;
  const oa = output.byteOffset + offset;
  if (((ia | oa | ks.byteOffset) & 3) === 0 && n >= 64) {
    const words = n >>> 2;
    const i32 = new Int32Array(input.buffer, ia, words);
    const o32 = new Int32Array(output.buffer, oa, words);
    const k32 = new Int32Array(ks.buffer, ks.byteOffset, words);
    for (let w = 0; w < words; w++) o32[w] = (i32[w] as number) ^ (k32[w] as number);
    i = words << 2;
  }
  for (; i < n; i++) output[offset + i] = (input[offset + i] as number) ^ (ks[i] as number);
}
