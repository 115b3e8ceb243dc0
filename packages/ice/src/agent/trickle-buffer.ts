/**
 * Trickle ICE (RFC 8838) lets remote candidates and connectivity checks arrive before the
 * credentials of their generation. They wait here, bounded, until those credentials come.
 */
import type { SocketAddress } from "@purertc/common";
import type { IceCandidate } from "../candidate.js";
import type { LocalCandidate } from "../candidate-pair.js";

/** The most remote candidates kept per generation (and waiting for credentials). */
export const MAX_REMOTE_CANDIDATES = 256;
const MAX_EARLY_CHECKS = 64;

/** A check that arrived before the remote credentials of its generation (RFC 8838 §10). */
export interface EarlyCheck {
  readonly remoteUfrag: string;
  readonly local: LocalCandidate;
  readonly from: SocketAddress;
  readonly priority: number;
  /** The nomination it carried (0: none; USE-CANDIDATE alone: 1). */
  readonly nomination: number;
}

/** Remote candidates and checks waiting for remote credentials. */
export class TrickleBuffer {
  #candidates: IceCandidate[] = [];
  #checks: EarlyCheck[] = [];

  /** Keeps a candidate; `false` when the buffer is full and it was not kept. */
  holdCandidate(candidate: IceCandidate): boolean {
    if (this.#candidates.length >= MAX_REMOTE_CANDIDATES) return false;
    this.#candidates.push(candidate);
    return true;
  }

  /** Keeps a check (answered already) to be paired when the credentials come; dropped if full. */
  holdCheck(check: EarlyCheck): void {
    if (this.#checks.length < MAX_EARLY_CHECKS) this.#checks.push(check);
  }

  /**
   * Empties the buffer and returns what belongs to the remote ufrag `ufrag` (candidates without
   * a ufrag belong to any); the rest is of a generation that will never come.
   */
  release(ufrag: string): { candidates: IceCandidate[]; checks: EarlyCheck[] } {
    const candidates = this.#candidates.filter(
      (c) => c.usernameFragment === undefined || c.usernameFragment === ufrag,
    );
    const checks = this.#checks.filter((e) => e.remoteUfrag === ufrag);
    this.#candidates = [];
    this.#checks = [];
    return { candidates, checks };
  }
}
