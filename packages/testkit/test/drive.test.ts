import { describe, expect, it } from "vitest";
import { DriveError, Driver, drive, NetSim, pair } from "../src/index.js";
import { Echo, Pinger, type ToyEvent } from "./toy-endpoints.js";

describe("drive()", () => {
  it("two toy echo endpoints exchange data through the sim (20 ms one-way latency)", () => {
    const p = pair(new Pinger({ address: "10.0.0.2", port: 5000 }, 5), new Echo(), {
      link: { latencyMs: 20 },
    });
    (p.a.endpoint as Pinger).start(p.driver.now);
    p.driver.runUntil(() => (p.a.endpoint as Pinger).done === 5);
    expect(p.driver.now).toBe(200);
    expect(p.a.events.map((e) => e.event)).toEqual(
      [0, 1, 2, 3, 4].map((seq) => ({ type: "pong", seq, rttMs: 40 })),
    );
    expect(p.b.takeEvents()).toHaveLength(5);
    expect(p.b.events).toHaveLength(0);
  });

  it("recovers from 30% loss through the endpoint's own retransmission timer", () => {
    const p = pair(new Pinger({ address: "10.0.0.2", port: 5000 }, 50), new Echo(), {
      link: { latencyMs: 10, loss: 0.3 },
      seed: 7,
    });
    (p.a.endpoint as Pinger).start(0);
    p.driver.runUntil(() => (p.a.endpoint as Pinger).done === 50);
    expect(p.a.timeouts).toBeGreaterThan(0);
    expect(p.sim.linkStats("a", "b").dropped.loss).toBeGreaterThan(0);
  });

  it("a predicate that never holds fails with a readable trace", () => {
    const p = pair(new Pinger({ address: "10.0.0.2", port: 5000 }, 1000), new Echo(), {
      link: { latencyMs: 5, loss: 1 },
    });
    (p.a.endpoint as Pinger).start(0);
    let err: unknown;
    try {
      p.driver.runUntil(() => false, { timeoutMs: 1000 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DriveError);
    const msg = (err as Error).message;
    expect(msg).toContain("condition not met within 1000 ms of simulated time");
    expect(msg).toContain("a @ 10.0.0.1:5000: sent 11");
    expect(msg).toContain("seq 0/1000, deadline 1100"); // describe()
    expect(msg).toContain("a → b: sent 11, delivered 0, dropped: loss 11");
    expect(msg).toMatch(/t= +900\.000 timeout +a/);
    expect(msg).toMatch(/dropped +a\(10\.0\.0\.1:5000\) → b\(10\.0\.0\.2:5000\) 4 B \(loss\)/);
    expect(p.driver.now).toBe(1000);
  });

  it("fails when everything goes idle before the predicate holds", () => {
    const p = pair(new Echo(), new Echo());
    expect(() => p.driver.runUntil(() => false)).toThrow(/nothing is pending/);
  });

  it("fails at the step limit", () => {
    const p = pair(new Pinger({ address: "10.0.0.2", port: 5000 }, 1e6), new Echo(), {
      link: { latencyMs: 1 },
    });
    (p.a.endpoint as Pinger).start(0);
    expect(() => p.driver.runUntil(() => false, { maxSteps: 100 })).toThrow(/after 100 steps/);
    expect(p.driver.steps).toBe(100);
  });

  it("same seed → identical event trace; another seed differs", () => {
    const run = (seed: number): string => {
      const p = pair(new Pinger({ address: "10.0.0.2", port: 5000 }, 30), new Echo(), {
        seed,
        link: {
          latencyMs: 10,
          jitterMs: 15,
          loss: 0.2,
          duplicate: 0.1,
          reorder: 0.1,
          reorderDelayMs: 30,
        },
      });
      (p.a.endpoint as Pinger).start(0);
      p.driver.runUntil(() => (p.a.endpoint as Pinger).done === 30);
      return `${p.driver.traceText(100_000)}\n${JSON.stringify(p.a.events)}`;
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
  });

  it("lets a test inject API commands between steps and advance time with runFor", () => {
    const p = pair(new Pinger({ address: "10.0.0.2", port: 5000 }, 1), new Echo(), {
      link: { latencyMs: 7 },
    });
    p.driver.runFor(1000);
    expect(p.driver.now).toBe(1000);
    (p.a.endpoint as Pinger).start(p.driver.now);
    expect(p.driver.step()).toBe(true); // delivers the ping
    expect(p.driver.now).toBe(1007);
    expect(p.b.events).toEqual([{ at: 1007, event: { type: "ping", seq: 0 } }]);
    p.driver.runUntilIdle();
    expect(p.a.events).toEqual([{ at: 1014, event: { type: "pong", seq: 0, rttMs: 14 } }]);
    expect(p.driver.step()).toBe(false);
  });

  it("runs N endpoints, routes by Transmit.from for multi-address endpoints, counts unbound", () => {
    const sim = new NetSim({ seed: 3, link: { latencyMs: 1 } });
    sim.addHost("ice", ["192.0.2.1", "2001:db8::1"]);
    sim.addHost("v4", "192.0.2.2");
    sim.addHost("v6", "2001:db8::2");
    const log: ToyEvent[] = [];
    const driver = drive({
      sim,
      endpoints: [
        { name: "v4", endpoint: new Echo(), address: { address: "192.0.2.2", port: 1 } },
        {
          name: "v6",
          endpoint: new Echo(),
          address: { address: "2001:db8::2", port: 1 },
          onEvent: (e) => log.push(e),
        },
      ],
    });
    const multi = new Pinger({ address: "2001:db8:0:0::2", port: 1 }, 1);
    const ice = driver.attach("ice", multi, [
      { address: "192.0.2.1", port: 9 },
      { address: "2001:db8::1", port: 9 },
    ]);
    multi.start(0);
    driver.runUntil(() => multi.done === 1);
    expect(log).toEqual([{ type: "ping", seq: 0 }]);
    expect(ice.events).toHaveLength(1);
    sim.send(driver.now, {
      from: { address: "192.0.2.1", port: 3 },
      to: { address: "192.0.2.2", port: 77 },
      data: new Uint8Array(1),
    });
    driver.runUntilIdle();
    expect(sim.linkStats("ice", "v4").dropped.unbound).toBe(1);
  });

  it("rejects a Transmit.from the endpoint is not attached to", () => {
    const sim = new NetSim();
    sim.addHost("x", "10.1.1.1");
    sim.addHost("y", "10.1.1.2");
    const d = new Driver(sim);
    const bad = new Echo();
    d.attach("x", bad, { address: "10.1.1.1", port: 1 });
    d.attach("y", new Pinger({ address: "10.1.1.1", port: 1 }, 1), {
      address: "10.1.1.2",
      port: 1,
    });
    bad.handleDatagram(0, {
      from: { address: "10.1.1.2", port: 1 },
      to: { address: "10.1.1.1", port: 2 },
      data: new Uint8Array(1),
    });
    expect(() => d.step()).toThrow(/not one of its addresses/);
  });
});
