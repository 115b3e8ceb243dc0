import { describe, expect, it } from "vitest";
import { ChunkType } from "../../src/constants.js";
import { COMMON_HEADER_LENGTH, decodePacket } from "../../src/packet.js";
import { connectPair, simPair } from "./harness.js";
import { Workload } from "./workload.js";

/** IPv4 + UDP headers: NetSim's link MTU counts IP bytes. */
const IP_UDP = 28;
const JUMBO = 16384 + IP_UDP;

/** Whether a sent SCTP packet is a PLPMTUD probe (HEARTBEAT then PAD, RFC 8899 §6.2.1.2). */
function isProbe(d: Uint8Array): boolean {
  return (
    d[COMMON_HEADER_LENGTH] === ChunkType.HEARTBEAT &&
    d[COMMON_HEADER_LENGTH + 24] === ChunkType.PAD
  );
}

function setup(linkMtu: number, seed = 1, extra: { latencyMs?: number; loss?: number } = {}) {
  const p = simPair({
    seed,
    link: { latencyMs: extra.latencyMs ?? 10, loss: extra.loss ?? 0, mtu: linkMtu },
    a: { maxMessageSize: 0, pmtuRaiseIntervalMs: 60_000 },
    b: { pmtuRaiseIntervalMs: 60_000 },
  });
  const sizes = { data: 0, probe: 0 };
  p.sim.addTap((r) => {
    if (r.kind !== "sent" || r.from.address !== "10.0.0.1") return;
    if (isProbe(r.data)) sizes.probe = Math.max(sizes.probe, r.data.byteLength);
    else sizes.data = Math.max(sizes.data, r.data.byteLength);
  });
  connectPair(p);
  return { p, sizes };
}

/** Runs a transfer of `volume` bytes from A to B, calling `during` on every step. */
function transfer(p: ReturnType<typeof simPair>, volume: number, during?: () => void): Workload {
  const w = new Workload();
  p.b.takeEvents();
  p.driver.runUntil(() => {
    during?.();
    w.fill(p.A, p.driver.now, volume);
    p.driver.flush();
    for (const e of p.b.takeEvents()) w.check(e);
    return w.bytesReceived >= w.bytesQueued && w.bytesQueued >= volume;
  });
  expect(w.errors).toEqual([]);
  return w;
}

