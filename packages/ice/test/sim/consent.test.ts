import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

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
