import { describe, expect, it } from "vitest";
import { readChecksum } from "../../src/packet.js";
import { connectDc, connectPair, dcPair, simPair } from "./harness.js";
import { Workload } from "./workload.js";

describe("stream reset during traffic (RFC 6525)", () => {
  it("closing one channel while another streams at 5% loss: all data arrives, the channel closes, its id is reused", () => {
    const p = dcPair({ link: { latencyMs: 10, loss: 0.05 }, seed: 3 });
    const bulk = p.A.createChannel(0, { label: "bulk" });
    const side = p.A.createChannel(0, { label: "side" });
    connectDc(p);
    const { driver } = p;
    let sent = 0;
    let received = 0;
    let sideReceived = 0;
    const chunk = new Uint8Array(3000).fill(1);
    for (let i = 0; i < 20; i++) p.A.send(driver.now, side, `side ${i}`);
    p.A.close(driver.now, side);
    driver.flush();
    driver.runUntil(() => {
      while (sent < 2000 && p.A.bufferedAmount(bulk) < 200_000) {
        p.A.send(driver.now, bulk, chunk);
        sent++;
      }
      driver.flush();
      for (const e of p.b.takeEvents()) {
        if (e.type === "message" && e.id === bulk) received++;
        if (e.type === "message" && e.id === side) expect(e.data).toBe(`side ${sideReceived++}`);
      }
      return (
        received === 2000 &&
        p.A.channelState(side) === "closed" &&
        p.B.channelState(side) === "closed"
      );
    });
    expect(sideReceived).toBe(20);
    const again = p.A.createChannel(driver.now, { label: "again" });
    expect(again).toBe(side);
    driver.runUntil(() =>
      p.b.events.some((e) => e.event.type === "datachannel" && e.event.channel.label === "again"),
    );
    p.A.send(driver.now, again, "fresh");
    driver.flush();
    driver.runUntil(() =>
      p.b.events.some((e) => e.event.type === "message" && e.event.data === "fresh"),
    );
  });

  it("both sides close many channels at once under loss and every close completes", () => {
    const p = dcPair({ link: { latencyMs: 5, loss: 0.1 }, seed: 9 });
    const ids = [0, 2, 4, 6, 8].map((id) => {
      p.A.createChannel(0, { negotiated: true, id });
      p.B.createChannel(0, { negotiated: true, id });
      return id;
    });
    connectDc(p);
    for (const id of ids) {
      p.A.send(p.driver.now, id, "x");
      p.A.close(p.driver.now, id);
      p.B.close(p.driver.now, id);
    }
    p.driver.flush();
    p.driver.runUntil(() =>
      ids.every((id) => p.A.channelState(id) === "closed" && p.B.channelState(id) === "closed"),
    );
  });
});

describe("extensions", () => {
  it("zero checksum (RFC 9653) is used once both offer it, CRC-32C otherwise", () => {
    for (const offered of [true, false]) {
      const p = simPair({ b: { zeroChecksum: offered } });
      const sums: number[] = [];
      p.sim.addTap((r) => {
        if (r.kind === "sent" && r.data[12] === 0) sums.push(readChecksum(r.data));
      });
      connectPair(p);
      expect(p.A.capabilities.zeroChecksum).toBe(offered);
      p.A.send(p.driver.now, 0, 53, new Uint8Array(100));
      p.driver.flush();
      p.driver.runUntil(() => p.B.stats().messagesReceived === 1);
      expect(sums.length).toBeGreaterThan(0);
      expect(sums.every((c) => (c === 0) === offered)).toBe(true);
    }
  });

  it("I-DATA (RFC 8260) when both sides offer it: mixed traffic at 5% loss arrives exactly", () => {
    const p = simPair({
      seed: 4,
      link: { latencyMs: 10, loss: 0.05, reorder: 0.02, reorderDelayMs: 5, duplicate: 0.01 },
      a: { interleaving: true, maxMessageSize: 262_144 },
      b: { interleaving: true },
    });
    connectPair(p);
    expect(p.A.capabilities.iData).toBe(true);
    const w = new Workload();
    const volume = 2 * 1024 * 1024;
    p.driver.runUntil(() => {
      w.fill(p.A, p.driver.now, volume);
      p.driver.flush();
      for (const e of p.b.takeEvents()) w.check(e);
      return w.bytesQueued >= volume && w.bytesReceived >= w.bytesQueued;
    });
    expect(w.errors).toEqual([]);
  });

  it("I-DATA with PR-SCTP: I-FORWARD-TSN skips an abandoned ordered message", () => {
    const p = simPair({
      link: { latencyMs: 5 },
      a: { interleaving: true },
      b: { interleaving: true },
    });
    connectPair(p);
    const { A, driver, sim } = p;
    A.send(driver.now, 1, 53, Uint8Array.of(1), { maxRetransmits: 0 });
    driver.flush();
    sim.setLink("a", "b", { loss: 1 }, { oneWay: true });
    A.send(driver.now, 1, 53, Uint8Array.of(2), { maxRetransmits: 0 });
    driver.flush();
    sim.resetLink("a", "b");
    A.send(driver.now, 1, 53, Uint8Array.of(3), { maxRetransmits: 0 });
    driver.flush();
    driver.runFor(5000);
    const got = p.b.takeEvents().flatMap((e) => (e.type === "message" ? [e.data[0]] : []));
    expect(got).toEqual([1, 3]);
  });
});
