import { utf8Decode, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

describe("ICE-lite (RFC 8445 §2.5)", () => {
  it("full ↔ lite: the full agent controls even when configured controlled; both complete", () => {
    const s = iceSim({ a: { role: "controlled" }, b: { lite: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    expect(s.a.agent.role).toBe("controlling");
    expect(s.b.agent.role).toBe("controlled");
    s.driver.runUntil(() => s.a.agent.state === "completed" && s.b.agent.state === "completed", {
      timeoutMs: 10_000,
    });
    s.a.agent.send(s.driver.now, utf8Encode("hi lite"));
    s.b.agent.send(s.driver.now, utf8Encode("hi full"));
    s.driver.runUntil(() => s.a.received.length > 0 && s.b.received.length > 0, {
      timeoutMs: 1000,
    });
    expect(utf8Decode(s.b.received[0]!)).toBe("hi lite");
  });

  it("we are lite behind no NAT, the full peer is behind a symmetric NAT", () => {
    const s = iceSim({ a: { nat: "apdm", stun: true }, b: { lite: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 10_000 });
    // The lite agent learns the full agent's NAT mapping as a peer-reflexive candidate.
    expect(s.b.agent.selectedPair?.remote.type).toBe("prflx");
  });

  it("a lite agent never sends a Binding request", () => {
    const s = iceSim({ b: { lite: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    s.driver.runFor(20_000);
    const pairs = s.b.agent.stats().pairs;
    expect(pairs.reduce((n, p) => n + p.requestsSent, 0)).toBe(0);
    expect(pairs.reduce((n, p) => n + p.requestsReceived, 0)).toBeGreaterThan(3);
  });

  it("the lite agent fails 30 s after the full peer's checks stop", () => {
    const s = iceSim({ b: { lite: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    s.sim.setLink("a", "b", { loss: 1 });
    const cut = s.driver.now;
    s.driver.runUntil(() => s.b.agent.state === "failed", { timeoutMs: 40_000 });
    expect(s.driver.now - cut).toBeGreaterThanOrEqual(24_000);
  });
});

describe("IPv4 and IPv6", () => {
  it("dual-stack hosts pair per family and select IPv6 first (RFC 8421)", () => {
    const s = iceSim({ a: { ipv6: true }, b: { ipv6: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    expect(s.a.agent.selectedPair?.local.address).toBe("2001:db8::1");
    const pairs = s.a.agent.stats().pairs;
    // Only same-family pairs are formed (RFC 8445 §6.1.2.2).
    for (const p of pairs) {
      const l = s.a.agent.stats().localCandidates.find((c) => c.id === p.localCandidateId)!;
      const r = s.a.agent.stats().remoteCandidates.find((c) => c.id === p.remoteCandidateId)!;
      expect(l.address.includes(":")).toBe(r.address.includes(":"));
    }
  });
});

describe("iceTransportPolicy relay", () => {
  it("signals only relayed candidates and connects through the relay on an open network", () => {
    const s = iceSim({
      a: { relay: true, stun: true, config: { transportPolicy: "relay" } },
      b: { relay: true, stun: true },
    });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
    const announced = s.a.endpoint.events.flatMap((e) =>
      e.event.type === "candidate" ? [e.event.candidate.type] : [],
    );
    expect(new Set(announced)).toEqual(new Set(["relay"]));
    expect(s.a.agent.selectedPair?.local.type).toBe("relay");
    expect(s.relayServer.relayedPackets).toBeGreaterThan(0);
  });
});

describe("RFC 8445 §11 keepalives", () => {
  it("an idle lite agent sends Binding indications on the selected pair every 15 s", () => {
    const s = iceSim({ b: { lite: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 5000 });
    let indications = 0;
    s.sim.addTap((r) => {
      if (
        r.kind === "sent" &&
        r.from.address === "198.51.100.20" &&
        r.data[0] === 0x00 &&
        r.data[1] === 0x11
      )
        indications++;
    });
    s.driver.runFor(61_000);
    expect(indications).toBeGreaterThanOrEqual(3);
    expect(indications).toBeLessThanOrEqual(5);
    expect(s.a.agent.state).toBe("completed");
  });
});
