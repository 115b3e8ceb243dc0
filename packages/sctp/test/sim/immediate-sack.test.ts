import { describe, expect, it } from "vitest";
import { COMMON_HEADER_LENGTH } from "../../src/packet.js";
import { connectPair, simPair } from "./harness.js";

const DATA = 0;
const FLAG_I = 8;

describe("SACK-IMMEDIATELY when the send queue runs dry (RFC 7053 §4.2)", () => {
  it("only the last DATA chunk of a drained queue carries the I bit", () => {
    const p = simPair({ link: { latencyMs: 1 } });
    connectPair(p);
    p.A.send(p.driver.now, 0, 53, new Uint8Array(3000)); // three packets at MTU 1200
    const flags: number[] = [];
    for (let d = p.A.pollTransmit(); d; d = p.A.pollTransmit())
      if (d[COMMON_HEADER_LENGTH] === DATA) flags.push(d[COMMON_HEADER_LENGTH + 1]! & FLAG_I);
    expect(flags).toEqual([0, 0, FLAG_I]);
  });

  it("an odd burst is acknowledged in one round trip, not after the peer's 200 ms delayed SACK", () => {
    const p = simPair({ link: { latencyMs: 1 } });
    connectPair(p);
    const t0 = p.driver.now;
    p.A.send(t0, 0, 53, new Uint8Array(3000));
    p.driver.flush();
    p.driver.runUntil(() => p.A.stats().bytesInFlight === 0);
    // 1 ms there and 1 ms back; without the I bit the last packet waits for the delayed-SACK
    // timer, and our T3-rtx (RTO.Min 200 ms) fires first.
    expect(p.driver.now - t0).toBeLessThanOrEqual(3);
    expect(p.A.stats().t3Expirations).toBe(0);
  });

  it("request/response keeps its piggybacked SACKs: 100 ping-pongs take 2 packets each, no I bit", () => {
    const p = simPair({ link: { latencyMs: 1 } });
    connectPair(p);
    p.a.takeEvents();
    p.b.takeEvents();
    const sentBefore = p.A.stats().packetsSent + p.B.stats().packetsSent;
    let pongs = 0;
    p.A.send(p.driver.now, 0, 53, Uint8Array.of(1));
    p.driver.flush();
    p.driver.runUntil(() => {
      for (const e of p.b.takeEvents())
        if (e.type === "message") p.B.send(p.driver.now, 0, 53, e.data);
      for (const e of p.a.takeEvents()) {
        if (e.type !== "message") continue;
        if (++pongs < 100) p.A.send(p.driver.now, 0, 53, Uint8Array.of(1));
      }
      p.driver.flush();
      return pongs >= 100;
    });
    // Each SACK rides on the reply; an I bit on the lone ping would add a bare SACK per hop.
    expect(p.A.stats().packetsSent + p.B.stats().packetsSent - sentBefore).toBe(200);
  });
});
