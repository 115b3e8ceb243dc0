/**
 * TURN over a byte stream (RFC 8656 §3.1, TCP/TLS) for relayed candidates, in simulated time:
 * two relay-only agents whose `TurnRelayClient`s speak TCP to the real `TurnServer` core. The
 * test plays the host: it writes the agents' relay-tagged transmits on a simulated connection
 * that delivers them cut at random points, reassembles frames with `TurnStreamFramer` on both
 * ends (RFC 8489 §6.2.2, padded ChannelData RFC 8656 §12.5), and feeds them back tagged.
 */
import { type Millis, type Rng, type SocketAddress, seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { TurnServer, TurnStreamFramer } from "@purertc/turn";
import { describe, expect, it } from "vitest";
import { IceAgent, type IceAgentEvent, TurnRelayClient } from "../../src/index.js";

const SERVER: SocketAddress = { address: "198.51.100.3", port: 3478 };
const ONE_WAY_MS = 15;

type Task = { at: Millis; run: () => void };

/** One side: an agent, its TCP relay client and its end of the connection. */
interface Side {
  readonly agent: IceAgent;
  readonly relay: TurnRelayClient;
  /** The client's end of the TCP connection (the server's 5-tuple key). */
  readonly conn: SocketAddress;
  readonly fromServer: TurnStreamFramer;
  readonly toServer: TurnStreamFramer;
  readonly events: IceAgentEvent[];
  readonly received: Uint8Array[];
  open: boolean;
}

function streamWorld(seed: number) {
  const rng: Rng = seededRng(seed);
  let now = 0;
  const tasks: Task[] = [];
  const later = (ms: Millis, run: () => void) => tasks.push({ at: now + ms, run });
  const server = new TurnServer({
    crypto: nobleCrypto,
    rng: seededRng(seed + 1),
    realm: "sim.test",
    users: { ice: "relay-secret" },
  });
  let nextRelayPort = 50000;
  const sides: Side[] = [];
  const side = (i: number): Side => {
    const agent = new IceAgent({
      role: i === 0 ? "controlling" : "controlled",
      transportPolicy: "relay",
      rng: seededRng(seed * 10 + i),
      crypto: nobleCrypto,
    });
    const relay = new TurnRelayClient({
      server: SERVER,
      username: "ice",
      password: "relay-secret",
      crypto: nobleCrypto,
      transport: "tcp",
      rng: seededRng(seed * 10 + 5 + i),
    });
    agent.addRelay(0, relay);
    const s: Side = {
      agent,
      relay,
      conn: { address: `192.0.2.${i + 1}`, port: 40000 + i },
      fromServer: new TurnStreamFramer(),
      toServer: new TurnStreamFramer(),
      events: [],
      received: [],
      open: true,
    };
    return s;
  };
  sides.push(side(0), side(1));
  /** Bytes written on a connection arrive one way later, cut in up to three pieces. */
  const carry = (data: Uint8Array, deliver: (chunk: Uint8Array) => void) => {
    const copy = data.slice();
    const cuts = [0, rng.nextU32() % (copy.length + 1), rng.nextU32() % (copy.length + 1)];
    cuts.push(copy.length);
    cuts.sort((x, y) => x - y);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const chunk = copy.subarray(cuts[k]!, cuts[k + 1]!);
      if (chunk.length > 0) later(ONE_WAY_MS, () => deliver(chunk));
    }
  };
  const toServer = (s: Side, chunk: Uint8Array) => {
    if (!s.open) return;
    s.toServer.push(chunk);
    for (let f = s.toServer.next(); f; f = s.toServer.next())
      server.handleClientMessage(now, { from: s.conn, to: SERVER, transport: "tcp", data: f });
  };
  const toAgent = (s: Side, chunk: Uint8Array) => {
    if (!s.open) return;
    s.fromServer.push(chunk);
    for (let f = s.fromServer.next(); f; f = s.fromServer.next())
      s.agent.handleDatagram(now, { from: SERVER, data: f, relay: s.relay });
  };
  const pump = () => {
    let moved = true;
    while (moved) {
      moved = false;
      for (const [i, s] of sides.entries()) {
        const peer = sides[1 - i]!;
        for (let t = s.agent.pollTransmit(); t; t = s.agent.pollTransmit()) {
          moved = true;
          // Relay-only: nothing leaves but what goes on the relay's connection.
          expect(t.relay).toBe(s.relay);
          carry(t.data, (c) => toServer(s, c));
        }
        for (let e = s.agent.pollEvent(); e; e = s.agent.pollEvent()) {
          moved = true;
          s.events.push(e);
          if (e.type === "candidate") peer.agent.addRemoteCandidate(now, e.candidate);
          if (e.type === "data") s.received.push(e.data);
        }
      }
      for (let ev = server.pollEvent(); ev; ev = server.pollEvent()) {
        moved = true;
        if (ev.type === "relay-request")
          server.relayBound(now, ev.id, ev.family, {
            address: SERVER.address,
            port: nextRelayPort++,
          });
      }
      for (let t = server.pollTransmit(); t; t = server.pollTransmit()) {
        moved = true;
        const s = sides.find((x) => x.conn.port === t.to.port && x.conn.address === t.to.address);
        if (t.via === "client" && s) {
          expect(t.transport).toBe("tcp");
          carry(t.data, (c) => toAgent(s, c));
        } else if (t.via === "peer") {
          // Relay to relay on the same server: a UDP datagram between its own relay ports.
          const { from, to, data } = t;
          later(1, () => server.handleDatagram(now, { from, to, data: data.slice() }));
        }
      }
    }
  };
  const step = () => {
    pump();
    let next = Number.POSITIVE_INFINITY;
    for (const t of tasks) next = Math.min(next, t.at);
    for (const s of sides) next = Math.min(next, s.agent.pollTimeout() ?? next);
    next = Math.min(next, server.pollTimeout() ?? next);
    if (!Number.isFinite(next)) return false;
    now = Math.max(now, next);
    const due = tasks.filter((t) => t.at <= now);
    for (const t of due) tasks.splice(tasks.indexOf(t), 1);
    for (const t of due.sort((x, y) => x.at - y.at)) t.run();
    for (const s of sides)
      if ((s.agent.pollTimeout() ?? Infinity) <= now) s.agent.handleTimeout(now);
    if ((server.pollTimeout() ?? Infinity) <= now) server.handleTimeout(now);
    pump();
    return true;
  };
  const runUntil = (pred: () => boolean, limitMs: number) => {
    const end = now + limitMs;
    while (!pred()) {
      if (now > end || !step()) throw new Error(`not reached by ${now} ms`);
    }
  };
  const [a, b] = sides as [Side, Side];
  a.agent.setRemoteCredentials(0, b.agent.localCredentials);
  b.agent.setRemoteCredentials(0, a.agent.localCredentials);
  a.agent.gather(0);
  b.agent.gather(0);
  return { a, b, server, runUntil, now: () => now };
}

