import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import { readIvf } from "../media/ivf.js";
import { sfuSim } from "./sfu-helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
type FrameEvent = Extract<PeerCoreEvent, { type: "frame" }>;

describe("simulcast in simulated time (layers bound by rid, RFC 8852/8853)", () => {
  it("two layers at 5% loss, no a=ssrc: each layer's SSRC is found from its rid, NACKs are repaired over RTX routed by repaired-rid, every frame arrives", () => {
    const s = sfuSim(31, 1, { latencyMs: 15, jitterMs: 2, loss: 0.05 });
    const { client, sfu } = s.legs[0]!;
    const m = sfu.jsep.localTransport!.model.media[0]!;
    const layers = [
      { rid: "q", id: 10, ssrc: 0xa000 },
      { rid: "f", id: 11, ssrc: 0xb000 },
    ];
    const now = s.driver.now;
    const common = { mid: m.mid!, kind: "video" as const, codecs: m.codecs, extmaps: m.extmaps };
    client.core.configureMedia(
      now,
      layers.map((l) => ({ ...common, id: l.id, ssrc: l.ssrc, rtxSsrc: l.ssrc + 1, rid: l.rid })),
      [],
    );
    sfu.core.configureMedia(
      now,
      [],
      layers.map((l) => ({ ...common, id: l.id, rid: l.rid, ssrcs: [], rtxSsrcs: new Map() })),
    );
    s.driver.runUntil(() => client.core.media.keyed && sfu.core.media.keyed);
    for (let loop = 0; loop < 3; loop++)
      for (const [i, f] of ivf.frames.entries()) {
        for (const [k, l] of layers.entries())
          client.core.sendFrame(s.driver.now, l.id, f.data, k * 1_000_000 + (loop * 30 + i) * 3000);
        s.driver.flush();
        s.driver.runFor(33);
      }
    // A few frames more so that a lost tail packet shows as a gap.
    for (let i = 0; i < 5; i++) {
      for (const l of layers) client.core.sendFrame(s.driver.now, l.id, ivf.frames[i]!.data, 1e7);
      s.driver.flush();
      s.driver.runFor(33);
    }
    s.driver.runFor(2000);
    const want = [...ivf.frames, ...ivf.frames, ...ivf.frames].map((f) => f.data);
    for (const [k, l] of layers.entries()) {
      const got = sfu.events.filter(
        (e): e is FrameEvent => e.type === "frame" && e.receiverId === l.id,
      );
      expect(got.slice(0, 90).map((e) => e.frame.data)).toEqual(want);
      expect(got.slice(0, 90).map((e) => e.frame.timestamp)).toEqual(
        want.map((_, i) => k * 1_000_000 + i * 3000),
      );
      expect(new Set(got.map((e) => e.ssrc))).toEqual(new Set([l.ssrc]));
      const rx = sfu.core.media.receiverStats(l.id)!;
      expect(rx.nackCount).toBeGreaterThan(0);
      expect(rx.retransmittedPacketsReceived).toBeGreaterThan(0);
    }
    expect(sfu.core.stats().media.unroutable).toBe(0);
  });
});
