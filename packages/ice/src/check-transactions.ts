/**
 * Outstanding connectivity and consent checks (RFC 8445 §7.2.4, §14.3): one STUN transaction
 * per check, retransmitted with a doubling RTO (capped) until its transmissions are spent.
 */
import { type Millis, TimerTable } from "@purertc/common";
import type { StunIntegrityKey } from "@purertc/stun";
import type { CandidatePair } from "./candidate-pair.js";
import type { IceRole } from "./check-messages.js";

/** One check in flight. */
export interface CheckTransaction {
  /** `transactionKey()` of the transaction id. */
  readonly key: string;
  readonly pair: CandidatePair;
  readonly request: Uint8Array;
  /** The remote password's key the response must verify with. */
  readonly remoteKey: StunIntegrityKey;
  /** Our role when it was sent (RFC 8445 §7.2.5.1 compares it on a 487). */
  readonly role: IceRole;
  /** The PRIORITY sent (a local prflx candidate learned from the answer gets it). */
  readonly priority: number;
  readonly useCandidate: boolean;
  /** The NOMINATION value sent with USE-CANDIDATE (renomination), else 0. */
  readonly nomination: number;
  /** A consent check (RFC 7675) rather than a connectivity check. */
  readonly consent: boolean;
  readonly startedAt: Millis;
  rto: number;
  sent: number;
}

/** The table of checks in flight with one deadline each. */
export class CheckTransactions {
  readonly #txs = new Map<string, CheckTransaction>();
  readonly #timers = new TimerTable<string>();
  readonly #maxRtoMs: number;
  readonly #transmissions: number;

  constructor(maxRtoMs: number, transmissions: number) {
    this.#maxRtoMs = maxRtoMs;
    this.#transmissions = transmissions;
  }

  add(tx: CheckTransaction): void {
    this.#txs.set(tx.key, tx);
  }

  get(key: string): CheckTransaction | undefined {
    return this.#txs.get(key);
  }

  /** Forgets a transaction and its deadline. */
  remove(key: string): void {
    this.#txs.delete(key);
    this.#timers.clear(key);
  }

  /** Forgets every transaction `drop` selects and returns them. */
  removeWhere(drop: (tx: CheckTransaction) => boolean): CheckTransaction[] {
    const out: CheckTransaction[] = [];
    for (const tx of this.#txs.values()) {
      if (!drop(tx)) continue;
      this.remove(tx.key);
      out.push(tx);
    }
    return out;
  }

  clear(): void {
    this.#txs.clear();
    this.#timers.clearAll();
  }

  /** Records one transmission and arms the next deadline. */
  transmitted(now: Millis, tx: CheckTransaction): void {
    tx.sent++;
    this.#timers.set(tx.key, now + tx.rto);
  }

  nextTimeout(): Millis | undefined {
    return this.#timers.next();
  }

  /**
   * Handles due deadlines: a transaction with transmissions left gets a doubled RTO and is
   * handed to `retransmit`; a spent one is removed and handed to `timedOut`.
   */
  expire(
    now: Millis,
    retransmit: (tx: CheckTransaction) => void,
    timedOut: (tx: CheckTransaction) => void,
  ): void {
    for (const key of this.#timers.expire(now)) {
      const tx = this.#txs.get(key);
      if (!tx) continue;
      if (tx.sent < this.#transmissions) {
        tx.rto = Math.min(tx.rto * 2, this.#maxRtoMs);
        retransmit(tx);
      } else {
        this.#txs.delete(key);
        timedOut(tx);
      }
    }
  }
}
