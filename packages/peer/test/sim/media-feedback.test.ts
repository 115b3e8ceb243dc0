import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import { readIvf } from "../media/ivf.js";
import type { SimPair } from "./helpers.js";
import { mediaPair } from "./media-helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));

type Ev<T extends PeerCoreEvent["type"]> = Extract<PeerCoreEvent, { type: T }>;
const of = <T extends PeerCoreEvent["type"]>(events: PeerCoreEvent[], type: T) =>
  events.filter((e): e is Ev<T> => e.type === type);

function connect(s: SimPair): void {
  s.driver.runUntil(() => s.offerer.core.media.keyed && s.answerer.core.media.keyed);
}

/** Sends `loops` loops of the VP8 clip at 30 fps from the offerer (sender 0). */
function sendVideo(s: SimPair, loops: number): void {
  for (let i = 0; i < loops * ivf.frames.length; i++) {
    const f = ivf.frames[i % ivf.frames.length]!;
    expect(s.offerer.core.sendFrame(s.driver.now, 0, f.data, 1000 + i * 3000)).toBe(true);
    s.driver.flush();
    s.driver.runFor(33);
  }
}

/** Opus-sized frames every 20 ms on the offerer's audio sender (1) for `ms`. */
function sendAudio(s: SimPair, ms: number, start = 0): void {
  for (let t = 0; t < ms; t += 20) {
    s.offerer.core.sendFrame(s.driver.now, 1, new Uint8Array(60).fill(7), (start + t) * 48);
    s.driver.flush();
    s.driver.runFor(20);
  }
}

describe("transport-wide congestion control feedback (transport-wide-cc-01)", () => {
  it("the receiver sends feedback about every 100 ms; the sender matches every packet", () => {
    const s = mediaPair(21, { latencyMs: 15 }, false);
    connect(s);
    sendVideo(s, 2);
    s.driver.runFor(300);
    const rx = s.answerer.core.stats().media.feedback;
    const tx = s.offerer.core.stats().media.feedback;
    // 2 s of video: one feedback per 100 ms interval with arrivals (±1 at the edges).
    expect(rx.feedbackSent).toBeGreaterThanOrEqual(19);
    expect(rx.feedbackSent).toBeLessThanOrEqual(22);
    expect(tx.feedbackReceived).toBe(rx.feedbackSent);
    const sent = s.offerer.core.media.senderStats(0)!.packetsSent;
    expect(tx.packetsStamped).toBe(sent);
    const fb = of(s.offerer.events, "transport-cc");
    const packets = fb.flatMap((e) => e.packets);
    expect(packets.length).toBe(sent);
    expect(packets.every((p) => p.arrivalTime !== undefined)).toBe(true);
    expect(new Set(packets.map((p) => p.sequenceNumber)).size).toBe(sent);
    expect(fb.every((e) => e.senderIds.includes(0))).toBe(true);
    // One-way delay is constant on this link: arrival − send is the same for every packet (±1 ms
    // of the 250 µs delta rounding and the 64 ms reference grid).
    const owd = packets.map((p) => p.arrivalTime! - p.sendTime);
    expect(Math.max(...owd) - Math.min(...owd)).toBeLessThan(1);
  });

  it("availableOutgoingBitrate follows what the feedback acknowledged; losses are reported lost", () => {
    const s = mediaPair(22, { latencyMs: 10, loss: 0.05 }, false);
    connect(s);
    sendVideo(s, 2);
    s.driver.runFor(300);
    const packets = of(s.offerer.events, "transport-cc").flatMap((e) => e.packets);
    const lost = packets.filter((p) => p.arrivalTime === undefined).length;
    expect(lost).toBeGreaterThan(0);
    const st = s.offerer.core.media.senderStats(0)!;
    // What we sent in the last 500 ms window, roughly: bytes × 8 / seconds of the clip.
    const rate = s.offerer.core.media.availableOutgoingBitrate(s.driver.now - 300)!;
    const avg = (st.bytesSent * 8) / 2;
    expect(rate).toBeGreaterThan(avg * 0.3);
    expect(rate).toBeLessThan(avg * 3);
  });

  it("no feedback is sent for a stream without the transport-cc extension negotiated", () => {
    const s = mediaPair(23, { latencyMs: 10 }, true, { extmaps: false });
    connect(s);
    sendVideo(s, 1);
    s.driver.runFor(300);
    expect(s.answerer.core.stats().media.feedback.feedbackSent).toBe(0);
    expect(s.offerer.core.stats().media.feedback.packetsStamped).toBe(0);
  });
});

