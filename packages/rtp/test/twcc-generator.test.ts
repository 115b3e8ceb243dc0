import { describe, expect, it } from "vitest";
import { TransportCcGenerator, TWCC_NOT_RECEIVED, transportCcArrivals } from "../src/index.js";

/** Every (sequence number, arrival) a set of feedback packets reports, in order. */
function reported(g: TransportCcGenerator, now: number) {
  return g.pollFeedback(now, true).flatMap((fb) => transportCcArrivals(fb));
}

describe("TransportCcGenerator arrival ring (transport-wide-cc-01 §3.1)", () => {
  it("3000 packets in one period, across the 16-bit wrap, every 7th lost: each reported once, losses absent", () => {
    const g = new TransportCcGenerator();
    const first = 64000;
    const expected: number[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 7 === 3) continue;
      const seq = (first + i) & 0xffff;
      g.handlePacket(i * 0.25, seq);
      expected.push(seq);
    }
    const got = reported(g, 1000);
    expect(got.map((a) => a.sequenceNumber)).toEqual(expected);
    // The next period starts after the last reported number.
    g.handlePacket(1001, (first + 3000) & 0xffff);
    expect(reported(g, 1100).map((a) => a.sequenceNumber)).toEqual([(first + 3000) & 0xffff]);
  });

  it("a duplicate keeps the first arrival; a reordered packet fills its hole", () => {
    const g = new TransportCcGenerator();
    g.handlePacket(0, 10);
    g.handlePacket(4, 12);
    g.handlePacket(8, 11); // reordered
    g.handlePacket(9, 12); // duplicate, later: ignored
    const [fb] = g.pollFeedback(100, true);
    expect(fb!.statuses.every((s) => s !== TWCC_NOT_RECEIVED)).toBe(true);
    expect(transportCcArrivals(fb!).map((a) => [a.sequenceNumber, a.arrivalMs % 64])).toEqual([
      [10, 0],
      [11, 8],
      [12, 4],
    ]);
  });

  it("unreported for more than 2^16 numbers: the oldest are given up, the newest 65536 reported", () => {
    const g = new TransportCcGenerator();
    const n = 70000;
    for (let i = 0; i < n; i++) g.handlePacket(i * 0.001, i & 0xffff);
    const got = reported(g, 1000);
    expect(got.length).toBe(0x10000);
    expect(got[0]!.sequenceNumber).toBe((n - 0x10000) & 0xffff);
    expect(got.at(-1)!.sequenceNumber).toBe((n - 1) & 0xffff);
  });
});
