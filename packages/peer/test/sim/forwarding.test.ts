import type { RtpPacket } from "@purertc/rtp";
import { Vp8Codec } from "@purertc/rtp";
import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { type PeerCoreEvent, RtpForwarder } from "../../src/index.js";
import { readIvf } from "../media/ivf.js";
import { type SfuSim, sfuSim } from "./sfu-helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
const vp8 = new Vp8Codec();

type FrameEvent = Extract<PeerCoreEvent, { type: "frame" }>;
type RtpEvent = Extract<PeerCoreEvent, { type: "rtp" }>;
const framesOf = (events: PeerCoreEvent[]) =>
  events.filter((e): e is FrameEvent => e.type === "frame").map((e) => e.frame);
const rtpOf = (events: PeerCoreEvent[]) =>
  events.filter((e): e is RtpEvent => e.type === "rtp").map((e) => e.packet);

/**
 * The SFU of the tests, in the shape the W3C layer wires it: each subscriber leg has a forwarder
 * whose source is one publisher leg's receiver; a subscriber's PLI becomes one upstream PLI.
 */
class Sfu {
  readonly forwarders = new Map<number, RtpForwarder>();
  readonly source = new Map<number, number>();
  readonly #sources = new Map<number, object>();
  readonly #out: RtpPacket[] = [];
  s!: SfuSim;

  source0(leg: number): object {
    const o = this.#sources.get(leg) ?? { leg };
    this.#sources.set(leg, o);
    return o;
  }

  subscribe(now: number, sub: number, pub: number): void {
    let f = this.forwarders.get(sub);
    if (!f) {
      f = new RtpForwarder({ initialSequenceNumber: 60000 + sub, initialTimestamp: 7 * sub });
      this.forwarders.set(sub, f);
    }
    this.source.set(sub, pub);
    f.switchTo(this.source0(pub));
    if (f.keyFrameRequestDue(now, false)) this.s.legs[pub]!.sfu.core.requestKeyFrame(now, 0);
  }

