import { describe, expect, it } from "vitest";
import { CloseCode, ErrorCode } from "../../src/protocol/error-codes.js";
import { signToken } from "../../src/protocol/token.js";
import { hmac, SECRET, ServerHarness } from "../helpers/server-harness.js";

const auth = { secret: SECRET, hmac, clockSkewMs: 0 };
const token = (room: string, sub: string, expSeconds: number) =>
  signToken({ sub, room, exp: expSeconds }, SECRET, hmac);

describe("SignalServerCore: rooms and relaying", () => {
  it("welcome, join returns own id and the members; others get peer-joined", () => {
    const h = new ServerHarness();
    h.open(1);
    const [welcome] = h.take(1);
    expect(welcome.method).toBe("welcome");
    expect(welcome.params).toMatchObject({ resumed: false, lost: 0 });
    h.call(1, 1, "join", { room: "r", metadata: { name: "a" } });
    const a = h.take(1)[0].result;
    expect(a).toEqual({ room: "r", peerId: welcome.params.peerId, members: [] });
    h.open(2);
    h.take(2);
    h.call(2, 7, "join", { room: "r" });
    const b = h.take(2)[0];
    expect(b.id).toBe(7);
    expect(b.result.members).toEqual([{ peerId: a.peerId, metadata: { name: "a" } }]);
    const [joined] = h.take(1);
    expect(joined).toEqual({
      jsonrpc: "2.0",
      method: "peer-joined",
      params: { seq: 1, room: "r", peer: { peerId: b.result.peerId } },
    });
  });

  it("offer/answer/candidate reach only the target, with the sender as from", () => {
    const h = new ServerHarness();
    const a = h.joined(1, "r");
    const b = h.joined(2, "r");
    h.joined(3, "r");
    h.take(1);
    h.take(2);
    h.call(1, 2, "offer", { to: b, description: { type: "offer", sdp: "v=0" } });
    h.call(1, 3, "candidate", { to: b, candidate: null });
    expect(h.take(1).map((f) => f.result)).toEqual([true, true]);
    const got = h.take(2);
    expect(got.map((f) => [f.method, f.params.from])).toEqual([
      ["offer", a],
      ["candidate", a],
    ]);
    expect(got[0].params.description).toEqual({ type: "offer", sdp: "v=0" });
    expect(h.take(3)).toEqual([]);
  });

  it("message without `to` goes to every other member (relay fallback)", () => {
    const h = new ServerHarness();
    const a = h.joined(1, "r");
    h.joined(2, "r");
    h.joined(3, "r");
    h.take(1);
    h.take(2);
    h.notify(1, "message", { data: { hello: 1 } });
    expect(h.take(1)).toEqual([]);
    for (const c of [2, 3])
      expect(h.take(c)[0].params).toMatchObject({ from: a, data: { hello: 1 }, broadcast: true });
  });

  it("leave and disconnect after the grace period produce peer-left", () => {
    const h = new ServerHarness({ resumeGraceMs: 5_000 });
    h.joined(1, "r");
    const b = h.joined(2, "r");
    h.take(1);
    h.close(2);
    expect(h.take(1)).toEqual([]);
    h.advance(5_000);
    expect(h.take(1)[0]).toMatchObject({ method: "peer-left", params: { peerId: b, room: "r" } });
    expect(h.core.stats().sessions).toBe(1);
  });

  it("peer unknown, not in room, already joined", () => {
    const h = new ServerHarness();
    h.open(1);
    h.take(1);
    h.call(1, 1, "offer", { to: "nobody", description: { type: "offer" } });
    expect(h.take(1)[0].error.code).toBe(ErrorCode.NotInRoom);
    h.call(1, 2, "join", { room: "r" });
    h.take(1);
    h.call(1, 3, "offer", { to: "nobody", description: { type: "offer" } });
    expect(h.take(1)[0].error).toMatchObject({
      code: ErrorCode.PeerUnknown,
      data: { peerId: "nobody" },
    });
    h.call(1, 4, "join", { room: "s" });
    expect(h.take(1)[0].error.code).toBe(ErrorCode.AlreadyJoined);
  });
});

