import { seededRng } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { backoffDelay, resolveClientConfig } from "../../src/client/client-config.js";
import {
  type ClientEvent,
  type ClientOutput,
  SignalClientCore,
} from "../../src/client/client-core.js";
import { ErrorCode } from "../../src/protocol/error-codes.js";

const welcome = (peerId: string, resumed = false, session = "S1") =>
  JSON.stringify({
    jsonrpc: "2.0",
    method: "welcome",
    params: { peerId, session, resumed, lost: 0, resumeGraceMs: 30000, idleTimeoutMs: 45000 },
  });

function drain(core: SignalClientCore): { out: ClientOutput[]; events: ClientEvent[] } {
  const out: ClientOutput[] = [];
  const events: ClientEvent[] = [];
  for (let o = core.pollOutput(); o; o = core.pollOutput()) out.push(o);
  for (let e = core.pollEvent(); e; e = core.pollEvent()) events.push(e);
  return { out, events };
}

function make(extra = {}) {
  return new SignalClientCore({
    url: "ws://h/",
    token: "T",
    rng: seededRng(1),
    backoffJitter: 0,
    ...extra,
  });
}

describe("SignalClientCore", () => {
  it("queues requests until welcome, then sends them; resolves by id", () => {
    const c = make();
    c.connect(0);
    const id = c.request(0, "join", { room: "r" });
    expect(drain(c).out).toEqual([{ type: "connect", url: "ws://h/?token=T" }]);
    c.handleOpen(1);
    c.handleMessage(2, welcome("me"));
    const d = drain(c);
    expect(d.out).toEqual([
      { type: "send", text: `{"jsonrpc":"2.0","id":${id},"method":"join","params":{"room":"r"}}` },
    ]);
    expect(d.events[0]).toEqual({ type: "connected", peerId: "me", resumed: false, lost: 0 });
    c.handleMessage(
      3,
      JSON.stringify({
        jsonrpc: "2.0",
        id,
        result: { room: "r", peerId: "me", members: [{ peerId: "x" }] },
      }),
    );
    const e = drain(c).events;
    expect(e.map((x) => x.type)).toEqual(["joined", "response"]);
    expect(c.members()).toEqual([{ peerId: "x" }]);
    expect(c.room).toBe("r");
  });

  it("a request without a response fails with Timeout at requestTimeoutMs", () => {
    const c = make({ requestTimeoutMs: 500 });
    c.connect(0);
    c.handleMessage(0, welcome("me"));
    const id = c.request(0, "ping");
    drain(c);
    expect(c.pollTimeout()).toBe(500);
    c.handleTimeout(500);
    const [ev] = drain(c).events;
    expect(ev).toMatchObject({ type: "response", id });
    expect((ev as { error: { code: number } }).error.code).toBe(ErrorCode.Timeout);
  });

  it("reconnects with exponential backoff and resumes with session and ack", () => {
    const c = make({ backoffInitialMs: 100, backoffMaxMs: 250 });
    c.connect(0);
    c.handleMessage(0, welcome("me"));
    c.handleMessage(
      1,
      JSON.stringify({
        jsonrpc: "2.0",
        method: "message",
        params: { seq: 4, from: "x", data: 1, broadcast: false },
      }),
    );
    drain(c);
    c.handleClose(10, 1006, "");
    expect(drain(c).events).toEqual([
      { type: "disconnected", code: 1006, reason: "", willReconnect: true, retryInMs: 100 },
    ]);
    c.handleTimeout(110);
    expect(drain(c).out).toEqual([{ type: "connect", url: "ws://h/?token=T&session=S1&ack=4" }]);
    c.handleClose(120, 1006, "");
    expect((drain(c).events[0] as { retryInMs: number }).retryInMs).toBe(200);
    c.handleTimeout(320);
    c.handleClose(330, 1006, "");
    expect((drain(c).events.at(-1) as { retryInMs: number }).retryInMs).toBe(250);
  });

  it("delivers each sequenced notification once across a resume", () => {
    const c = make();
    c.connect(0);
    c.handleMessage(0, welcome("me"));
    const msg = (seq: number) =>
      JSON.stringify({
        jsonrpc: "2.0",
        method: "candidate",
        params: { seq, from: "x", candidate: null },
      });
    c.handleMessage(1, msg(1));
    c.handleMessage(1, msg(2));
    c.handleMessage(1, msg(2));
    c.handleClose(2, 1006, "");
    c.handleTimeout(10_000);
    c.handleMessage(10_001, welcome("me", true));
    c.handleMessage(10_001, msg(2));
    c.handleMessage(10_001, msg(3));
    const seqs = drain(c)
      .events.filter((e) => e.type === "notification")
      .map((e) => (e as { notification: { params: { seq: number } } }).notification.params.seq);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it("a lost session re-joins the room automatically and reports session-lost", () => {
    const c = make();
    c.connect(0);
    c.handleMessage(0, welcome("me"));
    const id = c.request(0, "join", { room: "r", metadata: { n: 1 } });
    c.handleMessage(
      1,
      JSON.stringify({ jsonrpc: "2.0", id, result: { room: "r", peerId: "me", members: [] } }),
    );
    c.handleClose(2, 1012, "restart");
    c.handleTimeout(100_000);
    drain(c);
    c.handleMessage(100_001, welcome("new", false, "S2"));
    const d = drain(c);
    expect(d.events.map((e) => e.type)).toEqual(["connected", "session-lost"]);
    expect(d.out[0]).toMatchObject({ type: "send" });
    expect(JSON.parse((d.out[0] as { text: string }).text)).toMatchObject({
      method: "join",
      params: { room: "r", metadata: { n: 1 } },
    });
  });

  it("server reconnect notice sets the next delay; unauthorized close is final", () => {
    const c = make();
    c.connect(0);
    c.handleMessage(0, welcome("me"));
    c.handleMessage(
      1,
      JSON.stringify({
        jsonrpc: "2.0",
        method: "reconnect",
        params: { reason: "bye", retryAfterMs: 1234 },
      }),
    );
    c.handleClose(2, 1012, "bye");
    expect((drain(c).events.at(-1) as { retryInMs: number }).retryInMs).toBe(1234);
    const u = make();
    u.connect(0);
    u.request(0, "ping");
    u.handleClose(1, 4001, "token expired");
    const ev = drain(u).events.map((e) => e.type);
    expect(ev).toEqual(["disconnected", "response", "closed"]);
  });

  it("sends a keep-alive ping when the server is silent and drops the link if it goes unanswered", () => {
    const c = make({ pingIntervalMs: 1000, requestTimeoutMs: 500 });
    c.connect(0);
    c.handleMessage(0, welcome("me"));
    drain(c);
    c.handleTimeout(1000);
    expect(JSON.parse((drain(c).out[0] as { text: string }).text).method).toBe("ping");
    c.handleTimeout(1500);
    const d = drain(c);
    expect(d.out).toEqual([{ type: "close", code: 4000, reason: "ping timeout" }]);
    expect(d.events[0]).toMatchObject({ type: "disconnected", willReconnect: true });
  });

  it("backoff jitter stays within [base*(1-j), base]", () => {
    const cfg = resolveClientConfig({ url: "ws://x", rng: seededRng(3), backoffJitter: 0.5 });
    for (let a = 0; a < 20; a++) {
      const d = backoffDelay(cfg, a);
      const base = Math.min(10_000, 250 * 2 ** a);
      expect(d).toBeGreaterThanOrEqual(base / 2);
      expect(d).toBeLessThanOrEqual(base);
    }
    expect(() => resolveClientConfig({ url: "http://x" })).toThrow(TypeError);
  });
});
