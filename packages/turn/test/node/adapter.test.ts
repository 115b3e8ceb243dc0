import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NodeTurnClient,
  type NodeTurnServer,
  parseTurnUri,
  startTurnServer,
} from "../../src/node/index.js";
import { echoPeer, openHandles, selfSignedCert, waitFor } from "./helpers.js";

describe("Node adapters on loopback", () => {
  let server: NodeTurnServer;
  let tls: ReturnType<typeof selfSignedCert>;
  beforeAll(async () => {
    tls = selfSignedCert();
    server = await startTurnServer({
      listeners: [
        { transport: "udp", address: "127.0.0.1", port: 0 },
        { transport: "tcp", address: "127.0.0.1", port: 0 },
        { transport: "tls", address: "127.0.0.1", port: 0 },
      ],
      tlsCertFile: tls.certFile,
      tlsKeyFile: tls.keyFile,
      users: { alice: "secret" },
      allowedPeers: ["127.0.0.0/8"],
      relayPortRange: [40000, 40999],
      metrics: { address: "127.0.0.1", port: 0 },
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it("parses RFC 7065 URIs", () => {
    expect(parseTurnUri("turn:example.org")).toEqual({
      secure: false,
      host: "example.org",
      port: 3478,
      transport: "udp",
    });
    expect(parseTurnUri("turn:[::1]:3479?transport=tcp")).toEqual({
      secure: false,
      host: "::1",
      port: 3479,
      transport: "tcp",
    });
    expect(parseTurnUri("turns:example.org")).toEqual({
      secure: true,
      host: "example.org",
      port: 5349,
      transport: "tls",
    });
    expect(() => parseTurnUri("stun:example.org")).toThrow(TypeError);
  });

  for (const transport of ["udp", "tcp", "tls"] as const) {
    it(`allocates over ${transport}, relays through Send, then ChannelData, and deallocates`, async () => {
      const peer = await echoPeer();
      const listener = server.addresses[transport][0]!;
      const client = await NodeTurnClient.allocate({
        server: `${transport === "tls" ? "turns" : "turn"}:127.0.0.1:${listener.port}${transport === "tcp" ? "?transport=tcp" : ""}`,
        username: "alice",
        password: "secret",
        ca: tls.cert,
      });
      const relayed = client.relayedAddresses[0]!;
      expect(relayed.address).toBe("127.0.0.1");
      expect(relayed.port).toBeGreaterThanOrEqual(40000);
      expect(relayed.port).toBeLessThanOrEqual(40999);
      const got: string[] = [];
      client.onData = (_p, d, ch) => got.push(`${ch ?? "ind"}:${new TextDecoder().decode(d)}`);
      const dest = { address: "127.0.0.1", port: peer.port };
      client.sendTo(dest, new TextEncoder().encode("one"));
      await waitFor(() => got.length === 1);
      expect(peer.received[0]!.port).toBe(relayed.port);
      const ch = await client.bindChannel(dest);
      client.sendTo(dest, new TextEncoder().encode("two"));
      await waitFor(() => got.length === 2);
      expect(got).toEqual(["ind:one", `${ch}:two`]);
      await client.close();
      await waitFor(() => server.core.stats().allocations === 0);
      await peer.close();
    });
  }

  it("turns: verifies the certificate by default (an untrusted one fails)", async () => {
    const listener = server.addresses.tls[0]!;
    await expect(
      NodeTurnClient.allocate({
        server: `turns:127.0.0.1:${listener.port}`,
        username: "alice",
        password: "secret",
      }),
    ).rejects.toThrow(/self-signed|certificate/i);
  });

  it("surfaces 401 as a typed TurnError", async () => {
    const listener = server.addresses.udp[0]!;
    await expect(
      NodeTurnClient.allocate({
        server: { address: "127.0.0.1", port: listener.port },
        username: "alice",
        password: "nope",
      }),
    ).rejects.toMatchObject({ name: "TurnError", code: 401 });
  });

  it("reloads TLS certificates without dropping allocations", async () => {
    const c = await NodeTurnClient.allocate({
      server: `turns:127.0.0.1:${server.addresses.tls[0]!.port}`,
      username: "alice",
      password: "secret",
      ca: tls.cert,
    });
    server.reloadCertificates();
    expect(server.core.stats().allocations).toBe(1);
    await c.close();
  });

  it("serves Prometheus metrics over HTTP", async () => {
    const m = server.metricsAddress!;
    const text = await (await fetch(`http://127.0.0.1:${m.port}/metrics`)).text();
    expect(text).toMatch(/^purertc_turn_allocations_created_total \d+$/m);
    expect(text).toMatch(/^purertc_turn_auth_failures_total [1-9]\d*$/m);
  });

  it("leaves nothing open after close()", async () => {
    await new Promise((r) => setTimeout(r, 20));
    const before = openHandles().sort();
    const s = await startTurnServer({
      listeners: [
        { transport: "udp", address: "127.0.0.1", port: 0 },
        { transport: "tcp", address: "127.0.0.1", port: 0 },
      ],
      users: { a: "b" },
      allowedPeers: ["127.0.0.0/8"],
    });
    const c = await NodeTurnClient.allocate({
      server: { address: "127.0.0.1", port: s.addresses.tcp[0]!.port },
      transport: "tcp",
      username: "a",
      password: "b",
    });
    await c.close();
    await s.close();
    await new Promise((r) => setTimeout(r, 20));
    // Nothing new: every socket or timer kind is at most as numerous as before the server.
    const count = (l: string[]) => {
      const m: Record<string, number> = {};
      for (const k of l) m[k] = (m[k] ?? 0) + 1;
      return m;
    };
    const b = count(before);
    for (const [kind, n] of Object.entries(count(openHandles())))
      expect(n, kind).toBeLessThanOrEqual(b[kind] ?? 0);
  });
});
