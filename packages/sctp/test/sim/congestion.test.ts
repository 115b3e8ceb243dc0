import { describe, expect, it } from "vitest";
import { connectPair, simPair } from "./harness.js";

const MTU = 1200;

/** A connected pair on a 1 ms link whose sender grew its cwnd with a 2 MiB burst. */
function afterBurst() {
  const p = simPair({ link: { latencyMs: 1 }, a: { maxMessageSize: 0 } });
  connectPair(p);
  for (let i = 0; i < 128; i++) p.A.send(p.driver.now, 0, 53, new Uint8Array(16384));
  p.driver.flush();
  p.driver.runUntil(() => p.A.stats().bufferedAmount === 0 && p.A.stats().bytesInFlight === 0);
  const st = p.A.stats();
  expect(st.t3Expirations).toBe(0);
  expect(st.cwnd).toBeGreaterThan(64 * MTU);
  return { p, cwnd0: st.cwnd, rto: st.rtoMs };
}

/**
 * Sends a message of `bytes` and returns cwnd as it was when the message went out (read before
 * the acknowledgement can change it), then waits for the acknowledgement.
 */
function send(p: ReturnType<typeof simPair>, bytes: number): number {
  p.A.send(p.driver.now, 0, 53, new Uint8Array(bytes));
  p.driver.flush();
  const cwnd = p.A.stats().cwnd;
  p.driver.runUntil(() => p.A.stats().bytesInFlight === 0);
  return cwnd;
}

describe("congestion window while the sender is idle (RFC 9260 §7.2.1)", () => {
  it("five RTOs without DATA halve cwnd five times, not below 4 MTU: max(cwnd/2, 4*MTU) per RTO", () => {
    const { p, cwnd0, rto } = afterBurst();
    p.driver.runFor(5 * rto + rto / 4);
    let expected = cwnd0;
    for (let i = 0; i < 5; i++) expected = Math.max(expected / 2, 4 * MTU) | 0;
    expect(send(p, 100)).toBe(expected);
    expect(expected).toBeLessThan(cwnd0 / 16);
  });

  it("a long idleness ends at 4 MTU, and slow start grows the window again from there", () => {
    const { p } = afterBurst();
    p.driver.runFor(60_000);
    expect(send(p, 100)).toBe(4 * MTU);
    for (let i = 0; i < 64; i++) p.A.send(p.driver.now, 0, 53, new Uint8Array(16384));
    p.driver.flush();
    p.driver.runUntil(() => p.A.stats().bufferedAmount === 0 && p.A.stats().bytesInFlight === 0);
    expect(p.A.stats().cwnd).toBeGreaterThan(16 * MTU);
  });

  it("a sender that sends DATA more often than once per RTO keeps its window", () => {
    const { p, cwnd0, rto } = afterBurst();
    // Three packets each: the last asks for an immediate SACK (RFC 7053), no T3-rtx race.
    for (let i = 0; i < 10; i++) {
      p.driver.runFor(rto / 2);
      expect(send(p, 3000)).toBe(cwnd0);
    }
    expect(p.A.stats().t3Expirations).toBe(0);
  });
});

describe("a lone one-way message (RTO.Min against the peer's delayed SACK)", () => {
  it("is acknowledged by the peer's 200 ms delayed SACK before our T3-rtx fires: no spurious retransmission, cwnd kept", () => {
    const { p, rto } = afterBurst();
    expect(rto).toBeGreaterThan(200); // RTO.Min above the 200 ms every common stack delays SACKs
    for (let i = 0; i < 5; i++) {
      p.driver.runFor(50);
      const cwnd = send(p, 100);
      expect(p.A.stats().cwnd).toBe(cwnd);
    }
    expect(p.A.stats().t3Expirations).toBe(0);
    expect(p.A.stats().retransmissions).toBe(0);
  });
});
