import { describe, expect, it } from "vitest";
import { type Delivery, type LinkConditions, NetSim } from "../src/index.js";

const A = { address: "10.0.0.1", port: 1000 };
const B = { address: "10.0.0.2", port: 2000 };

function sim(link: Partial<LinkConditions>, seed = 1): NetSim {
  const s = new NetSim({ seed, link });
  s.addHost("a", "10.0.0.1");
  s.addHost("b", "10.0.0.2");
  return s;
}

/** Sends `n` datagrams of `size` bytes, one every `gapMs`, each tagged with its index; returns every delivery. */
function blast(s: NetSim, n: number, size = 100, gapMs = 1): Delivery[] {
  const out: Delivery[] = [];
  const data = new Uint8Array(size);
  const view = new DataView(data.buffer);
  for (let i = 0; i < n; i++) {
    const now = i * gapMs;
    view.setUint32(0, i);
    s.send(now, { from: A, to: B, data });
    for (let d = s.pollDeliver(now); d; d = s.pollDeliver(now)) out.push(d);
  }
  for (
    let d = s.pollDeliver(Number.POSITIVE_INFINITY);
    d;
    d = s.pollDeliver(Number.POSITIVE_INFINITY)
  )
    out.push(d);
  return out;
}

const index = (d: Delivery): number => new DataView(d.data.buffer, d.data.byteOffset).getUint32(0);

function outOfOrder(ds: Delivery[]): number {
  let max = -1;
  let n = 0;
  for (const d of ds) {
    const i = index(d);
    if (i < max) n++;
    else max = i;
  }
  return n;
}

