import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import { readIvf } from "../media/ivf.js";
import type { SimPair } from "./helpers.js";
import { mediaPair } from "./media-helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));

type FrameEvent = Extract<PeerCoreEvent, { type: "frame" }>;
const frames = (events: PeerCoreEvent[], receiverId: number) =>
  events.filter((e): e is FrameEvent => e.type === "frame" && e.receiverId === receiverId);

function connect(s: SimPair): void {
  s.driver.runUntil(() => s.offerer.core.media.keyed && s.answerer.core.media.keyed);
}

/** Sends the fixture's VP8 frames at 30 fps (3000 ticks of 90 kHz apart) from a to b. */
function sendClip(s: SimPair): void {
  for (const [i, f] of ivf.frames.entries()) {
    expect(s.offerer.core.sendFrame(s.driver.now, 0, f.data, 1000 + i * 3000)).toBe(true);
    s.driver.flush();
    s.driver.runFor(33);
  }
}

describe("media in simulated time (SRTP keyed by DTLS, RTP demultiplexed in the core)", () => {
  it("VP8 frames of a GStreamer clip arrive byte-identical, routed by MID", () => {
    expect(ivf.fourcc).toBe("VP80");
    const s = mediaPair(3, { latencyMs: 10 }, false);
    connect(s);
    sendClip(s);
    s.driver.runFor(500);
    const got = frames(s.answerer.events, 0);
    expect(got.map((e) => e.frame.data)).toEqual(ivf.frames.map((f) => f.data));
    expect(got.map((e) => e.frame.timestamp)).toEqual(ivf.frames.map((_, i) => 1000 + i * 3000));
    expect(got[0]!.frame.keyframe).toBe(true);
    expect(got[0]!.ssrc).toBe(0x1111);
    const rx = s.answerer.core.media.receiverStats(0)!;
    expect(rx.framesReceived).toBe(ivf.frames.length);
    expect(rx.nackCount).toBe(0);
  });

  it("Opus frames arrive byte-identical and in order on the audio section (SSRC table)", () => {
    const s = mediaPair(4, { latencyMs: 5 }, true);
    connect(s);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      const f = new Uint8Array(40 + (i % 30)).map((_, j) => (i * 7 + j) & 0xff);
      sent.push(f);
      expect(s.answerer.core.sendFrame(s.driver.now, 1, f, i * 960)).toBe(true);
      s.driver.flush();
      s.driver.runFor(20);
    }
    s.driver.runFor(200);
    const got = frames(s.offerer.events, 1);
    expect(got.map((e) => e.frame.data)).toEqual(sent);
    expect(got.every((e) => e.payloadType === 111)).toBe(true);
  });

  it("at 5% loss NACK/RTX recovers every VP8 frame (seeded)", () => {
    const s = mediaPair(12, { latencyMs: 20, jitterMs: 5, loss: 0.05 }, false);
    connect(s);
    sendClip(s);
    sendClip(s);
    s.driver.runFor(2000);
    const got = frames(s.answerer.events, 0);
    const want = [...ivf.frames, ...ivf.frames].map((f) => f.data);
    expect(got.map((e) => e.frame.data)).toEqual(want);
    const tx = s.offerer.core.media.senderStats(0)!;
    const rx = s.answerer.core.media.receiverStats(0)!;
    expect(rx.nackCount).toBeGreaterThan(0);
    expect(tx.nackCount).toBeGreaterThan(0);
    expect(tx.retransmittedPacketsSent).toBeGreaterThan(0);
    expect(rx.retransmittedPacketsReceived).toBeGreaterThan(0);
  });

  it("RTCP: SR/RR flow (RTT measured), and a PLI reaches the sender as a keyframe request", () => {
    const s = mediaPair(5, { latencyMs: 25 }, true);
    connect(s);
    sendClip(s);
    s.driver.runFor(4000);
    const tx = s.offerer.core.media.senderStats(0)!;
    expect(tx.roundTripTime).toBeGreaterThanOrEqual(45);
    expect(tx.roundTripTime).toBeLessThan(80);
    expect(tx.remotePacketsLost).toBe(0);
    expect(s.answerer.core.requestKeyFrame(s.driver.now, 0)).toBe(true);
    s.driver.flush();
    s.driver.runFor(100);
    expect(s.offerer.events.filter((e) => e.type === "keyframe-request")).toEqual([
      { type: "keyframe-request", senderId: 0, method: "pli" },
    ]);
    expect(s.answerer.core.stats().media.srtpFailures).toBe(0);
  });
});
