/**
 * When the regular RTCP report of a bundle goes out: RFC 3550 §6.2/§6.3 and the Appendix A.7
 * algorithm, with the RTP/AVPF changes of RFC 4585 §3.5 and the multi-stream rules of RFC 8108
 * §5 (one compound packet per interval reports every local SSRC; each SSRC counts as a member).
 *
 * ```
 *  rtcp_bw = 5 % × session bandwidth                         (RFC 3550 §6.2)
 *  senders ≤ 25 % of members?  we sent: 25 % of rtcp_bw over the senders
 *                              else:    75 % of rtcp_bw over the receivers      (§6.3.1)
 *  Td = max(Tmin, avg_rtcp_size × n / rtcp_bw)
 *       Tmin: AVPF 1 s before the first report, then 0 (RFC 4585 §3.5.1);
 *             AVP 5 s (2.5 s before the first), or 360 / session-kbps (§6.2 reduced minimum)
 *  T  = Td × U[0.5, 1.5] / (e − 3/2)                         (§6.3.1 compensation)
 *  at tn: reconsider (§6.3.6): tp + T(now) > now ? re-arm at tp + T : report, tp = now
 *  AVPF: a regular report closer than T_rr (trr-int × U[0.5, 1.5]) to the last one is
 *        suppressed (RFC 4585 §3.5.3); feedback goes at once and only counts in avg_rtcp_size
 * ```
 *
 * Sizes count the IPv4 and UDP headers (§6.2: "including lower-layer transport and network
 * protocols"); avg_rtcp_size follows every RTCP packet sent or received (A.7 OnReceive, with
 * gain 1/16). An aggregated report adds its per-SSRC share (RFC 8108 §5.4.1).
 */
import type { Millis, Rng } from "@purertc/common";

/** RFC 3550 §6.2: the RTCP share of the session bandwidth. */
export const RTCP_BANDWIDTH_FRACTION = 0.05;
/** RFC 3550 §6.2: the fraction of the RTCP bandwidth for senders when they are few. */
export const RTCP_SENDER_BW_FRACTION = 0.25;
/** RFC 3550 A.7: e − 3/2, compensating timer reconsideration's drift to lower rates. */
export const RTCP_COMPENSATION = Math.E - 1.5;
/** RFC 3550 §6.2: the fixed minimum interval (halved before the first report). */
export const RTCP_MIN_TIME_MS = 5000;
/** RFC 4585 §3.5.1: Tmin of the first AVPF report. */
export const AVPF_INITIAL_MIN_MS = 1000;
/** IPv4 (20) + UDP (8) headers counted in every RTCP packet size (RFC 3550 §6.2). */
export const RTCP_LOWER_LAYER_BYTES = 28;

/** The session as the interval computation sees it at one moment. */
export interface RtcpIntervalInput {
  /** SSRCs in the session: ours (every reporting SSRC) and the peer's. */
  readonly members: number;
  /** Members that sent RTP since the second-last report (RFC 3550 §6.3.8). */
  readonly senders: number;
  /** Whether one of our SSRCs sent RTP since the second-last report. */
  readonly weSent: boolean;
  /** Session bandwidth, bits/s (RFC 3550 §6.2). */
  readonly sessionBandwidthBps: number;
}

/** Settings of an {@link RtcpScheduler}. */
export interface RtcpIntervalConfig {
  /** RTP/AVPF (RFC 4585 §3.5.1: Tmin 0 after the first report); WebRTC always is. */
  readonly avpf: boolean;
  /** AVP only: the §6.2 reduced minimum 360 / session-kbps seconds instead of 5 s. */
  readonly reducedMinimum: boolean;
  /** RFC 4585 §3.6.3 trr-int: least time between regular reports (ms); 0 = none. */
  readonly trrIntervalMs: number;
}

/**
 * RFC 3550 A.7 `rtcp_interval()` in ms: the deterministic interval Td when `u` is 0.5 (then no
 * randomization), else Td × (u + 0.5) / (e − 3/2) for `u` uniform in [0, 1).
 */
export function rtcpInterval(
  input: RtcpIntervalInput,
  avgRtcpSize: number,
  initial: boolean,
  cfg: RtcpIntervalConfig,
  u?: number,
): Millis {
  let tMin: number;
  if (cfg.avpf) tMin = initial ? AVPF_INITIAL_MIN_MS : 0;
  else if (cfg.reducedMinimum && !initial)
    tMin = 360_000 / Math.max(input.sessionBandwidthBps / 1000, 1e-9);
  else tMin = initial ? RTCP_MIN_TIME_MS / 2 : RTCP_MIN_TIME_MS;
  let bw = (input.sessionBandwidthBps * RTCP_BANDWIDTH_FRACTION) / 8; // bytes per second
  let n = Math.max(input.members, 1);
  if (input.senders <= n * RTCP_SENDER_BW_FRACTION) {
    if (input.weSent) {
      bw *= RTCP_SENDER_BW_FRACTION;
      n = Math.max(input.senders, 1);
    } else {
      bw *= 1 - RTCP_SENDER_BW_FRACTION;
      n = Math.max(n - input.senders, 1);
    }
  }
  const td = Math.max(tMin, bw > 0 ? ((avgRtcpSize * n) / bw) * 1000 : Number.POSITIVE_INFINITY);
  if (u === undefined) return td;
  return (td * (u + 0.5)) / RTCP_COMPENSATION;
}

