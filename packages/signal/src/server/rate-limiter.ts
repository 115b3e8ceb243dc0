import type { Millis } from "@purertc/common";

/**
 * A token bucket: `ratePerSecond` tokens flow in, at most `burst` are held, each message takes
 * one. Time is passed in, so the limiter is exact under a fake clock.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: Millis;

  constructor(ratePerSecond: number, burst: number, now: Millis) {
    if (!(ratePerSecond > 0)) throw new RangeError("TokenBucket: rate must be > 0");
    if (!(burst >= 1)) throw new RangeError("TokenBucket: burst must be >= 1");
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token if there is one; false means the message is over the limit. */
  take(now: Millis): boolean {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is available at `now` (0 when one is). */
  waitMs(now: Millis): number {
    const tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / this.#rate);
  }
}
