/**
 * The anti-replay sliding window of RFC 6347 §4.1.2.6 (the RFC 4303 §3.4.3 algorithm), over
 * 48-bit record sequence numbers. One window per epoch; a record is marked only after it has
 * been authenticated, so forged records cannot move the window.
 */
export class ReplayWindow {
  /** RFC 6347 §4.1.2.6: "a minimum window size of 32 MUST be supported"; we keep 64. */
  static readonly SIZE = 64;

  /** The highest sequence number marked so far, -1 before the first. */
  #top = -1;
  /** Bit i of (hi, lo) set = `top - i` was received (lo holds bits 0..31). */
  #lo = 0;
  #hi = 0;

  /** Whether `seq` is new: not older than the window and not already marked. */
  isFresh(seq: number): boolean {
    if (seq > this.#top) return true;
    const diff = this.#top - seq;
    if (diff >= ReplayWindow.SIZE) return false;
    return diff < 32 ? (this.#lo & (1 << diff)) === 0 : (this.#hi & (1 << (diff - 32))) === 0;
  }

  /** Records `seq` as received (call after the record authenticated). */
  mark(seq: number): void {
    if (seq > this.#top) {
      const shift = this.#top < 0 ? ReplayWindow.SIZE : seq - this.#top;
      this.#shift(shift);
      this.#top = seq;
      this.#lo |= 1;
      return;
    }
    const diff = this.#top - seq;
    if (diff >= ReplayWindow.SIZE) return;
    if (diff < 32) this.#lo |= 1 << diff;
    else this.#hi |= 1 << (diff - 32);
  }

  #shift(n: number): void {
    if (n >= 64) {
      this.#lo = 0;
      this.#hi = 0;
    } else if (n >= 32) {
      this.#hi = n === 32 ? this.#lo : this.#lo << (n - 32);
      this.#lo = 0;
    } else if (n > 0) {
      this.#hi = (this.#hi << n) | (this.#lo >>> (32 - n));
      this.#lo = this.#lo << n;
    }
  }
}
