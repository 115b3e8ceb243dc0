/**
 * A sliding replay window over packet indices (RFC 3711 §3.3.2): a bitmap of the last `size`
 * indices ending at the highest index received, kept as a ring of 32-bit words so that sliding
 * forward by one costs one bit clear (no shifting of the whole window).
 */
export class ReplayWindow {
  /** Window size in packets (a multiple of 32). */
  readonly size: number;
  readonly #bits: Uint32Array;
  /** Highest index accepted so far; -1 before the first packet. */
  #top = -1;

  constructor(size: number) {
    this.size = size;
    this.#bits = new Uint32Array(size >>> 5);
  }

  /** The highest index accepted, or -1. */
  get top(): number {
    return this.#top;
  }

  /**
   * Classifies `index` without changing state: 0 = acceptable, 1 = already received (replay),
   * 2 = older than the window ("too old").
   */
  check(index: number): 0 | 1 | 2 {
    const top = this.#top;
    if (index > top) return 0;
    if (top - index >= this.size) return 2;
    const slot = index % this.size;
    return (this.#bits[slot >>> 5]! & (1 << (slot & 31))) !== 0 ? 1 : 0;
  }

  /** Records `index` as received (after authentication), sliding the window forward if needed. */
  accept(index: number): void {
    const size = this.size;
    const bits = this.#bits;
    if (index > this.#top) {
      const advance = index - this.#top;
      if (this.#top < 0 || advance >= size) bits.fill(0);
      else {
        // Clear the slots of the indices we skipped over (they have not been received).
        for (let i = this.#top + 1; i < index; i++) {
          const slot = i % size;
          bits[slot >>> 5] = bits[slot >>> 5]! & ~(1 << (slot & 31));
        }
      }
      this.#top = index;
    }
    const slot = index % size;
    bits[slot >>> 5] = bits[slot >>> 5]! | (1 << (slot & 31));
  }
}

/**
 * The 48-bit packet index of an SRTP packet with sequence number `seq`, given the highest index
 * `top` seen on that stream (-1 before any; RFC 3711 §3.3.1 and Appendix A: the guessed ROC `v` is ROC-1, ROC or
 * ROC+1, whichever puts the index closest to s_l).
 *
 * While `top` is at most 2^15 the guess is `seq` with ROC 0, as libsrtp does: a stream that starts
 * near zero cannot have a previous rollover, and Appendix A would otherwise guess ROC = -1.
 */
export function estimateRtpIndex(top: number, seq: number): number {
  if (top <= 0x8000) return seq;
  const roc = Math.floor(top / 0x10000);
  const sl = top - roc * 0x10000;
  let v = roc;
  if (sl < 0x8000) {
    if (seq - sl > 0x8000) v = roc - 1;
  } else if (sl - 0x8000 > seq) {
    v = roc + 1;
  }
  return v * 0x10000 + seq;
}
