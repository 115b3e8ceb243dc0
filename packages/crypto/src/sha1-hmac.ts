import type { MacContext } from "./provider.js";
import { sha1Compress } from "./sha1-compress.js";

/**
 * HMAC-SHA1 (RFC 2104, SHA-1 per FIPS 180-4 §6.1) with the keyed inner and outer states computed
 * once per key, so a message costs only its own compression calls: for a 92-byte ICE check that
 * is 3 compressions, several times cheaper than creating an OpenSSL HMAC object per message.
 *
 * Input is gathered straight into the 16 big-endian words of the block (four bytes per store
 * when aligned), which the compression reads as words. The outer hash's single block keeps its
 * padding from construction, so only the five inner digest words are copied into it. `compute`
 * allocates only its 20-byte result; the incremental methods (`reset`, `update` over a range,
 * `digestInto`, `matches`) allocate nothing.
 */
export class Sha1Hmac implements MacContext {
  readonly algorithm = "sha1" as const;
  readonly outputLength = 20;
  // The keyed states, the running state and the block share one buffer: every ICE connection
  // keeps two keys, and five typed arrays of their own each showed in heap snapshots.
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;
  /** The running state H0..H4. */
  readonly #h: Int32Array;
  /** The block being filled, as words; `#fill` bytes of it are set. */
  readonly #w: Int32Array;
  #fill = 0;
  /** Bytes fed since {@link reset}. */
  #length = 0;

  constructor(key: Uint8Array) {
    const words = new Int32Array(31);
    this.#inner = words.subarray(0, 5);
    this.#outer = words.subarray(5, 10);
    this.#h = words.subarray(10, 15);
    this.#w = words.subarray(15, 31);
    const h = this.#h;
    let k = key;
    if (k.length > 64) {
      copyState(INITIAL, h);
      this.#fill = 0;
      this.update(k);
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
      copyState(INITIAL, h);
      this.#fill = 0;
      this.update(pad);
      copyState(h, state);
    }
  }

  compute(a: Uint8Array, b?: Uint8Array, c?: Uint8Array): Uint8Array {
    this.reset();
    this.update(a);
    if (b !== undefined) this.update(b);
    if (c !== undefined) this.update(c);
    const out = new Uint8Array(20);
    this.digestInto(out, 0);
    return out;
  }

  /**
   * Starts a new message (incremental use: `reset()`, `update()`..., then `digestInto()` or
   * `matches()`). Nothing is allocated on this path: a hot path signs or checks a range of a
   * packet without a view of it and without a digest array.
   */
  reset(): this {
    copyState(this.#inner, this.#h);
    this.#fill = 0;
    this.#length = 0;
    return this;
  }

  /** Feeds `data[start..end)`. */
  update(data: Uint8Array, start = 0, end: number = data.length): this {
    if (start < 0 || end > data.length || start > end) {
      throw new RangeError(`HMAC-SHA1 update: bad range [${start}, ${end}) of ${data.length}`);
    }
    this.#length += end - start;
    const w = this.#w;
    const h = this.#h;
    let fill = this.#fill;
    let i = start;
    // Finish a partly filled word byte by byte.
    while (fill & 3 && i < end) {
      w[fill >> 2]! |= data[i++]! << (24 - 8 * (fill & 3));
      if (++fill === 64) {
        sha1Compress(h, w);
        fill = 0;
      }
    }
    // Whole words.
    for (; i + 4 <= end; i += 4) {
      w[fill >> 2] = (data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!;
      fill += 4;
      if (fill === 64) {
        sha1Compress(h, w);
        fill = 0;
      }
    }
    // The last 1-3 bytes start a new word.
    if (i < end) {
      let v = 0;
      for (let s = 24; i < end; s -= 8) {
        v |= data[i++]! << s;
        fill++;
      }
      w[(fill - 1) >> 2] = v;
    }
    this.#fill = fill;
    return this;
  }

  /** Finishes the message and writes the 20-byte HMAC at `out[offset..offset+20)`. */
  digestInto(out: Uint8Array, offset: number): void {
    if (offset < 0 || offset + 20 > out.length) {
      throw new RangeError(`HMAC-SHA1 digest: no room for 20 bytes at ${offset} of ${out.length}`);
    }
    this.#finish();
    writeDigest(this.#h, out, offset);
  }

  /**
   * Finishes the message and compares the first `length` bytes of its HMAC (20, or fewer for a
   * truncated tag) with `tag[offset..offset+length)` in constant time (no early exit).
   */
  matches(tag: Uint8Array, offset: number, length = 20): boolean {
    if (length < 1 || length > 20 || offset < 0 || offset + length > tag.length) return false;
    this.#finish();
    const h = this.#h;
    let diff = 0;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const o = offset + i;
      diff |=
        h[i >> 2]! ^ ((tag[o]! << 24) | (tag[o + 1]! << 16) | (tag[o + 2]! << 8) | tag[o + 3]!);
    }
    for (; i < length; i++) {
      diff |= ((h[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff) ^ tag[offset + i]!;
    }
    return diff === 0;
  }

  /** Pads the inner hash, then runs the outer hash over its digest; the result is in `#h`. */
  #finish(): void {
    const h = this.#h;
    this.#pad(64 + this.#length);
    const outer = OUTER_BLOCK;
    copyState(h, outer);
    copyState(this.#outer, h);
    sha1Compress(h, outer);
  }

  /**
   * FIPS 180-4 §5.1.1: 0x80, zeros and the 64-bit bit length of a `length`-byte message after the
   * buffered tail; compresses the last block(s).
   */
  #pad(length: number): void {
    const w = this.#w;
    const h = this.#h;
    const fill = this.#fill;
    const at = fill >> 2;
    const shift = 24 - 8 * (fill & 3);
    w[at] = (fill & 3 ? w[at]! : 0) | (0x80 << shift);
    let j = at + 1;
    if (fill >= 56) {
      while (j < 16) w[j++] = 0;
      sha1Compress(h, w);
      j = 0;
    }
    while (j < 14) w[j++] = 0;
    w[14] = Math.floor(length / 0x20000000);
    w[15] = length * 8;
    sha1Compress(h, w);
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

function writeDigest(h: Int32Array, out: Uint8Array, o: number): void {
  for (let j = 0; j < 5; j++) {
    const v = h[j]!;
    out[o + j * 4] = v >>> 24;
    out[o + j * 4 + 1] = v >>> 16;
    out[o + j * 4 + 2] = v >>> 8;
    out[o + j * 4 + 3] = v;
  }
}

/**
 * The outer hash's only block: the inner digest (words 0-4, written by each finish), then the
 * FIPS 180-4 §5.1.1 padding of a 64 + 20-byte message. Shared: a finish fills and compresses it
 * in one synchronous call.
 */
const OUTER_BLOCK = new Int32Array(16);
OUTER_BLOCK[5] = 0x80000000 | 0;
OUTER_BLOCK[15] = (64 + 20) * 8;

/** FIPS 180-4 §5.3.1 initial hash value. */
const INITIAL = Int32Array.of(
  0x67452301,
  0xefcdab89 | 0,
  0x98badcfe | 0,
  0x10325476,
  0xc3d2e1f0 | 0,
);
