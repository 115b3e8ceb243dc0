import { seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import {
  attr,
  encodeStunMessage,
  Nonce,
  Realm,
  StunIntegrityKey,
  StunMethod,
  Username,
} from "@purertc/stun";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestedTransport, TurnServer, XorPeerAddress } from "../src/index.js";

const LISTENER = { address: "203.0.113.1", port: 3478 };
const ATTACKER = { address: "198.51.100.66", port: 4444 };

function server() {
  return new TurnServer({
    crypto: nobleCrypto,
    rng: seededRng(3),
    users: { alice: "secret" },
    realm: "r",
  });
}
function drain(s: TurnServer) {
  const out = [];
  for (let t = s.pollTransmit(); t; t = s.pollTransmit()) out.push(t);
  while (s.pollEvent());
  return out;
}
const tid = (i: number) => seededRng(i).fill(new Uint8Array(12));
const allocate = (i: number, extra: ReturnType<typeof attr>[] = []) =>
  encodeStunMessage({
    method: StunMethod.Allocate,
    class: "request",
    transactionId: tid(i),
    attributes: [attr(RequestedTransport, 17), ...extra],
  });

describe("hostile input to the server core", () => {
  it("random bytes and random ChannelData never throw; each is counted as malformed or dropped", () => {
    const s = server();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const before = s.stats();
        s.handleClientMessage(0, { from: ATTACKER, to: LISTENER, transport: "udp", data });
        drain(s);
        const after = s.stats();
        const counted =
          after.malformed + after.droppedNoAllocation + after.requests + after.rateLimited;
        expect(counted).toBeGreaterThan(
          before.malformed + before.droppedNoAllocation + before.requests + before.rateLimited,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("malformed TURN attributes in an authenticated-looking request do not escape", () => {
    const s = server();
    // LIFETIME of 3 bytes, XOR-PEER-ADDRESS of a bad family.
    const bad = encodeStunMessage({
      method: StunMethod.Allocate,
      class: "request",
      transactionId: tid(1),
      attributes: [
        { type: 0x000d, value: new Uint8Array(3) },
        { type: 0x0012, value: new Uint8Array([0, 9, 0, 0]) },
      ],
    });
    expect(() =>
      s.handleClientMessage(0, { from: ATTACKER, to: LISTENER, transport: "udp", data: bad }),
    ).not.toThrow();
  });

  it("an unauthenticated flood gets at most the burst of small 401s per source (a poor amplifier)", () => {
    const s = server();
    let answered = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    for (let i = 0; i < 1000; i++) {
      const req = allocate(i);
      bytesIn += req.length;
      s.handleClientMessage(i, { from: ATTACKER, to: LISTENER, transport: "udp", data: req });
      for (const t of drain(s)) {
        answered++;
        bytesOut += t.data.length;
      }
    }
    // 1 s of flood: burst 40 + 20/s.
    expect(answered).toBeLessThanOrEqual(61);
    expect(s.stats().rateLimited).toBe(1000 - answered);
    expect(bytesOut).toBeLessThan(bytesIn);
    // Another source is still answered.
    s.handleClientMessage(1000, {
      from: { address: "192.0.2.1", port: 1 },
      to: LISTENER,
      transport: "udp",
      data: allocate(5000),
    });
    expect(drain(s)).toHaveLength(1);
  });

  it("the 401 challenge carries only ERROR-CODE, REALM and NONCE (no SOFTWARE)", () => {
    const s = server();
    s.handleClientMessage(0, { from: ATTACKER, to: LISTENER, transport: "udp", data: allocate(1) });
    const [t] = drain(s);
    const types: number[] = [];
    for (let o = 20; o < t!.data.length; ) {
      const type = (t!.data[o]! << 8) | t!.data[o + 1]!;
      const len = (t!.data[o + 2]! << 8) | t!.data[o + 3]!;
      types.push(type);
      o += 4 + ((len + 3) & ~3);
    }
    expect(types).toEqual([0x0009, 0x0014, 0x0015]);
  });

  it("wrong credentials with a valid nonce: 401, counted, and the server keeps serving", () => {
    const s = server();
    s.handleClientMessage(0, { from: ATTACKER, to: LISTENER, transport: "udp", data: allocate(1) });
    const challenge = drain(s)[0]!.data;
    const nonce = new TextDecoder().decode(challenge.subarray(challenge.length - 32));
    const key = StunIntegrityKey.longTerm(
      { username: "alice", realm: "r", password: "guess" },
      nobleCrypto,
    );
    const req = encodeStunMessage(
      {
        method: StunMethod.Allocate,
        class: "request",
        transactionId: tid(2),
        attributes: [
          attr(RequestedTransport, 17),
          attr(Username, "alice"),
          attr(Realm, "r"),
          attr(Nonce, nonce),
        ],
      },
      { integrity: key },
    );
    s.handleClientMessage(1, { from: ATTACKER, to: LISTENER, transport: "udp", data: req });
    const [t] = drain(s);
    expect(t!.data[0]).toBe(0x01);
    expect(t!.data[1]).toBe(0x13); // Allocate error response
    expect(s.stats().authFailures).toBe(1);
  });

  it("Send indications and ChannelData without an allocation are dropped and counted", () => {
    const s = server();
    const send = encodeStunMessage({
      method: StunMethod.Send,
      class: "indication",
      transactionId: tid(9),
      attributes: [attr(XorPeerAddress, { address: "192.0.2.9", port: 9 })],
    });
    s.handleClientMessage(0, { from: ATTACKER, to: LISTENER, transport: "udp", data: send });
    s.handleClientMessage(0, {
      from: ATTACKER,
      to: LISTENER,
      transport: "udp",
      data: new Uint8Array([0x40, 0x00, 0x00, 0x02, 1, 2]),
    });
    expect(drain(s)).toHaveLength(0);
    expect(s.stats().droppedNoAllocation).toBe(2);
  });
});