describe("SignalServerCore: JSON-RPC errors (JSON-RPC 2.0 §5.1)", () => {
  const cases: [string, string, number, unknown][] = [
    ["invalid JSON", "{nope", ErrorCode.ParseError, null],
    ["batch", "[]", ErrorCode.InvalidRequest, null],
    ["wrong version", '{"jsonrpc":"1.0","id":4,"method":"ping"}', ErrorCode.InvalidRequest, 4],
    ["unknown method", '{"jsonrpc":"2.0","id":5,"method":"steal"}', ErrorCode.MethodNotFound, 5],
    [
      "params array",
      '{"jsonrpc":"2.0","id":6,"method":"join","params":[1]}',
      ErrorCode.InvalidParams,
      6,
    ],
    [
      "room missing",
      '{"jsonrpc":"2.0","id":7,"method":"join","params":{}}',
      ErrorCode.InvalidParams,
      7,
    ],
    [
      "extra member",
      '{"jsonrpc":"2.0","id":8,"method":"ping","params":{"x":1}}',
      ErrorCode.InvalidParams,
      8,
    ],
  ];
  for (const [name, frame, code, id] of cases)
    it(`${name} → ${code}`, () => {
      const h = new ServerHarness();
      h.open(1);
      h.take(1);
      h.send(1, frame);
      const [err] = h.take(1);
      expect(err.error.code).toBe(code);
      expect(err.id).toBe(id);
      expect(h.closed.size).toBe(0);
    });

  it("invalid UTF-8 is a parse error, counted in stats", () => {
    const h = new ServerHarness();
    h.open(1);
    h.take(1);
    h.core.handleFrame(h.now, 1, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    h.drive();
    expect(h.take(1)[0].error.code).toBe(ErrorCode.ParseError);
    expect(h.core.stats().errors.ParseError).toBe(1);
  });
});

describe("SignalServerCore: limits", () => {
  it("frames over maxMessageBytes get MessageTooLarge and the connection stays", () => {
    const h = new ServerHarness({ maxMessageBytes: 100 });
    h.open(1);
    h.take(1);
    h.call(1, 1, "message", { data: "x".repeat(200) });
    expect(h.take(1)[0].error).toMatchObject({
      code: ErrorCode.MessageTooLarge,
      data: { maxMessageBytes: 100 },
    });
    h.call(1, 2, "ping");
    expect(h.take(1)[0].result).toBe("pong");
  });

  it("rate limit: burst then RateLimited with retryAfterMs; refills with time", () => {
    const h = new ServerHarness({ messagesPerSecond: 10, messageBurst: 5 });
    h.open(1);
    h.take(1);
    for (let i = 0; i < 5; i++) h.call(1, i, "ping");
    h.call(1, 99, "ping");
    const frames = h.take(1);
    expect(frames.slice(0, 5).every((f) => f.result === "pong")).toBe(true);
    expect(frames[5]).toMatchObject({
      id: 99,
      error: { code: ErrorCode.RateLimited, data: { retryAfterMs: 100 } },
    });
    h.advance(100);
    h.call(1, 100, "ping");
    expect(h.take(1)[0].result).toBe("pong");
  });

  it("a connection that keeps flooding is closed with 1008", () => {
    const h = new ServerHarness({ messagesPerSecond: 1, messageBurst: 1, maxRateLimitErrors: 3 });
    h.open(1);
    for (let i = 0; i < 10; i++) h.call(1, i, "ping");
    expect(h.closed.get(1)?.code).toBe(CloseCode.PolicyViolation);
    expect(h.core.stats().errors.RateLimited).toBe(3);
  });

  it("room full at maxPeersPerRoom", () => {
    const h = new ServerHarness({ maxPeersPerRoom: 2 });
    h.joined(1, "r");
    h.joined(2, "r");
    h.open(3);
    h.take(3);
    h.call(3, 1, "join", { room: "r" });
    expect(h.take(3)[0].error).toMatchObject({
      code: ErrorCode.RoomFull,
      data: { maxPeersPerRoom: 2 },
    });
  });

  it("too many rooms at maxRooms; a room that empties frees its slot", () => {
    const h = new ServerHarness({ maxRooms: 1 });
    h.joined(1, "a");
    h.open(2);
    h.take(2);
    h.call(2, 1, "join", { room: "b" });
    expect(h.take(2)[0].error.code).toBe(ErrorCode.TooManyRooms);
    h.call(1, 2, "leave");
    h.call(2, 3, "join", { room: "b" });
    expect(h.take(2)[0].result.room).toBe("b");
  });

  it("server full at maxConnections: error then close 4003", () => {
    const h = new ServerHarness({ maxConnections: 1 });
    h.open(1);
    h.open(2);
    expect(h.take(2)[0].error.code).toBe(ErrorCode.ServerFull);
    expect(h.closed.get(2)?.code).toBe(CloseCode.ServerFull);
  });

  it("pings a silent connection, closes it after idleTimeoutMs (4000)", () => {
    const h = new ServerHarness({ pingIntervalMs: 1_000, idleTimeoutMs: 3_000 });
    h.open(1);
    h.advance(1_000);
    expect(h.pings).toEqual([1]);
    h.core.handlePong(h.now, 1);
    h.advance(2_500);
    expect(h.closed.has(1)).toBe(false);
    h.advance(1_000);
    expect(h.closed.get(1)?.code).toBe(CloseCode.IdleTimeout);
  });
});

describe("SignalServerCore: auth", () => {
  it("no secret and open mode off is refused at construction", () => {
    expect(() => new ServerHarness({ open: false })).toThrow(RangeError);
  });

  it.each([
    ["missing", undefined],
    ["malformed", "abc"],
    ["bad-signature", `${token("r", "alice", 2_000_000_000).slice(0, -4)}AAAA`],
    ["expired", token("r", "alice", 1)],
  ])("token %s → Unauthorized and close 4001, counted", (reason, t) => {
    const h = new ServerHarness({ open: false, auth });
    h.open(1, t === undefined ? {} : { token: t }, 10_000_000);
    expect(h.take(1)[0]).toMatchObject({
      id: null,
      error: { code: ErrorCode.Unauthorized, data: { reason } },
    });
    expect(h.closed.get(1)?.code).toBe(CloseCode.Unauthorized);
    expect(h.core.stats().errors.Unauthorized).toBe(1);
  });

  it("a valid token joins its room with its identity, and not another room", () => {
    const h = new ServerHarness({ open: false, auth });
    h.open(1, { token: token("r", "alice", 2_000_000_000) }, 1_700_000_000_000);
    h.take(1);
    h.call(1, 1, "join", { room: "other" });
    expect(h.take(1)[0].error.code).toBe(ErrorCode.Unauthorized);
    h.call(1, 2, "join", { room: "r" });
    expect(h.take(1)[0].result.room).toBe("r");
    h.open(2, { token: token("*", "bob", 2_000_000_000) }, 1_700_000_000_000);
    h.take(2);
    h.call(2, 1, "join", { room: "r" });
    expect(h.take(2)[0].result.members[0].identity).toBe("alice");
  });
});

describe("SignalServerCore: session resume", () => {
  it("same peer id and room; messages sent meanwhile delivered once; lost counted", () => {
    const h = new ServerHarness({ resumeBufferMessages: 3 });
    h.joined(1, "r");
    const welcome = () => h.take(2)[0];
    h.open(2);
    const w = welcome();
    h.call(2, 1, "join", { room: "r" });
    h.take(2);
    h.take(1);
    h.close(2);
    for (let i = 0; i < 5; i++) h.notify(1, "message", { to: w.params.peerId, data: i });
    h.open(3, { session: w.params.session, ack: 0 });
    const frames = h.take(3);
    expect(frames[0].params).toMatchObject({
      peerId: w.params.peerId,
      resumed: true,
      lost: 2,
      room: "r",
    });
    expect(frames.slice(1).map((f) => f.params.data)).toEqual([2, 3, 4]);
    // A second resume acknowledging everything replays nothing: each message once.
    h.close(3);
    h.open(4, { session: w.params.session, ack: frames.at(-1).params.seq });
    expect(h.take(4)).toHaveLength(1);
    expect(h.core.stats().resumes).toBe(2);
  });

  it("a request re-sent after a resume is answered from the cache, not re-executed", () => {
    const h = new ServerHarness();
    h.open(1);
    const w = h.take(1)[0];
    h.call(1, 9, "join", { room: "r" });
    const first = h.take(1)[0];
    h.close(1);
    h.open(2, { session: w.params.session });
    h.take(2);
    h.call(2, 9, "join", { room: "r" });
    expect(h.take(2)[0]).toEqual(first);
  });

  it("resuming while the old connection is open closes the old one with 4002", () => {
    const h = new ServerHarness();
    h.open(1);
    const w = h.take(1)[0];
    h.open(2, { session: w.params.session });
    expect(h.closed.get(1)?.code).toBe(CloseCode.SessionReplaced);
    expect(h.take(2)[0].params.resumed).toBe(true);
  });

  it("an unknown session gets a fresh one (resumed: false)", () => {
    const h = new ServerHarness();
    h.open(1, { session: "gone" });
    expect(h.take(1)[0].params.resumed).toBe(false);
    expect(h.core.stats().resumeMisses).toBe(1);
  });
});

describe("SignalServerCore: shutdown and stats", () => {
  it("shutdown sends reconnect, closes 1012, ends sessions and refuses newcomers", () => {
    const h = new ServerHarness({ shutdownRetryAfterMs: 500 });
    h.joined(1, "r");
    h.joined(2, "r");
    h.take(1);
    h.core.shutdown(h.now);
    h.drive();
    expect(h.take(1)[0]).toEqual({
      jsonrpc: "2.0",
      method: "reconnect",
      params: { reason: "server shutting down", retryAfterMs: 500 },
    });
    expect(h.closed.get(1)?.code).toBe(CloseCode.ServiceRestart);
    expect(h.core.stats().sessions).toBe(0);
    h.open(3);
    expect(h.take(3)[0].error.code).toBe(ErrorCode.ShuttingDown);
  });

  it("counts relayed messages by method and errors by code", () => {
    const h = new ServerHarness();
    const a = h.joined(1, "r");
    h.joined(2, "r");
    h.call(2, 5, "answer", { to: a, description: { type: "answer" } });
    h.send(2, "garbage");
    const s = h.core.stats();
    expect(s.relayed).toEqual({ "peer-joined": 1, answer: 1 });
    expect(s.errors).toEqual({ ParseError: 1 });
    expect(s.rooms).toBe(1);
    expect(s.connections).toBe(2);
  });
});
