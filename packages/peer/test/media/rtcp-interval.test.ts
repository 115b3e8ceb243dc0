import { seededRng } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  RTCP_COMPENSATION,
  type RtcpIntervalConfig,
  type RtcpIntervalInput,
  RtcpScheduler,
  rtcpInterval,
} from "../../src/media/rtcp-interval.js";

const AVP: RtcpIntervalConfig = { avpf: false, reducedMinimum: false, trrIntervalMs: 0 };
const AVPF: RtcpIntervalConfig = { avpf: true, reducedMinimum: false, trrIntervalMs: 0 };
const pair = (bps: number): RtcpIntervalInput => ({
  members: 2,
  senders: 2,
  weSent: true,
  sessionBandwidthBps: bps,
});

describe("RFC 3550 A.7 rtcp_interval()", () => {
  it("§6.2: AVP keeps the 5 s minimum, halved before the first report", () => {
    // 64 kbit/s: rtcp_bw 400 B/s, 2 × 100 B / 400 B/s = 0.5 s < Tmin.
    expect(rtcpInterval(pair(64_000), 100, false, AVP)).toBe(5000);
    expect(rtcpInterval(pair(64_000), 100, true, AVP)).toBe(2500);
  });

  it("§6.2 reduced minimum: 360 / session-kbps seconds", () => {
    const cfg = { ...AVP, reducedMinimum: true };
    expect(rtcpInterval(pair(1_000_000), 100, false, cfg)).toBeCloseTo(360, 6);
    // At 16 kbit/s the reduced minimum (22.5 s) exceeds the bandwidth-bound 2 s.
    expect(rtcpInterval(pair(16_000), 100, false, cfg)).toBeCloseTo(22_500, 6);
  });

  it("RFC 4585 §3.5.1: AVPF Tmin is 1 s for the first report and 0 after it", () => {
    expect(rtcpInterval(pair(1_000_000), 100, true, AVPF)).toBe(1000);
    // 1 Mbit/s: rtcp_bw 6250 B/s, 2 × 100 / 6250 = 32 ms.
    expect(rtcpInterval(pair(1_000_000), 100, false, AVPF)).toBeCloseTo(32, 6);
  });

  it("§6.2/§6.3.1: senders ≤ 25 % of members share 25 % of the RTCP bandwidth, receivers 75 %", () => {
    const input = { members: 10, senders: 2, weSent: true, sessionBandwidthBps: 1_000_000 };
    // Sender: n = 2 over 1562.5 B/s → 128 ms; receiver: n = 8 over 4687.5 B/s → 170.67 ms.
    expect(rtcpInterval(input, 100, false, AVPF)).toBeCloseTo(128, 6);
    expect(rtcpInterval({ ...input, weSent: false }, 100, false, AVPF)).toBeCloseTo(
      800 / 4.6875,
      6,
    );
    // More than a quarter sending: everyone shares the whole RTCP bandwidth.
    expect(rtcpInterval({ ...input, senders: 3 }, 100, false, AVPF)).toBeCloseTo(160, 6);
  });

  it("§6.3.1: randomized over [0.5, 1.5] and divided by e − 3/2", () => {
    const td = rtcpInterval(pair(1_000_000), 100, false, AVPF);
    expect(rtcpInterval(pair(1_000_000), 100, false, AVPF, 0)).toBeCloseTo(
      (td * 0.5) / RTCP_COMPENSATION,
      9,
    );
    expect(rtcpInterval(pair(1_000_000), 100, false, AVPF, 0.999999)).toBeCloseTo(
      (td * 1.5) / RTCP_COMPENSATION,
      3,
    );
  });
});

/** Runs a scheduler with a fixed session for `ms` and returns the times reports were sent. */
function run(cfg: RtcpIntervalConfig, input: RtcpIntervalInput, ms: number, seed: number) {
  const s = new RtcpScheduler(cfg, seededRng(seed), 100);
  s.start(0, input);
  const sent: number[] = [];
  const outcomes = new Map<string, number>();
  for (let t = s.pollTimeout(); t !== undefined && t < ms; t = s.pollTimeout()) {
    const o = s.handleTimeout(t, input);
    outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    if (o === "send") sent.push(t);
  }
  const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
  return { sent, gaps, outcomes };
}

describe("RtcpScheduler (A.7 OnExpire, §6.3.6 reconsideration)", () => {
  it("the first AVPF report comes within [0.5, 1.5] × 1 s / (e − 3/2)", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const first = run(AVPF, pair(1_000_000), 5000, seed).sent[0]!;
      expect(first).toBeGreaterThanOrEqual(500 / RTCP_COMPENSATION - 1e-9);
      expect(first).toBeLessThanOrEqual(1500 / RTCP_COMPENSATION + 1e-9);
    }
  });

  it("with reconsideration the mean interval is the deterministic one (e − 3/2 compensates)", () => {
    const input = pair(1_000_000);
    const td = rtcpInterval(input, 100, false, AVPF); // 32 ms
    const { gaps, outcomes } = run(AVPF, input, 200_000, 7);
    expect(gaps.length).toBeGreaterThan(5000);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean / td).toBeGreaterThan(0.97);
    expect(mean / td).toBeLessThan(1.03);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual((0.5 * td) / RTCP_COMPENSATION - 1e-9);
      expect(g).toBeLessThanOrEqual((1.5 * td) / RTCP_COMPENSATION + 1e-9);
    }
    // Reconsideration did push some reports later.
    expect(outcomes.get("rescheduled")).toBeGreaterThan(1000);
  });

  it("a session that grows is reconsidered: the pending report moves later (§6.3.6)", () => {
    const s = new RtcpScheduler(AVPF, seededRng(3), 100);
    s.start(0, pair(1_000_000));
    let t = s.pollTimeout()!;
    while (s.handleTimeout(t, pair(1_000_000)) !== "send") t = s.pollTimeout()!;
    t = s.pollTimeout()!;
    // 200 members now: Td = 200 × 100 / 6250 = 3.2 s, so the report due in ~32 ms is rescheduled.
    const big = { members: 200, senders: 100, weSent: true, sessionBandwidthBps: 1_000_000 };
    expect(s.handleTimeout(t, big)).toBe("rescheduled");
    expect(s.pollTimeout()! - t).toBeGreaterThan(1000);
  });

  it("RFC 4585 §3.5.3 trr-int: regular reports every [0.5, 1.5] × trr-int, 1 s on average", () => {
    const { gaps } = run({ ...AVPF, trrIntervalMs: 1000 }, pair(2_000_000), 600_000, 11);
    expect(gaps.length).toBeGreaterThan(500);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(950);
    expect(mean).toBeLessThan(1050);
    // The cycle after the trr-int deadline adds at most one AVPF interval (16 ms at 2 Mbit/s).
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(500);
      expect(g).toBeLessThanOrEqual(1500 + 20);
    }
  });

  it("avg_rtcp_size follows sent and received packets with gain 1/16, lower layers included", () => {
    const s = new RtcpScheduler(AVPF, seededRng(1), 100);
    s.noteRtcp(172);
    expect(s.avgRtcpSize).toBeCloseTo(100 + (200 - 100) / 16, 9);
    // An aggregated compound of 3 SSRCs counts its per-SSRC share (RFC 8108 §5.4.1).
    const before = s.avgRtcpSize;
    s.noteRtcp(3 * 72, 3);
    expect(s.avgRtcpSize).toBeCloseTo(before + (100 - before) / 16, 9);
  });
});
