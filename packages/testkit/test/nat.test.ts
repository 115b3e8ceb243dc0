import type { SocketAddress } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { type Delivery, type NatBehavior, type NatConfig, NetSim } from "../src/index.js";

const IN = { address: "192.168.1.10", port: 4000 };
const S1 = { address: "198.51.100.1", port: 3478 };
const S1b = { address: "198.51.100.1", port: 3479 };
const S2 = { address: "198.51.100.2", port: 3478 };
const PUB = "203.0.113.1";
const one = new Uint8Array([1]);

function natSim(config: Partial<NatConfig> = {}): NetSim {
  const s = new NetSim({ seed: 5 });
  s.addNat("nat", { publicAddress: PUB, ...config });
  s.addHost("in", "192.168.1.10", { behind: "nat" });
  s.addHost("in2", "192.168.1.11", { behind: "nat" });
  s.addHost("s1", "198.51.100.1");
  s.addHost("s2", "198.51.100.2");
  return s;
}

function all(s: NetSim, now: number): Delivery[] {
  const out: Delivery[] = [];
  for (let d = s.pollDeliver(now); d; d = s.pollDeliver(now)) out.push(d);
  return out;
}

/** Where `to` sees a datagram from IN come from (the mapped address). */
function mappedTowards(s: NetSim, to: SocketAddress, now = 0): SocketAddress {
  s.send(now, { from: IN, to, data: one });
  const ds = all(s, now);
  expect(ds).toHaveLength(1);
  expect(ds[0]!.to).toEqual(to);
  return ds[0]!.from;
}

/** Whether a datagram from `from` to IN's mapping (made towards S1) gets in. */
function admits(s: NetSim, mapped: SocketAddress, from: SocketAddress): boolean {
  s.send(0, { from, to: mapped, data: one });
  const ds = all(s, 0);
  if (ds.length === 1) expect(ds[0]).toMatchObject({ host: "in", to: IN, from });
  return ds.length === 1;
}

describe("NAT box, RFC 4787 §4.1 mapping behaviour", () => {
  const cases: [NatBehavior, boolean, boolean][] = [
    // [mapping, same mapping for S1 and S1 other port, same mapping for S1 and S2]
    ["endpoint-independent", true, true],
    ["address-dependent", true, false],
    ["address-and-port-dependent", false, false],
  ];
  for (const [mapping, samePortChange, sameAddrChange] of cases) {
    it(`${mapping}: X1':x1' ${samePortChange ? "=" : "≠"} X2':x2' when only Y's port changes, ${sameAddrChange ? "=" : "≠"} when Y's address changes`, () => {
      const s = natSim({ mapping });
      const m1 = mappedTowards(s, S1);
      const m2 = mappedTowards(s, S1b);
      const m3 = mappedTowards(s, S2);
      expect(m1.address).toBe(PUB);
      expect(m1 === m2 || m1.port === m2.port).toBe(samePortChange);
      expect(m1.port === m3.port).toBe(sameAddrChange);
      // The first mapping is still the one reused towards S1.
      expect(mappedTowards(s, S1)).toEqual(m1);
    });
  }

  it("the private host sees its own private address; the public side sees the mapped one", () => {
    const s = natSim();
    const m = mappedTowards(s, S1);
    expect(m.address).toBe(PUB);
    s.send(0, { from: S1, to: m, data: one });
    expect(all(s, 0)).toEqual([{ at: 0, host: "in", from: S1, to: IN, data: one }]);
  });

  it("§4.2.1 port preservation keeps the internal port when free, never overloads it", () => {
    const s = natSim({ portPreservation: true });
    expect(mappedTowards(s, S1)).toEqual({ address: PUB, port: 4000 });
    s.send(0, { from: { address: "192.168.1.11", port: 4000 }, to: S1, data: one });
    const other = all(s, 0)[0]!.from;
    expect(other.port).not.toBe(4000);
    expect(other.port % 2).toBe(0); // §4.2.2 parity kept
    expect(natSim().nat("nat").config.portPreservation).toBe(false);
  });

  it("private addresses are unreachable from outside and from other realms", () => {
    const s = natSim();
    s.addNat("nat2", { publicAddress: "203.0.113.2" });
    s.addHost("far", "10.0.0.5", { behind: "nat2" });
    s.send(0, { from: S1, to: IN, data: one });
    s.send(0, { from: { address: "10.0.0.5", port: 1 }, to: IN, data: one });
    expect(all(s, 0)).toHaveLength(0);
    expect(s.stats().dropped.unroutable).toBe(2);
  });

  it("hosts behind the same NAT reach each other directly on their private addresses", () => {
    const s = natSim();
    s.send(0, { from: IN, to: { address: "192.168.1.11", port: 9 }, data: one });
    expect(all(s, 0)[0]).toMatchObject({ host: "in2", from: IN });
    expect(s.nat("nat").stats().mappingsCreated).toBe(0);
  });
});

