import { DecodeError, seededRng } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attr,
  decodeStunMessage,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  hasAttribute,
  hasFingerprint,
  IceControlling,
  isStunMessage,
  LongTermCredentials,
  Priority,
  type StunAttributeCodec,
  StunBindingClient,
  type StunClass,
  StunIntegrityKey,
  StunServer,
  StunTcpFramer,
  stunAttributeCodec,
  UseCandidate,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyStunMessage,
  viewStunMessage,
  XorMappedAddress,
} from "../src/index.js";

const classes: StunClass[] = ["request", "indication", "success", "error"];
const rawAttr = fc.record({
  type: fc
    .integer({ min: 0, max: 0xffff })
    .filter((t) => t !== 0x0008 && t !== 0x001c && t !== 0x8028),
  value: fc.uint8Array({ maxLength: 40 }),
});
const message = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  class: fc.constantFrom(...classes),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(rawAttr, { maxLength: 8 }),
});

/** Attributes of the types ICE and the server read, with values of any length (valid or not). */
const knownAttr = fc.record({
  type: fc.constantFrom(0x0006, 0x0009, 0x0020, 0x0024, 0x0025, 0x8029, 0x802a),
  value: fc.oneof(
    fc.uint8Array({ maxLength: 12 }),
    fc.uint8Array({ minLength: 60, maxLength: 80 }),
  ),
});
const mixedMessage = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  class: fc.constantFrom(...classes),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(fc.oneof(rawAttr, knownAttr), { maxLength: 8 }),
});

function decodeAllTyped(bytes: Uint8Array): void {
  const msg = decodeStunMessage(bytes);
  for (const a of msg.attributes) stunAttributeCodec(a.type)?.read(a.value, msg);
}

/** What verifyStunMessage must agree with: decode, then the checks on the decoded message. */
function verifyViaDecode(
  bytes: Uint8Array,
  key: StunIntegrityKey,
  algorithm: "sha1" | "sha256" | "auto",
  requireFingerprint: boolean,
): boolean {
  try {
    const d = decodeStunMessage(bytes);
    return (
      verifyMessageIntegrity(d, key, algorithm) &&
      (hasFingerprint(d) ? verifyFingerprint(d) : !requireFingerprint)
    );
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return false;
  }
}

