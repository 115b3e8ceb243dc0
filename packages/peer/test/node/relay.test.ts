/**
 * Relay-only `RTCPeerConnection`s on loopback: `iceServers` with a `turn:` URL and
 * `iceTransportPolicy: "relay"` on both sides, through our TURN server (@purertc/turn/node) and
 * through coturn's `turnserver`, over UDP and over TCP (`?transport=tcp`, RFC 8656 §3.1). Only
 * relayed candidates are signalled, so every byte provably crosses the TURN server; a wrong
 * credential surfaces as `icecandidateerror` 401.
 */
import { type Coturn, coturnAvailable, startCoturn } from "@purertc/testkit/node";
import { type NodeTurnServer, startTurnServer } from "@purertc/turn/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  RTCDataChannel,
  RTCIceServer,
  RTCPeerConnection,
  RTCPeerConnectionIceErrorEvent,
  RTCStats,
} from "../../src/node/index.js";
import { negotiate, once, webrtc } from "./helpers.js";

/** Trickles candidates both ways, keeping what each side signalled. */
function trickleKeeping(a: RTCPeerConnection, b: RTCPeerConnection) {
  const signalled = { a: [] as string[], b: [] as string[] };
  for (const [from, to, list] of [
    [a, b, signalled.a],
    [b, a, signalled.b],
  ] as const) {
    from.addEventListener("icecandidate", (e) => {
      const c = (e as Event & { candidate: { candidate: string; toJSON(): object } | null })
        .candidate;
      if (c) list.push(c.candidate);
      void to.addIceCandidate(c ? c.toJSON() : null).catch(() => {});
    });
  }
  return signalled;
}

/** Two relay-only peers through `iceServers`, a channel open on both sides. */
async function relayPair(iceServers: RTCIceServer[]) {
  const config = { iceServers, iceTransportPolicy: "relay" as const };
  const a = new webrtc.RTCPeerConnection(config);
  const b = new webrtc.RTCPeerConnection(config);
  const signalled = trickleKeeping(a, b);
  const ca = a.createDataChannel("relay");
  const incoming = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
  const openA = once(ca, "open");
  await negotiate(a, b);
  const cb = (await incoming).channel;
  await openA;
  if (cb.readyState !== "open") await once(cb, "open");
  return { a, b, ca, cb, signalled };
}

/** 50 messages each way, text and binary, checked in order. */
async function exchange(ca: RTCDataChannel, cb: RTCDataChannel): Promise<void> {
  const got = { a: [] as unknown[], b: [] as unknown[] };
  const done = (ch: RTCDataChannel, list: unknown[]) =>
    new Promise<void>((resolve) => {
      ch.binaryType = "arraybuffer";
      ch.onmessage = (e) => {
        list.push(typeof e.data === "string" ? e.data : [...new Uint8Array(e.data)]);
        if (list.length === 50) resolve();
      };
    });
  const all = Promise.all([done(ca, got.a), done(cb, got.b)]);
  const expected = (side: string) =>
    Array.from({ length: 50 }, (_, i) =>
      i % 2 ? `${side}${i}:${"x".repeat(i * 97)}` : [i, (i * 7) & 255, 255 - i],
    );
  for (const m of expected("a")) ca.send(typeof m === "string" ? m : new Uint8Array(m));
  for (const m of expected("b")) cb.send(typeof m === "string" ? m : new Uint8Array(m));
  await all;
  expect(got.b).toEqual(expected("a"));
  expect(got.a).toEqual(expected("b"));
}

