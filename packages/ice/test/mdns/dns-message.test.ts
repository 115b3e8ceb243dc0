import { fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  addressRecord,
  DnsType,
  decodeDnsMessage,
  encodeDnsMessage,
  recordAddress,
} from "../../src/index.js";

describe("RFC 1035 / RFC 6762 DNS messages", () => {
  it("encodes an mDNS A query byte for byte (ID 0, one question, QM)", () => {
    const bytes = encodeDnsMessage({
      id: 0,
      flags: 0,
      questions: [{ name: "a.local", type: DnsType.A, class: 1, unicastResponse: false }],
      answers: [],
      authorities: [],
      additionals: [],
    });
    expect(toHex(bytes)).toBe("000000000001000000000000" + "0161056c6f63616c00" + "00010001");
  });

  it("decodes a response whose answer name is a compression pointer (RFC 1035 §4.1.4)", () => {
    // Header: response + AA, 1 question, 1 answer. Question "x.local" A IN; answer → pointer to 12.
    const hex =
      "000084000001000100000000" +
      "0178056c6f63616c00" +
      "00010001" +
      "c00c" +
      "00018001" +
      "00000078" +
      "0004" +
      "c0a80105";
    const m = decodeDnsMessage(fromHex(hex));
    expect(m.questions[0]).toMatchObject({ name: "x.local", type: 1, class: 1 });
    expect(m.answers[0]).toMatchObject({
      name: "x.local",
      type: 1,
      class: 1,
      cacheFlush: true,
      ttl: 120,
    });
    expect(recordAddress(m.answers[0]!)).toBe("192.168.1.5");
  });

  it("round-trips AAAA records with the cache-flush bit and the QU bit", () => {
    const msg = {
      id: 0,
      flags: 0x8400,
      questions: [{ name: "b.local", type: DnsType.AAAA, class: 1, unicastResponse: true }],
      answers: [addressRecord("b.local", "2001:db8::7")],
      authorities: [],
      additionals: [addressRecord("b.local", "10.1.2.3", 60)],
    };
    const back = decodeDnsMessage(encodeDnsMessage(msg));
    expect(back).toEqual(msg);
    expect(recordAddress(back.answers[0]!)).toBe("2001:db8::7");
  });

  it("rejects pointer loops, truncation and impossible counts with DecodeError", () => {
    const loop = fromHex("000084000000000100000000" + "c00c" + "00010001000000780004c0a80105");
    expect(() => decodeDnsMessage(loop)).toThrow(/bad-pointer|truncated/);
    expect(() => decodeDnsMessage(fromHex("0000"))).toThrow(/truncated/);
    expect(() => decodeDnsMessage(fromHex("00000000ffff000000000000"))).toThrow(/bad-count/);
  });
});
