/**
 * Relay-only ICE on loopback with the Node adapter: two agents with
 * `iceTransportPolicy: "relay"` and a `turn:` iceServer connect through coturn's `turnserver`
 * and through our own TURN server (@purertc/turn/node), then exchange data both ways. Only
 * relayed candidates are signalled, so the data provably crosses the TURN server.
 */
import { utf8Encode } from "@purertc/common";
import { type Coturn, coturnAvailable, startCoturn } from "@purertc/testkit/node";
import { type NodeTurnServer, startTurnServer } from "@purertc/turn/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { IceCandidate } from "../../src/index.js";
import type { IceServerConfig, NodeIceAgent } from "../../src/node/index.js";
import { closeAll, connected, make, signal, until } from "./helpers.js";

afterEach(closeAll);

/** Two relay-only agents through `iceServers`; returns what each received. */
async function relayPair(iceServers: IceServerConfig[]) {
  const got = { a: [] as string[], b: [] as string[] };
  const signalled = { a: [] as IceCandidate[], b: [] as IceCandidate[] };
  const a = await make(
    { iceServers, agent: { role: "controlling", transportPolicy: "relay" } },
    got.a,
  );
  const b = await make(
    { iceServers, agent: { role: "controlled", transportPolicy: "relay" } },
    got.b,
  );
  a.addEventListener("candidate", (e) => signalled.a.push(candidateOf(e)));
  b.addEventListener("candidate", (e) => signalled.b.push(candidateOf(e)));
  signal(a, b);
  a.gather();
  b.gather();
  await until(() => connected(a) && connected(b), 10_000);
  return { a, b, got, signalled };
}

function candidateOf(e: Event): IceCandidate {
  const d = (e as Event & { detail: { candidate: IceCandidate } }).detail;
  return d.candidate;
}

async function exchange(a: NodeIceAgent, b: NodeIceAgent, got: { a: string[]; b: string[] }) {
  for (let i = 0; i < 10; i++) {
    expect(a.send(utf8Encode(`a${i}`))).toBe(true);
    expect(b.send(utf8Encode(`b${i}`))).toBe(true);
  }
  await until(() => got.a.length === 10 && got.b.length === 10);
  expect(got.b).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
  expect(got.a).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
}

function expectRelayOnly(x: NodeIceAgent, signalled: IceCandidate[], port: number): void {
  expect(signalled.length).toBeGreaterThan(0);
  for (const c of signalled) {
    expect(c.type).toBe("relay");
    expect(c.url).toBe(`turn:127.0.0.1:${port}`);
  }
  const sel = x.agent.selectedPair!;
  expect(sel.local.type).toBe("relay");
  expect(sel.remote.type).toBe("relay");
}

describe.skipIf(!coturnAvailable("the ICE relay-through-coturn test"))(
  "ICE relay-only through coturn (127.0.0.1)",
  () => {
    let coturn: Coturn;
    beforeAll(async () => {
      coturn = await startCoturn({ users: { alice: "secret" } });
    }, 20_000);
    afterAll(async () => {
      await coturn?.stop();
    });

    it("two agents with iceTransportPolicy relay connect through turnserver and exchange data both ways", async () => {
      const url = `turn:127.0.0.1:${coturn.port}`;
      const { a, b, got, signalled } = await relayPair([
        { urls: url, username: "alice", credential: "secret" },
      ]);
      expectRelayOnly(a, signalled.a, coturn.port);
      expectRelayOnly(b, signalled.b, coturn.port);
      await exchange(a, b, got);
    }, 20_000);
  },
);

describe("ICE relay-only through our TURN server (127.0.0.1)", () => {
  let server: NodeTurnServer;
  beforeAll(async () => {
    server = await startTurnServer({
      listeners: [{ transport: "udp", address: "127.0.0.1", port: 0 }],
      users: { alice: "secret" },
      realm: "purertc.test",
      allowedPeers: ["127.0.0.0/8"],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("two agents with iceTransportPolicy relay connect through startTurnServer and exchange data both ways", async () => {
    const port = server.addresses.udp[0]!.port;
    const { a, b, got, signalled } = await relayPair([
      { urls: [`turn:127.0.0.1:${port}`], username: "alice", credential: "secret" },
    ]);
    expectRelayOnly(a, signalled.a, port);
    expectRelayOnly(b, signalled.b, port);
    const before = server.core.stats();
    await exchange(a, b, got);
    const after = server.core.stats();
    expect(after.allocations).toBe(2);
    expect(after.packetsToPeer - before.packetsToPeer).toBeGreaterThanOrEqual(20);
    await closeAll();
    await until(() => server.core.stats().allocations === 0, 3000).catch(() => {
      throw new Error(`allocations left: ${JSON.stringify(server.core.stats())}`);
    });
  }, 20_000);

  it("a wrong credential surfaces as an icecandidateerror with 401 and gathering completes", async () => {
    const port = server.addresses.udp[0]!.port;
    const x = await make({
      iceServers: [{ urls: `turn:127.0.0.1:${port}`, username: "alice", credential: "nope" }],
      agent: { transportPolicy: "relay" },
    });
    const errors: { errorCode: number; url: string }[] = [];
    x.addEventListener("candidate-error", (e) =>
      errors.push((e as Event & { detail: { errorCode: number; url: string } }).detail),
    );
    x.gather();
    await until(() => x.agent.gatheringState === "complete");
    expect(errors).toEqual([
      expect.objectContaining({ errorCode: 401, url: `turn:127.0.0.1:${port}` }),
    ]);
    expect(x.localCandidates).toEqual([]);
  });
});