describe("NetSim link impairments", () => {
  it("latency is exact and nothing arrives early", () => {
    const s = sim({ latencyMs: 37 });
    s.send(5, { from: A, to: B, data: new Uint8Array([1, 2]) });
    expect(s.nextDeliveryTime()).toBe(42);
    expect(s.pollDeliver(41.999)).toBeUndefined();
    expect(s.pollDeliver(42)).toEqual({
      at: 42,
      host: "b",
      from: A,
      to: B,
      data: new Uint8Array([1, 2]),
    });
    expect(s.nextDeliveryTime()).toBeUndefined();
  });

  it("copies the sender's bytes (the sender may reuse its buffer)", () => {
    const s = sim({});
    const buf = new Uint8Array([7]);
    s.send(0, { from: A, to: B, data: buf });
    buf[0] = 9;
    expect(s.pollDeliver(0)?.data).toEqual(new Uint8Array([7]));
  });

  it("10% uniform loss measures 10% ± 0.5% over 100k packets (seed 1)", () => {
    const s = sim({ loss: 0.1 });
    const got = blast(s, 100_000, 20).length;
    expect(Math.abs(1 - got / 100_000 - 0.1)).toBeLessThan(0.005);
    const st = s.linkStats("a", "b");
    expect(st.sent).toBe(100_000);
    expect(st.delivered).toBe(got);
    expect(st.dropped.loss).toBe(100_000 - got);
  });

  it("Gilbert–Elliott loss comes in bursts whose mean length is 1/pBadToGood", () => {
    const s = sim({ burstLoss: { pGoodToBad: 0.01, pBadToGood: 0.25 } }, 9);
    const ds = blast(s, 100_000, 20);
    const seen = new Uint8Array(100_000);
    for (const d of ds) seen[index(d)] = 1;
    let bursts = 0;
    let lost = 0;
    for (let i = 0; i < seen.length; i++) {
      if (seen[i] === 0) {
        lost++;
        if (i === 0 || seen[i - 1] === 1) bursts++;
      }
    }
    expect(lost / bursts).toBeGreaterThan(3.6); // expected 4
    expect(lost / bursts).toBeLessThan(4.4);
    expect(lost / 100_000).toBeGreaterThan(0.035); // expected p/(p+r) = 3.85%
    expect(lost / 100_000).toBeLessThan(0.042);
    // Uniform loss at the same rate has mean bursts of ≈1.04: the difference is the point.
    const u = sim({ loss: 0.0385 }, 9);
    const useen = new Uint8Array(100_000);
    for (const d of blast(u, 100_000, 20)) useen[index(d)] = 1;
    let ub = 0;
    let ul = 0;
    for (let i = 0; i < useen.length; i++) {
      if (useen[i] === 0) {
        ul++;
        if (i === 0 || useen[i - 1] === 1) ub++;
      }
    }
    expect(ul / ub).toBeLessThan(1.1);
  });

  it("duplication rate matches (20% ± 1% over 20k packets) and copies are separate buffers", () => {
    const s = sim({ duplicate: 0.2 });
    const ds = blast(s, 20_000, 20);
    expect(Math.abs((ds.length - 20_000) / 20_000 - 0.2)).toBeLessThan(0.01);
    expect(s.linkStats("a", "b").duplicated).toBe(ds.length - 20_000);
    const counts = new Map<number, Delivery[]>();
    for (const d of ds) counts.set(index(d), [...(counts.get(index(d)) ?? []), d]);
    const twice = [...counts.values()].find((v) => v.length === 2)!;
    expect(twice[0]!.data).not.toBe(twice[1]!.data);
  });

  it("reorder actually reorders, at roughly the configured probability", () => {
    const s = sim({ latencyMs: 10, reorder: 0.05, reorderDelayMs: 20 });
    const ds = blast(s, 20_000, 20, 1);
    expect(ds).toHaveLength(20_000);
    const held = s.linkStats("a", "b").reordered;
    expect(Math.abs(held / 20_000 - 0.05)).toBeLessThan(0.005);
    // Each held-back datagram arrives after the ~20 sent during its extra delay.
    const ooo = outOfOrder(ds);
    expect(ooo).toBeGreaterThan(0);
    expect(ooo).toBe(held);
  });

  it("jitter alone does not reorder (default), but does when jitterReorders is set", () => {
    const fifo = sim({ latencyMs: 50, jitterMs: 40 });
    const ds = blast(fifo, 10_000, 20, 1);
    expect(outOfOrder(ds)).toBe(0);
    const spread = new Set(ds.map((d) => d.at - index(d)));
    expect(spread.size).toBeGreaterThan(100); // delays really vary
    for (const d of ds) expect(d.at - index(d)).toBeGreaterThanOrEqual(50);
    const loose = sim({ latencyMs: 50, jitterMs: 40, jitterReorders: true });
    expect(outOfOrder(blast(loose, 10_000, 20, 1))).toBeGreaterThan(1000);
  });

  it("rate limit: throughput matches 1 Mbit/s and the full queue tail-drops", () => {
    // 1000-byte payloads are 1028 IP bytes = 8.224 ms each at 1 Mbit/s; offered every 4 ms.
    const s = sim({ rateBps: 1_000_000, queueBytes: 10_280 });
    const ds = blast(s, 2_000, 1000, 4);
    const st = s.linkStats("a", "b");
    expect(st.dropped["queue-full"]).toBeGreaterThan(900);
    expect(st.delivered + st.dropped["queue-full"]).toBe(2000);
    const first = ds[0]!.at;
    const last = ds[ds.length - 1]!.at;
    const bps = ((ds.length - 1) * 1028 * 8 * 1000) / (last - first);
    expect(Math.abs(bps / 1_000_000 - 1)).toBeLessThan(0.001);
    // Gaps between arrivals are exactly one serialisation time once the queue is busy.
    expect(ds[11]!.at - ds[10]!.at).toBeCloseTo(8.224, 9);
  });

  it("rate limit below capacity adds only serialisation delay and drops nothing", () => {
    const s = sim({ rateBps: 8_000_000, latencyMs: 5 });
    const ds = blast(s, 1000, 972, 10); // 1000 IP bytes = 1 ms each
    expect(ds).toHaveLength(1000);
    expect(ds[3]!.at).toBeCloseTo(30 + 1 + 5, 9);
  });

  it("MTU drops exactly the datagrams larger than it (IPv4 and IPv6 headers counted)", () => {
    const s = new NetSim({ link: { mtu: 1280 } });
    s.addHost("a", ["10.0.0.1", "fd00::1"]);
    s.addHost("b", ["10.0.0.2", "fd00::2"]);
    const sizes = [1, 1200, 1231, 1252, 1253, 1400];
    for (const n of sizes) s.send(0, { from: A, to: B, data: new Uint8Array(n) });
    for (const n of sizes)
      s.send(0, {
        from: { address: "fd00::1", port: 1 },
        to: { address: "fd00::2", port: 2 },
        data: new Uint8Array(n),
      });
    const got: number[] = [];
    for (let d = s.pollDeliver(0); d; d = s.pollDeliver(0)) got.push(d.data.byteLength);
    expect(got).toEqual([1, 1200, 1231, 1252, 1, 1200, 1231]);
    expect(s.linkStats("a", "b").dropped.mtu).toBe(5);
  });

  it("conditions change mid-run: the link goes down (100% loss) and comes back", () => {
    const s = sim({ latencyMs: 10 });
    expect(blast(s, 100)).toHaveLength(100);
    s.setLink("a", "b", { loss: 1 });
    expect(blast(s, 100)).toHaveLength(0);
    expect(s.link("a", "b").conditions.latencyMs).toBe(10);
    s.setLink("a", "b", { loss: 0 });
    expect(blast(s, 100)).toHaveLength(100);
    s.setDefaultLink({ latencyMs: 30 });
    s.send(200, { from: A, to: B, data: new Uint8Array(1) });
    expect(s.nextDeliveryTime()).toBe(230);
    s.setLink("b", "a", { latencyMs: 1 }, { oneWay: true });
    expect(s.link("a", "b").conditions.latencyMs).toBe(30);
    expect(() => s.setLink("a", "b", { loss: 2 })).toThrow(RangeError);
  });

  it("drops datagrams to unknown or other-family addresses as unroutable", () => {
    const s = sim({});
    s.send(0, { from: A, to: { address: "10.9.9.9", port: 1 }, data: new Uint8Array(1) });
    s.send(0, { from: A, to: { address: "::1", port: 1 }, data: new Uint8Array(1) });
    expect(s.stats().dropped.unroutable).toBe(2);
    expect(() =>
      s.send(0, { from: { address: "10.9.9.9", port: 1 }, to: B, data: new Uint8Array(1) }),
    ).toThrow(RangeError);
  });

  it("taps see sent, delivered and dropped datagrams", () => {
    const kinds: string[] = [];
    const s = new NetSim({ link: { loss: 0.5 }, taps: [(r) => kinds.push(r.kind)] });
    s.addHost("a", "10.0.0.1");
    s.addHost("b", "10.0.0.2");
    const n = blast(s, 100).length;
    expect(kinds.filter((k) => k === "sent")).toHaveLength(100);
    expect(kinds.filter((k) => k === "delivered")).toHaveLength(n);
    expect(kinds.filter((k) => k === "dropped")).toHaveLength(100 - n);
  });
});
