import type { MacContext } from "./provider.js";
import { sha1Compress } from "./sha1-compress.js";

/**
 * HMAC-SHA1 (RFC 2104, SHA-1 per FIPS 180-4 §6.1) with the keyed inner and outer states computed
 * once per key, so a message costs only its own compression calls: for a 92-byte ICE check that
 * is 3 compressions, several times cheaper than creating an OpenSSL HMAC object per message.
 *
 * Whole 64-byte blocks are read straight from the input (no copy); only a partial block goes
 * through the block buffer. The outer hash's single block keeps its padding from construction,
 * so only the inner digest is written into it. No allocation per message besides the 20-byte
 * result.
 */
export class Sha1Hmac implements MacContext {
  readonly algorithm = "sha1" as const;
  readonly outputLength = 20;
  readonly #inner = new Int32Array(5);
  readonly #outer = new Int32Array(5);
  /** The running state H0..H4. */
  readonly #h = new Int32Array(5);
  /** A partial block waiting for more input, then the padding. */
  readonly #block = new Uint8Array(64);
  /** The outer hash's only block: the inner digest, then fixed padding for 64 + 20 bytes. */
  readonly #outerBlock = new Uint8Array(64);
  #fill = 0;

  constructor(key: Uint8Array) {
    const h = this.#h;
    let k = key;
    if (k.length > 64) {
      h.set(INITIAL);
      this.#fill = 0;
      this.#absorb(k);
      this.#pad(k.length);
      k = new Uint8Array(20);
      writeDigest(h, k, 0);
    }
    const pad = new Uint8Array(64);
    for (const [state, byte] of [
      [this.#inner, 0x36],
      [this.#outer, 0x5c],
    ] as const) {
      pad.fill(byte);
      for (let i = 0; i < k.length; i++) pad[i]! ^= k[i]!;
      h.set(INITIAL);
      sha1Compress(h, pad, 0);
      state.set(h);
    }
    writePadding(this.#outerBlock, 20, 64 + 20);
  }

  compute(a: Uint8Array, b?: Uint8Array, c?: Uint8Array): Uint8Array {
    const h = this.#h;
    copyState(this.#inner, h);
    this.#fill = 0;
    let length = a.length;
    this.#absorb(a);
    if (b !== undefined) {
      length += b.length;
      this.#absorb(b);
    }
    if (c !== undefined) {
      length += c.length;
      this.#absorb(c);
    }
    this.#pad(64 + length);
    const outer = this.#outerBlock;
    writeDigest(h, outer, 0);
    copyState(this.#outer, h);
    sha1Compress(h, outer, 0);
    const out = new Uint8Array(20);
    writeDigest(h, out, 0);
    return out;
  }

  /** Feeds `data`: whole blocks straight from it, the rest through the block buffer. */
  #absorb(data: Uint8Array): void {
    const block = this.#block;
    const n = data.length;
    let fill = this.#fill;
    let i = 0;
    if (fill > 0) {
      while (fill < 64 && i < n) block[fill++] = data[i++]!;
      if (fill < 64) {
        this.#fill = fill;
        return;
      }
      sha1Compress(this.#h, block, 0);
      fill = 0;
    }
    for (; i + 64 <= n; i += 64) sha1Compress(this.#h, data, i);
    while (i < n) block[fill++] = data[i++]!;
    this.#fill = fill;
  }

  /** Pads the buffered tail of a `length`-byte message and compresses the last block(s). */
  #pad(length: number): void {
    const block = this.#block;
    const fill = this.#fill;
    if (fill >= 56) {
      block[fill] = 0x80;
      block.fill(0, fill + 1);
      sha1Compress(this.#h, block, 0);
      block.fill(0, 0, 56);
      writeLength(block, length);
    } else {
      writePadding(block, fill, length);
    }
    sha1Compress(this.#h, block, 0);
  }
}

/** Five state words (cheaper inline than a TypedArray.prototype.set call). */
function copyState(from: Int32Array, to: Int32Array): void {
  to[0] = from[0]!;
  to[1] = from[1]!;
  to[2] = from[2]!;
  to[3] = from[3]!;
  to[4] = from[4]!;
}

/** FIPS 180-4 §5.1.1: 0x80, zeros, and the 64-bit bit length, from `fill` (< 56) to 64. */
function writePadding(block: Uint8Array, fill: number, length: number): void {
  block[fill] = 0x80;
  for (let i = fill + 1; i < 56; i++) block[i] = 0;
  writeLength(block, length);
}

/** The bit length of a `length`-byte message, big-endian, in bytes 56..63. */
function writeLength(block: Uint8Array, length: number): void {
  const hi = Math.floor(length / 0x20000000);
  const lo = (length * 8) >>> 0;
  block[56] = hi >>> 24;
  block[57] = hi >>> 16;
  block[58] = hi >>> 8;
  block[59] = hi;
  block[60] = lo >>> 24;
  block[61] = lo >>> 16;
  block[62] = lo >>> 8;
  block[63] = lo;
}

function writeDigest(h: Int32Array, out: Uint8Array, o: number): void {
  for (let j = 0; j < 5; j++) {
    const v = h[j]!;
    out[o + j * 4] = v >>> 24;
    out[o + j * 4 + 1] = v >>> 16;
    out[o + j * 4 + 2] = v >>> 8;
    out[o + j * 4 + 3] = v;
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
