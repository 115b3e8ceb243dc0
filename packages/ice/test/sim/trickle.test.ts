import { describe, expect, it } from "vitest";
import { bothConnected, type IceSim, iceSim } from "../support/ice-sim.js";

/** Runs the agents long enough for gathering to finish, so every local candidate is queued. */
function gatherAll(s: IceSim): void {
  s.driver.runUntil(
    () => s.a.agent.gatheringState === "complete" && s.b.agent.gatheringState === "complete",
    { timeoutMs: 10_000 },
  );
}

const nats = { a: { nat: "eim" as const, stun: true }, b: { nat: "apdm" as const, stun: true } };

describe("RFC 8838 trickle ICE: candidates and credentials in every order", () => {
  it("credentials first, then a's candidates, then b's, then end-of-candidates", () => {
    const s = iceSim({ ...nats, signalling: "manual" });
    gatherAll(s);
    s.flushSignals(s.a);
    s.driver.runFor(300);
    s.flushSignals(s.b);
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
    s.driver.runUntil(() => s.a.agent.state === "completed", { timeoutMs: 20_000 });
  });

  it("candidates before credentials are buffered until the credentials arrive", () => {
    const s = iceSim({ ...nats, signalling: "manual", exchangeCredentials: false });
    gatherAll(s);
    s.flushSignals(s.a);
    s.flushSignals(s.b);
    s.driver.runFor(1000);
    expect(s.a.agent.state).toBe("new");
    s.exchangeCredentials();
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
  });

  it("checks that arrive before the remote credentials are answered and replayed (RFC 8838 §10)", () => {
    const s = iceSim({ signalling: "manual", exchangeCredentials: false });
    gatherAll(s);
    // Only a learns about b; b hears a's checks before it has a's credentials.
    s.a.agent.setRemoteCredentials(s.driver.now, s.b.agent.localCredentials);
    s.flushSignals(s.b);
    s.driver.runFor(1000);
    // b answers (it can verify checks with its own password) but cannot check back yet.
    expect(s.b.agent.selectedPair).toBeUndefined();
    expect(s.b.agent.stats().pairs.reduce((n, p) => n + p.requestsSent, 0)).toBe(0);
    s.b.agent.setRemoteCredentials(s.driver.now, s.a.agent.localCredentials);
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 10_000 });
    // b never got a's candidates: it knows a only as a peer-reflexive candidate.
    expect(s.b.agent.selectedPair?.remote.type).toBe("prflx");
  });

  it("b's candidates trickle one by one, seconds apart", () => {
    const s = iceSim({ ...nats, signalling: "manual" });
    gatherAll(s);
    s.flushSignals(s.a);
    for (const sig of s.b.outbox.splice(0)) {
      s.driver.runFor(1500);
      if (sig.kind === "candidate") s.a.agent.addRemoteCandidate(s.driver.now, sig.candidate);
      else s.a.agent.addRemoteEndOfCandidates(s.driver.now);
    }
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
  });

  it("without end-of-candidates a failed check list does not fail the agent", () => {
    const s = iceSim({
      a: { nat: "apdm", stun: true },
      b: { nat: "apdm", stun: true },
      signalling: "manual",
    });
    gatherAll(s);
    const keepCandidates = (side: typeof s.a) =>
      side.outbox.splice(0).filter((x) => x.kind === "candidate");
    const fromA = keepCandidates(s.a);
    const fromB = keepCandidates(s.b);
    for (const x of fromA)
      if (x.kind === "candidate") s.b.agent.addRemoteCandidate(s.driver.now, x.candidate);
    for (const x of fromB)
      if (x.kind === "candidate") s.a.agent.addRemoteCandidate(s.driver.now, x.candidate);
    s.driver.runFor(30_000);
    expect(s.a.agent.state).toBe("checking");
    s.a.agent.addRemoteEndOfCandidates(s.driver.now);
    s.driver.runFor(10);
    expect(s.a.agent.state).toBe("failed");
  });

  it("a candidate with another generation's ufrag is not paired now", () => {
    const s = iceSim({ signalling: "manual" });
    gatherAll(s);
    const c = s.b.outbox.find((x) => x.kind === "candidate");
    if (c?.kind !== "candidate") throw new Error("no candidate");
    s.a.agent.addRemoteCandidate(s.driver.now, { ...c.candidate, usernameFragment: "zzzzzzzz" });
    s.driver.runFor(2000);
    expect(s.a.agent.stats().remoteCandidates).toHaveLength(0);
  });
});
