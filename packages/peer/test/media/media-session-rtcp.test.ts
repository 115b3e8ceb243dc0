import { decodeRtcp, isRtcpPacket, RTP_EXTENSION_URI, type RtcpPacket } from "@purertc/rtp";
import { isSrtpFailure } from "@purertc/srtp";
import { describe, expect, it } from "vitest";
import { RTCP_LOWER_LAYER_BYTES } from "../../src/media/rtcp-interval.js";
import { type SessionPair, sessionPair, srtpFor, streams } from "./session-pair.js";

const FRAME = new Uint8Array(300).fill(0x5a);

/** `n` streams each way, a frame on every stream of both sides every 33 ms for `ms`. */
function talk(p: SessionPair, n: number, ms: number): void {
  for (let i = 0; p.now() < ms; i++) {
    for (let s = 0; s < n; s++) {
      p.a.sendFrame(p.now(), s, FRAME, i * 3000);
      p.b.sendFrame(p.now(), s, FRAME, i * 3000);
    }
    p.runUntil(p.now() + 33);
  }
}

/** The RTCP compounds one side sent, decrypted by a tap holding the keys. */
function rtcpFrom(p: SessionPair, side: "a" | "b") {
  const tap = srtpFor(side === "a" ? "b" : "a");
  const out: { at: number; size: number; packets: RtcpPacket[] }[] = [];
  for (const s of p.sent) {
    if (s.from !== side || !isRtcpPacket(s.data)) continue;
    const plain = tap.unprotectRtcp(s.data);
    if (isSrtpFailure(plain)) throw new Error(`tap: ${plain}`);
    out.push({ at: s.at, size: s.data.byteLength, packets: decodeRtcp(plain) });
  }
  return out;
}

const regular = (c: { packets: RtcpPacket[] }) =>
  c.packets[0]?.type === "sr" || c.packets[0]?.type === "rr";

const noTwcc = (c: ReturnType<typeof streams>) => ({
  senders: c.senders.map((x) => ({
    ...x,
    extmaps: x.extmaps.filter((e) => e.uri !== RTP_EXTENSION_URI.transportWideCc),
  })),
  receivers: c.receivers.map((x) => ({
    ...x,
    extmaps: x.extmaps.filter((e) => e.uri !== RTP_EXTENSION_URI.transportWideCc),
  })),
});