/** The selected pair of `getStats()` joins two relay candidates from `url`. */
async function expectRelayPair(
  pc: RTCPeerConnection,
  url: string,
  relayProtocol: "udp" | "tcp" = "udp",
): Promise<void> {
  const stats = [...(await pc.getStats()).values()];
  const byId = new Map(stats.map((s) => [s.id, s]));
  const transport = stats.find((s) => s.type === "transport")!;
  const pair = byId.get(transport.selectedCandidatePairId as string) as RTCStats;
  expect(pair).toMatchObject({ type: "candidate-pair", state: "succeeded", nominated: true });
  expect(pair.bytesSent as number).toBeGreaterThan(0);
  expect(pair.bytesReceived as number).toBeGreaterThan(0);
  const local = byId.get(pair.localCandidateId as string)!;
  const remote = byId.get(pair.remoteCandidateId as string)!;
  expect(local).toMatchObject({ type: "local-candidate", candidateType: "relay", url });
  expect(local.relayProtocol).toBe(relayProtocol);
  expect(remote).toMatchObject({ type: "remote-candidate", candidateType: "relay" });
}

function expectOnlyRelayed(signalled: string[]): void {
  expect(signalled.length).toBeGreaterThan(0);
  for (const c of signalled) expect(c).toMatch(/ typ relay raddr /);
}

