import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createToken, type SignalServer, startSignalServer } from "../../src/node/server/index.js";
import { CloseCode, ErrorCode } from "../../src/protocol/error-codes.js";
import { SignalClient, type WebSocketConstructor } from "../../src/runtime/signal-client.js";
import { next, until } from "./helpers.js";

const servers: SignalServer[] = [];
const clients: SignalClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof startSignalServer>[0] = { open: true }) {
  const s = await startSignalServer({ host: "127.0.0.1", port: 0, ...options });
  servers.push(s);
  return s;
}

function client(url: string, extra: Partial<ConstructorParameters<typeof SignalClient>[0]> = {}) {
  const c = new SignalClient({ url, requestTimeoutMs: 3000, ...extra });
  clients.push(c);
  return c;
}

/** A raw WebSocket collecting parsed frames. */
async function raw(url: string) {
  const ws = new WebSocket(url);
  // biome-ignore lint/suspicious/noExplicitAny: frames are arbitrary JSON under test
  const frames: any[] = [];
  let closed: { code: number; reason: string } | undefined;
  ws.on("message", (d) => frames.push(JSON.parse(String(d))));
  ws.on("close", (code, reason) => {
    closed = { code, reason: String(reason) };
  });
  ws.on("error", () => {});
  await until(() => frames.length > 0 || closed !== undefined);
  return { ws, frames, closed: () => closed };
}