describe("RTCP report timing in a media session (RFC 3550 §6.3, RFC 4585 §3.5)", () => {
  it("default trr-int: regular SRs every [0.5, 1.5] s, 1 s on average, RTT measured both ways", () => {
    const p = sessionPair();
    for (const [side, s] of [
      ["a", p.a],
      ["b", p.b],
    ] as const) {
      const c = streams(side, 1);
      s.configure(0, c.senders, c.receivers);
    }
    talk(p, 1, 120_000);
    const srs = rtcpFrom(p, "a").filter(regular);
    expect(srs.every((c) => c.packets[0]!.type === "sr")).toBe(true);
    const gaps = srs.slice(1).map((c, i) => c.at - srs[i]!.at);
    expect(gaps.length).toBeGreaterThan(100);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    expect(mean).toBeGreaterThan(900);
    expect(mean).toBeLessThan(1100);
    // Timers are checked every 33 ms by this loop: a gap may stretch by one step.
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(500 - 33);
      expect(g).toBeLessThanOrEqual(1500 + 33 + 40);
    }
    // AVPF's first report: Tmin 1 s, randomized (RFC 4585 §3.5.1).
    expect(srs[0]!.at).toBeLessThanOrEqual(1500 / (Math.E - 1.5) + 33);
    expect(p.a.senderStats(0)!.roundTripTimeMeasurements).toBeGreaterThan(100);
    expect(p.a.senderStats(0)!.roundTripTime).toBeCloseTo(20, -1);
    expect(p.b.receiverStats(0)!.remoteSender!.reportsReceived).toBe(srs.length);
  });

  it("trr-int 0: the interval is set by 5 % of the session bandwidth (b=AS / maxBitrate)", () => {
    const bps = 20_000; // per stream: 40 kbit/s of session, 250 B/s of RTCP
    const p = sessionPair({ trrIntervalMs: 0 });
    for (const [side, s] of [
      ["a", p.a],
      ["b", p.b],
    ] as const) {
      const c = noTwcc(streams(side, 1, bps));
      s.configure(0, c.senders, c.receivers);
    }
    talk(p, 1, 300_000);
    const mine = rtcpFrom(p, "a");
    const srs = mine.filter(regular);
    const gaps = srs.slice(10).map((c, i) => c.at - srs[i + 9]!.at);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    // avg_rtcp_size: every RTCP packet either side sent, lower layers included (A.7).
    const all = [...mine, ...rtcpFrom(p, "b")];
    const avg = all.reduce((x, c) => x + c.size + RTCP_LOWER_LAYER_BYTES, 0) / all.length;
    // 2 members, both sending (more than a quarter): Td = avg × 2 / 250 B/s.
    const td = ((avg * 2) / ((2 * bps * 0.05) / 8)) * 1000;
    expect(td).toBeGreaterThan(800);
    expect(mean / td).toBeGreaterThan(0.85);
    expect(mean / td).toBeLessThan(1.15);
    // Twice the bandwidth would halve it: the default 2 Mbit/s video gives ~25 ms without trr-int.
    const fast = sessionPair({ trrIntervalMs: 0 });
    for (const [side, s] of [
      ["a", fast.a],
      ["b", fast.b],
    ] as const) {
      const c = noTwcc(streams(side, 1));
      s.configure(0, c.senders, c.receivers);
    }
    talk(fast, 1, 10_000);
    const n = rtcpFrom(fast, "a").filter(regular).length;
    expect(n).toBeGreaterThan(150); // every 33 ms step of this loop, after the first second
  });

  it("RFC 8108: 40 SSRCs each way give several compounds per report, each under the MTU", () => {
    const p = sessionPair();
    for (const [side, s] of [
      ["a", p.a],
      ["b", p.b],
    ] as const) {
      const c = noTwcc(streams(side, 40));
      s.configure(0, c.senders, c.receivers);
    }
    talk(p, 40, 5_000);
    const reports = rtcpFrom(p, "b").filter(regular);
    const times = [...new Set(reports.map((c) => c.at))];
    expect(times.length).toBeGreaterThanOrEqual(3);
    for (const at of times.slice(1)) {
      const set = reports.filter((c) => c.at === at);
      expect(set.length).toBeGreaterThan(1);
      const reporters: number[] = [];
      const blocks: number[] = [];
      for (const c of set) {
        expect(c.size).toBeLessThanOrEqual(1200);
        const last = c.packets.at(-1)!;
        expect(last.type).toBe("sdes");
        const heads = c.packets.slice(0, -1);
        const ssrcs = [...new Set(heads.map((h) => (h as { ssrc: number }).ssrc))];
        // RFC 3550 §6.1: a CNAME for every SSRC reporting in this compound.
        if (last.type === "sdes")
          expect(last.chunks.map((x) => x.source).sort()).toEqual(ssrcs.sort());
        for (const h of heads) {
          expect(h.type === "sr" || h.type === "rr").toBe(true);
          if (h.type === "sr") reporters.push(h.ssrc);
          if (h.type === "sr" || h.type === "rr") {
            expect(h.reports.length).toBeLessThanOrEqual(31);
            blocks.push(...h.reports.map((r) => r.ssrc));
          }
        }
      }
      // Every local SSRC reported once, every remote SSRC has its block once.
      expect(reporters.sort()).toEqual(Array.from({ length: 40 }, (_, i) => 0x2000 + i));
      expect(blocks.sort()).toEqual(Array.from({ length: 40 }, (_, i) => 0x1000 + i));
    }
  });
});