describe("STUN codec properties (fast-check)", () => {
  it("decode (and every typed attribute read) throws nothing but DecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeAllTyped(bytes);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("decode throws nothing but DecodeError on mutated valid messages (cookie and lengths kept plausible)", () => {
    fc.assert(
      fc.property(
        message,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (m, edits) => {
          const bytes = encodeStunMessage(m);
          for (const [at, v] of edits)
            if (bytes.length > 20) bytes[20 + (at % (bytes.length - 20))] = v;
          try {
            decodeAllTyped(bytes);
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("decode∘encode is the identity on messages and encode∘decode on their bytes", () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeStunMessage(m);
        expect(isStunMessage(bytes)).toBe(m.method < 0x100); // RFC 7983: first byte 0-3
        const d = decodeStunMessage(bytes);
        expect(d.method).toBe(m.method);
        expect(d.class).toBe(m.class);
        expect(d.transactionId).toEqual(m.transactionId);
        expect(d.attributes.map((a) => ({ type: a.type, value: a.value }))).toEqual(m.attributes);
        expect(encodeStunMessage(d)).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("viewStunMessage accepts exactly what decodeStunMessage accepts, and a view reads, verifies and re-encodes like the decoded message", () => {
    const key = StunIntegrityKey.shortTerm("pw", nodeCrypto);
    const outcome = (f: () => unknown): unknown => {
      try {
        return f();
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        return `DecodeError ${e.code}`;
      }
    };
    fc.assert(
      fc.property(
        mixedMessage,
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        (m, signed, edits) => {
          const bytes = encodeStunMessage(
            m,
            signed ? { integrity: key, fingerprint: true } : undefined,
          );
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          const d = outcome(() => decodeStunMessage(bytes));
          const v = outcome(() => viewStunMessage(bytes));
          if (typeof d === "string") {
            expect(v).toBe(d);
            return;
          }
          const decoded = d as ReturnType<typeof decodeStunMessage>;
          const view = v as ReturnType<typeof viewStunMessage>;
          expect(view.toJSON()).toEqual(decoded);
          expect(view.transactionId).toEqual(decoded.transactionId);
          const codecs: StunAttributeCodec<unknown>[] = [
            Username,
            Priority,
            UseCandidate,
            IceControlling,
            ErrorCode,
            XorMappedAddress,
          ];
          for (const codec of codecs) {
            expect(outcome(() => getAttribute(view, codec))).toEqual(
              outcome(() => getAttribute(decoded, codec)),
            );
          }
          for (const a of decoded.attributes) {
            expect(hasAttribute(view, a.type)).toBe(hasAttribute(decoded, a.type));
          }
          expect(verifyMessageIntegrity(view, key)).toBe(verifyMessageIntegrity(decoded, key));
          expect(verifyFingerprint(view)).toBe(verifyFingerprint(decoded));
          expect(hasFingerprint(view)).toBe(hasFingerprint(decoded));
          expect(encodeStunMessage(view)).toEqual(encodeStunMessage(decoded));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("typed attributes round-trip (addresses v4/v6, USERNAME UTF-8, ERROR-CODE, 64-bit tie-breakers)", () => {
    const v4 = fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 255 }),
      )
      .map((p) => p.join("."));
    const v6 = fc.ipV6().map((s) => new URL(`http://[${s}]/`).hostname.slice(1, -1));
    fc.assert(
      fc.property(
        fc.oneof(v4, v6),
        fc.integer({ min: 0, max: 65535 }),
        fc.string({ maxLength: 100 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: 300, max: 699 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        (address, port, name, tie, code, transactionId) => {
          const msg = {
            method: 1,
            class: "error" as const,
            transactionId,
            attributes: [
              attr(XorMappedAddress, { address, port }),
              attr(Username, name),
              attr(IceControlling, tie),
              attr(ErrorCode, { code, reason: name }),
            ],
          };
          const d = decodeStunMessage(encodeStunMessage(msg));
          expect(getAttribute(d, XorMappedAddress)).toEqual({ address, port });
          if (!/[\ud800-\udfff]/.test(name)) expect(getAttribute(d, Username)).toBe(name);
          expect(getAttribute(d, IceControlling)).toBe(tie);
          expect(getAttribute(d, ErrorCode)?.code).toBe(code);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("flipping any bit of a signed message makes integrity or fingerprint fail", () => {
    const key = StunIntegrityKey.shortTerm("pass", nodeCrypto);
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 7 }), (m, at, bit) => {
        const bytes = encodeStunMessage(m, { integrity: key, fingerprint: true });
        const i = at % bytes.length;
        bytes[i]! ^= 1 << bit;
        let ok: boolean;
        try {
          const d = decodeStunMessage(bytes);
          ok = verifyMessageIntegrity(d, key) && verifyFingerprint(d);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          ok = false;
        }
        expect(ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("verifyStunMessage on raw bytes agrees with decode + verifyMessageIntegrity + verifyFingerprint, and any bit flip fails it", () => {
    const key = StunIntegrityKey.shortTerm("pass", nodeCrypto);
    fc.assert(
      fc.property(
        message,
        fc.constantFrom("sha1", "sha256", "both") as fc.Arbitrary<"sha1" | "sha256" | "both">,
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (m, integrityAlgorithm, fingerprint, at, bit) => {
          const bytes = encodeStunMessage(m, { integrity: key, integrityAlgorithm, fingerprint });
          // "both": MESSAGE-INTEGRITY-SHA256 covers MESSAGE-INTEGRITY too.
          const algorithm = integrityAlgorithm === "both" ? "sha256" : integrityAlgorithm;
          const options = { algorithm, requireFingerprint: fingerprint } as const;
          expect(verifyStunMessage(bytes, key)).toBe(true);
          expect(verifyStunMessage(bytes, key, options)).toBe(true);
          expect(verifyStunMessage(bytes, key, { requireFingerprint: true })).toBe(fingerprint);
          bytes[at % bytes.length]! ^= 1 << bit;
          expect(verifyViaDecode(bytes, key, algorithm, fingerprint)).toBe(false);
          expect(verifyStunMessage(bytes, key, options)).toBe(false);
          expect(verifyStunMessage(bytes, key)).toBe(verifyViaDecode(bytes, key, "auto", false));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("the long-term client never throws on mutated 401 challenges (malformed REALM, NONCE, PASSWORD-ALGORITHMS, ERROR-CODE)", () => {
    const server = new StunServer({
      rateLimit: false,
      crypto: nodeCrypto,
      auth: { mechanism: "long-term", realm: "r", lookup: () => "p", userhash: () => "u" },
    });
    const peer = { address: "192.0.2.1", port: 3478 };
    const me = { address: "192.0.2.2", port: 5000 };
    let retried = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (edits) => {
          const client = new StunBindingClient({ rng: seededRng(1), fingerprint: false });
          const creds = new LongTermCredentials({
            username: "u",
            password: "p",
            crypto: nodeCrypto,
          });
          client.query(0, peer, { longTerm: creds });
          server.handleDatagram(0, { from: me, to: peer, data: client.pollTransmit()!.data });
          const res = server.pollTransmit()!.data.slice();
          for (const [at, v] of edits) res[20 + (at % (res.length - 20))] = v;
          client.handleDatagram(1, { from: peer, data: res });
          if (client.pollTransmit()) retried++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(retried).toBeGreaterThan(0);
  });

  it("the long-term server never throws on mutated signed requests (USERHASH, PASSWORD-ALGORITHM(S), NONCE, REALM)", () => {
    const server = new StunServer({
      rateLimit: false,
      crypto: nodeCrypto,
      auth: { mechanism: "long-term", realm: "r", lookup: () => "p", userhash: () => "u" },
      alternateServer: (from) => (from.port & 1 ? { server: from } : undefined),
    });
    const peer = { address: "192.0.2.1", port: 3478 };
    const me = { address: "192.0.2.2", port: 5000 };
    const client = new StunBindingClient({ rng: seededRng(2) });
    const creds = new LongTermCredentials({ username: "u", password: "p", crypto: nodeCrypto });
    client.query(0, peer, { longTerm: creds });
    server.handleDatagram(0, { from: me, to: peer, data: client.pollTransmit()!.data });
    client.handleDatagram(1, { from: peer, data: server.pollTransmit()!.data });
    const signed = client.pollTransmit()!.data;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (edits, port) => {
          const req = signed.slice();
          for (const [at, v] of edits) req[20 + (at % (req.length - 20))] = v;
          server.handleDatagram(2, { from: { ...me, port: port % 65536 }, to: peer, data: req });
          for (let t = server.pollTransmit(); t; t = server.pollTransmit())
            decodeStunMessage(t.data);
        },
      ),
      { numRuns: 1000 },
    );
    expect(server.stats().answered + server.stats().redirected).toBeGreaterThan(0);
  });

  it("verifyStunMessage returns false (never throws) on arbitrary and mutated bytes, and true only where decoding succeeds", () => {
    const key = StunIntegrityKey.shortTerm("pass", nodeCrypto);
    fc.assert(
      fc.property(
        message,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (m, edits) => {
          const bytes = encodeStunMessage(m, { integrity: key, fingerprint: true });
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          const ok = verifyStunMessage(bytes, key);
          if (ok) expect(() => decodeStunMessage(bytes)).not.toThrow();
          if (edits.length === 0) expect(ok).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        expect(verifyStunMessage(bytes, key)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("the TCP framer cuts any chunking of a message stream into the same messages (RFC 8489 §6.2.2)", () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (msgs, cuts) => {
          const encoded = msgs.map((m) => encodeStunMessage(m));
          const stream = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
          let o = 0;
          for (const e of encoded) {
            stream.set(e, o);
            o += e.length;
          }
          const framer = new StunTcpFramer();
          const out: Uint8Array[] = [];
          let pos = 0;
          for (let i = 0; pos < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            framer.push(stream.subarray(pos, pos + n));
            pos += n;
            for (let f = framer.next(); f; f = framer.next()) out.push(f);
          }
          expect(out).toEqual(encoded);
          expect(framer.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
