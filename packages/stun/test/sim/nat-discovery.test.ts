import { seededRng } from "@purertc/common";
import { Driver, type NatBehavior, NetSim } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import { NatBehaviorDiscovery, type NatBehaviorReport, StunServer } from "../../src/index.js";

const PRIMARY = { address: "198.51.100.1", port: 3478 };
const ALTERNATE = { address: "198.51.100.2", port: 3479 };
const BEHAVIORS: readonly NatBehavior[] = [
  "endpoint-independent",
  "address-dependent",
  "address-and-port-dependent",
];

/** An RFC 5780 server on four sockets and one client, optionally behind a NAT box. */
function run(
  nat: { mapping: NatBehavior; filtering: NatBehavior; hairpinning: boolean } | undefined,
  seed = 1,
  loss = 0,
): NatBehaviorReport {
  const sim = new NetSim({ seed, link: { latencyMs: 20, jitterMs: 10, loss } });
  sim.addHost("stun", [PRIMARY.address, ALTERNATE.address]);
  if (nat) {
    sim.addNat("nat", { publicAddress: "203.0.113.7", ...nat });
    sim.addHost("client", "192.168.1.10", { behind: "nat" });
  } else {
    sim.addHost("client", "203.0.113.50");
  }
  const driver = new Driver(sim, { timeoutMs: 120_000 });
  const server = new StunServer({ rfc5780: { primary: PRIMARY, alternate: ALTERNATE } });
  driver.attach("server", server, [
    PRIMARY,
    { address: PRIMARY.address, port: ALTERNATE.port },
    { address: ALTERNATE.address, port: PRIMARY.port },
    ALTERNATE,
  ]);
  const local = { address: nat ? "192.168.1.10" : "203.0.113.50", port: 40000 };
  const discovery = new NatBehaviorDiscovery({
    server: PRIMARY,
    localAddress: local,
    rng: seededRng(seed),
  });
  const client = driver.attach("client", discovery, local);
  discovery.start(driver.now);
  driver.runUntil(() => discovery.report !== undefined);
  expect(client.events.map((e) => e.event.type)).toEqual(["complete"]);
  return discovery.report!;
}

describe("RFC 5780 NAT behaviour discovery through NetSim NAT boxes (simulated time)", () => {
  for (const mapping of BEHAVIORS) {
    for (const filtering of BEHAVIORS) {
      it(`names ${mapping} mapping and ${filtering} filtering`, () => {
        const report = run({ mapping, filtering, hairpinning: true });
        expect(report.natDetected).toBe(true);
        expect(report.mappedAddress?.address).toBe("203.0.113.7");
        expect(report.otherAddress).toEqual(ALTERNATE);
        expect(report.mapping).toBe(mapping);
        expect(report.filtering).toBe(filtering);
        expect(report.error).toBeUndefined();
      });
    }
  }

  it("names every behaviour correctly at 10% loss (retransmissions, seeded)", () => {
    for (const [i, mapping] of BEHAVIORS.entries()) {
      const filtering = BEHAVIORS[(i + 1) % 3]!;
      const report = run({ mapping, filtering, hairpinning: true }, 7 + i, 0.1);
      expect([report.mapping, report.filtering]).toEqual([mapping, filtering]);
    }
  });

  it("detects hairpinning support and its absence", () => {
    expect(
      run({ mapping: "endpoint-independent", filtering: "endpoint-independent", hairpinning: true })
        .hairpinning,
    ).toBe(true);
    expect(
      run({
        mapping: "endpoint-independent",
        filtering: "endpoint-independent",
        hairpinning: false,
      }).hairpinning,
    ).toBe(false);
  });

  it("reports no NAT (and open filtering) for a public host", () => {
    const report = run(undefined);
    expect(report.natDetected).toBe(false);
    expect(report.mapping).toBe("endpoint-independent");
    expect(report.filtering).toBe("endpoint-independent");
    expect(report.mappedAddress).toEqual({ address: "203.0.113.50", port: 40000 });
  });

  it("says why when the server has no alternate address (not RFC 5780)", () => {
    const sim = new NetSim({ seed: 3 });
    sim.addHost("stun", PRIMARY.address);
    sim.addHost("client", "203.0.113.50");
    const driver = new Driver(sim);
    driver.attach("server", new StunServer(), PRIMARY);
    const d = new NatBehaviorDiscovery({
      server: PRIMARY,
      rng: seededRng(3),
      testHairpinning: false,
    });
    driver.attach("client", d, { address: "203.0.113.50", port: 1 });
    d.start(driver.now);
    driver.runUntil(() => d.report !== undefined);
    expect(d.report!.mapping).toBe("unknown");
    expect(d.report!.filtering).toBe("unknown");
    expect(d.report!.error).toMatch(/OTHER-ADDRESS/);
    expect(d.report!.mappedAddress).toEqual({ address: "203.0.113.50", port: 1 });
  });
});
