import { tsnLt, tsnLte } from "../serial.js";

/**
 * Receive-side TSN bookkeeping (RFC 9260 §6.2): the cumulative TSN, the out-of-order TSNs
 * above it (reported as gap ack blocks), duplicates since the last SACK, and the delayed-SACK
 * decision (§6.2: acknowledge at least every second packet, immediately on gaps and duplicates).
 */
export class DataTracker {
  /** Highest TSN received in sequence. */
  cumTsn: number;
  readonly #above = new Set<number>();
  #dups: number[] = [];
  readonly #maxOutOfOrder: number;
  /** Packets with DATA received since the last SACK was sent. */
  packetsSinceSack = 0;
  /** A SACK must go out with the next packet (no delay). */
  sackNow = false;
  /** A SACK is owed (sent on the delayed-ack timer or bundled with outgoing data). */
  sackPending = false;
  duplicatesReceived = 0;

  constructor(peerInitialTsn: number, maxOutOfOrder: number) {
    this.cumTsn = (peerInitialTsn - 1) >>> 0;
    this.#maxOutOfOrder = maxOutOfOrder;
  }

  /** Whether `tsn` was already received. */
  isDuplicate(tsn: number): boolean {
    return tsnLte(tsn, this.cumTsn) || this.#above.has(tsn);
  }

  /** Whether `tsn` may be accepted: not too far ahead of the cumulative TSN. */
  acceptable(tsn: number): boolean {
    const d = (tsn - this.cumTsn) | 0;
    return d > 0 && (d === 1 || this.#above.size < this.#maxOutOfOrder) && d < 0x40000000;
  }

  /** Records a duplicate (reported in the next SACK, which goes out at once, §6.2). */
  duplicate(tsn: number): void {
    this.duplicatesReceived++;
    if (this.#dups.length < 32) this.#dups.push(tsn);
    this.sackNow = true;
  }

  /** Records a newly received TSN; returns true when it was out of order (a gap exists). */
  observe(tsn: number): boolean {
    if (tsn === (this.cumTsn + 1) >>> 0) {
      this.cumTsn = tsn;
      if (this.#above.size > 0) this.#advance();
      return this.#above.size > 0;
    }
    this.#above.add(tsn);
    return true;
  }

  /** FORWARD TSN (RFC 3758 §3.6): treat everything up to `newCum` as received. */
  forwardTo(newCum: number): boolean {
    if (!tsnLt(this.cumTsn, newCum)) return false;
    this.cumTsn = newCum;
    for (const t of this.#above) if (tsnLte(t, newCum)) this.#above.delete(t);
    this.#advance();
    return true;
  }

  /** Whether there are gaps above the cumulative TSN. */
  get hasGaps(): boolean {
    return this.#above.size > 0;
  }

  #advance(): void {
    while (this.#above.delete((this.cumTsn + 1) >>> 0)) this.cumTsn = (this.cumTsn + 1) >>> 0;
  }

  /** Gap ack blocks as flat `[start, end, ...]` offsets, at most `max` blocks (§3.3.4). */
  gapBlocks(max: number): number[] {
    if (this.#above.size === 0) return [];
    const offs: number[] = [];
    for (const t of this.#above) offs.push((t - this.cumTsn) | 0);
    offs.sort((a, b) => a - b);
    const out: number[] = [];
    let start = offs[0]!;
    let prev = start;
    for (let i = 1; i <= offs.length; i++) {
      const o = offs[i];
      if (o === prev + 1) {
        prev = o;
        continue;
      }
      if (out.length / 2 >= max || start > 0xffff) break;
      out.push(start, Math.min(prev, 0xffff));
      if (o === undefined || prev > 0xffff) break;
      start = prev = o;
    }
    return out;
  }

  /** Duplicates to report, cleared by the call. */
  takeDuplicates(): number[] {
    const d = this.#dups;
    if (d.length > 0) this.#dups = [];
    return d;
  }

  /** Called when a SACK was written. */
  sackSent(): void {
    this.packetsSinceSack = 0;
    this.sackNow = false;
    this.sackPending = false;
  }
}
