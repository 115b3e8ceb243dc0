/**
 * Relayed candidates from a real TURN allocation (TurnRelayClient over @purertc/turn's client,
 * the server core from @purertc/turn) in simulated time: two agents behind
 * address-and-port-dependent (symmetric) NATs can only meet through the relay (RFC 8445
 * §5.1.1.2, RFC 4787); `iceTransportPolicy: "relay"` keeps everything else out.
 */
import { utf8Decode, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { bothConnected, type IceSim, iceSim, TURN_ADDR } from "../support/ice-sim.js";

function exchange(s: IceSim, n: number): void {
  for (let i = 0; i < n; i++) {
    expect(s.a.agent.send(s.driver.now, utf8Encode(`a${i}`))).toBe(true);
    expect(s.b.agent.send(s.driver.now, utf8Encode(`b${i}`))).toBe(true);
  }
  s.driver.runUntil(() => s.a.received.length >= n && s.b.received.length >= n, {
    timeoutMs: 5000,
  });
  expect(s.b.received.map((d) => utf8Decode(d))).toEqual(
    Array.from({ length: n }, (_, i) => `a${i}`),
  );
  expect(s.a.received.map((d) => utf8Decode(d))).toEqual(
    Array.from({ length: n }, (_, i) => `b${i}`),
  );
}

describe("ICE through a real TURN server (simulated time)", () => {
  it("symmetric NAT ↔ symmetric NAT with STUN: connects only through the TURN relay, data both ways, ChannelData after the checks", () => {
    const s = iceSim({
      a: { nat: "apdm", stun: true, turn: true },
      b: { nat: "apdm", stun: true, turn: true },
    });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 30_000 });
    const pa = s.a.agent.selectedPair!;
    const pb = s.b.agent.selectedPair!;
    expect(pa.local.type === "relay" || pa.remote.type === "relay").toBe(true);
    expect(pb.local.type === "relay" || pb.remote.type === "relay").toBe(true);
    const relayed = s.a.agent.localCandidates.find((c) => c.type === "relay")!;
    expect(relayed.address).toBe(TURN_ADDR.address);
    expect(relayed.relatedAddress).toBe("203.0.113.1"); // the NAT's public address
    expect(relayed.url).toBe(`turn:${TURN_ADDR.address}:${TURN_ADDR.port}?transport=udp`);
    exchange(s, 20);
    const server = s.turnServer.core.stats();
    expect(server.allocations).toBe(2);
    expect(server.packetsToPeer).toBeGreaterThanOrEqual(20);
    // The agent sends through the relay it selected; that relay bound a channel on first use.
    const sender = pa.local.type === "relay" ? s.a.turn! : s.b.turn!;
    expect(sender.stats().channelDataSent).toBeGreaterThan(0);
  });

  it('iceTransportPolicy "relay": only relayed candidates are signalled and the selected pair is relay ↔ relay', () => {
    const relayOnly = { transportPolicy: "relay" as const };
    const s = iceSim({
      a: { stun: true, turn: true, config: relayOnly },
      b: { stun: true, turn: true, config: relayOnly },
    });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 30_000 });
    for (const side of [s.a, s.b]) {
      expect(side.agent.localCandidates.map((c) => c.type)).toEqual(["relay"]);
      expect(side.agent.selectedPair!.local.type).toBe("relay");
      expect(side.agent.selectedPair!.remote.type).toBe("relay");
    }
    exchange(s, 5);
  });

  it("closing the agents deallocates (Refresh LIFETIME 0): the server holds no allocation", () => {
    const s = iceSim({ a: { turn: true }, b: { turn: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 30_000 });
    expect(s.turnServer.core.stats().allocations).toBe(2);
    s.a.agent.close(s.driver.now);
    s.b.agent.close(s.driver.now);
    s.driver.runUntil(() => s.turnServer.core.stats().allocations === 0, { timeoutMs: 5000 });
    expect(s.turnServer.core.stats().allocationsDeleted).toBe(2);
    expect(s.turnServer.core.stats().allocationsExpired).toBe(0);
  });
});
