import { isStunMessage } from "@purertc/stun";
import type { TapRecord } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

/** When agent a sent its consent requests (STUN Binding requests after both connected). */
function consentRequestTimes(records: readonly TapRecord[], from: string, after: number): number[] {
  return records
    .filter(
      (r) =>
        r.kind === "sent" &&
        r.at > after &&
        r.from.address === from &&
        isStunMessage(r.data) &&
        r.data[0] === 0x00 &&
        r.data[1] === 0x01,
    )
    .map((r) => r.at);
}

describe("RFC 7675 consent freshness", () => {
  it("consent checks every 4-6 s keep a quiet session connected for minutes", () => {
    const s = iceSim();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    const before = s.a.agent.stats().pairs.find((p) => p.selected)!.consentRequestsSent;
    s.driver.runFor(120_000);
    const sel = s.a.agent.stats().pairs.find((p) => p.selected)!;
    // 120 s at 4-6 s intervals: between 20 and 30 checks.
    expect(sel.consentRequestsSent - before).toBeGreaterThanOrEqual(20);
    expect(sel.consentRequestsSent - before).toBeLessThanOrEqual(31);
    expect(s.a.agent.state).toBe("completed");
    expect(s.b.agent.state).toBe("completed");
  });

  it("consent checks fall on the 100 ms grid, 4-6 s apart (RFC 7675 §5.1 randomization kept)", () => {
    const s = iceSim();
    const records: TapRecord[] = [];
    s.sim.addTap((r) => records.push(r));
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    const start = s.driver.now;
    s.driver.runFor(120_000);
    const from = s.a.agent.selectedPair!.local.address;
    const times = consentRequestTimes(records, from, start + 1);
    expect(times.length).toBeGreaterThanOrEqual(20);
    for (const t of times) expect(t % 100).toBe(0);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(4000);
      expect(g).toBeLessThanOrEqual(6000);
    }
    // Still random: the gaps are not all alike.
    expect(new Set(gaps).size).toBeGreaterThan(5);
  });

  it("consentGridMs 0: consent checks anywhere in the randomized range", () => {
    const s = iceSim({ a: { config: { consentGridMs: 0 } } });
    const records: TapRecord[] = [];
    s.sim.addTap((r) => records.push(r));
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    const start = s.driver.now;
    s.driver.runFor(60_000);
    const times = consentRequestTimes(records, s.a.agent.selectedPair!.local.address, start + 1);
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect(times.filter((t) => t % 100 !== 0).length).toBeGreaterThan(5);
  });

  it("the peer disappears: disconnected after a few seconds, failed after 30 s, sending stops", () => {
    const s = iceSim();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    s.driver.runFor(2000);
    s.sim.setLink("b", "a", { loss: 1 });
    s.sim.setLink("a", "b", { loss: 1 });
    const cut = s.driver.now;
    s.driver.runUntil(() => s.a.agent.state === "disconnected", { timeoutMs: 15_000 });
    expect(s.driver.now - cut).toBeLessThanOrEqual(8000);
    s.driver.runUntil(() => s.a.agent.state === "failed", { timeoutMs: 40_000 });
    const lostAfter = s.driver.now - cut;
    expect(lostAfter).toBeGreaterThanOrEqual(24_000);
    expect(lostAfter).toBeLessThanOrEqual(31_000);
    expect(s.a.agent.send(s.driver.now, new Uint8Array([1]))).toBe(false);
    // Nothing more is sent on the dead 5-tuple.
    const sent = s.a.endpoint.transmits;
    s.driver.runFor(60_000);
    expect(s.a.endpoint.transmits).toBe(sent);
  });

  it("a short outage goes disconnected and back to connected without failing", () => {
    const s = iceSim();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    s.sim.setLink("b", "a", { loss: 1 });
    s.driver.runUntil(() => s.a.agent.state === "disconnected", { timeoutMs: 15_000 });
    s.sim.setLink("b", "a", { loss: 0 });
    s.driver.runUntil(() => s.a.agent.state === "completed" || s.a.agent.state === "connected", {
      timeoutMs: 10_000,
    });
    const states = s.a.endpoint.events.flatMap((e) =>
      e.event.type === "connection-state" ? [e.event.state] : [],
    );
    expect(states).not.toContain("failed");
  });
});
