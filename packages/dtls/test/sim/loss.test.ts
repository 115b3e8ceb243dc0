import { describe, expect, it } from "vitest";
import { eventsOf, isConnected, simPair } from "../helpers.js";

const impaired = (loss: number) => ({
  loss,
  latencyMs: 20,
  jitterMs: 15,
  jitterReorders: true,
  reorder: 0.2,
  reorderDelayMs: 40,
  duplicate: 0.1,
});

describe("handshake under loss, reordering and duplication (RFC 6347 §4.2.4)", () => {
  for (const loss of [0, 0.1, 0.2, 0.5]) {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      it(`completes at ${loss * 100}% loss with reorder and duplication (seed ${seed})`, () => {
        const timers = {
          initialRetransmitMs: 200,
          maxRetransmitMs: 3200,
          handshakeTimeoutMs: 600_000,
        };
        const p = simPair({ seed, link: impaired(loss), client: timers, server: timers });
        p.client.start(p.driver.now);
        p.driver.runUntil(() => isConnected(p.a.events) && isConnected(p.b.events), {
          timeoutMs: 600_000,
        });
        const a = eventsOf(p.a.events, "connected")[0]!;
        const b = eventsOf(p.b.events, "connected")[0]!;
        expect(a.cipherSuite).toBe(b.cipherSuite);
        expect(p.client.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 60)).toEqual(
          p.server.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 60),
        );
        expect(eventsOf(p.a.events, "failed")).toEqual([]);
        expect(eventsOf(p.b.events, "failed")).toEqual([]);
        const retransmissions = p.client.stats().retransmissions + p.server.stats().retransmissions;
        if (loss === 0) expect(retransmissions).toBe(0);
        if (loss === 0.5) expect(retransmissions).toBeGreaterThan(0);
      });
    }
  }

  it("completes at 50% loss with RFC default timers (1 s initial, 60 s max) at MTU 576", () => {
    const p = simPair({
      seed: 42,
      link: { ...impaired(0.5), mtu: 576 },
      client: { mtu: 548, handshakeTimeoutMs: 3_600_000 },
      server: { mtu: 548, handshakeTimeoutMs: 3_600_000 },
    });
    p.client.start(p.driver.now);
    p.driver.runUntil(() => isConnected(p.a.events) && isConnected(p.b.events), {
      timeoutMs: 3_600_000,
    });
    expect(p.sim.stats().dropped.mtu).toBe(0);
  });
});
