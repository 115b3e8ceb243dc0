/**
 * Renomination (draft-thatcher-ice-renomination, as Chromium uses it with
 * `a=ice-options:renomination`) in simulated time: the controlling agent nominates a better
 * pair again with a higher NOMINATION (0xC001) value, and the controlled agent follows the
 * highest value, even to a pair of lower priority.
 */
import { seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import {
  decodeStunMessage,
  getAttribute,
  StunIntegrityKey,
  UseCandidate,
  verifyMessageIntegrity,
} from "@purertc/stun";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeCheckRequest,
  encodeCheckSuccess,
  IceAgent,
  type IceAgentConfig,
  type IceCandidate,
  type IceCredentials,
  Nomination,
} from "../../src/index.js";
import { bothConnected, type IceSim, iceSim } from "../support/ice-sim.js";

/**
 * Two agents without NAT, each with a relay: only relayed candidates are signalled at first,
 * so a relayed pair is selected; then the host candidates trickle in and a direct pair
 * succeeds. `renomination` is each side's setting and what it signals.
 */
function relayFirst(renomination: { a: boolean; b: boolean }): IceSim {
  const config = (on: boolean): Partial<IceAgentConfig> => ({ renomination: on });
  const s = iceSim({
    a: { relay: true, config: config(renomination.a) },
    b: { relay: true, config: config(renomination.b) },
    signalling: "manual",
    exchangeCredentials: false,
  });
  s.a.agent.setRemoteCredentials(0, s.b.agent.localCredentials, {
    renomination: renomination.b,
  });
  s.b.agent.setRemoteCredentials(0, s.a.agent.localCredentials, {
    renomination: renomination.a,
  });
  s.driver.runUntil(
    () => s.a.agent.gatheringState === "complete" && s.b.agent.gatheringState === "complete",
    { timeoutMs: 10_000 },
  );
  const later = new Map<IceSim["a"], IceCandidate[]>([
    [s.a, []],
    [s.b, []],
  ]);
  const relayedOnly = (from: IceSim["a"], to: IceAgent) => {
    for (const sig of from.outbox.splice(0))
      if (sig.kind === "candidate" && sig.candidate.type === "relay")
        to.addRemoteCandidate(s.driver.now, sig.candidate);
      else if (sig.kind === "candidate") later.get(from)!.push(sig.candidate);
  };
  relayedOnly(s.a, s.b.agent);
  relayedOnly(s.b, s.a.agent);
  s.driver.runUntil(() => bothConnected(s), { timeoutMs: 10_000 });
  expect(s.a.agent.selectedPair?.local.type).toBe("relay");
  expect(s.b.agent.selectedPair?.local.type).toBe("relay");
  // The host candidates arrive late (a slow signalling path).
  for (const c of later.get(s.a)!) s.b.agent.addRemoteCandidate(s.driver.now, c);
  for (const c of later.get(s.b)!) s.a.agent.addRemoteCandidate(s.driver.now, c);
  s.driver.runFor(5000);
  return s;
}

const selections = (side: IceSim["a"]) =>
  side.endpoint.events.filter((e) => e.event.type === "selected-pair").length;

