import type { Millis } from "@purertc/common";
import { type TransportCcFeedback, TWCC_NOT_RECEIVED } from "./rtcp-twcc.js";

/** Settings of a {@link TransportCcSendHistory}. */
export interface TransportCcSendHistoryConfig {
  /** Sent packets remembered (a feedback older than this many packets finds nothing). */
  readonly capacity: number;
  /** Window of the acknowledged bitrate, in ms of the receiver's arrival clock. */
  readonly rateWindowMs: number;
}

export const DEFAULT_TRANSPORT_CC_SEND_HISTORY_CONFIG: TransportCcSendHistoryConfig = Object.freeze(
  {
    capacity: 4096,
    // libwebrtc's AcknowledgedBitrateEstimator starts with a 500 ms window and settles at 150 ms;
    // a plain 500 ms window is steady enough for stats.
    rateWindowMs: 500,
  },
);

/** One packet a feedback reported on. */
export interface TransportCcPacketResult {
  readonly sequenceNumber: number;
  /** When we sent it (our clock, ms). */
  readonly sendTime: Millis;
  /** Bytes on the wire (SRTP included). */
  readonly size: number;
  /**
   * Arrival at the receiver in ms of the receiver's clock (reference time × 64 ms + deltas, §3.1),
   * or `undefined` when reported lost.
   */
  readonly arrivalTime: number | undefined;
}

/** What one feedback packet told us. */
export interface TransportCcFeedbackResult {
  readonly packets: readonly TransportCcPacketResult[];
  readonly received: number;
  readonly lost: number;
  /** Bits per second delivered over the recent window, or `undefined` until measurable. */
  readonly acknowledgedBitrate: number | undefined;
}

/**
 * Send side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 §1): remembers the send time and size of each transport-wide sequence number and
 * matches incoming feedback to them, giving per-packet send/arrival times (the input of a delay-
 * based estimator) and the acknowledged bitrate (bytes the receiver got per second of its clock).
 * Sans-IO; fixed memory (typed-array ring).
 */
export class TransportCcSendHistory {
  readonly #cfg: TransportCcSendHistoryConfig;
  readonly #seq: Int32Array;
  readonly #sentAt: Float64Array;
  readonly #size: Uint32Array;
  /** Arrivals (receiver clock) and sizes of acknowledged packets inside the rate window. */
  readonly #ackAt: number[] = [];
  readonly #ackSize: number[] = [];
  #ackBytes = 0;
  #packetsSent = 0;
  #feedbacks = 0;

  constructor(config: Partial<TransportCcSendHistoryConfig> = {}) {
    this.#cfg = { ...DEFAULT_TRANSPORT_CC_SEND_HISTORY_CONFIG, ...config };
    const { capacity, rateWindowMs } = this.#cfg;
    if (!Number.isInteger(capacity) || capacity < 16)
      throw new RangeError(`TransportCcSendHistory: capacity ${capacity}`);
    if (!(rateWindowMs > 0))
      throw new RangeError(`TransportCcSendHistory: rateWindowMs ${rateWindowMs}`);
    this.#seq = new Int32Array(capacity).fill(-1);
    this.#sentAt = new Float64Array(capacity);
    this.#size = new Uint32Array(capacity);
  }

  /** Records a packet that left with transport-wide sequence number `sequenceNumber`. */
  handleSent(now: Millis, sequenceNumber: number, size: number): void {
    const seq = sequenceNumber & 0xffff;
    const i = seq % this.#cfg.capacity;
    this.#seq[i] = seq;
    this.#sentAt[i] = now;
    this.#size[i] = size;
    this.#packetsSent++;
  }

  /** Matches a feedback packet to what we sent. Unknown sequence numbers are skipped. */
  handleFeedback(fb: TransportCcFeedback): TransportCcFeedbackResult {
    this.#feedbacks++;
    const packets: TransportCcPacketResult[] = [];
    let t = fb.referenceTime * 64;
    let d = 0;
    let received = 0;
    let lost = 0;
    let latest = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < fb.statuses.length; k++) {
      const seq = (fb.baseSequenceNumber + k) & 0xffff;
      let arrival: number | undefined;
      if (fb.statuses[k] !== TWCC_NOT_RECEIVED) {
        t += (fb.deltas[d++] ?? 0) / 4;
        arrival = t;
      }
      const i = seq % this.#cfg.capacity;
      if (this.#seq[i] !== seq) continue;
      const size = this.#size[i]!;
      packets.push({ sequenceNumber: seq, sendTime: this.#sentAt[i]!, size, arrivalTime: arrival });
      if (arrival === undefined) {
        lost++;
        continue;
      }
      received++;
      this.#ackAt.push(arrival);
      this.#ackSize.push(size);
      this.#ackBytes += size;
      if (arrival > latest) latest = arrival;
    }
    if (latest > Number.NEGATIVE_INFINITY) this.#trim(latest);
    return { packets, received, lost, acknowledgedBitrate: this.acknowledgedBitrate };
  }

  /** Bits per second the receiver acknowledged over the window, once it spans 100 ms. */
  get acknowledgedBitrate(): number | undefined {
    const n = this.#ackAt.length;
    if (n < 2) return undefined;
    const span = this.#ackAt[n - 1]! - this.#ackAt[0]!;
    if (span < 100) return undefined;
    // The first packet's bytes arrived before the window opened: count the rest over the span.
    return Math.round(((this.#ackBytes - this.#ackSize[0]!) * 8 * 1000) / span);
  }

  get packetsSent(): number {
    return this.#packetsSent;
  }

  get feedbacksReceived(): number {
    return this.#feedbacks;
  }

  #trim(latest: number): void {
    const from = latest - this.#cfg.rateWindowMs;
    let k = 0;
    while (k < this.#ackAt.length && this.#ackAt[k]! < from) {
      this.#ackBytes -= this.#ackSize[k]!;
      k++;
    }
    if (k > 0) {
      this.#ackAt.splice(0, k);
      this.#ackSize.splice(0, k);
    }
  }
}
