import type { Millis } from "@purertc/common";
import { tsnLte } from "../serial.js";

/**
 * Congestion control of RFC 9260 §7.2: slow start, congestion avoidance with
 * partial_bytes_acked, fast recovery (§7.2.4), the reaction to T3-rtx expiry (§7.2.3) and the
 * decay of an unused window (§7.2.1). All quantities are bytes.
 */
export class CongestionControl {
  /** The packet size the rules count in: the current PLPMTU (RFC 8899 §5.1.3). */
  #mtu: number;
  cwnd: number;
  ssthresh: number;
  partialBytesAcked = 0;
  inFastRecovery = false;
  /** Fast Recovery exits when the cumulative ack reaches this TSN (§7.2.4 step 5). */
  #recoveryExit = 0;
  /** When DATA last went out (moved on by the RTOs of idleness already accounted), or -1. */
  #lastSent = -1;

  get mtu(): number {
    return this.#mtu;
  }

  /** The PLPMTU changed: later increments and reductions use the new size. */
  set mtu(v: number) {
    this.#mtu = v;
  }

  constructor(mtu: number, peerRwnd: number) {
    this.#mtu = mtu;
    // §7.2.1: initial cwnd = min(4*MTU, max(2*MTU, 4404)); initial ssthresh = peer's a_rwnd.
    this.cwnd = Math.min(4 * mtu, Math.max(2 * mtu, 4404));
    this.ssthresh = peerRwnd;
  }

  /**
   * A SACK advanced the cumulative ack by `ackedBytes` newly acknowledged bytes while
   * `flightBefore` bytes were in flight.
   */
  onCumulativeAck(cumTsn: number, ackedBytes: number, flightBefore: number): void {
    if (this.inFastRecovery) {
      if (tsnLte(this.#recoveryExit, cumTsn)) this.inFastRecovery = false;
      else return; // §7.2.4: no cwnd growth during Fast Recovery
    }
    if (ackedBytes === 0) return;
    // "fully utilized": the sender had at least cwnd - MTU outstanding.
    const utilized = flightBefore + this.#mtu >= this.cwnd;
    if (this.cwnd <= this.ssthresh) {
      // §7.2.1 slow start: cwnd += min(acked bytes, MTU) when cwnd was fully utilized.
      if (utilized) this.cwnd += Math.min(ackedBytes, this.#mtu);
    } else {
      // §7.2.2 congestion avoidance.
      this.partialBytesAcked += ackedBytes;
      if (this.partialBytesAcked >= this.cwnd && utilized) {
        this.partialBytesAcked -= this.cwnd;
        this.cwnd += this.#mtu;
      }
    }
  }

  /**
   * §7.2.1: "When the endpoint does not transmit data on a given transport address, the cwnd of
   * the transport address SHOULD be adjusted to max(cwnd/2, 4*MTU) per RTO." Applied when DATA
   * may go out at `now` with nothing in flight: once for every `rto` ms since the last DATA (a
   * window grown by an earlier burst is not blasted onto a path that may have changed since).
   */
  beforeSend(now: Millis, rto: number, flight: number): void {
    if (this.#lastSent < 0 || flight > 0) return;
    const floor = 4 * this.#mtu;
    while (now - this.#lastSent >= rto && this.cwnd > floor) {
      this.cwnd = Math.max(this.cwnd / 2, floor) | 0;
      this.#lastSent += rto;
    }
  }

  /** DATA went out at `now`. */
  onSent(now: Millis): void {
    this.#lastSent = now;
  }

  /** §7.2.4 step 4: entering Fast Recovery on a fast retransmit; `highestTsn` is the exit point. */
  onFastRetransmit(highestTsn: number): void {
    if (this.inFastRecovery) return;
    this.ssthresh = Math.max(this.cwnd / 2, 4 * this.#mtu) | 0;
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
    this.inFastRecovery = true;
    this.#recoveryExit = highestTsn;
  }

  /** §7.2.3: on T3-rtx expiry. */
  onRetransmissionTimeout(): void {
    this.ssthresh = Math.max(this.cwnd / 2, 4 * this.#mtu) | 0;
    this.cwnd = this.#mtu;
    this.partialBytesAcked = 0;
    this.inFastRecovery = false;
  }
}
