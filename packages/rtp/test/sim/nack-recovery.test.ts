import { seededRng } from "@purertc/common";
import { NetSim } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import {
  decodeRtcp,
  decodeRtpPacket,
  encodeRtcp,
  encodeRtpPacket,
  isRtcpPacket,
  JitterBuffer,
  nackItemsFromSequenceNumbers,
  PacketHistory,
  RtpPacketizer,
  unwrapRtx,
  Vp8Codec,
} from "../../src/index.js";

const MEDIA_SSRC = 0x1111;
const RTX_SSRC = 0x2222;
const A = { address: "10.0.0.1", port: 5000 };
const B = { address: "10.0.0.2", port: 5000 };

/** A VP8-looking frame: byte 0 carries the P bit (0 = key), then the frame number, then filler. */
function makeFrame(n: number, key: boolean, size: number): Uint8Array {
  const f = new Uint8Array(size);
  f[0] = key ? 0 : 1;
  new DataView(f.buffer).setUint32(1, n);
  for (let i = 5; i < size; i++) f[i] = (n * 7 + i) & 0xff;
  return f;
}

function run(loss: number, seed: number) {
  const sim = new NetSim({
    seed,
    link: { latencyMs: 25, jitterMs: 5, loss, reorder: 0.05, reorderDelayMs: 15 },
  });
  sim.addHost("a", A.address);
  sim.addHost("b", B.address);
  const rng = seededRng(seed + 100);
  const packetizer = new RtpPacketizer(new Vp8Codec(), {
    ssrc: MEDIA_SSRC,
    payloadType: 96,
    sequenceNumber: 65000,
  });
  const history = new PacketHistory({
    rtxSsrc: RTX_SSRC,
    rtxPayloadType: 97,
    minResendIntervalMs: 40,
  });
  const jb = new JitterBuffer(new Vp8Codec(), { nackIntervalMs: 60 });
  const sent = new Map<number, { data: Uint8Array; at: number }>();
  const delivered: { timestamp: number; data: Uint8Array }[] = [];
  const pliTimes: number[] = [];
  let forceKey = true;
  const FRAMES = 300;
  let frameNo = 0;
  let nextFrameAt = 0;
  let now = 0;

  const drainReceiver = (t: number) => {
    for (let ev = jb.pollEvent(); ev; ev = jb.pollEvent()) {
      if (ev.type === "frame")
        delivered.push({ timestamp: ev.frame.timestamp, data: ev.frame.data });
      else if (ev.type === "nack") {
        const items = nackItemsFromSequenceNumbers(ev.sequenceNumbers);
        sim.send(t, {
          from: B,
          to: A,
          data: encodeRtcp([{ type: "nack", senderSsrc: 9, mediaSsrc: MEDIA_SSRC, items }]),
        });
      } else {
        pliTimes.push(t);
        sim.send(t, {
          from: B,
          to: A,
          data: encodeRtcp([{ type: "pli", senderSsrc: 9, mediaSsrc: MEDIA_SSRC }]),
        });
      }
    }
  };

  while (now < FRAMES * 33 + 4000) {
    if (frameNo < FRAMES && now >= nextFrameAt) {
      const key = forceKey || frameNo % 90 === 0;
      forceKey = false;
      const data = makeFrame(
        frameNo,
        key,
        key ? 4000 + (rng.nextU32() % 3000) : 300 + (rng.nextU32() % 1500),
      );
      const ts = frameNo * 3000;
      sent.set(ts, { data, at: now });
      for (const p of packetizer.packetize(data, ts)) {
        history.handleSent(now, p);
        sim.send(now, { from: A, to: B, data: encodeRtpPacket(p) });
      }
      frameNo++;
      nextFrameAt += 33;
    }
    for (let d = sim.pollDeliver(now); d; d = sim.pollDeliver(now)) {
      if (d.host === "b") {
        const p = decodeRtpPacket(d.data);
        jb.handlePacket(now, p.header.ssrc === RTX_SSRC ? unwrapRtx(p, MEDIA_SSRC, 96) : p);
        drainReceiver(now);
      } else if (isRtcpPacket(d.data)) {
        for (const r of decodeRtcp(d.data)) {
          if (r.type === "pli") forceKey = true;
          if (r.type === "nack") {
            const seqs = r.items.flatMap(({ pid, blp }) => [
              pid,
              ...[...Array(16).keys()]
                .filter((i) => blp & (1 << i))
                .map((i) => (pid + i + 1) & 0xffff),
            ]);
            for (const p of history.handleNack(now, seqs))
              sim.send(now, { from: A, to: B, data: encodeRtpPacket(p) });
          }
        }
      }
    }
    const t = jb.pollTimeout();
    if (t !== undefined && t <= now) {
      jb.handleTimeout(now);
      drainReceiver(now);
    }
    const next = Math.min(
      frameNo < FRAMES ? nextFrameAt : Number.POSITIVE_INFINITY,
      sim.nextDeliveryTime() ?? Number.POSITIVE_INFINITY,
      jb.pollTimeout() ?? Number.POSITIVE_INFINITY,
    );
    now = Number.isFinite(next) ? Math.max(now, next) : now + 100;
  }
  return { sent, delivered, pliTimes, stats: jb.stats(), resent: history.packetsResent };
}

describe("jitter buffer + NACK/RTX recovery through NetSim (simulated time)", () => {
  for (const [loss, seed] of [
    [0.05, 1],
    [0.05, 2],
    [0.2, 3],
    [0.2, 4],
  ] as const) {
    it(`at ${loss * 100}% loss with reordering: every frame delivered intact and once, or a PLI issued (seed ${seed})`, () => {
      const { sent, delivered, pliTimes, stats, resent } = run(loss, seed);
      expect(resent).toBeGreaterThan(0);
      const seen = new Set<number>();
      let last = -1;
      for (const f of delivered) {
        expect(seen.has(f.timestamp)).toBe(false);
        seen.add(f.timestamp);
        expect(f.timestamp).toBeGreaterThan(last);
        last = f.timestamp;
        expect(f.data).toEqual(sent.get(f.timestamp)!.data);
      }
      // Each undelivered frame falls in a gap during which the receiver asked for a keyframe
      // (after the last frame it delivered before it). The last frames are excluded: a receiver
      // cannot detect the loss of a stream's final packets (no later sequence number shows it).
      let lastDeliveredAt = Number.NEGATIVE_INFINITY;
      for (const [ts, { at }] of sent) {
        if (seen.has(ts)) lastDeliveredAt = at;
        else if (ts < (sent.size - 5) * 3000)
          expect(pliTimes.some((t) => t > lastDeliveredAt)).toBe(true);
      }
      // Retransmission repairs most losses: far more frames arrive than a lossy link alone allows.
      expect(delivered.length).toBeGreaterThan(sent.size * 0.9);
      expect(stats.framesDelivered).toBe(delivered.length);
    });
  }
});
