import type { AesCtrContext } from "@purertc/crypto";

/** Packets of keystream made per backend call (one ECB update serves this many packets). */
export const PREFETCH_PACKETS = 8;
/** Largest payload, in 16-byte blocks, worth prefetching for (a 1500-byte MTU). */
const MAX_BLOCKS = 94;
/** Streams with a cache at once; beyond it the oldest is dropped (it refills on its next packet). */
const MAX_STREAMS = 32;

interface StreamKeystream {
  /** Packet index of the first run. */
  first: number;
  /** Blocks per run (the run of packet `first + k` starts at byte `k * blocks * 16`). */
  blocks: number;
  ks: Uint8Array;
}

/**
 * AES-CM keystream computed ahead for the predictable next packets of each SRTP stream
 * (RFC 3711 §4.1.1: packet `i` of SSRC `s` uses the counter run starting at
 * `(k_s·2^16) ⊕ (s·2^64) ⊕ (i·2^16)`).
 *
 * Every call into the crypto backend has a fixed cost (≈ 2 µs for one OpenSSL ECB update on
 * Node 20, the same as encrypting the 1000-byte payload itself), so on a miss the cache asks
 * the backend once for the runs of packets `i .. i + PREFETCH_PACKETS − 1`: a sender's own
 * stream is sequential, and so is a receiver's in the common case. A packet outside the cached
 * range, or larger than its runs, misses: an older packet (reordered) gets its keystream
 * directly without disturbing the cache; a newer or larger one refills it from its own index.
 * Either way the keystream is exactly the one of that packet's counter run.
 */
export class KeystreamCache {
  readonly #ctr: AesCtrContext;
  readonly #salt: Uint8Array;
  readonly #streams = new Map<number, StreamKeystream>();
  readonly #ivs = new Uint8Array(PREFETCH_PACKETS * 16);

  constructor(ctr: AesCtrContext, salt: Uint8Array) {
    this.#ctr = ctr;
    this.#salt = salt;
  }

  /**
   * Writes `input[from..to)` (the payload of packet `index` of `ssrc`) XOR its keystream to
   * `output[from..to)` (`output` may be `input`). `iv` is the packet's counter block, already
   * written by the caller.
   */
  xor(
    ssrc: number,
    index: number,
    iv: Uint8Array,
    input: Uint8Array,
    output: Uint8Array,
    from: number,
    to: number,
  ): void {
    const length = to - from;
    if (length <= 0) return;
    const need = (length + 15) >>> 4;
    let s = this.#streams.get(ssrc);
    if (
      s !== undefined &&
      index >= s.first &&
      index < s.first + PREFETCH_PACKETS &&
      need <= s.blocks
    ) {
      xorAt(input, output, from, length, s.ks, (index - s.first) * s.blocks * 16);
      return;
    }
    if (need > MAX_BLOCKS || (s !== undefined && index < s.first && need <= s.blocks)) {
      this.#ctr.xor(iv, input.subarray(from, to), output.subarray(from, to));
      return;
    }
    const blocks = Math.min(MAX_BLOCKS, Math.max(need, s?.blocks ?? 0));
    const ks = this.#ctr.keystreamRuns(this.#runIvs(iv, index), blocks);
    if (s === undefined) {
      if (this.#streams.size >= MAX_STREAMS) {
        const oldest = this.#streams.keys().next().value as number;
        this.#streams.delete(oldest);
      }
      s = { first: index, blocks, ks };
      this.#streams.set(ssrc, s);
    } else {
      s.first = index;
      s.blocks = blocks;
      s.ks = ks;
    }
    xorAt(input, output, from, length, ks, 0);
  }

  /** Forgets the keystream of `ssrc`. */
  remove(ssrc: number): void {
    this.#streams.delete(ssrc);
  }

  /**
   * The counter blocks of packets `index .. index + PREFETCH_PACKETS − 1`: the index occupies
   * bytes 8..13 of the block XORed with the salt, so only those bytes change between runs.
   */
  #runIvs(iv: Uint8Array, index: number): Uint8Array {
    const ivs = this.#ivs;
    const salt = this.#salt;
    for (let k = 0; k < PREFETCH_PACKETS; k++) {
      const at = k * 16;
      ivs.set(iv, at);
      const i = index + k;
      const hi = Math.floor(i / 0x100000000);
      const lo = i >>> 0;
      ivs[at + 8] = salt[8]! ^ ((hi >>> 8) & 0xff);
      ivs[at + 9] = salt[9]! ^ (hi & 0xff);
      ivs[at + 10] = salt[10]! ^ (lo >>> 24);
      ivs[at + 11] = salt[11]! ^ ((lo >>> 16) & 0xff);
      ivs[at + 12] = salt[12]! ^ ((lo >>> 8) & 0xff);
      ivs[at + 13] = salt[13]! ^ (lo & 0xff);
    }
    return ivs;
  }
}

/**
 * `output[from + j] = input[from + j] ^ ks[at + j]` for `j < length`, four bytes at a time when
 * all three are aligned.
 */
function xorAt(
  input: Uint8Array,
  output: Uint8Array,
  from: number,
  length: number,
  ks: Uint8Array,
  at: number,
): void {
  let j = 0;
  const ia = input.byteOffset + from;
  const oa = output.byteOffset + from;
  const ka = ks.byteOffset + at;
  if (((ia | oa | ka) & 3) === 0 && length >= 32) {
    const words = length >>> 2;
    const i32 = new Int32Array(input.buffer, ia, words);
    const o32 = new Int32Array(output.buffer, oa, words);
    const k32 = new Int32Array(ks.buffer, ka, words);
    for (let w = 0; w < words; w++) o32[w] = i32[w]! ^ k32[w]!;
    j = words << 2;
  }
  for (; j < length; j++) output[from + j] = input[from + j]! ^ ks[at + j]!;
}
