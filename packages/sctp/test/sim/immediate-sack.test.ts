import { describe, expect, it } from "vitest";
import { COMMON_HEADER_LENGTH } from "../../src/packet.js";
import { connectPair, simPair } from "./harness.js";

const DATA = 0;
const FLAG_I = 8;

/** The flags of every DATA chunk of a packet, OR-ed. */
function dataFlags(d: Uint8Array): number {
  let flags = 0;
  for (let o = COMMON_HEADER_LENGTH; o + 4 <= d.byteLength; ) {
    if (d[o] === DATA) flags |= d[o + 1]!;
    o += (((d[o + 2]! << 8) | d[o + 3]!) + 3) & ~3;
  }
  return flags;
}

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

  it("a lone packet the congestion window stops the queue behind carries the I bit: after path MTU discovery raised packets above the initial cwnd, 1 MiB takes no delayed-SACK wait and no T3-rtx", () => {
    const p = simPair({
      link: { latencyMs: 1, mtu: 16384 + 28 },
      a: { maxMessageSize: 0 },
    });
    connectPair(p);
    p.driver.runUntil(() => p.A.stats().pmtuState === "search-complete");
    expect(p.A.stats().pmtu).toBe(16384);
    // RFC 9260 §7.2.1: the initial cwnd was set for 1200-byte packets, under two of 16384 bytes.
    expect(p.A.stats().cwnd).toBeLessThan(2 * 16384);
    const iBits: number[] = [];
    p.sim.addTap((r) => {
      const d = r.data;
      if (r.kind === "sent" && r.from.address === "10.0.0.1" && d[COMMON_HEADER_LENGTH] === DATA)
        iBits.push(dataFlags(d) & FLAG_I);
    });
    const t0 = p.driver.now;
    for (let i = 0; i < 64; i++) p.A.send(t0, 0, 53, new Uint8Array(16384));
    p.driver.flush();
    p.driver.runUntil(() => p.A.stats().bytesInFlight === 0 && p.A.stats().bufferedAmount === 0);
    // Without the I bit the first packet waits for B's 200 ms delayed SACK (and T3-rtx at
    // RTO.Min fires first, collapsing cwnd); with it, slow start grows cwnd every round trip.
    expect(p.driver.now - t0).toBeLessThan(100);
    expect(p.A.stats().t3Expirations).toBe(0);
    expect(iBits[0]).toBe(FLAG_I);
    // Once cwnd holds two packets the receiver's every-second-packet SACK keeps things moving.
    expect(iBits.filter((b) => b !== 0).length).toBeLessThan(iBits.length / 4);
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