describe("path MTU discovery (RFC 8899 §6.2: HEARTBEAT + PAD probes)", () => {
  it("raises the PLPMTU to maxMtu when the path carries it, and data then fills big packets", () => {
    const { p, sizes } = setup(JUMBO);
    p.driver.runFor(1000);
    const st = p.A.stats();
    expect(st.pmtu).toBe(16384);
    expect(st.pmtuState).toBe("search-complete");
    expect(st.pmtuProbesAcked).toBe(1); // MAX_PLPMTU is probed first
    transfer(p, 4 << 20);
    expect(sizes.data).toBeGreaterThan(8000);
    expect(sizes.data).toBeLessThanOrEqual(16384);
    expect(p.B.stats().pmtu).toBe(16384); // each side discovers its own direction
  });

  it("a path that silently drops datagrams above 1200 bytes: stays at the base, nothing else is lost", () => {
    const { p, sizes } = setup(1200 + IP_UDP);
    transfer(p, 2 << 20);
    p.driver.runFor(30_000);
    const st = p.A.stats();
    expect(st.pmtu).toBe(1200);
    expect(st.pmtuState).toBe("search-complete");
    expect(st.pmtuProbesAcked).toBe(0);
    expect(sizes.data).toBeLessThanOrEqual(1200);
    expect(sizes.probe).toBe(16384);
    // Every datagram the link dropped for its size was a probe; data never was.
    expect(p.sim.stats().dropped.mtu).toBe(st.pmtuProbesSent + p.B.stats().pmtuProbesSent);
    expect(st.retransmissions).toBe(0);
  });

  it("an Ethernet path (1500) converges within 32 bytes below its limit by binary search", () => {
    const { p } = setup(1500, 2);
    p.driver.runUntil(() => p.A.stats().pmtuState === "search-complete");
    const pmtu = p.A.stats().pmtu;
    expect(pmtu).toBeLessThanOrEqual(1500 - IP_UDP);
    expect(pmtu).toBeGreaterThan(1500 - IP_UDP - 32);
    // 3 lost probes per failed size at ≥ 1 s each, a handful of sizes: bounded.
    expect(p.driver.now).toBeLessThan(60_000);
  });

  it("the path shrinks to 1200 mid-transfer: data goes on at the base at once, the black hole is confirmed within seconds", () => {
    const { p } = setup(JUMBO, 3);
    p.driver.runFor(1000);
    expect(p.A.stats().pmtu).toBe(16384);
    let shrunkAt = -1;
    let lastDelivery = 0;
    let delivered = 0;
    let longestGap = 0;
    const w = transfer(p, 16 << 20, () => {
      const now = p.driver.now;
      if (shrunkAt < 0 && p.A.stats().bytesSent > 4 << 20) {
        shrunkAt = now;
        p.sim.setLink("a", "b", { mtu: 1200 + IP_UDP });
      }
      const d = p.B.stats().bytesDelivered;
      if (d > delivered) {
        if (delivered > 0) longestGap = Math.max(longestGap, now - lastDelivery);
        delivered = d;
        lastDelivery = now;
      }
    });
    expect(w.bytesReceived).toBe(w.bytesQueued);
    expect(shrunkAt).toBeGreaterThan(0);
    // Only the packets in flight at the change were lost: one T3-rtx, then base-size packets.
    expect(p.A.stats().t3Expirations).toBe(1);
    expect(longestGap).toBeLessThan(2_000);
    p.driver.runUntil(() => p.A.stats().pmtuBlackHoles === 1);
    expect(p.driver.now - shrunkAt).toBeLessThan(10_000);
    expect(p.A.stats().pmtu).toBe(1200);
    p.driver.runUntil(() => p.A.stats().pmtuState === "search-complete");
    expect(p.A.stats().pmtu).toBe(1200);
    expect(p.A.state).toBe("established");
  });

  it("the path grows after the search completed: PMTU_RAISE_TIMER finds the new size", () => {
    const { p } = setup(1200 + IP_UDP, 4);
    p.driver.runUntil(() => p.A.stats().pmtuState === "search-complete");
    expect(p.A.stats().pmtu).toBe(1200);
    p.sim.setLink("a", "b", { mtu: JUMBO });
    p.driver.runFor(59_000);
    expect(p.A.stats().pmtu).toBe(1200); // not before the raise timer
    p.driver.runFor(5_000);
    expect(p.A.stats().pmtu).toBe(16384);
  });

  it("probes lost at random (5% loss) do not lower anything: a size fails only after 3 lost probes", () => {
    const { p } = setup(JUMBO, 5, { loss: 0.05 });
    transfer(p, 4 << 20);
    expect(p.A.stats().pmtu).toBe(16384);
  });

  it("maxMtu equal to mtu turns discovery off: no probe is ever sent", () => {
    const p = simPair({ link: { mtu: JUMBO }, a: { maxMtu: 1200 }, b: { maxMtu: 1200 } });
    connectPair(p);
    p.driver.runFor(10_000);
    expect(p.A.stats().pmtuState).toBe("disabled");
    expect(p.A.stats().pmtuProbesSent).toBe(0);
    expect(p.A.stats().pmtu).toBe(1200);
  });
});

