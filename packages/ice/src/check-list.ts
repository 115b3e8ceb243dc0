/**
 * The check list (RFC 8445 §6.1.2): pairs in priority order, redundancy pruning (§6.1.2.4), the
 * pair limit (§6.1.2.5), the initial states (§6.1.2.6), the triggered-check queue (§6.1.4.1)
 * and the choice of the next check (§6.1.4.2).
 */
import { Fifo, sameSocketAddress } from "@purertc/common";
import type { CandidatePair } from "./candidate-pair.js";

/** RFC 8445 §6.1.2.5: "The default limit ... SHOULD be 100 ... the value MUST be configurable". */
export const DEFAULT_MAX_PAIRS = 100;

/** One component's check list. */
export class CheckList {
  readonly #pairs: CandidatePair[] = [];
  readonly #triggered = new Fifo<CandidatePair>();
  readonly #maxPairs: number;

  constructor(maxPairs = DEFAULT_MAX_PAIRS) {
    this.#maxPairs = maxPairs;
  }

  /** The pairs, highest priority first. */
  get pairs(): readonly CandidatePair[] {
    return this.#pairs;
  }

  get size(): number {
    return this.#pairs.length;
  }

  /** The pair of these two candidates, if listed. */
  find(localId: string, remoteId: string): CandidatePair | undefined {
    for (const p of this.#pairs) if (p.local.id === localId && p.remote.id === remoteId) return p;
    return undefined;
  }

  /**
   * Adds a pair in priority order. RFC 8445 §6.1.2.4: a pair whose local base and remote address
   * equal those of a listed pair is redundant, and only the higher-priority one is kept.
   * Returns the pair that stays listed (the new one, or the one that made it redundant), or
   * `undefined` when the list is full and the pair ranks below all others.
   */
  add(pair: CandidatePair): CandidatePair | undefined {
    for (let i = 0; i < this.#pairs.length; i++) {
      const p = this.#pairs[i]!;
      if (
        sameSocketAddress(p.local.base, pair.local.base) &&
        p.local.relay === pair.local.relay &&
        sameSocketAddress(p.remoteAddress, pair.remoteAddress)
      ) {
        if (p.priority >= pair.priority || p.state !== "frozen") return p;
        this.#pairs.splice(i, 1);
        break;
      }
    }
    let at = this.#pairs.length;
    while (at > 0 && this.#pairs[at - 1]!.priority < pair.priority) at--;
    this.#pairs.splice(at, 0, pair);
    // §6.1.2.5: drop the lowest-priority pairs that are not being used above the limit.
    while (this.#pairs.length > this.#maxPairs) {
      let drop = this.#pairs.length - 1;
      while (drop >= 0 && (this.#pairs[drop]!.valid || this.#pairs[drop]!.state === "in-progress"))
        drop--;
      if (drop < 0) break;
      const [gone] = this.#pairs.splice(drop, 1);
      if (gone === pair) return undefined;
    }
    return pair;
  }

  /** Removes a pair (and any triggered check queued for it). */
  remove(pair: CandidatePair): void {
    const i = this.#pairs.indexOf(pair);
    if (i >= 0) this.#pairs.splice(i, 1);
  }

  /** Re-sorts after priorities changed (a role switch, RFC 8445 §7.2.5.1). */
  resort(): void {
    this.#pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0));
  }

  /**
   * RFC 8445 §6.1.2.6: for each foundation, the highest-priority pair (lowest component first;
   * there is one component) goes from Frozen to Waiting, unless a pair of that foundation is
   * already Waiting or In-Progress (which is also how trickled pairs join, RFC 8838 §11).
   */
  unfreezeInitial(): void {
    const active = new Set<string>();
    for (const p of this.#pairs)
      if (p.state === "waiting" || p.state === "in-progress") active.add(p.foundation);
    for (const p of this.#pairs) {
      if (p.state !== "frozen" || active.has(p.foundation)) continue;
      p.state = "waiting";
      active.add(p.foundation);
    }
  }

  /** RFC 8445 §7.2.5.3.3: a success unfreezes the frozen pairs of the same foundation. */
  unfreezeFoundation(foundation: string): void {
    for (const p of this.#pairs)
      if (p.state === "frozen" && p.foundation === foundation) p.state = "waiting";
  }

  /** RFC 8445 §6.1.4.1: queues a triggered check (once). */
  trigger(pair: CandidatePair): void {
    for (const p of this.#triggered) if (p === pair) return;
    this.#triggered.push(pair);
  }

  /**
   * RFC 8445 §6.1.4.2: the next check is the oldest triggered check, else the highest-priority
   * Waiting pair, else the highest-priority Frozen pair (unfrozen). `undefined`: nothing to do.
   */
  next(): CandidatePair | undefined {
    for (let p = this.#triggered.shift(); p !== undefined; p = this.#triggered.shift()) {
      if (this.#pairs.includes(p) || p.valid) return p;
    }
    let frozen: CandidatePair | undefined;
    for (const p of this.#pairs) {
      if (p.state === "waiting") return p;
      if (p.state === "frozen" && frozen === undefined) frozen = p;
    }
    return frozen;
  }

  /** Whether a check is queued or possible. */
  hasWork(): boolean {
    if (this.#triggered.length > 0) return true;
    for (const p of this.#pairs) if (p.state === "waiting" || p.state === "frozen") return true;
    return false;
  }

  /** Whether any pair is still Frozen, Waiting or In-Progress. */
  isRunning(): boolean {
    for (const p of this.#pairs) if (p.state !== "succeeded" && p.state !== "failed") return true;
    return this.#triggered.length > 0;
  }

  /** How many pairs are Waiting or In-Progress (for the RTO of RFC 8445 §14.3). */
  activeCount(): number {
    let n = 0;
    for (const p of this.#pairs) if (p.state === "waiting" || p.state === "in-progress") n++;
    return n;
  }

  /** Empties the list (ICE restart). */
  clear(): void {
    this.#pairs.length = 0;
    this.#triggered.clear();
  }
}