  hook = (leg: number, side: "client" | "sfu", e: PeerCoreEvent, now: number): void => {
    if (side !== "sfu") return;
    if (e.type === "rtp") {
      const src = this.source0(leg);
      for (const [sub, f] of this.forwarders) {
        this.#out.length = 0;
        f.forward(now, src, e.packet, vp8, this.#out);
        for (const p of this.#out) this.s.legs[sub]!.sfu.core.sendRtp(now, 0, p);
        const pending = f.pending as { leg: number } | undefined;
        if (pending && f.keyFrameRequestDue(now, false))
          this.s.legs[pending.leg]!.sfu.core.requestKeyFrame(now, 0);
      }
    } else if (e.type === "keyframe-request") {
      const f = this.forwarders.get(leg);
      const target = (f?.pending ?? f?.current) as { leg: number } | undefined;
      if (f && target && f.keyFrameRequestDue(now, true))
        this.s.legs[target.leg]!.sfu.core.requestKeyFrame(now, 0);
    }
  };
}

function connect(s: SfuSim): void {
  s.driver.runUntil(() => s.legs.every((l) => l.client.core.media.keyed && l.sfu.core.media.keyed));
}

/** A publisher client that loops the clip at 30 fps and restarts it at a keyframe request. */
class Publisher {
  next = 0;
  sent = 0;
  constructor(
    readonly s: SfuSim,
    readonly leg: number,
  ) {}
  tick(): void {
    const c = this.s.legs[this.leg]!.client;
    const now = this.s.driver.now;
    if (c.events.some((e, i) => e.type === "keyframe-request" && i >= this.#seen)) this.next = 0;
    this.#seen = c.events.length;
    const f = ivf.frames[this.next % ivf.frames.length]!;
    c.core.sendFrame(now, 0, f.data, (this.leg * 1_000_000 + this.sent * 3000) >>> 0);
    this.next = (this.next + 1) % ivf.frames.length;
    this.sent++;
  }
  #seen = 0;
}

function run(s: SfuSim, pubs: Publisher[], frames: number): void {
  for (let i = 0; i < frames; i++) {
    for (const p of pubs) p.tick();
    s.driver.flush();
    s.driver.runFor(33);
  }
}

describe("forwarding without decoding (SFU) in simulated time", () => {
  it("one publisher, three subscribers at 5% loss: every frame arrives byte-identical, NACKs served from the SFU's send history, sequence numbers rewritten", () => {
    const sfu = new Sfu();
    const s = sfuSim(21, 4, { latencyMs: 15, jitterMs: 3, loss: 0.05 }, sfu.hook);
    sfu.s = s;
    connect(s);
    for (const sub of [1, 2, 3]) sfu.subscribe(s.driver.now, sub, 0);
    const pub = new Publisher(s, 0);
    // Three loops, then a few frames more: a lost tail packet shows as a gap only once a later
    // packet arrives, so the last frames compared are not the last sent.
    run(s, [pub], 95);
    s.driver.runFor(3000);
    const upstream = rtpOf(s.legs[0]!.sfu.events);
    const byIn = new Map(upstream.map((p) => [p.header.sequenceNumber, p.payload]));
    for (const sub of [1, 2, 3]) {
      const got = framesOf(s.legs[sub]!.client.events);
      // The clip starts with its keyframe, so nothing before it is missing: three loops whole.
      const loops = [...ivf.frames, ...ivf.frames, ...ivf.frames];
      expect(got.slice(0, 90).map((f) => f.data)).toEqual(loops.map((f) => f.data));
      const packets = rtpOf(s.legs[sub]!.client.events);
      expect(packets.every((p) => p.header.ssrc === s.legs[sub]!.sfu.ssrc)).toBe(true);
      const firstIn = upstream.reduce(
        (m, p) => (((p.header.sequenceNumber - m) << 16) >> 16 < 0 ? p.header.sequenceNumber : m),
        upstream[0]!.header.sequenceNumber,
      );
      // Byte-identical payloads: output seq (60000 + sub) + k carries input packet firstIn + k.
      for (const p of packets) {
        const k = (p.header.sequenceNumber - (60000 + sub)) & 0xffff;
        expect(p.payload).toEqual(byIn.get((firstIn + k) & 0xffff));
      }
      expect(got[0]!.timestamp).toBe(7 * sub);
      const rx = s.legs[sub]!.client.core.media.receiverStats(0)!;
      const tx = s.legs[sub]!.sfu.core.media.senderStats(0)!;
      expect(rx.nackCount).toBeGreaterThan(0);
      expect(tx.retransmittedPacketsSent).toBeGreaterThan(0);
    }
    expect(s.legs[0]!.sfu.core.media.receiverStats(0)!.nackCount).toBeGreaterThan(0);
  });

  it("switching a subscriber to another publisher: PLI to the new one, sequence numbers continue by one, the timestamp jumps by the elapsed time, frames from its keyframe on", () => {
    const sfu = new Sfu();
    const s = sfuSim(22, 3, { latencyMs: 10 }, sfu.hook);
    sfu.s = s;
    connect(s);
    sfu.subscribe(s.driver.now, 2, 0);
    const a = new Publisher(s, 0);
    const b = new Publisher(s, 1);
    run(s, [a, b], 40);
    const plisBefore = s.legs[1]!.client.events.filter((e) => e.type === "keyframe-request").length;
    const before = rtpOf(s.legs[2]!.client.events).length;
    sfu.subscribe(s.driver.now, 2, 1);
    run(s, [a, b], 40);
    s.driver.runFor(500);
    const plis = s.legs[1]!.client.events.filter((e) => e.type === "keyframe-request").length;
    expect(plis).toBe(plisBefore + 1);
    const packets = rtpOf(s.legs[2]!.client.events);
    const seqs = packets.map((p) => p.header.sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xffff);
    // The switch point: the first packet whose payload is B's keyframe start.
    const at = packets.findIndex((p, i) => i >= before && vp8.isKeyframe(p.payload));
    expect(at).toBeGreaterThanOrEqual(before);
    const jump = (packets[at]!.header.timestamp - packets[at - 1]!.header.timestamp) >>> 0;
    expect(jump).toBeGreaterThan(0);
    expect(jump).toBeLessThanOrEqual(90 * 100); // within the ~round trip the PLI took
    const got = framesOf(s.legs[2]!.client.events);
    // The clip has keyframes at 0 and 15; A sent 40 frames before the switch, so the first
    // keyframe from the 40th frame on is B's (restarted at frame 0 by the PLI).
    const keyAt = got.findIndex((f, i) => i >= 40 && f.keyframe);
    expect(keyAt).toBeLessThan(45);
    // A's frames up to the switch, then B's from its keyframe, all whole and in order.
    expect(got.slice(0, keyAt).map((f) => f.data)).toEqual(
      Array.from({ length: keyAt }, (_, i) => ivf.frames[i % 30]!.data),
    );
    expect(got.slice(keyAt).map((f) => f.data)).toEqual(
      Array.from({ length: got.length - keyAt }, (_, i) => ivf.frames[i % 30]!.data),
    );
    expect(got.length - keyAt).toBeGreaterThan(30);
    expect(sfu.forwarders.get(2)!.stats().switches).toBe(2);
    expect(s.legs[2]!.client.core.media.receiverStats(0)!.framesDropped).toBe(0);
  });

  it("a subscriber's PLIs within minKeyFrameIntervalMs become one upstream PLI; a later one passes", () => {
    const sfu = new Sfu();
    const s = sfuSim(23, 2, { latencyMs: 10 }, sfu.hook);
    sfu.s = s;
    connect(s);
    sfu.subscribe(s.driver.now, 1, 0);
    run(s, [new Publisher(s, 0)], 20);
    const count = () =>
      s.legs[0]!.client.events.filter((e) => e.type === "keyframe-request").length;
    const before = count();
    for (let i = 0; i < 3; i++) {
      s.legs[1]!.client.core.requestKeyFrame(s.driver.now, 0);
      s.driver.flush();
      s.driver.runFor(20);
    }
    s.driver.runFor(100);
    expect(count() - before).toBe(1);
    s.driver.runFor(300);
    s.legs[1]!.client.core.requestKeyFrame(s.driver.now, 0);
    s.driver.flush();
    s.driver.runFor(100);
    expect(count() - before).toBe(2);
  });
});
