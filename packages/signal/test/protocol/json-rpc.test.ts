import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { encodeError, encodeRequest, parseFrame } from "../../src/protocol/json-rpc.js";
import { validateParams } from "../../src/protocol/methods.js";

describe("parseFrame (JSON-RPC 2.0)", () => {
  it("request, notification, result and error objects", () => {
    expect(parseFrame(encodeRequest(1, "join", { room: "r" }))).toEqual({
      kind: "request",
      id: 1,
      method: "join",
      params: { room: "r" },
    });
    expect(parseFrame('{"jsonrpc":"2.0","method":"leave"}')).toEqual({
      kind: "notification",
      method: "leave",
      params: {},
    });
    expect(parseFrame('{"jsonrpc":"2.0","id":"a","result":true}')).toMatchObject({
      kind: "result",
      result: true,
    });
    expect(parseFrame(encodeError(null, { code: -32700, message: "x" }))).toMatchObject({
      kind: "error",
      id: null,
    });
  });

  it("§4: a request with a null id is invalid; §5 id is kept when readable", () => {
    expect(parseFrame('{"jsonrpc":"2.0","id":null,"method":"ping"}')).toMatchObject({
      kind: "invalid",
      error: { code: ErrorCode.InvalidRequest },
    });
    expect(parseFrame('{"jsonrpc":"2.1","id":3,"method":"ping"}')).toMatchObject({ id: 3 });
    expect(parseFrame('{"jsonrpc":"2.0","id":{},"method":"ping"}')).toMatchObject({ id: null });
  });

  it("never throws on arbitrary text or JSON (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ jsonrpc: "2.0", ...Object(v) })),
        ),
        (s) => {
          const f = parseFrame(s);
          expect(["request", "notification", "result", "error", "invalid"]).toContain(f.kind);
          if (f.kind === "request" || f.kind === "notification") {
            // Whatever params made it through, validation must not throw either.
            validateParams("message", f.params);
            validateParams("join", f.params);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("validateParams (protocol schema)", () => {
  it.each([
    ["join", { room: "" }],
    ["join", { room: "a\u0001" }],
    ["join", { room: "x".repeat(129) }],
    ["join", { room: "r", metadata: [1] }],
    ["offer", { to: "p", description: "v=0" }],
    ["offer", { description: { type: "offer" } }],
    ["candidate", { to: "bad id!", candidate: null }],
    ["candidate", { to: "p", candidate: 5 }],
    ["message", { to: "p" }],
    ["leave", { extra: 1 }],
  ] as const)("%s %j is invalid", (method, params) => {
    const v = validateParams(method, params);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).toMatch(/^Invalid params: /);
  });

  it.each([
    ["join", { room: "lobby ☕", metadata: { name: "a" } }],
    ["offer", { to: "p1", description: { type: "offer", sdp: "v=0" } }],
    ["candidate", { to: "p1", candidate: null }],
    ["message", { data: [1, "two"] }],
    ["message", { to: "p1", data: null }],
  ] as const)("%s %j is valid", (method, params) => {
    expect(validateParams(method, params).ok).toBe(true);
  });
});
