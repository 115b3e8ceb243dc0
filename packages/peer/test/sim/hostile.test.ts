import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { negotiate, type SimPair, simPair } from "./helpers.js";

const ATTACKER = { address: "10.0.0.66", port: 4444 };

/** Datagrams whose first byte lands in each RFC 7983 range, plus anything at all. */
const hostile = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 1500 }),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 600 }))
    .map(([b, r]) => Uint8Array.of(b, ...r)),
  fc
    .tuple(fc.integer({ min: 20, max: 63 }), fc.uint8Array({ maxLength: 600 }))
    .map(([b, r]) => Uint8Array.of(b, ...r)),
  // A DTLS 1.2 application_data header with garbage (bad MAC / wrong epoch).
  fc
    .uint8Array({ minLength: 1, maxLength: 400 })
    .map((r) =>
      Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, r.length >> 8, r.length & 255, ...r),
    ),
  fc
    .tuple(fc.integer({ min: 128, max: 191 }), fc.uint8Array({ maxLength: 200 }))
    .map(([b, r]) => Uint8Array.of(b, ...r)),
);

function open(s: SimPair): number {
  negotiate(s);
  const id = s.offerer.core.createChannel(s.driver.now, { label: "x" });
  s.driver.runUntil(() => s.answerer.events.some((e) => e.type === "datachannel"));
  return id;
}

function delivered(s: SimPair): string[] {
  return s.answerer.events
    .filter((e) => e.type === "message")
    .map((e) => (e as { data: string }).data);
}

describe("hostile peer at the core", () => {
  it("random datagrams before connect: no throw, counted, the handshake still completes", () => {
    const s = simPair(11, { latencyMs: 5 });
    negotiate(s);
    fc.assert(
      fc.property(hostile, (data) => {
        for (const p of [s.offerer, s.answerer]) {
          p.core.handleDatagram(s.driver.now, {
            from: ATTACKER,
            to: { address: "10.0.0.1", port: 5000 },
            data,
          });
          p.core.handleDatagram(s.driver.now, { from: { address: "10.0.0.2", port: 5000 }, data });
        }
      }),
      { numRuns: 300, seed: 1 },
    );
    const id = s.offerer.core.createChannel(s.driver.now, { label: "x" });
    s.driver.runUntil(() => s.offerer.events.some((e) => e.type === "channel-open"));
    s.offerer.core.send(s.driver.now, id, "still fine");
    s.driver.runUntil(() => delivered(s).length === 1);
    const st = s.answerer.core.stats();
    expect(st.internalErrors).toBe(0);
    expect(
      st.rtpDropped + st.unknownDropped + st.ice.dropped + (st.dtls?.malformedDropped ?? 0),
    ).toBeGreaterThan(0);
  });

  it("random datagrams after connect, from the peer's own address: no throw, channel keeps working", () => {
    const s = simPair(12, { latencyMs: 5 });
    const id = open(s);
    const from = { address: "10.0.0.1", port: 5000 };
    fc.assert(
      fc.property(hostile, (data) => {
        s.answerer.core.handleDatagram(s.driver.now, { from, data });
      }),
      { numRuns: 500, seed: 2 },
    );
    for (let i = 0; i < 20; i++) s.offerer.core.send(s.driver.now, id, `m${i}`);
    s.driver.runUntil(() => delivered(s).length === 20);
    const st = s.answerer.core.stats();
    expect(st.internalErrors).toBe(0);
    expect(st.rtpDropped).toBeGreaterThan(0);
    expect(
      (st.dtls?.badMacDropped ?? 0) +
        (st.dtls?.malformedDropped ?? 0) +
        (st.dtls?.epochDropped ?? 0),
    ).toBeGreaterThan(0);
    expect(s.answerer.core.connectionState).toBe("connected");
  });

  it("never lets an exception escape handleDatagram on arbitrary bytes (fast-check)", () => {
    const s = simPair(13);
    negotiate(s);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 1, max: 65535 }),
        (data, port) => {
          s.offerer.core.handleDatagram(s.driver.now, {
            from: { address: "10.0.0.2", port },
            data,
          });
        },
      ),
      { numRuns: 500, seed: 3 },
    );
    expect(s.offerer.core.stats().internalErrors).toBe(0);
  });
});
