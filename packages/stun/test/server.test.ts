import { seededRng } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  attr,
  ChangeRequest,
  decodeStunMessage,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  MappedAddress,
  Nonce,
  OtherAddress,
  Realm,
  ResponseOrigin,
  Software,
  type StunAttribute,
  StunBindingClient,
  StunIntegrityKey,
  StunServer,
  type StunServerConfig,
  UnknownAttributes,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "../src/index.js";

const CLIENT = { address: "203.0.113.5", port: 50000 };
const LOCAL = { address: "192.0.2.1", port: 3478 };
let counter = 0;

function req(
  attributes: StunAttribute[] = [],
  opts: Parameters<typeof encodeStunMessage>[1] = {},
  method = 1,
) {
  const transactionId = new Uint8Array(12).fill(++counter & 0xff);
  return encodeStunMessage({ method, class: "request", transactionId, attributes }, opts);
}

function ask(server: StunServer, data: Uint8Array, now = 0, from = CLIENT) {
  server.handleDatagram(now, { from, to: LOCAL, data });
  const t = server.pollTransmit();
  expect(server.pollTransmit()).toBeUndefined();
  return t && { ...t, msg: decodeStunMessage(t.data) };
}

function make(config: Partial<StunServerConfig> = {}) {
  return new StunServer({ rateLimit: false, ...config });
}

