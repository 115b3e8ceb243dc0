import { createSocket } from "node:dgram";
import { utf8Encode } from "@purertc/common";
import { StunServer } from "@purertc/stun";
import { afterEach, describe, expect, it } from "vitest";
import type { IceAgentEvent } from "../../src/index.js";
import {
  type IceAgentEventMessage,
  IceUdpMux,
  type NodeIceAgent,
  usableAddresses,
} from "../../src/node/index.js";
import { closeAll, connected, handles, make, open, signal, until } from "./helpers.js";

afterEach(closeAll);

describe("Node adapter on loopback", () => {
  it("two agents connect over 127.0.0.1 with real sockets and exchange data", async () => {
    const gotA: string[] = [];
    const gotB: string[] = [];
    const a = await make({ agent: { role: "controlling" } }, gotA);
    const b = await make({ agent: { role: "controlled" } }, gotB);
    signal(a, b);
    a.gather();
    b.gather();
    await until(() => connected(a) && connected(b));
    expect(a.send(utf8Encode("hello b"))).toBe(true);
    expect(b.send(utf8Encode("hello a"))).toBe(true);
    await until(() => gotA.length > 0 && gotB.length > 0);
    expect(gotB).toEqual(["hello b"]);
    expect(gotA).toEqual(["hello a"]);
    const sel = a.agent.stats().pairs.find((p) => p.selected)!;
    expect(sel.bytesSent).toBe(7);
    expect(sel.bytesReceived).toBe(7);
  });

  it("close() leaves no socket or timer behind", async () => {
    const before = handles().length;
    const a = await make({ agent: { role: "controlling" } });
    const b = await make({});
    signal(a, b);
    a.gather();
    b.gather();
    await until(() => connected(a) && connected(b));
    expect(handles().length).toBeGreaterThan(before);
    await a.close();
    await b.close();
    await until(() => handles().length <= before, 1000);
    expect(handles().length).toBe(before);
  });

  it("single-port mode: several agents share one socket, routed by ufrag then by address", async () => {
    const mux = await IceUdpMux.bind("127.0.0.1");
    open.push(mux);
    const pairs: { server: NodeIceAgent; client: NodeIceAgent; got: string[] }[] = [];
    for (let i = 0; i < 4; i++) {
      const got: string[] = [];
      const server = await make({ mux, agent: { lite: true } }, got);
      const client = await make({ agent: { role: "controlling" } });
      signal(client, server);
      server.gather();
      client.gather();
      pairs.push({ server, client, got });
    }
    expect(new Set(pairs.map((p) => p.server.localAddresses[0]!.port)).size).toBe(1);
    await until(() => pairs.every((p) => connected(p.server) && connected(p.client)));
    for (const [i, p] of pairs.entries()) p.client.send(utf8Encode(`to server ${i}`));
    await until(() => pairs.every((p) => p.got.length > 0));
    for (const [i, p] of pairs.entries()) expect(p.got).toEqual([`to server ${i}`]);
    expect(mux.stats().routedByUfrag).toBeGreaterThanOrEqual(4);
    expect(mux.stats().routedByAddress).toBeGreaterThanOrEqual(4);
  });

  it("an unreachable STUN server ends gathering at stunTimeoutMs with a candidate error", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", () => r()));
    const port = silent.address().port;
    const errors: IceAgentEvent[] = [];
    const a = await make({
      agent: { stunServers: [{ address: "127.0.0.1", port }], stunTimeoutMs: 300 },
    });
    a.addEventListener("candidate-error", (e) => errors.push((e as IceAgentEventMessage).detail));
    const t0 = Date.now();
    a.gather();
    await until(() => a.agent.gatheringState === "complete", 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(errors).toHaveLength(1);
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it("a loopback STUN server answers and gathering completes without errors", async () => {
    const server = new StunServer();
    const sock = createSocket("udp4");
    sock.on("message", (data, rinfo) => {
      server.handleDatagram(0, { from: { address: rinfo.address, port: rinfo.port }, data });
      for (let t = server.pollTransmit(); t; t = server.pollTransmit())
        sock.send(t.data, t.to.port, t.to.address);
    });
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    const errors: unknown[] = [];
    const a = await make({
      agent: { stunServers: [{ address: "127.0.0.1", port: sock.address().port }] },
    });
    a.addEventListener("candidate-error", (e) => errors.push(e));
    a.gather();
    await until(() => a.agent.gatheringState === "complete", 2000);
    expect(errors).toHaveLength(0);
    await new Promise<void>((r) => sock.close(() => r()));
  });

  it("binds inside a port range and announces a 1:1 NAT address", async () => {
    const a = await make({
      portRange: { min: 41000, max: 41100 },
      announcedAddresses: "203.0.113.50",
    });
    const port = a.localAddresses[0]!.port;
    expect(port).toBeGreaterThanOrEqual(41000);
    expect(port).toBeLessThanOrEqual(41100);
    expect(a.localCandidates[0]).toMatchObject({ address: "203.0.113.50", port, type: "host" });
  });
});

describe("usableAddresses", () => {
  const fake = {
    lo: [
      {
        address: "127.0.0.1",
        netmask: "255.0.0.0",
        family: "IPv4",
        mac: "",
        internal: true,
        cidr: null,
      },
    ],
    eth0: [
      { address: "192.168.1.5", netmask: "", family: "IPv4", mac: "", internal: false, cidr: null },
      {
        address: "fe80::1",
        netmask: "",
        family: "IPv6",
        mac: "",
        internal: false,
        cidr: null,
        scopeid: 2,
      },
      {
        address: "2001:db8::5",
        netmask: "",
        family: "IPv6",
        mac: "",
        internal: false,
        cidr: null,
        scopeid: 0,
      },
    ],
    docker0: [
      { address: "172.17.0.1", netmask: "", family: "IPv4", mac: "", internal: false, cidr: null },
    ],
  } as unknown as Parameters<typeof usableAddresses>[1];

  it("skips loopback and link-local by default and ranks interfaces in order", () => {
    const list = usableAddresses({}, fake);
    expect(list.map((a) => a.address)).toEqual(["192.168.1.5", "2001:db8::5", "172.17.0.1"]);
    expect(list.map((a) => a.rank)).toEqual([0, 0, 1]);
  });
  it("honours allow/deny lists, loopback on request and family switches", () => {
    expect(usableAddresses({ deny: ["docker0"] }, fake).map((a) => a.interface)).not.toContain(
      "docker0",
    );
    expect(
      usableAddresses({ allow: ["lo"], includeLoopback: true }, fake).map((a) => a.address),
    ).toEqual(["127.0.0.1"]);
    expect(usableAddresses({ ipv6: false }, fake).every((a) => a.family === 4)).toBe(true);
  });
});

describe("mDNS over real multicast on loopback (RFC 6762, RFC 8828)", () => {
  it("a publishes its host candidate as <uuid>.local; b resolves it by multicast and connects", async () => {
    const common = { mdnsSocket: true, mdnsInterface: "127.0.0.1" } as const;
    const a = await make({ ...common, agent: { role: "controlling", mdns: "query-and-gather" } });
    const b = await make({ ...common, agent: { role: "controlled", mdns: "query-only" } });
    if (!a.mdnsAvailable || !b.mdnsAvailable) {
      console.warn("SKIPPED: cannot join 224.0.0.251 on 127.0.0.1 here (no multicast on loopback)");
      return;
    }
    signal(a, b);
    a.gather();
    b.gather();
    await until(() => connected(a) && connected(b));
    const remote = b.agent.selectedPair!.remote;
    expect(remote.address).toMatch(/\.local$/);
    expect(a.localCandidates[0]!.address).toBe(remote.address);
  });
});
