/**
 * Why `unprotect` dropped a packet. Callers count these (see `stats()`); none is an exception.
 *
 * - `"malformed"`: too short for header + trailer, not RTP/RTCP version 2, or a bad header length.
 * - `"auth-failed"`: the authentication tag did not verify (RFC 3711 §3.3 step 5).
 * - `"replay"`: this index was already received inside the replay window (§3.3.2).
 * - `"too-old"`: the index is older than the replay window (§3.3.2).
 * - `"unknown-mki"`: the packet's MKI is not the one of our master key (§3.3 step 1).
 * - `"stream-limit"`: a new SSRC while `maxStreams` streams are tracked.
 */
export type SrtpFailure =
  | "malformed"
  | "auth-failed"
  | "replay"
  | "too-old"
  | "unknown-mki"
  | "stream-limit";

/** The result of `unprotect`: the plain packet, or why it was dropped. */
export type UnprotectResult = Uint8Array | SrtpFailure;

/** `true` when `r` is a dropped packet's reason rather than a packet. */
export function isSrtpFailure(r: UnprotectResult): r is SrtpFailure {
  return typeof r === "string";
}

/** Counters of one session. */
export interface SrtpStats {
  readonly protectedPackets: number;
  readonly unprotectedPackets: number;
  /** Remote streams (SSRCs) with receive state. */
  readonly remoteStreams: number;
  /** Local streams (SSRCs) with send state. */
  readonly localStreams: number;
  readonly failures: Readonly<Record<SrtpFailure, number>>;
}

/** A zeroed failure counter table. */
export function emptyFailures(): Record<SrtpFailure, number> {
  return {
    malformed: 0,
    "auth-failed": 0,
    replay: 0,
    "too-old": 0,
    "unknown-mki": 0,
    "stream-limit": 0,
  };
}