describe("STUN server core (RFC 8489 §6.3)", () => {
  it("answers Binding with XOR-MAPPED-ADDRESS and MAPPED-ADDRESS, from the receiving address", () => {
    const t = ask(make(), req())!;
    expect(t.to).toEqual(CLIENT);
    expect(t.from).toEqual(LOCAL);
    expect(t.msg.class).toBe("success");
    expect(getAttribute(t.msg, XorMappedAddress)).toEqual(CLIENT);
    expect(getAttribute(t.msg, MappedAddress)).toEqual(CLIENT);
    expect(getAttribute(t.msg, Software)).toBeUndefined();
    expect(t.data.length).toBe(44);
  });

  it("answers IPv6 clients", () => {
    const from = { address: "2001:db8::5", port: 9 };
    const t = ask(make(), req(), 0, from)!;
    expect(getAttribute(t.msg, XorMappedAddress)).toEqual(from);
  });

  it("mirrors FINGERPRINT and drops a request whose FINGERPRINT is wrong", () => {
    const server = make();
    const ok = ask(server, req([], { fingerprint: true }))!;
    expect(verifyFingerprint(ok.msg)).toBe(true);
    const bad = req([], { fingerprint: true });
    bad[bad.length - 1]! ^= 1;
    expect(ask(server, bad)).toBeUndefined();
    expect(server.stats().malformed).toBe(1);
  });

  it("never answers malformed messages, responses or indications", () => {
    const server = make();
    const truncated = req().subarray(0, 19);
    expect(ask(server, truncated)).toBeUndefined();
    const badAttr = req([attr(Username, "abc")]);
    badAttr[23] = 200; // attribute length runs past the end
    expect(ask(server, badAttr)).toBeUndefined();
    const indication = encodeStunMessage({
      method: 1,
      class: "indication",
      transactionId: new Uint8Array(12),
      attributes: [],
    });
    expect(ask(server, indication)).toBeUndefined();
    expect(ask(server, new Uint8Array([0x80, 1, 2, 3]))).toBeUndefined();
    expect(server.stats()).toMatchObject({ malformed: 3, ignored: 1, answered: 0 });
  });

  it("RFC 8489 §6.3.1.1: 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes only", () => {
    const server = make();
    const t = ask(
      server,
      req([
        { type: 0x7777, value: new Uint8Array(4) },
        { type: 0xfeed, value: new Uint8Array(0) },
      ]),
    )!;
    expect(t.msg.class).toBe("error");
    expect(getAttribute(t.msg, ErrorCode)?.code).toBe(420);
    expect(getAttribute(t.msg, UnknownAttributes)).toEqual([0x7777]);
    // comprehension-optional unknown attributes are ignored
    expect(ask(server, req([{ type: 0xfeed, value: new Uint8Array(0) }]))!.msg.class).toBe(
      "success",
    );
    // CHANGE-REQUEST is not understood outside RFC 5780 mode
    const cr = ask(server, req([attr(ChangeRequest, { changeIp: true, changePort: false })]))!;
    expect(getAttribute(cr.msg, UnknownAttributes)).toEqual([0x0003]);
  });

  it("answers an unknown method with 400 and no SOFTWARE", () => {
    const t = ask(make({ software: "purertc" }), req([], {}, 0x0ff))!;
    expect(getAttribute(t.msg, ErrorCode)?.code).toBe(400);
    expect(getAttribute(t.msg, Software)).toBeUndefined();
  });

  it("rate-limits per source IP (token bucket) and recovers with time", () => {
    const server = new StunServer({ rateLimit: { ratePerSecond: 10, burst: 3, maxSources: 100 } });
    const answered = () => [0, 0, 0, 0, 0].filter(() => ask(server, req()) !== undefined).length;
    expect(answered()).toBe(3);
    expect(ask(server, req(), 0, { address: "203.0.113.6", port: 1 })).toBeDefined();
    expect(ask(server, req(), 100)).toBeDefined();
    expect(server.stats().rateLimited).toBe(2);
  });

  describe("RFC 5780 mode", () => {
    const primary = { address: "192.0.2.1", port: 3478 };
    const alternate = { address: "192.0.2.2", port: 3479 };
    const server = make({ rfc5780: { primary, alternate } });
    it("adds RESPONSE-ORIGIN and OTHER-ADDRESS", () => {
      const t = ask(server, req())!;
      expect(getAttribute(t.msg, ResponseOrigin)).toEqual(primary);
      expect(getAttribute(t.msg, OtherAddress)).toEqual(alternate);
    });
    it("CHANGE-REQUEST answers from the other IP and/or port", () => {
      const both = ask(server, req([attr(ChangeRequest, { changeIp: true, changePort: true })]))!;
      expect(both.from).toEqual(alternate);
      expect(getAttribute(both.msg, ResponseOrigin)).toEqual(alternate);
      const port = ask(server, req([attr(ChangeRequest, { changeIp: false, changePort: true })]))!;
      expect(port.from).toEqual({ address: primary.address, port: alternate.port });
    });
    it("rejects an alternate that does not differ in both IP and port", () => {
      expect(
        () =>
          new StunServer({ rfc5780: { primary, alternate: { ...alternate, port: primary.port } } }),
      ).toThrow(TypeError);
    });
  });

  describe("short-term auth (RFC 8489 §9.1.3)", () => {
    const server = make({
      crypto: nodeCrypto,
      software: "purertc test",
      auth: { mechanism: "short-term", lookup: (u) => (u === "alice" ? "secret" : undefined) },
    });
    const key = StunIntegrityKey.shortTerm("secret", nodeCrypto);
    it("answers a signed request with a signed response", () => {
      const t = ask(server, req([attr(Username, "alice")], { integrity: key, fingerprint: true }))!;
      expect(t.msg.class).toBe("success");
      expect(verifyMessageIntegrity(t.msg, key)).toBe(true);
      expect(getAttribute(t.msg, Software)).toBe("purertc test");
    });
    it("400 without credentials, 401 on a bad key or unknown user, minimal and unsigned", () => {
      const none = ask(server, req())!;
      expect(getAttribute(none.msg, ErrorCode)?.code).toBe(400);
      expect(getAttribute(none.msg, Software)).toBeUndefined();
      const bad = ask(
        server,
        req([attr(Username, "alice")], {
          integrity: StunIntegrityKey.shortTerm("nope", nodeCrypto),
        }),
      )!;
      expect(getAttribute(bad.msg, ErrorCode)?.code).toBe(401);
      const who = ask(server, req([attr(Username, "bob")], { integrity: key }))!;
      expect(getAttribute(who.msg, ErrorCode)?.code).toBe(401);
      expect(server.stats().unauthenticated).toBe(3);
    });
  });

  describe("long-term auth (RFC 8489 §9.2.4)", () => {
    const server = make({
      crypto: nodeCrypto,
      auth: {
        mechanism: "long-term",
        realm: "example.org",
        lookup: (u) => (u === "alice" ? "pw" : undefined),
        nonceLifetimeMs: 1000,
      },
    });
    const key = StunIntegrityKey.longTerm(
      { username: "alice", realm: "example.org", password: "pw" },
      nodeCrypto,
    );
    it("challenges with 401 + REALM + NONCE, then accepts the signed retry; a stale nonce gets 438", () => {
      const challenge = ask(server, req())!;
      expect(getAttribute(challenge.msg, ErrorCode)?.code).toBe(401);
      expect(getAttribute(challenge.msg, Realm)).toBe("example.org");
      const nonce = getAttribute(challenge.msg, Nonce)!;
      const signed = (n: string) =>
        req([attr(Username, "alice"), attr(Realm, "example.org"), attr(Nonce, n)], {
          integrity: key,
        });
      const ok = ask(server, signed(nonce), 10)!;
      expect(ok.msg.class).toBe("success");
      expect(verifyMessageIntegrity(ok.msg, key)).toBe(true);
      const stale = ask(server, signed(nonce), 5000)!;
      expect(getAttribute(stale.msg, ErrorCode)?.code).toBe(438);
      const forged = ask(
        server,
        signed(`${nonce.slice(0, -1)}${nonce.endsWith("0") ? "1" : "0"}`),
        10,
      )!;
      expect(getAttribute(forged.msg, ErrorCode)?.code).toBe(438);
      const otherIp = ask(server, signed(nonce), 10, { address: "203.0.113.99", port: 1 })!;
      expect(getAttribute(otherIp.msg, ErrorCode)?.code).toBe(438);
    });
  });

  it("the binding client accepts the server's answer (end to end, no network)", () => {
    const server = make();
    const client = new StunBindingClient({ rng: seededRng(1) });
    client.query(0, LOCAL);
    const t = client.pollTransmit()!;
    const answer = ask(server, t.data)!;
    expect(client.handleDatagram(5, { from: LOCAL, data: answer.data })).toBe(true);
    expect(client.pollEvent()).toMatchObject({ type: "success", mappedAddress: CLIENT, rttMs: 5 });
  });
});
