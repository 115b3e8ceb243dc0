import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

describe("RFC 8445 §7.3.1.1 role conflict", () => {
  it("both controlling: the larger tie-breaker stays controlling, the other switches (487)", () => {
    const s = iceSim({
      a: { role: "controlling", config: { tieBreaker: 5n } },
      b: { role: "controlling", config: { tieBreaker: 9n } },
    });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 10_000 });
    expect(s.b.agent.role).toBe("controlling");
    expect(s.a.agent.role).toBe("controlled");
    expect(s.a.endpoint.events.some((e) => e.event.type === "role")).toBe(true);
    expect(s.a.agent.stats().roleConflicts + s.b.agent.stats().roleConflicts).toBeGreaterThan(0);
  });

  it("both controlled: the larger tie-breaker becomes controlling", () => {
    const s = iceSim({
      a: { role: "controlled", config: { tieBreaker: 1n << 63n } },
      b: { role: "controlled", config: { tieBreaker: 3n } },
    });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 10_000 });
    expect(s.a.agent.role).toBe("controlling");
    expect(s.b.agent.role).toBe("controlled");
  });

  it("equal roles with a symmetric NAT on one side still converge", () => {
    const s = iceSim({
      a: { role: "controlling", nat: "apdm", stun: true },
      b: { role: "controlling", nat: "eim", stun: true },
    });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
    expect(new Set([s.a.agent.role, s.b.agent.role]).size).toBe(2);
  });
});