describe("relay-only through our TURN server (startTurnServer on 127.0.0.1)", () => {
  let server: NodeTurnServer;
  let url: string;
  beforeAll(async () => {
    server = await startTurnServer({
      listeners: [{ transport: "udp", address: "127.0.0.1", port: 0 }],
      users: { alice: "secret" },
      realm: "purertc.test",
      allowedPeers: ["127.0.0.0/8"],
    });
    url = `turn:127.0.0.1:${server.addresses.udp[0]!.port}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("RFC 8656 relay: two iceTransportPolicy relay peers connect, exchange data, getStats shows a relay pair", async () => {
    const { a, b, ca, cb, signalled } = await relayPair([
      { urls: url, username: "alice", credential: "secret" },
    ]);
    expectOnlyRelayed(signalled.a);
    expectOnlyRelayed(signalled.b);
    expect(server.core.stats().allocations).toBe(2);
    const before = server.core.stats().bytesToPeer;
    await exchange(ca, cb);
    // Both directions' 50 messages (~61 KB of payload each way) crossed the relay, however packed (SCTP
    // path MTU discovery puts up to 16 KiB in one datagram between two purertc peers).
    expect(server.core.stats().bytesToPeer - before).toBeGreaterThanOrEqual(2 * 60_000);
    await expectRelayPair(a, url);
    await expectRelayPair(b, url);
    a.close();
    b.close();
    // close() deallocates (Refresh lifetime 0): nothing is left on the server.
    const t0 = Date.now();
    while (server.core.stats().allocations > 0 && Date.now() - t0 < 3000)
      await new Promise((r) => setTimeout(r, 20));
    expect(server.core.stats().allocations).toBe(0);
  }, 20_000);

  it("a wrong credential fires icecandidateerror 401 with the URL and the local port, and gathering completes", async () => {
    const pc = new webrtc.RTCPeerConnection({
      iceServers: [{ urls: [url], username: "alice", credential: "wrong" }],
      iceTransportPolicy: "relay",
    });
    const errors: RTCPeerConnectionIceErrorEvent[] = [];
    pc.onicecandidateerror = (e) => errors.push(e);
    const candidates: unknown[] = [];
    pc.onicecandidate = (e) => candidates.push(e.candidate);
    pc.createDataChannel("x");
    await pc.setLocalDescription();
    while (pc.iceGatheringState !== "complete") await once(pc, "icegatheringstatechange");
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ url, errorCode: 401, address: null });
    expect(errors[0]!.port).toBeGreaterThan(0);
    expect(errors[0]!.errorText).not.toBe("");
    expect(candidates).toEqual([null]);
    pc.close();
  });

  it("turns: and ?transport=tcp to a port without a TCP listener fail with icecandidateerror 701, turn: over UDP still relays", async () => {
    const port = server.addresses.udp[0]!.port;
    const pc = new webrtc.RTCPeerConnection({
      iceServers: [
        {
          urls: [`turns:127.0.0.1:${port}`, `turn:127.0.0.1:${port}?transport=tcp`, url],
          username: "alice",
          credential: "secret",
        },
      ],
      iceTransportPolicy: "relay",
    });
    const errors: RTCPeerConnectionIceErrorEvent[] = [];
    pc.onicecandidateerror = (e) => errors.push(e);
    pc.createDataChannel("x");
    await pc.setLocalDescription();
    while (pc.iceGatheringState !== "complete") await once(pc, "icegatheringstatechange");
    expect(errors.map((e) => [e.url, e.errorCode])).toEqual([
      [`turns:127.0.0.1:${port}`, 701],
      [`turn:127.0.0.1:${port}?transport=tcp`, 701],
    ]);
    expect(pc.localDescription!.sdp).toMatch(/ typ relay raddr /);
    expect(pc.localDescription!.sdp).not.toMatch(/ typ host/);
    pc.close();
  });
});

describe("relay-only over TCP through our TURN server (turn:?transport=tcp)", () => {
  let server: NodeTurnServer;
  beforeAll(async () => {
    server = await startTurnServer({
      listeners: [{ transport: "tcp", address: "127.0.0.1", port: 0 }],
      users: { alice: "secret" },
      realm: "purertc.test",
      allowedPeers: ["127.0.0.0/8"],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("two relay-only peers connect through TCP allocations, exchange data, getStats shows relayProtocol tcp; close() deallocates", async () => {
    const url = `turn:127.0.0.1:${server.addresses.tcp[0]!.port}?transport=tcp`;
    const { a, b, ca, cb, signalled } = await relayPair([
      { urls: url, username: "alice", credential: "secret" },
    ]);
    expectOnlyRelayed(signalled.a);
    expectOnlyRelayed(signalled.b);
    expect(server.core.stats().allocations).toBe(2);
    await exchange(ca, cb);
    await expectRelayPair(a, url, "tcp");
    await expectRelayPair(b, url, "tcp");
    a.close();
    b.close();
    const t0 = Date.now();
    while (server.core.stats().allocations > 0 && Date.now() - t0 < 3000)
      await new Promise((r) => setTimeout(r, 20));
    expect(server.core.stats().allocations).toBe(0);
  }, 20_000);
});

describe.skipIf(!coturnAvailable("the peer relay-through-coturn test"))(
  "relay-only through coturn (turnserver on 127.0.0.1)",
  () => {
    let coturn: Coturn;
    beforeAll(async () => {
      coturn = await startCoturn({ users: { alice: "secret" } });
    }, 20_000);
    afterAll(async () => {
      await coturn?.stop();
    });

    for (const transport of ["udp", "tcp"] as const) {
      it(`RFC 8656 relay through coturn over ${transport}: two relay-only peers connect, exchange data, getStats shows a relay pair`, async () => {
        const url = `turn:127.0.0.1:${coturn.port}?transport=${transport}`;
        const { a, b, ca, cb, signalled } = await relayPair([
          { urls: url, username: "alice", credential: "secret" },
        ]);
        expectOnlyRelayed(signalled.a);
        expectOnlyRelayed(signalled.b);
        await exchange(ca, cb);
        await expectRelayPair(a, url, transport);
        await expectRelayPair(b, url, transport);
        a.close();
        b.close();
      }, 20_000);
    }

    it("a wrong credential at coturn fires icecandidateerror 401", async () => {
      const url = `turn:127.0.0.1:${coturn.port}`;
      const pc = new webrtc.RTCPeerConnection({
        iceServers: [{ urls: url, username: "alice", credential: "wrong" }],
        iceTransportPolicy: "relay",
      });
      const error = once<RTCPeerConnectionIceErrorEvent>(pc, "icecandidateerror");
      pc.createDataChannel("x");
      await pc.setLocalDescription();
      expect(await error).toMatchObject({ url, errorCode: 401 });
      pc.close();
    });
  },
);