describe("NAT box, RFC 4787 §5 filtering behaviour", () => {
  const cases: [NatBehavior, boolean, boolean][] = [
    // [filtering, admits (Y, other port), admits (other address)]
    ["endpoint-independent", true, true],
    ["address-dependent", true, false],
    ["address-and-port-dependent", false, false],
  ];
  for (const [filtering, otherPort, otherAddr] of cases) {
    it(`${filtering}: from Y:y admitted, from Y:other ${otherPort ? "admitted" : "blocked"}, from Z ${otherAddr ? "admitted" : "blocked"}`, () => {
      const s = natSim({ filtering });
      const m = mappedTowards(s, S1);
      expect(admits(s, m, S1)).toBe(true);
      expect(admits(s, m, S1b)).toBe(otherPort);
      expect(admits(s, m, S2)).toBe(otherAddr);
      const blocked = (otherPort ? 0 : 1) + (otherAddr ? 0 : 1);
      expect(s.stats().dropped["nat-filtered"]).toBe(blocked);
      expect(s.nat("nat").stats().droppedFiltered).toBe(blocked);
    });
  }

  it("nothing gets in without a mapping, whatever the filtering", () => {
    const s = natSim();
    s.send(0, { from: S1, to: { address: PUB, port: 4000 }, data: one });
    expect(all(s, 0)).toHaveLength(0);
    expect(s.linkStats("s1", "nat").dropped["nat-no-mapping"]).toBe(1);
  });
});

