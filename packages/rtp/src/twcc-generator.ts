import type { Millis } from "@purertc/common";
import { type TransportCcFeedback, TWCC_NOT_RECEIVED } from "./rtcp-twcc.js";

/** Settings of a {@link TransportCcGenerator}. */
export interface TransportCcGeneratorConfig {
  /** SSRC written as the feedback's packet sender. */
  readonly senderSsrc: number;
  /**
   * SSRC of the media source when {@link TransportCcGenerator.handlePacket} is not told the
   * packets' SSRC. libwebrtc's RTCP receivers only act on feedback whose media SSRC is one of
   * the streams they send, so pass the SSRC of the packets to handlePacket.
   */
  readonly mediaSsrc: number;
  /** Feedback period; libwebrtc sends every 100 ms by default (kDefaultSendIntervalMs). */
  readonly intervalMs: number;
}

export const DEFAULT_TRANSPORT_CC_GENERATOR_CONFIG: TransportCcGeneratorConfig = Object.freeze({
  senderSsrc: 0,
  mediaSsrc: 0,
  intervalMs: 100,
});

/** The ring's first and largest sizes (powers of two). */
const MIN_RING = 256;
const MAX_RING = 0x10000;

/**
 * Receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 §3): records the arrival time of every transport-wide sequence number and
 * produces feedback packets periodically. Sans-IO: arrival times and `now` are passed in.
 */
export class TransportCcGenerator {
  readonly #cfg: TransportCcGeneratorConfig;
  /**
   * Arrival time (ms, fractional allowed) by extended sequence number, in a ring indexed by its
   * low bits (NaN: not received) that holds the unreported range [nextBase, highest]. It starts
   * small (an audio stream reports a handful per period) and doubles with that range up to 2^16
   * numbers (what feedback can cover), past which the oldest are given up.
   */
  #arrivals = new Float64Array(0);
  #mask = -1;
  #highest = -1;
  #nextBase = -1;
  #fbCount = 0;
  #nextSendAt: Millis | undefined;
  #lastSentAt: Millis | undefined;
  #mediaSsrc: number;

