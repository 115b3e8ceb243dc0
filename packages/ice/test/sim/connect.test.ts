import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

describe("two full agents, no NAT", () => {
  it("RFC 8445 host ↔ host: checks, regular nomination, completed on both sides", () => {
    const s = iceSim();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    expect(s.a.agent.selectedPair?.local.type).toBe("host");
    expect(s.b.agent.selectedPair?.remote.type).toBe("host");
    s.driver.runUntil(() => s.a.agent.state === "completed" && s.b.agent.state === "completed", {
      timeoutMs: 5000,
    });
  });
});
