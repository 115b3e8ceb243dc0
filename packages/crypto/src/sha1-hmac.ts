import type { MacContext } from "./provider.js";

/**
 * HMAC-SHA1 (RFC 2104, SHA-1 per FIPS 180-4 §6.1) with the keyed inner and outer states computed
 * once per key, so a message costs only its own compression calls: for a 92-byte ICE check that
 * is 3 compressions, several times cheaper than creating an OpenSSL HMAC object per message.
 * No allocation per message besides the 20-byte result.
 */
export class Sha1Hmac implements MacContext {
  readonly algorithm = "sha1" as const;
  readonly outputLength = 20;
  readonly #inner = new Int32Array(5);
  readonly #outer = new Int32Array(5);
  readonly #h = new Int32Array(5);
  readonly #w = new Int32Array(80);
  readonly #block = new Uint8Array(64);
  readonly #digest = new Uint8Array(20);
  #fill = 0;
  #length = 0;

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) {
      this.#start(INITIAL);
      this.#absorb(k);
      k = this.#finish(new Uint8Array(20));
    }
    const pad = new Uint8Array(64);
    for (const [state, byte] of [
      [this.#inner, 0x36],
      [this.#outer, 0x5c],
    ] as const) {
      pad.fill(byte);
      for (let i = 0; i < k.length; i++) pad[i]! ^= k[i]!;
      this.#start(INITIAL);
      this.#absorb(pad);
      state.set(this.#h);
    }
  }

  compute(a: Uint8Array, b?: Uint8Array, c?: Uint8Array): Uint8Array {
    this.#start(this.#inner, 64);
    this.#absorb(a);
    if (b !== undefined) this.#absorb(b);
    if (c !== undefined) this.#absorb(c);
    const innerDigest = this.#finish(this.#digest);
    this.#start(this.#outer, 64);
    this.#absorb(innerDigest);
    return this.#finish(new Uint8Array(20));
  }

  #start(state: Int32Array, length = 0): void {
    this.#h.set(state);
    this.#fill = 0;
    this.#length = length;
  }

  #absorb(data: Uint8Array): void {
    const block = this.#block;
    this.#length += data.length;
    let i = 0;
    while (i < data.length) {
      const n = Math.min(64 - this.#fill, data.length - i);
      block.set(data.subarray(i, i + n), this.#fill);
      this.#fill += n;
      i += n;
      if (this.#fill === 64) {
        this.#compress();
        this.#fill = 0;
      }
    }
  }

  /** FIPS 180-4 §5.1.1 padding, then the big-endian state into `out`. */
  #finish(out: Uint8Array): Uint8Array {
    const block = this.#block;
    const bits = this.#length * 8;
    block[this.#fill++] = 0x80;
    if (this.#fill > 56) {
      block.fill(0, this.#fill);
      this.#compress();
      this.#fill = 0;
    }
    block.fill(0, this.#fill, 56);
    const hi = Math.floor(bits / 2 ** 32);
    block[56] = hi >>> 24;
    block[57] = hi >>> 16;
    block[58] = hi >>> 8;
    block[59] = hi;
    block[60] = bits >>> 24;
    block[61] = bits >>> 16;
    block[62] = bits >>> 8;
    block[63] = bits;
    this.#compress();
    const h = this.#h;
    for (let j = 0; j < 5; j++) {
      out[j * 4] = h[j]! >>> 24;
      out[j * 4 + 1] = h[j]! >>> 16;
      out[j * 4 + 2] = h[j]! >>> 8;
      out[j * 4 + 3] = h[j]!;
    }
    return out;
  }

  /** FIPS 180-4 §6.1.2 on the 64-byte block buffer. */
  #compress(): void {
    const w = this.#w;
    const p = this.#block;
    for (let t = 0; t < 16; t++) {
      const j = t * 4;
      w[t] = (p[j]! << 24) | (p[j + 1]! << 16) | (p[j + 2]! << 8) | p[j + 3]!;
    }
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    const h = this.#h;
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let t = 0;
    for (; t < 20; t++) {
      const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    for (; t < 40; t++) {
      const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    for (; t < 60; t++) {
      const temp =
        (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    for (; t < 80; t++) {
      const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
  }
}

/** FIPS 180-4 §5.3.1 initial hash value. */
const INITIAL = Int32Array.of(
  0x67452301,
  0xefcdab89 | 0,
  0x98badcfe | 0,
  0x10325476,
  0xc3d2e1f0 | 0,
);
