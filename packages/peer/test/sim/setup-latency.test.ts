import { describe, expect, it } from "vitest";
import { defaultCodecs, type PeerCoreEvent } from "../../src/index.js";
import { negotiate, type SimPeer, simPair } from "./helpers.js";

const L = 10; // one-way latency, ms

/** Records, for each event of `p` not seen yet, the simulated time since `t0` it was first seen. */
function timeline(p: SimPeer, t0: number, at: Map<PeerCoreEvent, number>, now: number): void {
  for (const e of p.events) if (!at.has(e)) at.set(e, now - t0);
}

describe("peer core setup: round trips from negotiation to open (clean link, 10 ms one way)", () => {
  it("ICE, DTLS without HelloVerifyRequest, SCTP and DCEP reach open in 11 one-way delays, with no timer-driven wait or retransmission", () => {
    const s = simPair(1, { latencyMs: L });
    negotiate(s);
    const t0 = s.driver.now;
    s.offerer.core.createChannel(t0, { label: "chat" });
    const at = new Map<PeerCoreEvent, number>();
    s.driver.runUntil(() => {
      timeline(s.offerer, t0, at, s.driver.now);
      timeline(s.answerer, t0, at, s.driver.now);
      return (
        s.offerer.events.some((e) => e.type === "channel-open") &&
        s.answerer.events.some((e) => e.type === "datachannel")
      );
    });
    const when = (p: SimPeer, type: PeerCoreEvent["type"], state?: string) =>
      at.get(
        p.events.find(
          (e) =>
            e.type === type && (state === undefined || (e as { state?: string }).state === state),
        )!,
      );
    // RFC 8445 §8.1.1 regular nomination: check, response, USE-CANDIDATE check (no pacing wait).
    expect(when(s.answerer, "selected-pair")).toBe(3 * L);
    // DTLS 1.2 full handshake from the client's selected pair: ClientHello, server flight,
    // client flight, server Finished: 4 one-way delays, no HelloVerifyRequest round trip.
    expect(when(s.offerer, "dtls-state", "connected")).toBe(6 * L);
    expect(when(s.answerer, "dtls-state", "connected")).toBe(7 * L);
    // SCTP INIT/INIT-ACK/COOKIE-ECHO/COOKIE-ACK then DCEP OPEN.
    expect(s.driver.now - t0).toBeLessThanOrEqual(11 * L);
    for (const p of [s.offerer, s.answerer]) {
      const dtls = p.core.stats().dtls!;
      expect(dtls.retransmissions).toBe(0);
    }
  });

  it("`dtls: { helloVerify: true }` restores the cookie exchange, one round trip later", () => {
    const s = simPair(1, { latencyMs: L }, { dtls: { helloVerify: true } });
    negotiate(s);
    const t0 = s.driver.now;
    s.driver.runUntil(() => s.answerer.core.connectionState === "connected");
    expect(s.driver.now - t0).toBe(9 * L);
  });
});

describe("peer core: SRTP keyed only once media is in use (RFC 5764 §4.2 exporter run lazily)", () => {
  it("a data-channel-only connection leaves SRTP unkeyed; configuring a stream later keys it", () => {
    const s = simPair(4, { latencyMs: L });
    negotiate(s);
    s.driver.runUntil(
      () =>
        s.offerer.core.connectionState === "connected" &&
        s.answerer.core.connectionState === "connected",
    );
    expect(s.offerer.core.media.keyed).toBe(false);
    expect(s.answerer.core.media.keyed).toBe(false);
    const codecs = defaultCodecs("audio");
    for (const [p, ssrc] of [
      [s.offerer, 0x1111],
      [s.answerer, 0x2222],
    ] as const)
      p.core.configureMedia(
        s.driver.now,
        [{ id: 0, mid: "1", kind: "audio", ssrc, rtxSsrc: undefined, codecs, extmaps: [] }],
        [],
      );
    expect(s.offerer.core.media.keyed).toBe(true);
    expect(s.answerer.core.media.keyed).toBe(true);
  });
});
