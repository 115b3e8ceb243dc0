import { DecodeError, fromHex, type SocketAddress } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  attr,
  ChangeRequest,
  decodeStunMessage,
  defineAddressAttribute,
  defineStunAttribute,
  encodedLengthStunMessage,
  encodeStunMessage,
  encodeStunMessageInto,
  GoogNetworkInfo,
  getAttribute,
  getAttributes,
  isKnownStunAttribute,
  isStunMessage,
  MessageIntegrity,
  PasswordAlgorithms,
  Priority,
  stunAttributeName,
  UnknownAttributes,
  UseCandidate,
  Username,
  XorMappedAddress,
} from "../src/index.js";

const TID = fromHex("b7e7a701bc34d686fa87dfae");

describe("STUN message codec (RFC 8489 §5, §14)", () => {
  it("an attribute registry lets another package define TURN attributes without editing this one", () => {
    const XorPeerAddress = defineAddressAttribute(0x0012, "XOR-PEER-ADDRESS", true);
    const Lifetime = defineStunAttribute<number>({
      type: 0x000d,
      name: "LIFETIME",
      valueLength: () => 4,
      write: (v, buf, off) => new DataView(buf.buffer, buf.byteOffset).setUint32(off, v),
      read: (v) => new DataView(v.buffer, v.byteOffset, v.length).getUint32(0),
    });
    expect(stunAttributeName(0x0012)).toBe("XOR-PEER-ADDRESS");
    expect(isKnownStunAttribute(0x000d)).toBe(true);
    const peers: SocketAddress[] = [
      { address: "192.0.2.15", port: 9000 },
      { address: "2001:db8::15", port: 9001 },
    ];
    const bytes = encodeStunMessage({
      method: 0x008,
      class: "request",
      transactionId: TID,
      attributes: [...peers.map((p) => attr(XorPeerAddress, p)), attr(Lifetime, 600)],
    });
    const d = decodeStunMessage(bytes);
    expect(getAttributes(d, XorPeerAddress)).toEqual(peers);
    expect(getAttribute(d, Lifetime)).toBe(600);
    expect(() => defineStunAttribute({ ...Lifetime, name: "OTHER" })).toThrow(TypeError);
  });

  it("unknown attributes are kept as raw bytes and re-encoded unchanged", () => {
    const raw = { type: 0xc0de, value: fromHex("0102030405") };
    const bytes = encodeStunMessage({
      method: 1,
      class: "request",
      transactionId: TID,
      attributes: [raw],
    });
    expect(bytes.length).toBe(20 + 4 + 8);
    const d = decodeStunMessage(bytes);
    expect(d.attributes).toEqual([raw]);
    expect(stunAttributeName(0xc0de)).toBe("0xc0de");
  });

  it("attributes after MESSAGE-INTEGRITY are ignored by the getters (RFC 8489 §14.5)", () => {
    const bytes = encodeStunMessage({
      method: 1,
      class: "request",
      transactionId: TID,
      attributes: [attr(MessageIntegrity, new Uint8Array(20)), attr(Priority, 5)],
    });
    expect(getAttribute(decodeStunMessage(bytes), Priority)).toBeUndefined();
  });

  it("encodes into a caller buffer at an offset, with the right length", () => {
    const msg = {
      method: 1,
      class: "request" as const,
      transactionId: TID,
      attributes: [attr(UseCandidate), attr(Username, "ü:x")],
    };
    const n = encodedLengthStunMessage(msg);
    const buf = new Uint8Array(n + 10);
    expect(encodeStunMessageInto(msg, buf, 10)).toBe(n);
    const d = decodeStunMessage(buf.subarray(10));
    expect(getAttribute(d, Username)).toBe("ü:x");
    expect(getAttribute(d, UseCandidate)).toBe(true);
    expect(() => encodeStunMessageInto(msg, buf, 11)).toThrow(RangeError);
  });

  it("RFC 5780 and RFC 8489 §14.11/§14.13 attributes, GOOG-NETWORK-INFO round-trip", () => {
    const algs = [
      { algorithm: 2, parameters: new Uint8Array(0) },
      { algorithm: 1, parameters: fromHex("aabbcc") },
    ];
    const d = decodeStunMessage(
      encodeStunMessage({
        method: 1,
        class: "error",
        transactionId: TID,
        attributes: [
          attr(ChangeRequest, { changeIp: true, changePort: false }),
          attr(UnknownAttributes, [0x7001, 0x0002, 0x0003]),
          attr(PasswordAlgorithms, algs),
          attr(GoogNetworkInfo, { networkId: 3, networkCost: 999 }),
        ],
      }),
    );
    expect(getAttribute(d, ChangeRequest)).toEqual({ changeIp: true, changePort: false });
    expect(getAttribute(d, UnknownAttributes)).toEqual([0x7001, 2, 3]);
    expect(getAttribute(d, PasswordAlgorithms)).toEqual(algs);
    expect(getAttribute(d, GoogNetworkInfo)).toEqual({ networkId: 3, networkCost: 999 });
  });

  it("decode errors say where: truncated, cookie, length mismatch, attribute overrun, bad family", () => {
    const ok = encodeStunMessage({
      method: 1,
      class: "request",
      transactionId: TID,
      attributes: [attr(Username, "abcd")],
    });
    const code = (b: Uint8Array) => {
      try {
        decodeStunMessage(b);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return (e as DecodeError).code;
      }
      return "ok";
    };
    expect(code(ok.subarray(0, 10))).toBe("truncated");
    expect(code(Uint8Array.from(ok, (v, i) => (i === 4 ? 0 : v)))).toBe("bad-magic-cookie");
    expect(code(ok.subarray(0, ok.length - 4))).toBe("length-mismatch");
    expect(code(Uint8Array.from(ok, (v, i) => (i === 23 ? 9 : v)))).toBe("truncated-attribute");
    const badFamily = encodeStunMessage({
      method: 1,
      class: "success",
      transactionId: TID,
      attributes: [{ type: 0x0020, value: fromHex("0003000001020304") }],
    });
    expect(() => getAttribute(decodeStunMessage(badFamily), XorMappedAddress)).toThrow(DecodeError);
  });

  it("isStunMessage (RFC 7983 demux) accepts STUN and rejects DTLS, RTP and short or mis-sized data", () => {
    const stun = encodeStunMessage({
      method: 1,
      class: "request",
      transactionId: TID,
      attributes: [],
    });
    expect(isStunMessage(stun)).toBe(true);
    expect(isStunMessage(stun.subarray(0, 19))).toBe(false);
    const dtls = Uint8Array.from(stun, (v, i) => (i === 0 ? 22 : v));
    const rtp = Uint8Array.from(stun, (v, i) => (i === 0 ? 0x80 : v));
    expect(isStunMessage(dtls)).toBe(false);
    expect(isStunMessage(rtp)).toBe(false);
    const longer = new Uint8Array(24);
    longer.set(stun);
    expect(isStunMessage(longer)).toBe(false);
  });

  it("API misuse throws RangeError/TypeError: bad transaction id, port, address, oversize text", () => {
    const base = { method: 1, class: "request" as const, attributes: [] };
    expect(() => encodeStunMessage({ ...base, transactionId: new Uint8Array(11) })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeStunMessage({
        ...base,
        transactionId: TID,
        attributes: [attr(XorMappedAddress, { address: "x", port: 1 })],
      }),
    ).toThrow(TypeError);
    expect(() =>
      encodeStunMessage({
        ...base,
        transactionId: TID,
        attributes: [attr(XorMappedAddress, { address: "1.2.3.4", port: 70000 })],
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeStunMessage({
        ...base,
        transactionId: TID,
        attributes: [attr(Username, "x".repeat(514))],
      }),
    ).toThrow(RangeError);
  });
});
