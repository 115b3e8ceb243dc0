import { utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

describe("ICE restart (RFC 8445 §9) during traffic", () => {
  it("data keeps flowing on the old pair until the new generation selects a pair", () => {
    const s = iceSim({ a: { nat: "eim", stun: true }, b: { nat: "apdm", stun: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
    const oldA = s.a.agent.localCredentials;
    let sent = 0;
    const pump = (ms: number) => {
      for (let t = 0; t < ms; t += 20) {
        expect(s.a.agent.send(s.driver.now, utf8Encode(`m${sent++}`))).toBe(true);
        s.driver.runFor(20);
      }
    };
    pump(500);
    const newA = s.a.agent.restart(s.driver.now);
    pump(200); // the offer is on its way; the old pair still carries data
    const newB = s.b.agent.restart(s.driver.now);
    s.exchangeCredentials();
    expect(newA.ufrag).not.toBe(oldA.ufrag);
    expect(s.b.agent.remoteCredentials?.ufrag).toBe(newA.ufrag);
    expect(s.a.agent.remoteCredentials?.ufrag).toBe(newB.ufrag);
    const selectedBefore = s.a.endpoint.events.filter(
      (e) => e.event.type === "selected-pair",
    ).length;
    pump(5000);
    const selectedAfter = s.a.endpoint.events.filter(
      (e) => e.event.type === "selected-pair",
    ).length;
    expect(selectedAfter).toBeGreaterThan(selectedBefore);
    s.driver.runFor(200);
    // Every message arrived: none was lost while the generations changed.
    expect(s.b.received.length).toBe(sent);
    const states = s.a.endpoint.events.flatMap((e) =>
      e.event.type === "connection-state" ? [e.event.state] : [],
    );
    expect(states.slice(states.indexOf("connected"))).not.toContain("failed");
  });

  it("restart after consent was lost recovers the session", () => {
    const s = iceSim();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    s.sim.setLink("a", "b", { loss: 1 });
    s.sim.setLink("b", "a", { loss: 1 });
    s.driver.runUntil(() => s.a.agent.state === "failed" && s.b.agent.state === "failed", {
      timeoutMs: 40_000,
    });
    s.sim.setLink("a", "b", { loss: 0 });
    s.sim.setLink("b", "a", { loss: 0 });
    s.a.agent.restart(s.driver.now);
    s.b.agent.restart(s.driver.now);
    s.exchangeCredentials();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 10_000 });
    expect(s.a.agent.send(s.driver.now, new Uint8Array([7]))).toBe(true);
  });
});
