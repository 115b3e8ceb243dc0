import { describe, expect, it } from "vitest";
import type { SctpEvent } from "../../src/events.js";
import { connectPair, simPair } from "./harness.js";

type Msg = Extract<SctpEvent, { type: "message" }>;

function messages(evs: SctpEvent[]): Msg[] {
  return evs.filter((e): e is Msg => e.type === "message");
}

function one(n: number): Uint8Array {
  return Uint8Array.of(n);
}

describe("PR-SCTP (RFC 3758)", () => {
  it("maxRetransmits 0: exactly the message whose only transmission was lost is abandoned; order holds", () => {
    const p = simPair({ link: { latencyMs: 5 } });
    connectPair(p);
    const { A, driver, sim } = p;
    A.send(driver.now, 1, 53, one(1), { maxRetransmits: 0 });
    driver.flush();
    sim.setLink("a", "b", { loss: 1 }, { oneWay: true });
    A.send(driver.now, 1, 53, one(2), { maxRetransmits: 0 });
    driver.flush();
    sim.resetLink("a", "b");
    A.send(driver.now, 1, 53, one(3), { maxRetransmits: 0 });
    A.send(driver.now, 2, 53, one(4)); // a reliable stream alongside
    driver.flush();
    driver.runUntil(
      () =>
        A.stats().bytesInFlight === 0 &&
        !A.stats().bufferedAmount &&
        p.B.stats().messagesReceived >= 3,
    );
    driver.runFor(3000);
    const got = messages(p.b.takeEvents()).map((m) => [m.streamId, m.data[0]]);
    expect(got.filter(([s]) => s === 1)).toEqual([
      [1, 1],
      [1, 3],
    ]);
    expect(got.filter(([s]) => s === 2)).toEqual([[2, 4]]);
    expect(A.stats().abandonedMessages).toBe(1);
  });

  it("maxRetransmits 2 recovers a loss that 0 retransmissions would abandon", () => {
    const p = simPair({ link: { latencyMs: 5 } });
    connectPair(p);
    const { A, driver, sim } = p;
    sim.setLink("a", "b", { loss: 1 }, { oneWay: true });
    A.send(driver.now, 1, 53, one(9), { maxRetransmits: 2 });
    driver.flush();
    sim.resetLink("a", "b");
    driver.runUntil(() => p.B.stats().messagesReceived === 1);
    expect(messages(p.b.takeEvents())[0]!.data).toEqual(one(9));
    expect(A.stats().abandonedMessages).toBe(0);
  });

  it("maxPacketLifeTime: a message still undelivered after its lifetime is abandoned, later ones flow", () => {
    const p = simPair({ link: { latencyMs: 5 } });
    connectPair(p);
    const { A, driver, sim } = p;
    sim.setLink("a", "b", { loss: 1 }, { oneWay: true });
    A.send(driver.now, 1, 51, one(1), { lifetimeMs: 100 });
    driver.flush();
    driver.runFor(500);
    sim.resetLink("a", "b");
    A.send(driver.now, 1, 51, one(2), { lifetimeMs: 100 });
    driver.flush();
    driver.runFor(5000);
    expect(messages(p.b.takeEvents()).map((m) => m.data[0])).toEqual([2]);
    expect(A.stats().abandonedMessages).toBe(1);
  });

  it("partially reliable traffic at 10% loss: no duplicates, order kept, every undelivered message was abandoned", () => {
    const p = simPair({ link: { latencyMs: 10, loss: 0.1 }, seed: 5 });
    connectPair(p);
    const { A, driver } = p;
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const d = new Uint8Array(200);
      new DataView(d.buffer).setUint32(0, i);
      A.send(driver.now, 3, 53, d, { maxRetransmits: 1 });
      if (i % 50 === 0) driver.runFor(5);
    }
    driver.flush();
    driver.runFor(20_000);
    const got = messages(p.b.takeEvents()).map((m) => new DataView(m.data.buffer).getUint32(0));
    for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThan(got[i - 1]!);
    const abandoned = A.stats().abandonedMessages;
    expect(abandoned).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(n);
    // A message the sender abandoned may still have arrived (its SACK was lost), never the reverse.
    expect(got.length + abandoned).toBeGreaterThanOrEqual(n);
  });
});

describe("unordered delivery (RFC 9260 §6.6)", () => {
  for (const unordered of [true, false]) {
    it(`${unordered ? "unordered messages bypass" : "ordered messages wait behind"} a lost message (head-of-line blocking)`, () => {
      const p = simPair({ link: { latencyMs: 5 } });
      connectPair(p);
      const { A, driver, sim } = p;
      sim.setLink("a", "b", { loss: 1 }, { oneWay: true });
      A.send(driver.now, 0, 53, one(1), { unordered });
      driver.flush();
      sim.resetLink("a", "b");
      const t0 = driver.now;
      for (let i = 2; i <= 5; i++) A.send(driver.now, 0, 53, one(i), { unordered });
      driver.flush();
      driver.runUntil(() => p.B.stats().messagesReceived === 5);
      const log = p.b.events.filter((e) => e.event.type === "message");
      const order = log.map((e) => (e.event as Msg).data[0]);
      const firstAt = log[0]!.at - t0;
      if (unordered) {
        expect(order).toEqual([2, 3, 4, 5, 1]);
        expect(firstAt).toBeLessThan(50); // one-way latency, not a retransmission timeout
      } else {
        expect(order).toEqual([1, 2, 3, 4, 5]);
        expect(firstAt).toBeGreaterThan(50);
      }
    });
  }
});

describe("failure detection (RFC 9260 §8)", () => {
  it("the association fails after Association.Max.Retrans retransmission timeouts", () => {
    const p = simPair({ link: { latencyMs: 5 }, a: { maxRetransmissions: 4 } });
    connectPair(p);
    const { A, driver, sim } = p;
    sim.setLink("a", "b", { loss: 1 });
    A.send(driver.now, 0, 53, one(1));
    driver.flush();
    driver.runUntil(() => A.ended);
    const closed = p.a.events.find((e) => e.event.type === "closed")!;
    expect(closed.event).toMatchObject({ type: "closed", reason: "max-retransmissions" });
    // RTO backs off 1+2+4+8+16 s (from the 1 s initial... or the measured RTO, at least 200 ms).
    expect(closed.at).toBeGreaterThan(3000);
    expect(A.stats().t3Expirations).toBe(4);
  });

  it("an idle association detects a dead peer through heartbeats", () => {
    const p = simPair({
      link: { latencyMs: 5 },
      a: { heartbeatIntervalMs: 1000, maxRetransmissions: 3 },
    });
    connectPair(p);
    const { A, driver, sim } = p;
    driver.runFor(5000); // heartbeats answered: still up
    expect(A.state).toBe("established");
    sim.setLink("a", "b", { loss: 1 });
    driver.runUntil(() => A.ended);
    expect(p.a.events.find((e) => e.event.type === "closed")!.event).toMatchObject({
      reason: "max-retransmissions",
    });
  });

  it("ABORT ends both sides with the user's reason", () => {
    const p = simPair({ link: { latencyMs: 5 } });
    connectPair(p);
    p.A.abort(p.driver.now, "bye");
    p.driver.flush();
    p.driver.runUntil(() => p.B.ended);
    const ev = p.b.events.find((e) => e.event.type === "closed")!.event as Extract<
      SctpEvent,
      { type: "closed" }
    >;
    expect(ev.reason).toBe("peer-abort");
    expect(new TextDecoder().decode(ev.causes![0]!.info)).toBe("bye");
  });
});
