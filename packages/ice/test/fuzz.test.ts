import { seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import {
  attr,
  encodeStunMessage,
  IceControlled,
  IceControlling,
  Priority,
  type StunAttribute,
  StunIntegrityKey,
  UseCandidate,
  Username,
  XorMappedAddress,
} from "@purertc/stun";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDnsMessage, IceAgent, parseIceCandidate } from "../src/index.js";

const FROM = { address: "10.0.0.9", port: 7000 };
const TO = { address: "10.0.0.1", port: 5000 };

function connectedPairOfAgents() {
  const a = new IceAgent({ role: "controlling", rng: seededRng(1), crypto: nobleCrypto });
  a.addHostCandidate(0, TO);
  a.setRemoteCredentials(0, { ufrag: "remoteUfrag", pwd: "remotePasswordremotePassword" });
  a.addRemoteCandidate(0, {
    foundation: "1",
    component: 1,
    transport: "udp",
    priority: 2130706431,
    address: FROM.address,
    port: FROM.port,
    type: "host",
  });
  a.gather(0);
  return a;
}

/** STUN messages that get far into the agent: right ufrag, maybe right key, random attributes. */
const stunish = fc
  .record({
    cls: fc.constantFrom("request", "success", "error", "indication"),
    username: fc.oneof(fc.constant("undefined"), fc.string({ maxLength: 40 })),
    goodUser: fc.boolean(),
    priority: fc.option(fc.nat()),
    controlling: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    controlled: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    use: fc.boolean(),
    signed: fc.constantFrom("local", "remote", "none"),
    fingerprint: fc.boolean(),
    tid: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  })
  .map((r) => r);

describe("fast-check: remote input never throws or corrupts the agent", () => {
  it("arbitrary bytes as datagrams", () => {
    const a = connectedPairOfAgents();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(100_000), (data, dt) => {
        a.handleDatagram(dt, { from: FROM, to: TO, data });
        while (a.pollTransmit() || a.pollEvent());
        a.handleTimeout(dt);
      }),
      { numRuns: 2000 },
    );
    expect(a.state).not.toBe("closed");
  });

  it("well-formed STUN with random ICE attributes, credentials and classes", () => {
    const a = connectedPairOfAgents();
    const local = StunIntegrityKey.shortTerm(a.localCredentials.pwd, nobleCrypto);
    const remote = StunIntegrityKey.shortTerm("remotePasswordremotePassword", nobleCrypto);
    let now = 0;
    fc.assert(
      fc.property(stunish, (r) => {
        const attributes: StunAttribute[] = [];
        const user = r.goodUser ? `${a.localCredentials.ufrag}:remoteUfrag` : r.username;
        attributes.push(attr(Username, user));
        if (r.priority !== null) attributes.push(attr(Priority, r.priority >>> 0));
        if (r.controlling !== null) attributes.push(attr(IceControlling, r.controlling));
        if (r.controlled !== null) attributes.push(attr(IceControlled, r.controlled));
        if (r.use) attributes.push(attr(UseCandidate));
        if (r.cls === "success") attributes.push(attr(XorMappedAddress, TO));
        const data = encodeStunMessage(
          { method: 1, class: r.cls as "request", transactionId: r.tid, attributes },
          {
            ...(r.signed === "none" ? {} : { integrity: r.signed === "local" ? local : remote }),
            fingerprint: r.fingerprint,
          },
        );
        now += 7;
        a.handleDatagram(now, { from: FROM, to: TO, data });
        for (let t = a.pollTransmit(); t; t = a.pollTransmit())
          expect(t.data.length).toBeGreaterThan(0);
        while (a.pollEvent());
        const deadline = a.pollTimeout();
        if (deadline !== undefined) expect(deadline).toBeGreaterThanOrEqual(0);
        a.handleTimeout(now);
        const st = a.stats();
        expect(st.pairs.length).toBeLessThanOrEqual(100);
        expect(["controlling", "controlled"]).toContain(a.role);
      }),
      { numRuns: 1500 },
    );
  });

  it("arbitrary candidate strings parse or are rejected, and adding them never throws", () => {
    const a = connectedPairOfAgents();
    const token = fc.stringMatching(/^[a-zA-Z0-9.:+/-]{0,12}$/);
    const line = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc
        .tuple(
          token,
          token,
          fc.constantFrom("udp", "UDP", "tcp", "x"),
          token,
          token,
          token,
          fc.constantFrom("host", "srflx", "prflx", "relay", "q"),
          fc.array(token, { maxLength: 6 }),
        )
        .map(([f, c, t, p, ad, po, ty, ext]) =>
          `candidate:${f} ${c} ${t} ${p} ${ad} ${po} typ ${ty} ${ext.join(" ")}`.trim(),
        ),
    );
    fc.assert(
      fc.property(line, (text) => {
        const c = parseIceCandidate(text);
        if (c) {
          expect(c.port).toBeGreaterThan(0);
          a.addRemoteCandidate(1, c);
        }
        while (a.pollTransmit() || a.pollEvent());
      }),
      { numRuns: 3000 },
    );
  });

  it("the DNS decoder throws only DecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          decodeDnsMessage(b);
        } catch (e) {
          expect((e as Error).name).toBe("DecodeError");
        }
      }),
      { numRuns: 5000 },
    );
  });
});
