/**
 * Relay-only ICE on loopback with the Node adapter: two agents with
 * `iceTransportPolicy: "relay"` and a `turn:` iceServer connect through coturn's `turnserver`
 * and through our own TURN server (@purertc/turn/node), then exchange data both ways. Only
 * relayed candidates are signalled, so the data provably crosses the TURN server.
 */
import { type Coturn, coturnAvailable, startCoturn } from "@purertc/testkit/node";
import { type NodeTurnServer, startTurnServer } from "@purertc/turn/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeAll, make, until } from "./helpers.js";
import { exchange, expectRelayOnly, relayPair } from "./relay-helpers.js";

afterEach(closeAll);

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
      expectRelayOnly(a, signalled.a, url);
      expectRelayOnly(b, signalled.b, url);
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
    const url = `turn:127.0.0.1:${server.addresses.udp[0]!.port}`;
    const { a, b, got, signalled } = await relayPair([
      { urls: [url], username: "alice", credential: "secret" },
    ]);
    expectRelayOnly(a, signalled.a, url);
    expectRelayOnly(b, signalled.b, url);
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
