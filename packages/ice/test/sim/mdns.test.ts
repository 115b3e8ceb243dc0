import {
  type Datagram,
  Fifo,
  type Millis,
  type SocketAddress,
  seededRng,
  type Transmit,
} from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { Driver, NetSim } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import { IceAgent, type IceAgentEvent, type IceCandidate, MDNS_IPV4 } from "../../src/index.js";
import {
  addressRecord,
  DNS_FLAG_AUTHORITATIVE,
  DNS_FLAG_RESPONSE,
  encodeDnsMessage,
} from "../../src/mdns/dns-message.js";

/** The multicast group as a NetSim host: what one member sends, every other member receives. */
class MulticastGroup {
  readonly #out = new Fifo<Transmit>();
  constructor(readonly members: SocketAddress[]) {}
  handleDatagram(_now: Millis, d: Datagram): void {
    for (const m of this.members)
      if (m.address !== d.from.address) this.#out.push({ from: MDNS_IPV4, to: m, data: d.data });
  }
  handleTimeout(): void {}
  pollTransmit() {
    return this.#out.shift();
  }
  pollEvent() {
    return undefined;
  }
  pollTimeout() {
    return undefined;
  }
}

describe("RFC 8828 mDNS host candidates between two agents", () => {
  it("a publishes <uuid>.local host candidates; b resolves them by multicast and connects", () => {
    const sim = new NetSim({ seed: 3, link: { latencyMs: 2 } });
    const A = { address: "192.168.1.10", port: 5000 };
    const B = { address: "192.168.1.20", port: 5000 };
    sim.addHost("a", A.address);
    sim.addHost("b", B.address);
    sim.addHost("group", MDNS_IPV4.address);
    const driver = new Driver(sim);
    const a = new IceAgent({
      role: "controlling",
      mdns: "query-and-gather",
      rng: seededRng(1),
      crypto: nobleCrypto,
    });
    const b = new IceAgent({
      role: "controlled",
      mdns: "query-only",
      rng: seededRng(2),
      crypto: nobleCrypto,
    });
    const wire = (from: IceAgent, to: IceAgent) => (ev: IceAgentEvent, now: number) => {
      if (ev.type === "candidate") to.addRemoteCandidate(now, ev.candidate);
      if (ev.type === "gathering-state" && ev.state === "complete")
        to.addRemoteEndOfCandidates(now);
      void from;
    };
    const ea = driver.attach("a", a, A, { onEvent: wire(a, b) });
    driver.attach("b", b, B, { onEvent: wire(b, a) });
    // mDNS packets use port 5353 on both sides: route the group's fan-out to the agents' sockets.
    driver.attach("group", new MulticastGroup([A, B]), MDNS_IPV4);
    a.addHostCandidate(0, A);
    b.addHostCandidate(0, B);
    a.setRemoteCredentials(0, b.localCredentials);
    b.setRemoteCredentials(0, a.localCredentials);
    a.gather(0);
    b.gather(0);
    driver.runUntil(() => a.selectedPair !== undefined && b.selectedPair !== undefined, {
      timeoutMs: 5000,
    });
    const announced = ea.events.flatMap((e) =>
      e.event.type === "candidate" ? [e.event.candidate.address] : [],
    );
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.local$/,
    );
    // The private address never left a in a candidate.
    expect(JSON.stringify(ea.events)).not.toContain(
      '"address":"192.168.1.10","port":5000,"type":"host"',
    );
    expect(b.selectedPair?.remote.address).toBe(announced[0]);
  });

  it("RFC 8838 §11.4: a .local candidate already resolved from the peer's unsolicited announcement (RFC 6762 §8.3) takes over the peer-reflexive remote at its address (Chromium answering a controlling agent)", () => {
    const sim = new NetSim({ seed: 5, link: { latencyMs: 2 } });
    const A = { address: "192.168.1.10", port: 5000 };
    const B = { address: "192.168.1.20", port: 5000 };
    sim.addHost("a", A.address);
    sim.addHost("b", B.address);
    const driver = new Driver(sim);
    const a = new IceAgent({
      role: "controlled",
      mdns: "query-and-gather",
      rng: seededRng(1),
      crypto: nobleCrypto,
    });
    const b = new IceAgent({
      role: "controlling",
      mdns: "query-only",
      rng: seededRng(2),
      crypto: nobleCrypto,
    });
    // a's candidates are held back: b first knows a only from a's checks (peer-reflexive).
    const held: IceCandidate[] = [];
    driver.attach("a", a, A, {
      onEvent: (ev) => {
        if (ev.type === "candidate") held.push(ev.candidate);
      },
    });
    driver.attach("b", b, B, {
      onEvent: (ev, now) => {
        if (ev.type === "candidate") a.addRemoteCandidate(now, ev.candidate);
      },
    });
    a.addHostCandidate(0, A);
    b.addHostCandidate(0, B);
    a.setRemoteCredentials(0, b.localCredentials);
    b.setRemoteCredentials(0, a.localCredentials);
    a.gather(0);
    b.gather(0);
    driver.runUntil(() => b.selectedPair !== undefined && held.length === 1, { timeoutMs: 5000 });
    expect(b.selectedPair!.remote.type).toBe("prflx");
    const name = held[0]!.address;
    // a's announcement of its name reaches b before the candidate is signalled.
    const announcement = encodeDnsMessage({
      id: 0,
      flags: DNS_FLAG_RESPONSE | DNS_FLAG_AUTHORITATIVE,
      questions: [],
      answers: [addressRecord(name, A.address)],
      authorities: [],
      additionals: [],
    });
    b.handleDatagram(driver.now, {
      from: { address: A.address, port: 5353 },
      to: MDNS_IPV4,
      data: announcement,
    });
    b.addRemoteCandidate(driver.now, held[0]!);
    driver.runFor(100);
    expect(b.selectedPair!.remote).toMatchObject({ type: "host", address: name, port: A.port });
  });

  it("with mDNS disabled, .local candidates are ignored and counted", () => {
    const b = new IceAgent({ mdns: "disabled", rng: seededRng(2), crypto: nobleCrypto });
    b.setRemoteCredentials(0, { ufrag: "abcd", pwd: "0123456789012345678901" });
    b.addRemoteCandidate(0, {
      foundation: "1",
      component: 1,
      transport: "udp",
      priority: 1,
      address: "x.local",
      port: 9,
      type: "host",
    });
    expect(b.stats().ignoredCandidates).toBe(1);
  });
});