describe("renomination (draft-thatcher-ice-renomination, NOMINATION 0xC001)", () => {
  it("both sides signal it: the controlling agent renominates the direct pair that succeeds after the relayed one, and both switch to it", () => {
    const s = relayFirst({ a: true, b: true });
    expect(s.a.agent.selectedPair?.local.type).toBe("host");
    expect(s.a.agent.selectedPair?.remote.type).toBe("host");
    expect(s.b.agent.selectedPair?.local.type).toBe("host");
    expect(s.b.agent.selectedPair?.remote.type).toBe("host");
    expect(selections(s.a)).toBe(2);
    expect(selections(s.b)).toBe(2);
    expect(bothConnected(s)).toBe(true);
    // Data takes the new pair both ways.
    expect(s.a.agent.send(s.driver.now, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(s.b.agent.send(s.driver.now, new Uint8Array([4, 5, 6]))).toBe(true);
    s.driver.runFor(200);
    expect(s.b.received.at(-1)).toEqual(new Uint8Array([1, 2, 3]));
    expect(s.a.received.at(-1)).toEqual(new Uint8Array([4, 5, 6]));
    const nominated = s.b.agent.stats().pairs.filter((p) => p.nominated);
    expect(nominated.length).toBe(2);
  });

  it("without renomination (RFC 8445 §8.1.2) the relayed pair stays selected for the generation", () => {
    const s = relayFirst({ a: false, b: false });
    expect(s.a.agent.selectedPair?.local.type).toBe("relay");
    expect(s.b.agent.selectedPair?.local.type).toBe("relay");
    expect(selections(s.a)).toBe(1);
    expect(selections(s.b)).toBe(1);
  });

  it("the controlling agent does not renominate when the peer did not signal renomination", () => {
    const s = relayFirst({ a: true, b: false });
    expect(s.a.agent.selectedPair?.local.type).toBe("relay");
    expect(s.b.agent.selectedPair?.local.type).toBe("relay");
    expect(selections(s.a)).toBe(1);
  });
});

/**
 * A scripted controlling peer (as Chromium behaves) in front of one controlled agent: it answers
 * the agent's checks and sends its own with chosen NOMINATION values.
 */
function scriptedPeer() {
  const us: IceCredentials = { ufrag: "peer", pwd: "peerpassword0123456789ab" };
  const agent = new IceAgent({ role: "controlled", rng: seededRng(7), crypto: nobleCrypto });
  const local = { address: "10.0.0.2", port: 5000 };
  agent.addHostCandidate(0, local);
  agent.setRemoteCredentials(0, us);
  const high = { address: "10.0.0.1", port: 6001 };
  const low = { address: "10.0.0.1", port: 6002 };
  const candidate = (addr: typeof high, priority: number) => ({
    foundation: String(addr.port),
    component: 1,
    transport: "udp" as const,
    priority,
    address: addr.address,
    port: addr.port,
    type: "host" as const,
  });
  agent.addRemoteCandidate(0, candidate(high, 2130706431));
  agent.addRemoteCandidate(0, candidate(low, 2130706175));
  const ourKey = StunIntegrityKey.shortTerm(us.pwd, nobleCrypto);
  const theirKey = StunIntegrityKey.shortTerm(agent.localCredentials.pwd, nobleCrypto);
  const rng = seededRng(9);
  let now = 0;
  /** Answers every check the agent sent (success, XOR-MAPPED-ADDRESS = its source). */
  const pump = () => {
    for (let t = agent.pollTransmit(); t; t = agent.pollTransmit()) {
      const m = decodeStunMessage(t.data);
      if (m.class !== "request") continue;
      expect(verifyMessageIntegrity(m, ourKey)).toBe(true);
      agent.handleDatagram(now, {
        from: t.to,
        to: local,
        data: encodeCheckSuccess(m.transactionId, local, ourKey),
      });
    }
    while (agent.pollEvent());
  };
  const run = (ms: number) => {
    const end = now + ms;
    pump();
    for (let at = agent.pollTimeout(); at !== undefined && at <= end; at = agent.pollTimeout()) {
      now = Math.max(now, at);
      agent.handleTimeout(now);
      pump();
    }
    now = end;
  };
  /** Sends one check from `from`, nominating with USE-CANDIDATE and/or NOMINATION. */
  const check = (from: typeof high, o: { useCandidate?: boolean; nomination?: number }) => {
    const data = encodeCheckRequest({
      transactionId: rng.fill(new Uint8Array(12)),
      username: `${agent.localCredentials.ufrag}:${us.ufrag}`,
      priority: 1853824767,
      role: "controlling",
      tieBreaker: 1n << 62n,
      useCandidate: o.useCandidate ?? false,
      ...(o.nomination ? { nomination: o.nomination } : {}),
      key: theirKey,
    });
    expect(getAttribute(decodeStunMessage(data), UseCandidate) === true).toBe(
      o.useCandidate ?? false,
    );
    expect(getAttribute(decodeStunMessage(data), Nomination)).toBe(o.nomination || undefined);
    agent.handleDatagram(now, { from, to: local, data });
    pump();
  };
  const selectedPort = () => agent.selectedPair?.remote.port;
  return { agent, run, check, selectedPort, high, low };
}

describe("renomination as the controlled agent (a Chromium-like controlling peer)", () => {
  it("the highest NOMINATION value is selected even on a pair of lower priority; lower or repeated values and a bare USE-CANDIDATE do not take it back", () => {
    const p = scriptedPeer();
    p.run(2000); // both pairs succeed
    p.check(p.high, { nomination: 1 });
    expect(p.selectedPort()).toBe(p.high.port);
    p.check(p.low, { nomination: 2 });
    expect(p.selectedPort()).toBe(p.low.port);
    p.check(p.high, { nomination: 1 });
    p.check(p.high, { useCandidate: true });
    expect(p.selectedPort()).toBe(p.low.port);
    p.check(p.high, { nomination: 3 });
    expect(p.selectedPort()).toBe(p.high.port);
  });

  it("a NOMINATION on a pair whose check has not succeeded yet selects it once its triggered check succeeds", () => {
    const p = scriptedPeer();
    p.check(p.low, { nomination: 5 });
    expect(p.selectedPort()).toBeUndefined();
    p.run(1000);
    expect(p.selectedPort()).toBe(p.low.port);
  });

  it("USE-CANDIDATE alone (a peer without renomination) keeps RFC 8445 selection: the higher priority wins", () => {
    const p = scriptedPeer();
    p.run(2000);
    p.check(p.low, { useCandidate: true });
    expect(p.selectedPort()).toBe(p.low.port);
    p.check(p.high, { useCandidate: true });
    expect(p.selectedPort()).toBe(p.high.port);
    p.check(p.low, { useCandidate: true });
    expect(p.selectedPort()).toBe(p.high.port);
  });
});

describe("renomination as the controlled agent: property", () => {
  it("after any sequence of checks with NOMINATION and/or USE-CANDIDATE, the selected pair is the nominated one with the highest value, then the highest priority", () => {
    const check = fc.record({
      high: fc.boolean(),
      nomination: fc.integer({ min: 0, max: 6 }),
      useCandidate: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(check, { minLength: 1, maxLength: 12 }), (checks) => {
        const p = scriptedPeer();
        p.run(2000);
        const value = { high: 0, low: 0 };
        for (const c of checks) {
          p.check(c.high ? p.high : p.low, c);
          const v = c.nomination || (c.useCandidate ? 1 : 0);
          const k = c.high ? "high" : "low";
          value[k] = Math.max(value[k], v);
        }
        const expected =
          value.high === 0 && value.low === 0
            ? undefined
            : value.high >= value.low
              ? p.high.port
              : p.low.port;
        expect(p.selectedPort()).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});
