/**
 * Per-source token buckets, so that a STUN server answers any one address at a bounded rate
 * (a poor amplifier, RFC 8489 §16.1.3 / RFC 5780 §10).
 */
import type { Millis } from "@purertc/common";

/** Rate limit parameters. */
export interface RateLimitConfig {
  /** Sustained requests per second allowed from one source IP. */
  readonly ratePerSecond: number;
  /** Bucket size: how many requests may arrive at once. */
  readonly burst: number;
  /** Sources tracked at most; the least recently seen is forgotten first. */
  readonly maxSources: number;
}

interface Bucket {
  tokens: number;
  at: Millis;
}

/** A token bucket per key (source IP), bounded in memory. */
export class SourceRateLimiter {
  readonly #config: RateLimitConfig;
  readonly #buckets = new Map<string, Bucket>();

  constructor(config: RateLimitConfig) {
    if (!(config.ratePerSecond > 0) || !(config.burst >= 1) || !(config.maxSources >= 1)) {
      throw new RangeError(
        "rate limit: ratePerSecond > 0, burst >= 1 and maxSources >= 1 required",
      );
    }
    this.#config = config;
  }

  /** Takes one token for `key` at `now`; `false` when the source is over its rate. */
  allow(now: Millis, key: string): boolean {
    const c = this.#config;
    let b = this.#buckets.get(key);
    if (b) {
      this.#buckets.delete(key);
      b.tokens = Math.min(c.burst, b.tokens + ((now - b.at) * c.ratePerSecond) / 1000);
      b.at = now;
    } else {
      if (this.#buckets.size >= c.maxSources) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      b = { tokens: c.burst, at: now };
    }
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Sources currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }
}