describe("signal server over loopback WebSockets", () => {
  it("several clients: join, members, offer relayed, broadcast, peer-left", async () => {
    const s = await server({ open: true, resumeGraceMs: 0 });
    const [a, b, c] = [client(s.url), client(s.url), client(s.url)];
    await Promise.all([a.connect(), b.connect(), c.connect()]);
    const ra = await a.join("room", { name: "a" });
    expect(ra.members).toEqual([]);
    const aSeesB = next(a, "peer-joined");
    const rb = await b.join("room");
    expect(rb.members).toEqual([{ peerId: a.peerId, metadata: { name: "a" } }]);
    expect((await aSeesB).peer.peerId).toBe(b.peerId);
    await c.join("room");
    const offer = next(b, "offer");
    await a.offer(b.peerId!, { type: "offer", sdp: "v=0\r\n" });
    expect(await offer).toMatchObject({
      from: a.peerId,
      description: { type: "offer", sdp: "v=0\r\n" },
    });
    const toB = next(b, "message");
    const toC = next(c, "message");
    await a.message(undefined, { hi: true });
    expect(await toB).toMatchObject({ from: a.peerId, data: { hi: true }, broadcast: true });
    expect((await toC).data).toEqual({ hi: true });
    const left = next(a, "peer-left");
    c.close();
    expect((await left).peerId).toBe(c.peerId);
    await expect(a.offer("nobody", { type: "offer" })).rejects.toMatchObject({
      code: ErrorCode.PeerUnknown,
    });
  });

  it("/healthz and /metrics", async () => {
    const s = await server();
    const a = client(s.url);
    await a.connect();
    await a.join("x");
    const base = s.url.replace("ws:", "http:").replace(/\/$/, "");
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: "ok", connections: 1, rooms: 1 });
    const m = await (await fetch(`${base}/metrics`)).text();
    expect(m).toMatch(/^# HELP purertc_signal_connections /m);
    expect(m).toMatch(/^purertc_signal_rooms 1$/m);
    expect(m).toMatch(/^purertc_signal_process_resident_memory_bytes \d+$/m);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("hostile input is answered with errors, counted, and the server stays up", async () => {
    const s = await server({
      open: true,
      maxMessageBytes: 1024,
      maxFrameBytes: 8192,
      messagesPerSecond: 20,
      messageBurst: 20,
      maxRateLimitErrors: 50,
    });
    const r = await raw(s.url);
    r.ws.send("{not json");
    r.ws.send('{"jsonrpc":"2.0","id":1,"method":"rm -rf"}');
    r.ws.send('{"jsonrpc":"2.0","id":2,"method":"join","params":{"room":5}}');
    r.ws.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 3,
        method: "message",
        params: { data: "x".repeat(2000) },
      }),
    );
    await until(() => r.frames.length >= 5);
    expect(r.frames.slice(1).map((f) => f.error.code)).toEqual([
      ErrorCode.ParseError,
      ErrorCode.MethodNotFound,
      ErrorCode.InvalidParams,
      ErrorCode.MessageTooLarge,
    ]);
    // Flood: the bucket empties, errors follow, then the connection is cut with 1008.
    for (let i = 0; i < 200; i++) r.ws.send(`{"jsonrpc":"2.0","id":${100 + i},"method":"ping"}`);
    await until(() => r.closed() !== undefined);
    expect(r.closed()?.code).toBe(CloseCode.PolicyViolation);
    expect(r.frames.some((f) => f.error?.code === ErrorCode.RateLimited)).toBe(true);
    // A frame beyond the hard cap: ws closes with 1009.
    const big = await raw(s.url);
    big.ws.send("x".repeat(10_000));
    await until(() => big.closed() !== undefined);
    expect(big.closed()?.code).toBe(CloseCode.MessageTooBig);
    await until(() => s.core.stats().errors.MessageTooLarge === 2);
    const stats = s.core.stats();
    expect(stats.errors).toMatchObject({
      ParseError: 1,
      MethodNotFound: 1,
      InvalidParams: 1,
      MessageTooLarge: 2,
    });
    expect(stats.errors.RateLimited).toBeGreaterThan(0);
    expect(stats.closes["rate limit exceeded repeatedly"]).toBe(1);
    const ok = client(s.url);
    await ok.connect();
    expect(await ok.request("ping")).toBe("pong");
    const m = await (await fetch(`${s.url.replace("ws:", "http:")}metrics`)).text();
    expect(m).toMatch(/^purertc_signal_errors_total\{code="ParseError"\} 1$/m);
  });

  it("tokens: missing, forged and expired are refused with 4001; a valid one joins its room", async () => {
    const secret = "s3cret-s3cret-s3cret-s3cret!";
    const s = await server({ secret });
    for (const t of [
      undefined,
      createToken("other-secret-xxxxxxxx", { sub: "a", room: "r", ttlSeconds: 60 }),
      createToken(secret, { sub: "a", room: "r", ttlSeconds: 60 }, Date.now() - 3_600_000),
    ]) {
      const r = await raw(t === undefined ? s.url : `${s.url}?token=${t}`);
      await until(() => r.closed() !== undefined);
      expect(r.closed()?.code).toBe(CloseCode.Unauthorized);
      expect(r.frames[0].error.code).toBe(ErrorCode.Unauthorized);
    }
    expect(s.core.stats().errors.Unauthorized).toBe(3);
    const good = client(s.url, {
      token: createToken(secret, { sub: "alice", room: "r", ttlSeconds: 60 }),
    });
    await good.connect();
    await expect(good.join("elsewhere")).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    expect((await good.join("r")).room).toBe("r");
  });

  it("a dropped client resumes: same peer id, room kept, messages sent meanwhile arrive once", async () => {
    const s = await server({ open: true, resumeGraceMs: 10_000 });
    const sockets: WebSocket[] = [];
    const Tracked = class extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    } as unknown as WebSocketConstructor;
    const a = client(s.url, { WebSocket: Tracked, backoffInitialMs: 20 });
    const b = client(s.url);
    await Promise.all([a.connect(), b.connect()]);
    await a.join("r");
    await b.join("r");
    const id = a.peerId!;
    const got: unknown[] = [];
    a.on("message", (m) => got.push(m.data));
    await b.message(id, 1);
    await until(() => got.length === 1);
    sockets[0]!.terminate();
    await next(a, "disconnected");
    await b.message(id, 2);
    await b.message(id, 3);
    const back = await next(a, "connected");
    expect(back).toMatchObject({ peerId: id, resumed: true, lost: 0 });
    await until(() => got.length === 3);
    expect(got).toEqual([1, 2, 3]);
    expect(a.room).toBe("r");
    expect(s.core.stats().resumes).toBe(1);
  });

  it("graceful shutdown tells clients to reconnect (1012) and stops listening", async () => {
    const s = await server({ open: true, shutdownRetryAfterMs: 60_000 });
    const a = client(s.url);
    const health = `${s.url.replace("ws:", "http:")}healthz`;
    await a.connect();
    const d = next(a, "disconnected");
    await s.close();
    expect(await d).toMatchObject({
      code: CloseCode.ServiceRestart,
      willReconnect: true,
      retryInMs: 60_000,
    });
    await expect(fetch(health)).rejects.toThrow();
  });
});