/** What {@link RtcpScheduler.handleTimeout} decided. */
export type RtcpTimerOutcome = "send" | "suppressed" | "rescheduled" | "idle";

/** The timer of regular reports: A.7 OnExpire with reconsideration and AVPF trr-int. */
export class RtcpScheduler {
  readonly #cfg: RtcpIntervalConfig;
  readonly #rng: Rng;
  /** tp: when the last report was due (sent or suppressed); tn: the next. */
  #tp: Millis | undefined;
  #tn: Millis | undefined;
  /** The report before the last: senders are who sent since then (§6.3.8). */
  #secondLast: Millis | undefined;
  #initial = true;
  #avgRtcpSize: number;
  #rrLast: Millis | undefined;
  #rrCurrent = 0;
  #lastInterval: Millis | undefined;

  constructor(cfg: RtcpIntervalConfig, rng: Rng, initialAvgSize: number) {
    this.#cfg = cfg;
    this.#rng = rng;
    this.#avgRtcpSize = initialAvgSize;
  }

  /** The average RTCP packet size in bytes, lower layers included (A.7 `avg_rtcp_size`). */
  get avgRtcpSize(): number {
    return this.#avgRtcpSize;
  }

  /** The randomized interval drawn for the pending report (ms). */
  get lastInterval(): Millis | undefined {
    return this.#lastInterval;
  }

  /** Since when RTP counts as "sent recently" (the second-last report, §6.3.8). */
  get senderWindowStart(): Millis | undefined {
    return this.#secondLast;
  }

  get running(): boolean {
    return this.#tn !== undefined;
  }

  pollTimeout(): Millis | undefined {
    return this.#tn;
  }

  /** Arms the first report (A.7 initialization: `tp = 0`, `initial = true`). */
  start(now: Millis, input: RtcpIntervalInput): void {
    if (this.#tn !== undefined) return;
    this.#tp = now;
    this.#secondLast ??= now;
    this.#tn = now + this.#draw(input);
  }

  /** Stops reporting (no streams, or no keys); `start` arms again as initial. */
  stop(): void {
    this.#tn = undefined;
    this.#tp = undefined;
    this.#initial = true;
  }

  /**
   * The timer fired (A.7 OnExpire, §6.3.6 reconsideration): "send" when the regular report is
   * due now (the caller then sends it and calls {@link noteSent} with `regular`), "suppressed"
   * when AVPF's trr-int holds it back, "rescheduled" when the recomputed interval puts it later.
   */
  handleTimeout(now: Millis, input: RtcpIntervalInput): RtcpTimerOutcome {
    const tn = this.#tn;
    if (tn === undefined || now < tn) return "idle";
    const t = this.#draw(input);
    if (this.#tp! + t > now) {
      this.#tn = this.#tp! + t;
      return "rescheduled";
    }
    const trr = this.#cfg.avpf ? this.#cfg.trrIntervalMs : 0;
    const suppressed =
      trr > 0 && this.#rrLast !== undefined && now < this.#rrLast + this.#rrCurrent;
    this.#secondLast = this.#tp;
    this.#tp = now;
    if (!suppressed) {
      this.#rrLast = now;
      this.#rrCurrent = trr * (this.#rng.nextU32() / 0x100000000 + 0.5);
      this.#initial = false;
    }
    // Cycles before the trr-int deadline would all be suppressed: wake at the deadline instead
    // of every few ms (only the quantization of the report time to a cycle end differs).
    const next = now + this.#draw(input);
    this.#tn = trr > 0 ? Math.max(next, this.#rrLast! + this.#rrCurrent) : next;
    return suppressed ? "suppressed" : "send";
  }

  /**
   * Any RTCP packet sent or received (A.7 OnReceive / after sending): `bytes` of the compound
   * on the wire without lower layers, shared by `ssrcs` reporting SSRCs (RFC 8108 §5.4.1).
   */
  noteRtcp(bytes: number, ssrcs = 1): void {
    const size = bytes / Math.max(ssrcs, 1) + RTCP_LOWER_LAYER_BYTES;
    this.#avgRtcpSize = size / 16 + (15 * this.#avgRtcpSize) / 16;
  }

  #draw(input: RtcpIntervalInput): Millis {
    const u = this.#rng.nextU32() / 0x100000000;
    const t = rtcpInterval(input, this.#avgRtcpSize, this.#initial, this.#cfg, u);
    this.#lastInterval = t;
    return t;
  }
}
