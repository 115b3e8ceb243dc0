import type { TapRecord } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import { connectPair, simPair } from "./harness.js";

/**
 * Send times of a's packets whose first chunk is a HEARTBEAT (RFC 9260 §3.3.5, type 4) with
 * our 12-byte info: small packets (path MTU probes are HEARTBEATs padded to the probed size).
 */
function heartbeatTimes(records: readonly TapRecord[]): number[] {
  return records
    .filter(
      (r) =>
        r.kind === "sent" &&
        r.from.address === "10.0.0.1" &&
        r.data[12] === 4 &&
        r.data.length < 100,
    )
    .map((r) => r.at);
}

describe("heartbeats of an idle association (RFC 9260 §8.3)", () => {
  it("go out on the 100 ms grid, HB.interval + RTO ± RTO/2 apart, and stay random", () => {
    const p = simPair({ link: { latencyMs: 5 } });
    const records: TapRecord[] = [];
    p.sim.addTap((r) => records.push(r));
    connectPair(p);
    p.driver.runFor(600_000);
    const times = heartbeatTimes(records);
    // 30 s + RTO (RTO.Min to 1 s here) ± RTO/2 apart: about 19 in 10 minutes.
    expect(times.length).toBeGreaterThanOrEqual(17);
    for (const t of times) expect(t % 100).toBe(0);
    const rto = p.A.stats().rtoMs;
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(30_000 + rto / 2);
      // One grid step of slack: the ACK that re-arms arrives one RTT after the send.
      expect(g).toBeLessThanOrEqual(30_000 + rto * 1.5 + 100);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1);
    expect(p.A.state).toBe("established");
  });
});
