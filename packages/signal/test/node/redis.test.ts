import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignalServer, startSignalServer } from "../../src/node/server/index.js";
import { CloseCode, ErrorCode } from "../../src/protocol/error-codes.js";
import { SignalClient } from "../../src/runtime/signal-client.js";
import { next, startCli, startRedis, stopProcess, until } from "./helpers.js";

const redis = await startRedis();
const clients: SignalClient[] = [];
let nodeA: SignalServer;
let nodeB: { proc: ChildProcess; url: string; logs: string[] };

function client(url: string): SignalClient {
  const c = new SignalClient({ url, requestTimeoutMs: 5000, backoffInitialMs: 50 });
  clients.push(c);
  return c;
}

describe.skipIf(!redis)("two server nodes sharing rooms through Redis pub/sub", () => {
  beforeAll(async () => {
    const prefix = `t${process.pid}:`;
    nodeA = await startSignalServer({
      open: true,
      redis: redis!.url,
      redisPrefix: prefix,
      nodeId: "node-a",
      maxPeersPerRoom: 3,
      resumeGraceMs: 0,
    });
    nodeB = await startCli(
      [
        "--open",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--node-id",
        "node-b",
        "--max-peers-per-room",
        "3",
      ],
      {
        PURERTC_SIGNAL_REDIS: redis!.url,
        PURERTC_SIGNAL_REDIS_PREFIX: prefix,
        PURERTC_SIGNAL_RESUME_GRACE_MS: "0",
      },
    );
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await nodeA?.close();
    if (nodeB) await stopProcess(nodeB.proc);
    await redis?.stop();
  });

  it("a peer on node A reaches peers on node B: members, events, relay, broadcast, room full, peer-left", async () => {
    const a1 = client(nodeA.url);
    const b1 = client(nodeB.url);
    const b2 = client(nodeB.url);
    await Promise.all([a1.connect(), b1.connect(), b2.connect()]);
    await a1.join("mesh", { on: "a" });
    const aSees = next(a1, "peer-joined");
    const r1 = await b1.join("mesh");
    expect(r1.members).toEqual([{ peerId: a1.peerId, metadata: { on: "a" } }]);
    expect((await aSees).peer.peerId).toBe(b1.peerId);
    const r2 = await b2.join("mesh");
    expect(r2.members.map((m) => m.peerId).sort()).toEqual([a1.peerId, b1.peerId].sort());
    await until(() => a1.members().length === 2);

    // Cross-node relay, both ways.
    const offer = next(b1, "offer");
    await a1.offer(b1.peerId!, { type: "offer", sdp: "v=0\r\n" });
    expect(await offer).toMatchObject({ from: a1.peerId, description: { sdp: "v=0\r\n" } });
    const cand = next(a1, "candidate");
    await b1.candidate(a1.peerId!, {
      candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host",
      sdpMid: "0",
    });
    expect((await cand).from).toBe(b1.peerId);

    // Room-wide message reaches the local and the remote member once each.
    const seenA: unknown[] = [];
    const seenB1: unknown[] = [];
    a1.on("message", (m) => seenA.push(m.data));
    b1.on("message", (m) => seenB1.push(m.data));
    await b2.message(undefined, "hello all");
    await until(() => seenA.length === 1 && seenB1.length === 1);

    // The room limit holds across nodes.
    const a2 = client(nodeA.url);
    await a2.connect();
    await expect(a2.join("mesh")).rejects.toMatchObject({ code: ErrorCode.RoomFull });

    // Leaving on B is seen on A.
    const left = next(a1, "peer-left");
    b2.close();
    expect((await left).peerId).toBe(b2.peerId);
    await new Promise((r) => setTimeout(r, 50));
    expect(seenA).toEqual(["hello all"]);
  });

  it("stopping node B (SIGTERM) tells its clients to reconnect, exits 0, and A sees peer-left", async () => {
    const a = client(nodeA.url);
    const b = client(nodeB.url);
    await Promise.all([a.connect(), b.connect()]);
    await a.join("bye");
    await b.join("bye");
    const left = next(a, "peer-left");
    const dropped = next(b, "disconnected");
    const exited = new Promise<number | null>((r) => nodeB.proc.once("exit", (code) => r(code)));
    process.kill(nodeB.proc.pid!, "SIGTERM");
    expect(await dropped).toMatchObject({ code: CloseCode.ServiceRestart, willReconnect: true });
    expect((await left).peerId).toBe(b.peerId);
    expect(await exited).toBe(0);
    b.close();
  });
});
