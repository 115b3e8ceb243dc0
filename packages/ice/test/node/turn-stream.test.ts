/**
 * Relay-only ICE through TURN over TCP (`turn:...?transport=tcp`) and over TLS (`turns:`,
 * RFC 8656 §3.1, RFC 7065) with the Node adapter, against coturn's `turnserver` and our own
 * server (@purertc/turn/node). Each agent's only candidate is relayed through its own TCP/TLS
 * connection to the server, so the data both ways provably crossed those connections.
 */
import { createServer, type Server, type Socket } from "node:net";
import {
  type Coturn,
  coturnAvailable,
  type SelfSignedCert,
  selfSignedCert,
  startCoturn,
} from "@purertc/testkit/node";
import { type NodeTurnServer, startTurnServer } from "@purertc/turn/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { IceAgentEvent } from "../../src/index.js";
import type { IceAgentEventMessage, NodeIceAgentOptions } from "../../src/node/index.js";
import { closeAll, make, until } from "./helpers.js";
import {
  exchange,
  expectRelayOnly,
  pairOf,
  relayOnlyBothWays,
  relayPair,
} from "./relay-helpers.js";

afterEach(closeAll);

const tcpHandles = () =>
  process.getActiveResourcesInfo().filter((r) => r === "TCPWrap" || r === "TLSWrap").length;

describe("ICE relay-only through our TURN server over TCP and TLS (127.0.0.1)", () => {
  let server: NodeTurnServer;
  let cert: SelfSignedCert;
  beforeAll(async () => {
    cert = selfSignedCert();
    server = await startTurnServer({
      listeners: [
        { transport: "tcp", address: "127.0.0.1", port: 0 },
        { transport: "tls", address: "127.0.0.1", port: 0 },
      ],
      tlsCertFile: cert.certFile,
      tlsKeyFile: cert.keyFile,
      users: { alice: "secret" },
      realm: "purertc.test",
      allowedPeers: ["127.0.0.0/8"],
    });
  });
  afterAll(async () => {
    await server?.close();
    cert?.remove();
  });

  it("turn:?transport=tcp — two relay-only agents connect and exchange data both ways; close() deallocates and leaves no connection", async () => {
    const before = tcpHandles();
    const url = `turn:127.0.0.1:${server.addresses.tcp[0]!.port}?transport=tcp`;
    const { a, b, got, signalled } = await relayPair([
      { urls: url, username: "alice", credential: "secret" },
    ]);
    expectRelayOnly(a, signalled.a, url, "tcp");
    expectRelayOnly(b, signalled.b, url, "tcp");
    const sent = server.core.stats().packetsToPeer;
    await exchange(a, b, got);
    expect(server.core.stats().allocations).toBe(2);
    expect(server.core.stats().packetsToPeer - sent).toBeGreaterThanOrEqual(20);
    await closeAll();
    await until(() => server.core.stats().allocations === 0, 3000);
    await until(() => tcpHandles() <= before, 3000);
  }, 20_000);

  it("turns: — two relay-only agents connect over TLS (certificate verified against the test CA) and exchange data both ways", async () => {
    const url = `turns:127.0.0.1:${server.addresses.tls[0]!.port}?transport=tcp`;
    await relayOnlyBothWays(url, "tls", { turnTls: { ca: cert.cert } });
  }, 20_000);

  it("turns: with an untrusted certificate fails verification: icecandidateerror 701 and gathering completes without a candidate", async () => {
    const url = `turns:127.0.0.1:${server.addresses.tls[0]!.port}`;
    const { x, errors } = await gatherErrors(url, "secret");
    expect(errors).toEqual([expect.objectContaining({ errorCode: 701, url })]);
    expect(x.localCandidates).toEqual([]);
  });

  it("a wrong credential over TCP surfaces as icecandidateerror 401", async () => {
    const url = `turn:127.0.0.1:${server.addresses.tcp[0]!.port}?transport=tcp`;
    const { errors } = await gatherErrors(url, "nope");
    expect(errors).toEqual([expect.objectContaining({ errorCode: 401, url })]);
  });
});