describe("DTMF (RFC 4733 telephone-event, webrtc-pc §7.2 playout)", () => {
  it("digits and durations arrive exactly at a second peer; tonechange follows the schedule", () => {
    const s = mediaPair(31, { latencyMs: 10, jitterMs: 3 }, true);
    connect(s);
    sendAudio(s, 200);
    const t0 = s.driver.now;
    expect(s.offerer.core.insertDtmf(t0, 1, "1234#*ABCD", 100, 70)).toBe(true);
    s.driver.flush();
    const changes: { tone: string; at: number }[] = [];
    for (let t = 0; t < 2500; t += 10) {
      s.driver.runFor(10);
      for (const e of of(s.offerer.events.splice(0), "dtmf-tonechange"))
        changes.push({ tone: e.tone, at: s.driver.now - t0 });
    }
    const got = of(s.answerer.events, "dtmf");
    expect(got.map((e) => e.tone).join("")).toBe("1234#*ABCD");
    expect(got.every((e) => e.durationMs === 100 && e.receiverId === 1)).toBe(true);
    // Each tone starts duration + interToneGap = 170 ms after the previous; "" after the last.
    expect(changes.map((c) => c.tone).join(",")).toBe("1,2,3,4,#,*,A,B,C,D,");
    for (const [i, c] of changes.entries()) {
      expect(c.at).toBeLessThanOrEqual(i * 170 + 10);
      expect(c.at).toBeGreaterThanOrEqual(i * 170);
    }
    // Telephone-events never reach the audio jitter buffer as frames.
    expect(s.answerer.core.media.receiverStats(1)!.framesDropped).toBe(0);
  });

  it("a 2 s tone at 48 kHz spans two 0xFFFF-tick segments and is reported once, 2000 ms", () => {
    const s = mediaPair(32, { latencyMs: 5 }, true);
    connect(s);
    sendAudio(s, 100);
    s.offerer.core.insertDtmf(s.driver.now, 1, "9", 2000, 70);
    s.driver.flush();
    s.driver.runFor(2500);
    expect(of(s.answerer.events, "dtmf").map((e) => [e.tone, e.durationMs])).toEqual([["9", 2000]]);
  });

  it('"," pauses 2 s; insertDTMF while playing replaces the remaining tones', () => {
    const s = mediaPair(33, { latencyMs: 5 }, true);
    connect(s);
    const t0 = s.driver.now;
    s.offerer.core.insertDtmf(t0, 1, "1,2", 100, 70);
    s.driver.flush();
    s.driver.runFor(50);
    expect(s.offerer.core.media.dtmfToneBuffer(1)).toBe(",2");
    s.driver.runFor(200);
    expect(s.offerer.core.media.dtmfToneBuffer(1)).toBe("2");
    s.driver.runFor(1000);
    // Replace the rest while the pause runs: "2" is dropped, "56" plays after the pause.
    s.offerer.core.insertDtmf(s.driver.now, 1, "56", 60, 40);
    s.driver.flush();
    s.driver.runFor(2000);
    const got = of(s.answerer.events, "dtmf").map((e) => [e.tone, e.durationMs]);
    expect(got).toEqual([
      ["1", 100],
      ["5", 60],
      ["6", 60],
    ]);
  });

  it("at 20% loss each tone is still reported once (three end packets, RFC 4733 §2.5.1.4)", () => {
    const s = mediaPair(34, { latencyMs: 10, loss: 0.2 }, true);
    connect(s);
    s.offerer.core.insertDtmf(s.driver.now, 1, "0123456789", 120, 60);
    s.driver.flush();
    s.driver.runFor(2500);
    const got = of(s.answerer.events, "dtmf");
    expect(new Set(got.map((e) => e.rtpTimestamp)).size).toBe(got.length);
    expect(got.length).toBeGreaterThanOrEqual(9);
    expect(got.every((e) => e.durationMs === 120)).toBe(true);
  });

  it("video senders have no DTMF", () => {
    const s = mediaPair(35, { latencyMs: 5 }, true);
    connect(s);
    expect(s.offerer.core.media.canInsertDtmf(0)).toBe(false);
    expect(s.offerer.core.insertDtmf(s.driver.now, 0, "1", 100, 70)).toBe(false);
    expect(s.offerer.core.media.canInsertDtmf(1)).toBe(true);
  });
});

describe("RTCP report intervals (RFC 3550 §6.2, §6.3.1)", () => {
  it("with video, SRs leave about once a second, randomized over [0.5, 1.5] s", () => {
    const s = mediaPair(41, { latencyMs: 10 }, true);
    connect(s);
    sendVideo(s, 10); // 10 s of video from the offerer
    const srs = s.answerer.core.media.receiverStats(0)!.remoteSender!.reportsReceived;
    expect(srs).toBeGreaterThanOrEqual(7);
    expect(srs).toBeLessThanOrEqual(15);
    const rrs = s.offerer.core.media.senderStats(0)!.reportsReceived;
    expect(rrs).toBeGreaterThanOrEqual(7);
    expect(rrs).toBeLessThanOrEqual(15);
  });
});