const connected = (s: Side) => s.agent.state === "connected" || s.agent.state === "completed";

describe("relayed candidates through TURN over TCP (simulated stream, frames cut at random)", () => {
  for (const seed of [1, 2, 3]) {
    it(`relay ↔ relay over two TCP allocations connects and carries data both ways (seed ${seed})`, () => {
      const w = streamWorld(seed);
      w.runUntil(() => connected(w.a) && connected(w.b), 10_000);
      for (const s of [w.a, w.b]) {
        expect(s.agent.selectedPair?.local.type).toBe("relay");
        expect(s.agent.selectedPair?.local.relayProtocol).toBe("tcp");
      }
      for (let i = 0; i < 20; i++) {
        // Odd lengths: ChannelData over TCP is padded to 4 and must be unpadded on arrival.
        expect(w.a.agent.send(w.now(), new Uint8Array(1 + i).fill(i))).toBe(true);
        expect(w.b.agent.send(w.now(), new Uint8Array(21 + i).fill(i))).toBe(true);
      }
      w.runUntil(() => w.a.received.length === 20 && w.b.received.length === 20, 2000);
      expect(w.b.received.map((d) => d.length)).toEqual(
        Array.from({ length: 20 }, (_, i) => 1 + i),
      );
      expect(w.a.received.map((d) => d.length)).toEqual(
        Array.from({ length: 20 }, (_, i) => 21 + i),
      );
      // The data went as ChannelData (channels are bound after the checks), not Send indications.
      expect(w.a.relay.stats().channelDataSent).toBeGreaterThan(0);
      expect(w.b.relay.stats().channelDataReceived).toBeGreaterThan(0);
      // One allocation per connection (RFC 8656 §2.2: the 5-tuple is the TCP connection's).
      expect(w.server.stats().allocations).toBe(2);
    });
  }

  it("the connection closing before the allocation fails the relayed candidate (candidate-error 701), gathering completes", () => {
    const w = streamWorld(4);
    w.a.open = false;
    w.a.agent.handleRelayClosed(w.now(), w.a.relay);
    w.runUntil(() => w.a.events.some((e) => e.type === "candidate-error"), 5000);
    expect(w.a.agent.gatheringState).toBe("complete");
    const err = w.a.events.find((e) => e.type === "candidate-error");
    expect(err).toMatchObject({ errorCode: 701, url: "turn:198.51.100.3:3478?transport=tcp" });
    expect(w.a.agent.localCandidates).toEqual([]);
  });

  it("the connection dropping mid-session loses the relay (RFC 8656 §3.1): consent fails both agents within the 30 s consent timeout (RFC 7675)", () => {
    const w = streamWorld(6);
    w.runUntil(() => connected(w.a) && connected(w.b), 10_000);
    const lostAt = w.now();
    w.a.open = false;
    w.a.agent.handleRelayClosed(w.now(), w.a.relay);
    expect(w.a.relay.turn.state).toBe("failed");
    w.runUntil(() => w.a.agent.state === "failed" && w.b.agent.state === "failed", 40_000);
    expect(w.now() - lostAt).toBeLessThanOrEqual(31_000);
  });

  it("a frame tagged with a relay the agent does not own is dropped", () => {
    const w = streamWorld(5);
    const before = w.b.agent.stats().dropped;
    w.b.agent.handleDatagram(w.now(), { from: SERVER, data: new Uint8Array(20), relay: w.a.relay });
    expect(w.b.agent.stats().dropped).toBe(before + 1);
  });
});
