import { describe, expect, it } from "vitest";
import type { MediaEvent } from "../../src/index.js";
import { sessionPair, streams } from "./session-pair.js";

/** A VP8-looking frame: byte 0 carries the P bit (0 = key), then filler. */
function vp8(key: boolean, n: number): Uint8Array {
  const f = new Uint8Array(1500).fill(n & 0xff);
  f[0] = key ? 0 : 1;
  return f;
}

function events(s: { pollEvent(): MediaEvent | undefined }): MediaEvent[] {
  const out: MediaEvent[] = [];
  for (let e = s.pollEvent(); e; e = s.pollEvent()) out.push(e);
  return out;
}

function pair() {
  const p = sessionPair();
  const a = streams("a", 1);
  const b = streams("b", 1);
  p.a.configure(0, a.senders, []);
  p.b.configure(0, [], b.receivers);
  let n = 0;
  /** `count` frames from a, 33 ms apart; the first of them a keyframe when `key`. */
  const send = (count: number, key: boolean) => {
    for (let i = 0; i < count; i++) {
      p.a.sendFrame(p.now(), 0, vp8(key && i === 0, n), n * 3000);
      n++;
      p.runUntil(p.now() + 33);
    }
  };
  return { ...p, send };
}

describe("MediaSession.setFrameAssembly (a receiver whose frames nobody reads)", () => {
  it("off: every packet still comes out as an rtp event and frames are counted, but none is assembled", () => {
    const p = pair();
    expect(p.b.setFrameAssembly(0, 0, false)).toBe(true);
    p.send(10, true);
    const out = events(p.b);
    expect(out.filter((e) => e.type === "frame")).toEqual([]);
    // 1 500-byte frames take two packets each.
    expect(out.filter((e) => e.type === "rtp").length).toBe(20);
    expect(p.b.receiverStats(0)).toMatchObject({ packetsReceived: 20, framesReceived: 10 });
  });

  it("turned on mid-stream: the sender is asked for a keyframe (PLI) and frames resume at it", () => {
    const p = pair();
    p.b.setFrameAssembly(0, 0, false);
    p.send(5, true);
    events(p.b);
    events(p.a);
    expect(p.b.setFrameAssembly(p.now(), 0, true)).toBe(true);
    p.runUntil(p.now() + 50);
    expect(events(p.a)).toContainEqual({ type: "keyframe-request", senderId: 0, method: "pli" });
    p.send(3, false); // deltas: dropped, the consumer cannot start on them
    p.send(2, true);
    const frames = events(p.b).flatMap((e) => (e.type === "frame" ? [e.frame] : []));
    expect(frames.map((f) => f.keyframe)).toEqual([true, false]);
    expect(frames[0]!.data.byteLength).toBeGreaterThan(1400);
    expect(p.b.receiverStats(0)!.pliCount).toBeGreaterThanOrEqual(1);
  });

  it("false for a receiver id that does not exist", () => {
    expect(pair().b.setFrameAssembly(0, 7, false)).toBe(false);
  });
});
