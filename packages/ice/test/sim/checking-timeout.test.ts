import { describe, expect, it } from "vitest";
import { DEFAULT_ICE_AGENT_CONFIG } from "../../src/index.js";
import { bothConnected, type IceSim, iceSim, type Side } from "../support/ice-sim.js";

/** Delivers `from`'s candidates to its peer, never its end-of-candidates. */
function tricklesWithoutEnd(s: IceSim, from: Side): void {
  const to = from === s.a ? s.b : s.a;
  for (const x of from.outbox.splice(0))
    if (x.kind === "candidate") to.agent.addRemoteCandidate(s.driver.now, x.candidate);
}

function enteredChecking(side: Side): number {
  const e = side.endpoint.events.find(
    (x) => x.event.type === "connection-state" && x.event.state === "checking",
  );
  if (!e) throw new Error(`${side.name} never entered checking`);
  return e.at;
}

describe("checking timeout (RFC 8863 §4 PAC timer)", () => {
  it("the default is the PAC timer's recommended 39.5 s", () => {
    expect(DEFAULT_ICE_AGENT_CONFIG.checkingTimeoutMs).toBe(39_500);
  });

  it("a peer that never answers and never ends its candidates: failed at the timeout", () => {
    const s = iceSim({ signalling: "manual" });
    s.sim.setLink("b", "a", { loss: 1 });
    s.driver.runFor(100);
    tricklesWithoutEnd(s, s.b);
    s.driver.runFor(100);
    const start = enteredChecking(s.a);
    s.driver.runFor(start + 39_499 - s.driver.now);
    expect(s.a.agent.state).toBe("checking");
    s.driver.runUntil(() => s.a.agent.state === "failed", { timeoutMs: 5_000 });
    expect(s.driver.now).toBe(start + 39_500);
    expect(s.a.agent.selectedPair).toBeUndefined();
  });

  it("the timeout is the configured value", () => {
    const s = iceSim({ signalling: "manual", a: { config: { checkingTimeoutMs: 10_000 } } });
    s.sim.setLink("b", "a", { loss: 1 });
    s.driver.runFor(100);
    tricklesWithoutEnd(s, s.b);
    s.driver.runUntil(() => s.a.agent.state === "failed", { timeoutMs: 20_000 });
    expect(s.driver.now - enteredChecking(s.a)).toBe(10_000);
  });

  it("a peer that answers is unaffected: connected, and still so long after the timeout", () => {
    const s = iceSim({ signalling: "manual", a: { config: { checkingTimeoutMs: 10_000 } } });
    s.driver.runFor(100);
    tricklesWithoutEnd(s, s.a);
    tricklesWithoutEnd(s, s.b);
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5_000 });
    s.driver.runFor(60_000);
    expect(s.a.agent.state).toBe("connected");
    const states = s.a.endpoint.events.flatMap((e) =>
      e.event.type === "connection-state" ? [e.event.state] : [],
    );
    expect(states).not.toContain("failed");
  });

  it("a pair that succeeded but is not nominated yet keeps the agent checking", () => {
    // a (controlling) holds its nomination back for a higher-priority pair that never answers
    // (an unreachable remote candidate) for up to a minute; b's own checks succeed meanwhile.
    const slow = { host: 60_000, srflx: 60_000, prflx: 60_000, relay: 60_000 };
    const s = iceSim({
      signalling: "manual",
      a: { config: { nominationDelayMs: slow } },
      b: { config: { checkingTimeoutMs: 5_000 } },
    });
    s.driver.runFor(100);
    tricklesWithoutEnd(s, s.a);
    tricklesWithoutEnd(s, s.b);
    s.a.agent.addRemoteCandidate(s.driver.now, {
      foundation: "unreachable",
      component: 1,
      transport: "udp",
      priority: 2_147_483_647,
      address: "198.51.100.99",
      port: 9,
      type: "host",
    });
    s.driver.runFor(0);
    s.driver.runFor(enteredChecking(s.b) + 6_000 - s.driver.now);
    expect(s.b.agent.stats().pairs.some((p) => p.state === "succeeded")).toBe(true);
    expect(s.b.agent.selectedPair).toBeUndefined();
    expect(s.b.agent.state).toBe("checking");
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 70_000 });
    const states = s.b.endpoint.events.flatMap((e) =>
      e.event.type === "connection-state" ? [e.event.state] : [],
    );
    expect(states).not.toContain("failed");
  });

  it("after an ICE restart the timeout counts again from the new checking phase", () => {
    const s = iceSim({ signalling: "manual", a: { config: { checkingTimeoutMs: 10_000 } } });
    s.driver.runFor(100);
    s.sim.setLink("b", "a", { loss: 1 });
    tricklesWithoutEnd(s, s.b);
    s.driver.runUntil(() => s.a.agent.state === "failed", { timeoutMs: 20_000 });
    s.a.endpoint.events.splice(0);
    s.a.agent.restart(s.driver.now);
    s.a.agent.setRemoteCredentials(s.driver.now, s.b.agent.localCredentials);
    for (const c of s.b.agent.localCandidates) s.a.agent.addRemoteCandidate(s.driver.now, c);
    s.driver.runFor(9_000);
    expect(s.a.agent.state).toBe("checking");
    s.driver.runUntil(() => s.a.agent.state === "failed", { timeoutMs: 5_000 });
    expect(s.driver.now - enteredChecking(s.a)).toBe(10_000);
  });
});