describe("NAT box, §4.3 mapping timeout and §6 hairpinning", () => {
  it("a mapping expires after mappingTimeoutMs of outbound silence; outbound traffic refreshes it", () => {
    const s = natSim({ mappingTimeoutMs: 30_000 });
    const m = mappedTowards(s, S1, 0);
    mappedTowards(s, S1, 20_000); // refresh
    s.send(49_999, { from: S1, to: m, data: one });
    expect(all(s, 49_999)).toHaveLength(1);
    expect(s.nat("nat").mappings(49_999)).toHaveLength(1);
    s.send(50_000, { from: S1, to: m, data: one });
    expect(all(s, 50_000)).toHaveLength(0);
    expect(s.stats().dropped["nat-no-mapping"]).toBe(1);
    expect(s.nat("nat").mappings(50_000)).toHaveLength(0);
    const again = mappedTowards(s, S1, 60_000);
    expect(s.nat("nat").stats().mappingsCreated).toBe(2);
    expect(again.address).toBe(PUB);
  });

  it("inbound traffic does not refresh unless inboundRefresh is set", () => {
    for (const inboundRefresh of [false, true]) {
      const s = natSim({ mappingTimeoutMs: 1000, inboundRefresh });
      const m = mappedTowards(s, S1, 0);
      s.send(900, { from: S1, to: m, data: one });
      all(s, 900);
      s.send(1500, { from: S1, to: m, data: one });
      expect(all(s, 1500)).toHaveLength(inboundRefresh ? 1 : 0);
    }
  });

  it("filters at arrival time: a mapping that expires while the packet is in flight drops it", () => {
    const s = natSim({ mappingTimeoutMs: 1000 });
    s.setLink("s1", "in", { latencyMs: 200 }, { oneWay: true });
    const m = mappedTowards(s, S1, 0);
    s.send(900, { from: S1, to: m, data: one });
    expect(all(s, 1100)).toHaveLength(0);
    expect(s.linkStats("s1", "in").dropped["nat-no-mapping"]).toBe(1);
  });

  it("hairpinning: a host reaches another host of its NAT at its public mapping, seen from the sender's mapping", () => {
    const s = natSim();
    const m = mappedTowards(s, S1);
    const IN2 = { address: "192.168.1.11", port: 5000 };
    s.send(0, { from: IN2, to: S1, data: one });
    const m2 = all(s, 0)[0]!.from;
    s.send(0, { from: IN2, to: m, data: one });
    expect(all(s, 0)).toEqual([{ at: 0, host: "in", from: m2, to: IN, data: one }]);
    expect(s.nat("nat").stats().hairpinned).toBe(1);
  });

  it("hairpinning off: the packet to the NAT's own public address is dropped", () => {
    const s = natSim({ hairpinning: false });
    const m = mappedTowards(s, S1);
    s.send(0, { from: { address: "192.168.1.11", port: 5000 }, to: m, data: one });
    expect(all(s, 0)).toHaveLength(0);
    expect(s.stats().dropped["nat-no-hairpin"]).toBe(1);
  });

  it("hole punching: cone NATs connect via learned mappings; a symmetric NAT against port-restricted does not", () => {
    const punch = (mapA: NatBehavior, filterB: NatBehavior): boolean => {
      const s = new NetSim({ seed: 2 });
      s.addNat("na", {
        publicAddress: "203.0.113.1",
        mapping: mapA,
        filtering: "address-and-port-dependent",
      });
      s.addNat("nb", {
        publicAddress: "203.0.113.2",
        mapping: "endpoint-independent",
        filtering: filterB,
      });
      s.addHost("a", "192.168.0.2", { behind: "na" });
      s.addHost("b", "192.168.0.2".replace(".2", ".3"), { behind: "nb" });
      s.addHost("stun", "198.51.100.1");
      const a = { address: "192.168.0.2", port: 1 };
      const b = { address: "192.168.0.3", port: 1 };
      s.send(0, { from: a, to: S1, data: one });
      s.send(0, { from: b, to: S1, data: one });
      const [ra, rb] = all(s, 0).map((d) => d.from);
      s.send(1, { from: a, to: rb!, data: one }); // opens na towards b's reflexive address
      s.send(1, { from: b, to: ra!, data: one }); // opens nb towards a's (maybe wrong) address
      all(s, 1);
      s.send(2, { from: a, to: rb!, data: one });
      s.send(2, { from: b, to: ra!, data: one });
      return all(s, 2).length === 2;
    };
    expect(punch("endpoint-independent", "address-and-port-dependent")).toBe(true);
    expect(punch("address-and-port-dependent", "address-and-port-dependent")).toBe(false);
    expect(punch("address-and-port-dependent", "endpoint-independent")).toBe(false);
  });

  it("rejects bad configuration", () => {
    const s = new NetSim();
    expect(() => s.addNat("x", { publicAddress: "nope" })).toThrow(RangeError);
    expect(() => s.addNat("y", { publicAddress: "203.0.113.9", mappingTimeoutMs: 0 })).toThrow(
      RangeError,
    );
    s.addNat("z", { publicAddress: "203.0.113.7" });
    expect(() => s.addHost("h", "fd00::1", { behind: "z" })).toThrow(/family/);
    expect(() => s.addHost("h2", "203.0.113.7")).toThrow(/already used/);
  });
});
