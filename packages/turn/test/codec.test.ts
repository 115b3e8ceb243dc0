import { DecodeError, seededRng } from "@purertc/common";
import {
  attr,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  getAttributes,
  isKnownStunAttribute,
  StunMethod,
  stunAttributeName,
} from "@purertc/stun";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AdditionalAddressFamily,
  AddressErrorCode,
  ChannelNumber,
  Data,
  DontFragment,
  decodeChannelData,
  EvenPort,
  encodeChannelData,
  Icmp,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  ReservationToken,
  TurnAttributeType,
  TurnStreamFramer,
  XorPeerAddress,
  XorRelayedAddress,
} from "../src/index.js";

describe("TURN attributes (RFC 8656 §18)", () => {
  it("every TURN attribute is registered in the stun codec by name", () => {
    for (const [k, type] of Object.entries(TurnAttributeType)) {
      expect(isKnownStunAttribute(type), k).toBe(true);
    }
    expect(stunAttributeName(0x0012)).toBe("XOR-PEER-ADDRESS");
    expect(stunAttributeName(0x8000)).toBe("ADDITIONAL-ADDRESS-FAMILY");
  });

  it("round-trips through a STUN message", () => {
    const transactionId = seededRng(1).fill(new Uint8Array(12));
    const msg = encodeStunMessage({
      method: StunMethod.Allocate,
      class: "request",
      transactionId,
      attributes: [
        attr(ChannelNumber, 0x4001),
        attr(Lifetime, 600),
        attr(XorPeerAddress, { address: "192.0.2.1", port: 5000 }),
        attr(XorPeerAddress, { address: "2001:db8::5", port: 6000 }),
        attr(Data, new Uint8Array([1, 2, 3])),
        attr(XorRelayedAddress, { address: "203.0.113.1", port: 49152 }),
        attr(RequestedAddressFamily, 6),
        attr(EvenPort, { reserveNext: true }),
        attr(RequestedTransport, 17),
        attr(DontFragment),
        attr(ReservationToken, new Uint8Array(8).fill(7)),
        attr(AdditionalAddressFamily, 6),
        attr(AddressErrorCode, { family: 6, code: 440, reason: "Address Family not Supported" }),
        attr(Icmp, { type: 3, code: 4, errorData: 1400 }),
      ],
    });
    const d = decodeStunMessage(msg);
    expect(getAttribute(d, ChannelNumber)).toBe(0x4001);
    expect(getAttribute(d, Lifetime)).toBe(600);
    expect(getAttributes(d, XorPeerAddress)).toEqual([
      { address: "192.0.2.1", port: 5000 },
      { address: "2001:db8::5", port: 6000 },
    ]);
    expect([...getAttribute(d, Data)!]).toEqual([1, 2, 3]);
    expect(getAttribute(d, XorRelayedAddress)).toEqual({ address: "203.0.113.1", port: 49152 });
    expect(getAttribute(d, RequestedAddressFamily)).toBe(6);
    expect(getAttribute(d, EvenPort)).toEqual({ reserveNext: true });
    expect(getAttribute(d, RequestedTransport)).toBe(17);
    expect(getAttribute(d, DontFragment)).toBe(true);
    expect(getAttribute(d, ReservationToken)?.length).toBe(8);
    expect(getAttribute(d, AdditionalAddressFamily)).toBe(6);
    expect(getAttribute(d, AddressErrorCode)).toEqual({
      family: 6,
      code: 440,
      reason: "Address Family not Supported",
    });
    expect(getAttribute(d, Icmp)).toEqual({ type: 3, code: 4, errorData: 1400 });
  });

  it("malformed values throw only DecodeError", () => {
    for (const codec of [
      ChannelNumber,
      Lifetime,
      RequestedAddressFamily,
      EvenPort,
      RequestedTransport,
      DontFragment,
      ReservationToken,
      AddressErrorCode,
      Icmp,
      XorPeerAddress,
    ]) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 40 }), (v) => {
          try {
            codec.read(v, { transactionId: new Uint8Array(12) });
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe("ChannelData (RFC 8656 §12.4)", () => {
  it("encodes the 4-byte header, pads to 4 for streams, and decodes ignoring UDP padding", () => {
    const msg = encodeChannelData({ channel: 0x4000, data: new Uint8Array([9, 8, 7]) });
    expect([...msg]).toEqual([0x40, 0x00, 0x00, 0x03, 9, 8, 7]);
    const padded = encodeChannelData({ channel: 0x4000, data: new Uint8Array([9, 8, 7]) }, true);
    expect([...padded]).toEqual([0x40, 0x00, 0x00, 0x03, 9, 8, 7, 0]);
    expect([...decodeChannelData(padded).data]).toEqual([9, 8, 7]);
  });

  it("rejects channel numbers outside 0x4000-0x7FFF and truncated data", () => {
    expect(() => decodeChannelData(new Uint8Array([0x80, 0, 0, 0]))).toThrow(DecodeError);
    expect(() => decodeChannelData(new Uint8Array([0x40, 0, 0, 9, 1]))).toThrow(DecodeError);
    expect(() => encodeChannelData({ channel: 0x3fff, data: new Uint8Array(0) })).toThrow(
      RangeError,
    );
  });

  it("decode throws only DecodeError on any input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          decodeChannelData(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});

describe("TurnStreamFramer (RFC 8656 §12.5 over TCP/TLS)", () => {
  it("cuts STUN and padded ChannelData frames from arbitrary chunking", () => {
    const stun = encodeStunMessage({
      method: StunMethod.Binding,
      class: "request",
      transactionId: new Uint8Array(12),
      attributes: [],
    });
    const cd = encodeChannelData({ channel: 0x4001, data: new Uint8Array([1, 2, 3, 4, 5]) }, true);
    const stream = new Uint8Array([...stun, ...cd, ...stun]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (cuts) => {
          const f = new TurnStreamFramer(8);
          const frames: number[] = [];
          let o = 0;
          let i = 0;
          while (o < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            f.push(stream.subarray(o, o + n));
            o += n;
            for (let fr = f.next(); fr; fr = f.next()) frames.push(fr.length);
          }
          expect(frames).toEqual([20, 12, 20]);
        },
      ),
    );
  });

  it("flags a stream that is neither STUN nor ChannelData", () => {
    const f = new TurnStreamFramer();
    // A TLS ClientHello on a plain TCP port: no magic cookie.
    f.push(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x0c]));
    expect(f.next()).toBeUndefined();
    expect(f.error).toMatch(/magic cookie/);
    const g = new TurnStreamFramer();
    g.push(new Uint8Array([0xc0, 0, 0, 0]));
    expect(g.next()).toBeUndefined();
    expect(g.error).toMatch(/neither/);
  });
});
