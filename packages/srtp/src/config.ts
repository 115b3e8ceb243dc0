/** Tunables of an SRTP or SRTCP session. */
export interface SrtpConfig {
  /**
   * Replay window in packets, a multiple of 32 from 64 to 32768. RFC 3711 §3.3.2: "a minimum
   * replay window size of 64 is RECOMMENDED"; libsrtp (and so every browser) uses 128.
   */
  readonly replayWindowSize: number;
  /**
   * Reject replayed and too-old packets (RFC 3711 §3.3.2). Only a recorder that must accept
   * duplicates on purpose turns this off.
   */
  readonly replayProtection: boolean;
  /**
   * Most remote SSRCs tracked per session; packets that would open one more stream are rejected
   * with `"stream-limit"` (each stream costs a replay window; authentication comes first, so only
   * a key holder can open streams).
   */
  readonly maxStreams: number;
  /**
   * Cryptex (RFC 9335), once both sides signalled `a=cryptex`: `protect` encrypts the CSRCs and
   * the RFC 8285 header extensions too (0xC0DE / 0xC2DE extension profiles), and `unprotect`
   * decrypts packets that carry those profiles (others are handled as plain SRTP, §4.2).
   * Default `false`.
   */
  readonly cryptex: boolean;
}

/** Defaults: libsrtp's 128-packet window (RFC 3711 §3.3.2 asks for at least 64). */
export const DEFAULT_SRTP_CONFIG: SrtpConfig = Object.freeze({
  replayWindowSize: 128,
  replayProtection: true,
  maxStreams: 1024,
  cryptex: false,
});

/** Merges `partial` over the defaults and validates; throws `RangeError`/`TypeError`. */
export function resolveSrtpConfig(partial: Partial<SrtpConfig> | undefined): SrtpConfig {
  const c = { ...DEFAULT_SRTP_CONFIG, ...partial };
  const w = c.replayWindowSize;
  if (!Number.isInteger(w) || w < 64 || w > 32768 || w % 32 !== 0) {
    throw new RangeError(`SRTP: replayWindowSize ${w} must be a multiple of 32 in 64..32768`);
  }
  if (typeof c.replayProtection !== "boolean") {
    throw new TypeError("SRTP: replayProtection must be a boolean");
  }
  if (typeof c.cryptex !== "boolean") throw new TypeError("SRTP: cryptex must be a boolean");
  if (!Number.isInteger(c.maxStreams) || c.maxStreams < 1) {
    throw new RangeError(`SRTP: maxStreams ${c.maxStreams} must be a positive integer`);
  }
  return Object.freeze(c);
}
