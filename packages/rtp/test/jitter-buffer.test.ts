import { describe, expect, it } from "vitest";
import {
  JitterBuffer,
  type JitterBufferEvent,
  type RtpPacket,
  RtpPacketizer,
  Vp8Codec,
} from "../src/index.js";

/** A VP8-looking frame: byte 0 carries the P bit (0 = key), then filler. */
function frame(key: boolean, size: number, fill: number): Uint8Array {
  const f = new Uint8Array(size).fill(fill);
  f[0] = key ? 0 : 1;
  return f;
}

/** Frames 0..n-1 of 2 400 bytes (three packets each, MTU 1 000); frame 0 and `keys` are key. */
function stream(n: number, keys: readonly number[] = []): RtpPacket[][] {
  const p = new RtpPacketizer(new Vp8Codec(), {
    mtu: 1000,
    ssrc: 1,
    payloadType: 96,
    sequenceNumber: 100,
  });
  return Array.from({ length: n }, (_, i) =>
    p.packetize(frame(i === 0 || keys.includes(i), 2400, i), i * 3000),
  );
}

function drain(jb: JitterBuffer): JitterBufferEvent[] {
  const out: JitterBufferEvent[] = [];
  for (let e = jb.pollEvent(); e; e = jb.pollEvent()) out.push(e);
  return out;
}

describe("JitterBuffer assembleFrames", () => {
  it("off: counts frames, emits none and keeps no payload, yet NACKs a hole (RFC 4585 §6.2.1)", () => {
    const jb = new JitterBuffer(new Vp8Codec(), { assembleFrames: false });
    const frames = stream(3);
    const lost = frames[1]![1]!;
    const events: JitterBufferEvent[] = [];
    for (const f of frames)
      for (const p of f) {
        if (p !== lost) jb.handlePacket(0, p);
        events.push(...drain(jb));
      }
    expect(events.filter((e) => e.type === "frame")).toEqual([]);
    expect(events).toContainEqual({
      type: "nack",
      sequenceNumbers: [lost.header.sequenceNumber],
    });
    // Frame 0 complete; frame 1 waits for its hole, frame 2 behind it.
    expect(jb.stats().framesDelivered).toBe(1);
    jb.handlePacket(10, lost);
    expect(drain(jb)).toEqual([]);
    expect(jb.stats().framesDelivered).toBe(3);
    expect(jb.stats().framesDropped).toBe(0);
  });

  it("off: a stream that starts on a delta frame is held back until a keyframe, as when on", () => {
    for (const assembleFrames of [true, false]) {
      const jb = new JitterBuffer(new Vp8Codec(), { assembleFrames });
      const frames = stream(4, [3]);
      for (const f of frames.slice(1)) for (const p of f) jb.handlePacket(0, p);
      const frameEvents = drain(jb).filter((e) => e.type === "frame");
      expect(jb.stats()).toMatchObject({ framesDelivered: 1, framesDropped: 2 });
      expect(frameEvents.length).toBe(assembleFrames ? 1 : 0);
    }
  });

  it("turned on mid-stream: drops frames up to the next keyframe and asks for one (PLI)", () => {
    const jb = new JitterBuffer(new Vp8Codec(), { assembleFrames: false });
    const frames = stream(6, [4]);
    for (const p of frames[0]!) jb.handlePacket(0, p);
    // Assembly starts inside frame 1: its first packet was not kept.
    jb.handlePacket(0, frames[1]![0]!);
    drain(jb);
    jb.setAssembleFrames(1, true);
    expect(jb.assembleFrames).toBe(true);
    const events = drain(jb);
    expect(events).toEqual([{ type: "keyframe-request" }]);
    for (const f of frames.slice(1))
      for (const p of f) if (p !== frames[1]![0]) jb.handlePacket(2, p);
    const delivered = drain(jb).flatMap((e) => (e.type === "frame" ? [e.frame] : []));
    expect(delivered.map((f) => f.timestamp)).toEqual([4 * 3000, 5 * 3000]);
    expect(delivered[0]!.keyframe).toBe(true);
    expect(delivered[0]!.data).toEqual(frame(true, 2400, 4));
    expect(jb.stats()).toMatchObject({ framesDelivered: 3, framesDropped: 3 });
  });

  it("rejects a non-boolean assembleFrames", () => {
    expect(
      () => new JitterBuffer(new Vp8Codec(), { assembleFrames: 1 as unknown as boolean }),
    ).toThrow(RangeError);
  });
});

describe("JitterBuffer reordering over a wide range", () => {
  it("300 packets held behind one late packet (a range wider than the buffer's first ring): all 100 frames come out in order, byte-exact", () => {
    const jb = new JitterBuffer(new Vp8Codec());
    const frames = stream(101);
    const late = frames[1]![0]!;
    for (const f of frames) for (const p of f) if (p !== late) jb.handlePacket(0, p);
    const before = drain(jb).flatMap((e) => (e.type === "frame" ? [e.frame] : []));
    expect(before.map((f) => f.timestamp)).toEqual([0]);
    jb.handlePacket(1, late);
    const out = drain(jb).flatMap((e) => (e.type === "frame" ? [e.frame] : []));
    expect(out.map((f) => f.timestamp)).toEqual(frames.slice(1).map((_, i) => (i + 1) * 3000));
    expect(out[0]!.data).toEqual(frame(false, 2400, 1));
    expect(out[57]!.data).toEqual(frame(false, 2400, 58));
  });

  it("packets shuffled within windows of 40 still give every frame once, in order", () => {
    const jb = new JitterBuffer(new Vp8Codec());
    const packets = stream(200).flat();
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (let w = 0; w < packets.length; w += 40) {
      const win = packets.slice(w, w + 40);
      for (let i = win.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [win[i], win[j]] = [win[j]!, win[i]!];
      }
      packets.splice(w, win.length, ...win);
    }
    // The very first packet goes first so that the head starts at the stream's start.
    const start = packets.findIndex((p) => p.header.sequenceNumber === 100);
    packets.unshift(...packets.splice(start, 1));
    const out: number[] = [];
    for (const p of packets) {
      jb.handlePacket(0, p);
      for (const e of drain(jb)) if (e.type === "frame") out.push(e.frame.timestamp);
    }
    expect(out).toEqual(Array.from({ length: 200 }, (_, i) => i * 3000));
    expect(jb.stats()).toMatchObject({ framesDelivered: 200, framesDropped: 0 });
  });
});
