import { describe, expect, it } from "vitest";
import { connectPair, simPair } from "./harness.js";

describe("delayed SACK never stalls request/response traffic (RFC 9260 §6.2)", () => {
  it("1000 ping-pongs on a zero-loss 1 ms link take ~2 s of simulated time, not 200 s", () => {
    const p = simPair({ link: { latencyMs: 1 } });
    connectPair(p);
    p.a.takeEvents();
    p.b.takeEvents();
    const start = p.driver.now;
    let pongs = 0;
    const ping = Uint8Array.of(1);
    p.A.send(p.driver.now, 0, 53, ping);
    p.driver.flush();
    p.driver.runUntil(() => {
      for (const e of p.b.takeEvents())
        if (e.type === "message") p.B.send(p.driver.now, 0, 53, e.data);
      for (const e of p.a.takeEvents()) {
        if (e.type !== "message") continue;
        pongs++;
        if (pongs < 1000) p.A.send(p.driver.now, 0, 53, ping);
      }
      p.driver.flush();
      return pongs >= 1000;
    });
    const elapsed = p.driver.now - start;
    // Each round trip is 2 ms of link latency: 1000 of them are 2 s; a 200 ms delayed-SACK
    // stall per message would make it 200 s.
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2200);
    expect(p.A.stats().t3Expirations).toBe(0);
  });

  it("a one-way burst of an odd number of packets is acknowledged within the delayed-ACK time", () => {
    const p = simPair({ link: { latencyMs: 1 } });
    connectPair(p);
    const t0 = p.driver.now;
    p.A.send(t0, 0, 53, new Uint8Array(1000));
    p.driver.flush();
    p.driver.runUntil(() => p.A.stats().bytesInFlight === 0 && p.B.stats().messagesReceived === 1);
    expect(p.driver.now - t0).toBeLessThanOrEqual(2 + 200 + 1);
  });
});