describe("TURN over TCP: unreachable and broken servers", () => {
  let garbage: Server;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    // Answers every connection with bytes that are neither STUN nor ChannelData (0x80).
    garbage = createServer((s) => {
      accepted.push(s);
      s.resume();
      s.write(Buffer.from([0x80, 0, 0, 0, 1, 2, 3, 4]));
    });
    await new Promise<void>((r) => garbage.listen(0, "127.0.0.1", () => r()));
  });
  afterAll(async () => {
    for (const s of accepted) s.destroy();
    await new Promise((r) => garbage.close(r));
  });

  it("a refused connection is icecandidateerror 701 at once, not a wait for Ti", async () => {
    const port = await closedPort();
    const url = `turn:127.0.0.1:${port}?transport=tcp`;
    const { errors } = await gatherErrors(url, "secret");
    expect(errors).toEqual([expect.objectContaining({ errorCode: 701, url })]);
  });

  it("turns: to a server that accepts TCP but never completes the TLS handshake fails after turnConnectTimeoutMs (701), not after Ti", async () => {
    const silent = createServer((s) => {
      accepted.push(s);
      s.resume();
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const url = `turns:127.0.0.1:${(silent.address() as { port: number }).port}`;
    const started = Date.now();
    const { errors } = await gatherErrors(url, "secret", { turnConnectTimeoutMs: 300 });
    expect(errors).toEqual([expect.objectContaining({ errorCode: 701, url })]);
    expect(Date.now() - started).toBeLessThan(3000);
    for (const s of accepted) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it("a server speaking something else than STUN is dropped: 701, the connection is closed", async () => {
    const before = tcpHandles();
    const addr = garbage.address() as { port: number };
    const url = `turn:127.0.0.1:${addr.port}?transport=tcp`;
    const { errors } = await gatherErrors(url, "secret");
    expect(errors).toEqual([expect.objectContaining({ errorCode: 701, url })]);
    await closeAll();
    await until(() => tcpHandles() <= before, 3000);
    // The server sees the connection closed by us.
    await until(() => accepted.at(-1)?.destroyed === true, 3000);
  });
});

describe.skipIf(!coturnAvailable("the ICE relay over TCP/TLS through coturn test"))(
  "ICE relay-only through coturn over TCP and TLS (127.0.0.1)",
  () => {
    let coturn: Coturn;
    let cert: SelfSignedCert;
    beforeAll(async () => {
      cert = selfSignedCert();
      coturn = await startCoturn({
        users: { alice: "secret" },
        tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      });
    }, 20_000);
    afterAll(async () => {
      await coturn?.stop();
      cert?.remove();
    });

    it("turn:?transport=tcp through turnserver — relay ↔ relay selected, data both ways", async () => {
      await relayOnlyBothWays(`turn:127.0.0.1:${coturn.port}?transport=tcp`, "tcp");
    }, 20_000);

    it("turns: through turnserver — relay ↔ relay selected, data both ways", async () => {
      const url = `turns:127.0.0.1:${coturn.tlsPort}`;
      await relayOnlyBothWays(url, "tls", { turnTls: { ca: cert.cert } });
    }, 20_000);

    it("one agent over TLS, the other over UDP, through the same turnserver", async () => {
      const tls = `turns:127.0.0.1:${coturn.tlsPort}`;
      const udp = `turn:127.0.0.1:${coturn.port}`;
      const { a, b, got } = await pairOf(
        {
          iceServers: [{ urls: tls, username: "alice", credential: "secret" }],
          turnTls: { ca: cert.cert },
        },
        { iceServers: [{ urls: udp, username: "alice", credential: "secret" }] },
      );
      expect(a.agent.selectedPair?.local.relayProtocol).toBe("tls");
      expect(b.agent.selectedPair?.local.relayProtocol).toBe("udp");
      await exchange(a, b, got);
    }, 20_000);
  },
);

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** A relay-only agent with one TURN server; gathers and returns its candidate errors. */
async function gatherErrors(
  url: string,
  credential: string,
  options: Partial<NodeIceAgentOptions> = {},
) {
  const x = await make({
    ...options,
    iceServers: [{ urls: url, username: "alice", credential }],
    agent: { transportPolicy: "relay" },
  });
  const errors: IceAgentEvent[] = [];
  x.addEventListener("candidate-error", (e) => errors.push((e as IceAgentEventMessage).detail));
  x.gather();
  await until(() => x.agent.gatheringState === "complete", 3000);
  return { x, errors };
}