  constructor(config: Partial<TransportCcGeneratorConfig> = {}) {
    this.#cfg = { ...DEFAULT_TRANSPORT_CC_GENERATOR_CONFIG, ...config };
    this.#mediaSsrc = this.#cfg.mediaSsrc;
    if (!(this.#cfg.intervalMs > 0))
      throw new RangeError(`TransportCcGenerator: intervalMs ${this.#cfg.intervalMs}`);
  }

  /**
   * Records one packet carrying the transport-wide-cc extension; `ssrc`, the packet's SSRC,
   * becomes the feedback's media source SSRC (libwebrtc's RemoteEstimatorProxy does the same).
   */
  handlePacket(now: Millis, transportSequenceNumber: number, ssrc?: number): void {
    if (ssrc !== undefined) this.#mediaSsrc = ssrc >>> 0;
    let ext: number;
    if (this.#highest < 0) {
      ext = 0x100000 + (transportSequenceNumber & 0xffff);
      this.#nextBase = ext;
    } else {
      const delta =
        (((transportSequenceNumber & 0xffff) - (this.#highest & 0xffff) + 0x8000) & 0xffff) -
        0x8000;
      ext = this.#highest + delta;
    }
    if (ext < this.#nextBase) return;
    if (ext > this.#highest) {
      while (ext - this.#nextBase >= this.#arrivals.length) {
        if (this.#arrivals.length < MAX_RING) this.#grow();
        // Unreported for 2^16 numbers: the oldest are given up (never reported).
        else this.#arrivals[this.#nextBase++ & this.#mask] = Number.NaN;
      }
      this.#highest = ext;
    }
    const i = ext & this.#mask;
    if (Number.isNaN(this.#arrivals[i]!)) this.#arrivals[i] = now;
    // A fixed period while packets flow (libwebrtc's send interval), not one period after the
    // first packet following each feedback.
    this.#nextSendAt ??=
      this.#lastSentAt === undefined
        ? now + this.#cfg.intervalMs
        : Math.max(now, this.#lastSentAt + this.#cfg.intervalMs);
  }

  pollTimeout(): Millis | undefined {
    return this.#nextSendAt;
  }

  /** Doubles the ring (first use: its first size), keeping the unreported range. */
  #grow(): void {
    const old = this.#arrivals;
    const next = new Float64Array(old.length === 0 ? MIN_RING : old.length * 2).fill(Number.NaN);
    const mask = next.length - 1;
    for (let k = this.#nextBase; k <= this.#highest; k++) next[k & mask] = old[k & this.#mask]!;
    this.#arrivals = next;
    this.#mask = mask;
  }

  /**
   * Feedback for everything received since the last call, when the interval has elapsed (or
   * always with `force`). Several packets when deltas overflow 16 bits or the run passes 65535.
   */
  pollFeedback(now: Millis, force = false): TransportCcFeedback[] {
    if (this.#nextSendAt === undefined || (!force && now < this.#nextSendAt)) return [];
    this.#nextSendAt = undefined;
    this.#lastSentAt = now;
    const out: TransportCcFeedback[] = [];
    let base = this.#nextBase;
    const arrivals = this.#arrivals;
    const mask = this.#mask;
    while (base <= this.#highest) {
      while (base <= this.#highest && Number.isNaN(arrivals[base & mask]!)) base++;
      if (base > this.#highest) break;
      const firstArrival = arrivals[base & mask]!;
      const referenceTime = Math.floor(firstArrival / 64);
      let prevTicks = referenceTime * 256;
      const statuses: number[] = [];
      const deltas: number[] = [];
      let s = base;
      for (; s <= this.#highest && statuses.length < 0xffff; s++) {
        const at = arrivals[s & mask]!;
        if (Number.isNaN(at)) {
          statuses.push(TWCC_NOT_RECEIVED);
          continue;
        }
        const ticks = Math.round(at * 4);
        const d = ticks - prevTicks;
        if (d < -32768 || d > 32767) break;
        statuses.push(d >= 0 && d <= 255 ? 1 : 2);
        deltas.push(d);
        prevTicks = ticks;
      }
      while (statuses.length > 0 && statuses[statuses.length - 1] === TWCC_NOT_RECEIVED) {
        statuses.pop();
        s--;
      }
      out.push({
        type: "transport-cc",
        senderSsrc: this.#cfg.senderSsrc,
        mediaSsrc: this.#mediaSsrc,
        baseSequenceNumber: base & 0xffff,
        referenceTime: referenceTime & 0x7fffff,
        feedbackPacketCount: this.#fbCount++ & 0xff,
        statuses: Uint8Array.from(statuses),
        deltas: Int32Array.from(deltas),
      });
      base = s;
    }
    for (let k = this.#nextBase; k <= this.#highest; k++) arrivals[k & mask] = Number.NaN;
    this.#nextBase = this.#highest + 1;
    return out;
  }
}

/**
 * The arrival times a feedback packet reports, in ms relative to the reference time origin
 * (reference time × 64 ms), by transport-wide sequence number; lost packets are absent.
 */
export function transportCcArrivals(
  fb: TransportCcFeedback,
): { sequenceNumber: number; arrivalMs: number }[] {
  const out: { sequenceNumber: number; arrivalMs: number }[] = [];
  let t = fb.referenceTime * 64;
  let d = 0;
  for (let i = 0; i < fb.statuses.length; i++) {
    if (fb.statuses[i] === TWCC_NOT_RECEIVED) continue;
    t += fb.deltas[d++]! / 4;
    out.push({ sequenceNumber: (fb.baseSequenceNumber + i) & 0xffff, arrivalMs: t });
  }
  return out;
}
