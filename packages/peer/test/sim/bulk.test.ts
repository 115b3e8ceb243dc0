import { describe, expect, it } from "vitest";
import { negotiate, simPair } from "./helpers.js";

describe("bulk data in simulated time (no timer-shaped stalls)", () => {
  it("16 × 1 MiB bursts of 16 KiB messages with 300 ms pauses over a 0-loss 1 ms link: no T3-rtx, each burst after slow start within 30 ms", () => {
    const s = simPair(5, { latencyMs: 1 });
    negotiate(s);
    const id = s.offerer.core.createChannel(s.driver.now, { label: "bulk" });
    s.driver.runUntil(() => s.offerer.events.some((e) => e.type === "channel-open"));
    const message = new Uint8Array(16384);
    let received = 0;
    const countMessages = () => {
      for (const e of s.answerer.events.splice(0)) if (e.type === "message") received++;
    };
    const burstMs: number[] = [];
    for (let burst = 0; burst < 16; burst++) {
      const t0 = s.driver.now;
      for (let i = 0; i < 64; i++) s.offerer.core.send(s.driver.now, id, message);
      const want = received + 64;
      s.driver.runUntil(() => {
        countMessages();
        return received >= want;
      });
      burstMs.push(s.driver.now - t0);
      // The application thinks before the next burst (the bench's harness does the same
      // between rounds): longer than the peer's 200 ms delayed SACK and our RTO.Min.
      s.driver.runFor(300);
    }
    const sctp = s.offerer.core.stats().sctp!;
    expect(sctp.t3Expirations).toBe(0);
    expect(sctp.retransmissions).toBe(0);
    expect(Math.max(...burstMs.slice(4))).toBeLessThanOrEqual(30);
  });
});
