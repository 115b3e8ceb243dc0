/**
 * The retransmission timeout calculation of RFC 6298 as adapted by RFC 9260 §6.3.1, in ms:
 * RTO.Alpha = 1/8, RTO.Beta = 1/4, clamped to [RTO.Min, RTO.Max], doubled on expiry (§6.3.3 E2).
 */
export class Rto {
  readonly #min: number;
  readonly #max: number;
  #srtt = 0;
  #rttvar = 0;
  #rto: number;
  #measured = false;

  constructor(initialMs: number, minMs: number, maxMs: number) {
    this.#min = minMs;
    this.#max = maxMs;
    this.#rto = initialMs;
  }

  /** The current RTO in ms. */
  get value(): number {
    return this.#rto;
  }

  /** Smoothed RTT in ms (0 before the first measurement). */
  get srtt(): number {
    return this.#srtt;
  }

  /** Feeds one RTT measurement R (ms) from a chunk sent exactly once (Karn's rule, §6.3.1 C5). */
  observe(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (!this.#measured) {
      // C1: SRTT <- R, RTTVAR <- R/2
      this.#srtt = r;
      this.#rttvar = r / 2;
      this.#measured = true;
    } else {
      // C2: RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|; SRTT <- (1 - alpha) * SRTT + alpha * R'
      this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - r);
      this.#srtt = 0.875 * this.#srtt + 0.125 * r;
    }
    // RTO <- SRTT + 4 * RTTVAR (with G, the clock granularity, of 1 ms)
    this.#rto = this.#clamp(this.#srtt + Math.max(1, 4 * this.#rttvar));
  }

  /** E2: RTO <- RTO * 2 ("back off the timer"), up to RTO.Max. */
  backoff(): void {
    this.#rto = this.#clamp(this.#rto * 2);
  }

  #clamp(v: number): number {
    return Math.min(this.#max, Math.max(this.#min, v));
  }
}
