import { describe, expect, it } from "vitest";
import {
  DnsType,
  decodeDnsMessage,
  encodeDnsMessage,
  MDNS_IPV4,
  MdnsResolver,
} from "../../src/index.js";
import {
  addressRecord,
  DNS_FLAG_AUTHORITATIVE,
  DNS_FLAG_RESPONSE,
} from "../../src/mdns/dns-message.js";

const NAME = "0f3c1e3b-5c9a-4f3b-9d53-7d0e7a9c2b11.local";
const peer = { address: "192.168.1.20", port: 5353 };

function drain(r: MdnsResolver) {
  const out = [];
  for (let t = r.pollTransmit(); t; t = r.pollTransmit()) out.push(t);
  return out;
}

describe("RFC 6762 mDNS resolver core", () => {
  it("queries 224.0.0.251:5353 for A and AAAA, retries after 1 s then 2 s (§5.2)", () => {
    const r = new MdnsResolver({ queryTimeoutMs: 5000 });
    r.resolve(0, NAME);
    const [q] = drain(r);
    expect(q!.to).toEqual(MDNS_IPV4);
    const m = decodeDnsMessage(q!.data);
    expect(m.id).toBe(0);
    expect(m.questions.map((x) => x.type)).toEqual([DnsType.A, DnsType.AAAA]);
    expect(r.pollTimeout()).toBe(1000);
    r.handleTimeout(1000);
    expect(drain(r)).toHaveLength(1);
    expect(r.pollTimeout()).toBe(3000);
  });

  it("a published name is answered, and the answer resolves the querier", () => {
    const responder = new MdnsResolver();
    responder.publish(NAME, "192.168.1.20");
    const querier = new MdnsResolver();
    querier.resolve(0, NAME);
    const [query] = drain(querier);
    responder.handleDatagram(5, {
      from: { address: "192.168.1.10", port: 5353 },
      data: query!.data,
    });
    const [answer] = drain(responder);
    expect(answer!.to).toEqual(MDNS_IPV4);
    querier.handleDatagram(6, { from: peer, data: answer!.data });
    expect(querier.pollEvent()).toEqual({
      type: "resolved",
      name: NAME,
      addresses: ["192.168.1.20"],
    });
    expect(querier.lookup(NAME)).toBe("192.168.1.20");
    expect(querier.pollTimeout()).toBeUndefined();
  });

  it("an unsolicited AAAA `::` announcement after the A one (as Chromium sends) does not replace the cached IPv4 address: cache-flush replaces records of its own type only (RFC 6762 §10.2), unspecified addresses are ignored", () => {
    const r = new MdnsResolver();
    const announce = (address: string) =>
      encodeDnsMessage({
        id: 0,
        flags: DNS_FLAG_RESPONSE | DNS_FLAG_AUTHORITATIVE,
        questions: [],
        answers: [addressRecord(NAME, address)],
        authorities: [],
        additionals: [],
      });
    r.handleDatagram(0, { from: peer, data: announce("192.168.1.20") });
    r.handleDatagram(1000, { from: peer, data: announce("::") });
    expect(r.lookup(NAME, 1000)).toBe("192.168.1.20");
    r.handleDatagram(2000, { from: peer, data: announce("fd00::20") });
    expect(r.lookup(NAME, 2000)).toBe("192.168.1.20");
    r.handleDatagram(3000, { from: peer, data: announce("192.168.1.21") });
    expect(r.lookup(NAME, 3000)).toBe("192.168.1.21");
  });

  it("an unanswered name is reported unresolved at the timeout", () => {
    const r = new MdnsResolver({ queryTimeoutMs: 4000 });
    r.resolve(0, NAME);
    for (let t = r.pollTimeout(); t !== undefined; t = r.pollTimeout()) r.handleTimeout(t);
    expect(r.pollEvent()).toEqual({ type: "unresolved", name: NAME });
    expect(r.stats().queriesSent).toBe(3); // at 0, 1 s and 3 s
  });

  it("does not answer for names it does not own or for the wrong family", () => {
    const r = new MdnsResolver();
    r.publish(NAME, "192.168.1.20");
    const q = (name: string, type: number) =>
      encodeDnsMessage({
        id: 0,
        flags: 0,
        questions: [{ name, type, class: 1, unicastResponse: false }],
        answers: [],
        authorities: [],
        additionals: [],
      });
    r.handleDatagram(0, { from: peer, data: q("other.local", DnsType.A) });
    r.handleDatagram(0, { from: peer, data: q(NAME, DnsType.AAAA) });
    expect(drain(r)).toHaveLength(0);
    r.handleDatagram(0, { from: peer, data: q(NAME.toUpperCase(), DnsType.A) });
    expect(drain(r)).toHaveLength(1);
  });

  it("malformed datagrams are counted, not thrown", () => {
    const r = new MdnsResolver();
    r.handleDatagram(0, { from: peer, data: new Uint8Array([1, 2, 3]) });
    expect(r.stats().malformed).toBe(1);
  });
});
