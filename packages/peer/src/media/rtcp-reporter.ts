/**
 * The regular RTCP reports of a media session: the A.7 timer (./rtcp-interval.ts) fed with the
 * session as it stands (./media-session-config.ts `rtcpIntervalInput`), and the compound packets
 * due when it fires (./rtcp-reports.ts). Sans-IO: the session protects and sends what
 * {@link RtcpReporter.handleTimeout} returns and tells it every RTCP packet's size.
 *
 * ```
 *  arm ─▶ RtcpScheduler.start ─▶ pollTimeout ─▶ handleTimeout ─┬─ "send" ─▶ buildReports ─▶ compounds
 *                                                              └─ reconsidered / suppressed ─▶ re-armed
 *  noteRtcp(size) ◀── every RTCP packet sent (its SSRC share) or received
 * ```
 */
import type { Millis, Rng } from "@purertc/common";
import { type MediaSessionConfig, rtcpIntervalInput } from "./media-session-config.js";
import type { ReceiveStream } from "./receive-stream.js";
import { type RtcpIntervalInput, RtcpScheduler } from "./rtcp-interval.js";
import { buildReports, type ReportCompound } from "./rtcp-reports.js";
import type { SendStream } from "./send-stream.js";

/** IPv4 + UDP (28), SR with one block (52), SDES header (4), SRTCP index + 80-bit tag (14). */
const FIRST_REPORT_OVERHEAD = 28 + 52 + 4 + 14;

/** Times and builds the regular reports of one bundle's senders and receivers. */
export class RtcpReporter {
  readonly #cfg: MediaSessionConfig;
  readonly #cname: string;
  readonly #rtcpSsrc: number;
  readonly #senders: ReadonlyMap<number, SendStream>;
  readonly #receivers: ReadonlyMap<number, ReceiveStream>;
  readonly #timer: RtcpScheduler;

  constructor(
    cfg: MediaSessionConfig,
    rng: Rng,
    cname: string,
    rtcpSsrc: number,
    senders: ReadonlyMap<number, SendStream>,
    receivers: ReadonlyMap<number, ReceiveStream>,
  ) {
    this.#cfg = cfg;
    this.#cname = cname;
    this.#rtcpSsrc = rtcpSsrc;
    this.#senders = senders;
    this.#receivers = receivers;
    // A.7: avg_rtcp_size starts at the likely first report (its SDES chunk holds the CNAME).
    const sdesChunk = Math.ceil((7 + new TextEncoder().encode(cname).length) / 4) * 4;
    this.#timer = new RtcpScheduler(cfg, rng, FIRST_REPORT_OVERHEAD + sdesChunk);
  }

  /** Runs the timer while `active` (keyed, with streams), else stops it. */
  arm(now: Millis, active: boolean): void {
    if (active) this.#timer.start(now, this.#input());
    else this.#timer.stop();
  }

  pollTimeout(): Millis | undefined {
    return this.#timer.pollTimeout();
  }

  /** The compounds of the report due at `now` (empty when none is, or nothing to report). */
  handleTimeout(now: Millis): ReportCompound[] {
    if (this.#timer.handleTimeout(now, this.#input()) !== "send") return [];
    const input = {
      now,
      wallClockOffsetMs: this.#cfg.wallClockOffsetMs,
      rtcpSsrc: this.#rtcpSsrc,
      cname: this.#cname,
      maxBytes: this.#cfg.maxRtcpBytes,
    };
    return buildReports(input, this.#senders.values(), this.#receivers.values());
  }

  /** An RTCP packet of `bytes` sent (for `ssrcs` reporting SSRCs) or received. */
  noteRtcp(bytes: number, ssrcs = 1): void {
    this.#timer.noteRtcp(bytes, ssrcs);
  }

  #input(): RtcpIntervalInput {
    const since = this.#timer.senderWindowStart ?? 0;
    return rtcpIntervalInput(this.#cfg, this.#senders.values(), this.#receivers.values(), since);
  }
}
