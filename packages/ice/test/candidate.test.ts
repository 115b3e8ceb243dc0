import { describe, expect, it } from "vitest";
import {
  candidateFoundation,
  candidatePriority,
  localPreference,
  pairPriority,
  parseIceCandidate,
  serializeIceCandidate,
} from "../src/index.js";

describe("RFC 8445 §5.1.2 candidate priority", () => {
  it("host with local preference 65535, component 1 = 2130706431 (the value browsers send)", () => {
    expect(candidatePriority("host", 65535, 1)).toBe(2130706431);
  });
  it("type preferences order host > prflx > srflx > relay", () => {
    const p = (t: "host" | "prflx" | "srflx" | "relay") => candidatePriority(t, 100);
    expect(p("host")).toBeGreaterThan(p("prflx"));
    expect(p("prflx")).toBeGreaterThan(p("srflx"));
    expect(p("srflx")).toBeGreaterThan(p("relay"));
  });
  it("component 2 is one less than component 1", () => {
    expect(candidatePriority("host", 1, 1) - candidatePriority("host", 1, 2)).toBe(1);
  });
  it("rejects local preferences outside 16 bits", () => {
    expect(() => candidatePriority("host", 65536)).toThrow(RangeError);
  });
  it("RFC 8421: IPv6 before IPv4 on one interface, interfaces by rank, relay UDP > TCP > TLS", () => {
    expect(localPreference(6, 0)).toBeGreaterThan(localPreference(4, 0));
    expect(localPreference(4, 0)).toBeGreaterThan(localPreference(6, 1));
    expect(localPreference(4, 0, "udp")).toBeGreaterThan(localPreference(4, 0, "tcp"));
    expect(localPreference(4, 0, "tcp")).toBeGreaterThan(localPreference(4, 0, "tls"));
  });
});

describe("RFC 8445 §5.1.1.3 foundations", () => {
  it("same type, base and server share a foundation; anything else differs", () => {
    const f = candidateFoundation("srflx", "10.0.0.1", "198.51.100.1");
    expect(candidateFoundation("srflx", "10.0.0.1", "198.51.100.1")).toBe(f);
    expect(candidateFoundation("srflx", "10.0.0.2", "198.51.100.1")).not.toBe(f);
    expect(candidateFoundation("srflx", "10.0.0.1", "198.51.100.2")).not.toBe(f);
    expect(candidateFoundation("host", "10.0.0.1")).not.toBe(f);
    expect(f).toMatch(/^[0-9]+$/);
  });
});

describe("RFC 8445 §6.1.2.3 pair priority", () => {
  it("2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)", () => {
    expect(pairPriority(10, 20)).toBe((10n << 32n) + 40n);
    expect(pairPriority(20, 10)).toBe((10n << 32n) + 41n);
  });
  it("needs more than 53 bits for real priorities", () => {
    const p = pairPriority(2130706431, 2130706175);
    expect(p).toBe((2130706175n << 32n) + 2n * 2130706431n + 1n);
  });
});

describe("RFC 8839 §5.1 candidate text", () => {
  it("parses a Chrome host candidate with generation/ufrag/network extensions", () => {
    const c = parseIceCandidate(
      "candidate:842163049 1 udp 1677729535 203.0.113.7 51000 typ srflx raddr 10.0.0.5 rport 51000 generation 0 ufrag EsAw network-cost 999",
    );
    expect(c).toMatchObject({
      foundation: "842163049",
      component: 1,
      priority: 1677729535,
      address: "203.0.113.7",
      port: 51000,
      type: "srflx",
      relatedAddress: "10.0.0.5",
      relatedPort: 51000,
      usernameFragment: "EsAw",
    });
  });
  it("accepts mDNS names and normalises IPv6 text", () => {
    expect(
      parseIceCandidate(
        "candidate:1 1 UDP 2122260223 6B1C0E4A-AAAA-4BBB-8CCC-0123456789AB.local 5000 typ host",
      )?.address,
    ).toBe("6b1c0e4a-aaaa-4bbb-8ccc-0123456789ab.local");
    expect(parseIceCandidate("candidate:1 1 udp 1 2001:DB8:0:0::1 5000 typ host")?.address).toBe(
      "2001:db8::1",
    );
  });
  it("rejects TCP candidates, unknown types, hostnames and port 0", () => {
    expect(
      parseIceCandidate("candidate:1 1 tcp 1 10.0.0.1 9 typ host tcptype active"),
    ).toBeUndefined();
    expect(parseIceCandidate("candidate:1 1 udp 1 10.0.0.1 9 typ weird")).toBeUndefined();
    expect(parseIceCandidate("candidate:1 1 udp 1 example.com 9 typ host")).toBeUndefined();
    expect(parseIceCandidate("candidate:1 1 udp 1 10.0.0.1 0 typ host")).toBeUndefined();
    expect(parseIceCandidate("")).toBeUndefined();
  });
  it("serialize → parse round trip keeps every field", () => {
    const c = {
      foundation: "7",
      component: 1,
      transport: "udp" as const,
      priority: 16777215,
      address: "198.51.100.2",
      port: 49152,
      type: "relay" as const,
      relatedAddress: "203.0.113.1",
      relatedPort: 40000,
      usernameFragment: "abcd",
    };
    const text = serializeIceCandidate(c);
    expect(text.startsWith("candidate:7 1 udp 16777215 198.51.100.2 49152 typ relay raddr")).toBe(
      true,
    );
    expect(parseIceCandidate(text)).toEqual(c);
  });
});