describe("Receive MTU parameter (purertc extension, RFC 8899 §5.1.2 EMTU_R learned from the peer)", () => {
  /** The Receive MTU each INIT / INIT ACK carried, by sender and chunk kind. */
  function announcements(p: ReturnType<typeof simPair>): string[] {
    const out: string[] = [];
    p.sim.addTap((r) => {
      if (r.kind !== "sent") return;
      const c = decodePacket(r.data).chunks[0];
      if (c?.kind !== "init" && c?.kind !== "init-ack") return;
      const m = c.params.find((x) => x.kind === "receive-mtu");
      out.push(`${r.from.address} ${c.kind} ${m?.kind === "receive-mtu" ? m.mtu : "-"}`);
    });
    return out;
  }

  it("by default a peer that announces nothing (libwebrtc, usrsctp, werift) is never probed", () => {
    const p = simPair({ link: { mtu: JUMBO }, b: { receiveMtu: 0 } });
    connectPair(p, false);
    p.driver.runFor(5000);
    expect(p.A.stats().pmtuProbesSent).toBe(0);
    expect(p.A.stats().pmtu).toBe(1200);
  });

  it("a peer that announces nothing (another stack) is probed only up to peerReceiveMtu", () => {
    const p = simPair({
      link: { mtu: JUMBO },
      a: { peerReceiveMtu: 2011 },
      b: { receiveMtu: 0 },
    });
    const seen = announcements(p);
    connectPair(p, false);
    p.driver.runFor(5000);
    expect(seen).toEqual(["10.0.0.1 init 16384", "10.0.0.2 init-ack -"]);
    expect(p.A.stats().pmtu).toBe(2008);
    expect(p.A.stats().pmtuState).toBe("search-complete");
    expect(p.B.stats().pmtu).toBe(16384); // A announced 16384; B's own limit is the default
  });

  for (const initiator of ["A", "B"] as const) {
    it(`both announce (${initiator} sends INIT): probing goes up to the peer's announcement, past peerReceiveMtu`, () => {
      const p = simPair({
        link: { mtu: JUMBO },
        a: { peerReceiveMtu: 2011, receiveMtu: 16384 },
        b: { peerReceiveMtu: 2011, receiveMtu: 9000 },
      });
      const seen = announcements(p);
      if (initiator === "A") p.A.connect(0);
      else p.B.connect(0);
      p.driver.flush();
      p.driver.runUntil(() => p.A.state === "established" && p.B.state === "established");
      p.driver.runFor(5000);
      expect(seen).toHaveLength(2);
      expect(p.A.stats().pmtu).toBe(9000);
      expect(p.B.stats().pmtu).toBe(16384);
    });
  }

  it("an INIT ACK carries the parameter only when the INIT did (stacks that drop unknown INIT ACK parameters)", () => {
    const p = simPair({ a: { receiveMtu: 0 } });
    const seen = announcements(p);
    connectPair(p, false);
    expect(seen).toEqual(["10.0.0.1 init -", "10.0.0.2 init-ack -"]);
  });
});

describe("received fragments of large packets (one copy per packet, RFC 9260 §6.9 reassembly)", () => {
  it("messages stay exact when the caller overwrites each packet right after handleDatagram", async () => {
    const { SctpAssociation } = await import("../../src/association/association.js");
    const { seededRng } = await import("@purertc/common");
    const a = new SctpAssociation({ rng: seededRng(1), maxMessageSize: 0 });
    const b = new SctpAssociation({ rng: seededRng(2) });
    let now = 0;
    const pump = () => {
      for (let moved = true, guard = 0; moved && guard < 10_000; guard++) {
        moved = false;
        for (const [from, to] of [
          [a, b],
          [b, a],
        ] as const) {
          for (let p = from.pollTransmit(); p; p = from.pollTransmit()) {
            to.handleDatagram(now, p);
            p.fill(0xee); // the caller reuses its buffer
            moved = true;
          }
        }
      }
    };
    a.connect(now);
    pump();
    now += 10;
    a.handleTimeout(now);
    b.handleTimeout(now);
    pump();
    expect(a.stats().pmtu).toBe(16384);
    const messages = [100_000, 16384, 5000, 70_001].map((n, k) =>
      new Uint8Array(n).map((_, i) => (i * 13 + k) & 255),
    );
    for (const [k, m] of messages.entries()) a.send(now, k % 2, 53, m);
    const got: Uint8Array[] = [];
    for (let i = 0; i < 100 && got.length < messages.length; i++) {
      pump();
      now += 50;
      a.handleTimeout(now);
      b.handleTimeout(now);
      for (let e = b.pollEvent(); e; e = b.pollEvent()) if (e.type === "message") got.push(e.data);
    }
    expect(got.map((m) => m.byteLength).sort()).toEqual(messages.map((m) => m.byteLength).sort());
    for (const m of messages) expect(got.find((g) => g.byteLength === m.byteLength)).toEqual(m);
  });
});
