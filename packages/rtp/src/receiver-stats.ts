import type { Millis } from "@purertc/common";
import type { ReportBlock, SenderReport } from "./rtcp-report.js";

/** A snapshot of one source's reception statistics. */
export interface ReceiverStatsSnapshot {
  readonly ssrc: number;
  readonly packetsReceived: number;
  /** Expected minus received since the first packet (RFC 3550 A.3); may be negative with duplicates. */
  readonly packetsLost: number;
  /** Extended highest sequence number received (cycles << 16 | max seq). */
  readonly extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units (RFC 3550 A.8). */
  readonly jitter: number;
}

/** RFC 3550 A.1: "MAX_DROPOUT = 3000, MAX_MISORDER = 100". */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;

/**
 * Reception statistics of one synchronization source (RFC 3550 §6.4.1 and Appendix A):
 * extended sequence numbers (A.1, A.3), interarrival jitter (A.8), loss and fraction lost since
 * the previous report, and the LSR/DLSR of the last SR. Arrival times are passed in.
 */
export class ReceiverStats {
  readonly ssrc: number;
  readonly clockRate: number;
  #initialized = false;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #transit = 0;
  #jitter = 0;
  #lastSr = 0;
  #lastSrAt: Millis | undefined;

  constructor(ssrc: number, clockRate: number) {
    if (!(clockRate > 0)) throw new RangeError(`ReceiverStats: clock rate ${clockRate}`);
    this.ssrc = ssrc;
    this.clockRate = clockRate;
  }

  /** Records one received packet (A.1 update_seq, A.8 jitter). */
  handlePacket(now: Millis, sequenceNumber: number, timestamp: number): void {
    const seq = sequenceNumber & 0xffff;
    if (!this.#initialized) {
      this.#initialized = true;
      this.#restart(seq);
    } else {
      const delta = (seq - this.#maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
      if (delta < MAX_DROPOUT) {
        if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
        this.#maxSeq = seq;
      } else if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
        // A large jump: "if two sequential packets arrive, accept the latter as a restart".
        if (seq === this.#badSeq) {
          this.#restart(seq);
        } else {
          this.#badSeq = (seq + 1) & 0xffff;
          return;
        }
      }
    }
    this.#received++;
    // A.8: D(i-1,i) = (Rj - Ri) - (Sj - Si); J += (|D| - J) / 16, arrival in timestamp units.
    const arrival = Math.round((now * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.#received > 1) {
      const d = Math.abs((transit - this.#transit) | 0);
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#transit = transit;
  }

  #restart(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#cycles = 0;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#received = 0;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
  }

  /** Remembers the SR's middle 32 NTP bits and arrival time, for LSR/DLSR (RFC 3550 §6.4.1). */
  handleSenderReport(now: Millis, sr: SenderReport): void {
    this.#lastSr = Number((sr.ntpTime >> 16n) & 0xffffffffn);
    this.#lastSrAt = now;
  }

  snapshot(): ReceiverStatsSnapshot {
    const ext = this.#cycles + this.#maxSeq;
    return {
      ssrc: this.ssrc,
      packetsReceived: this.#received,
      packetsLost: this.#initialized ? ext - this.#baseSeq + 1 - this.#received : 0,
      extendedHighestSequence: ext >>> 0,
      jitter: Math.floor(this.#jitter),
    };
  }

  /**
   * The report block for an RR or SR (RFC 3550 A.3): fraction lost since the previous call,
   * cumulative loss clamped to 24 bits, jitter, LSR and DLSR in 1/65536 s. Advances the
   * "prior" counters, so call it once per report.
   */
  reportBlock(now: Millis): ReportBlock {
    const ext = this.#cycles + this.#maxSeq;
    const expected = this.#initialized ? ext - this.#baseSeq + 1 : 0;
    const lost = Math.max(-0x800000, Math.min(0x7fffff, expected - this.#received));
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0
        ? 0
        : Math.floor((lostInterval << 8) / expectedInterval);
    const dlsr =
      this.#lastSrAt === undefined ? 0 : Math.round(((now - this.#lastSrAt) * 65536) / 1000) >>> 0;
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      packetsLost: lost,
      highestSequence: ext >>> 0,
      jitter: Math.floor(this.#jitter) >>> 0,
      lastSr: this.#lastSr,
      delaySinceLastSr: this.#lastSrAt === undefined ? 0 : dlsr,
    };
  }
}
