import { DecodeError } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { parseCandidate, serializeCandidate, tryParseCandidate } from "../src/index.js";

describe("RFC 8839 §5.1 candidate line", () => {
  it("srflx with raddr/rport, generation, ufrag, network-id, network-cost (libwebrtc)", () => {
    const s =
      "candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 10.0.0.2 rport 61665 generation 0 ufrag EsAw network-id 1 network-cost 10";
    const c = parseCandidate(s);
    expect(c).toMatchObject({
      foundation: "842163049",
      component: 1,
      transport: "udp",
      priority: 1677729535,
      address: "203.0.113.7",
      port: 61665,
      type: "srflx",
      relatedAddress: "10.0.0.2",
      relatedPort: 61665,
      generation: 0,
      ufrag: "EsAw",
      networkId: 1,
      networkCost: 10,
      extensions: [],
    });
    expect(serializeCandidate(c)).toBe(s);
  });

  it("RFC 6544 TCP passive with tcptype, and an mDNS .local host address", () => {
    const s =
      "candidate:2 1 TCP 2105524479 b0802a0a-4e43-41d3-88d5-96897c5a2e54.local 9 typ host tcptype active";
    const c = parseCandidate(`a=${s}`);
    expect(c.transport).toBe("TCP");
    expect(c.tcpType).toBe("active");
    expect(c.address.endsWith(".local")).toBe(true);
    expect(serializeCandidate(c)).toBe(s);
  });

  it("relay candidate with a priority of 2^32-1 and IPv6 addresses", () => {
    const c = parseCandidate(
      "4 2 udp 4294967295 2001:db8::1 3478 typ relay raddr 2001:db8::2 rport 5000",
    );
    expect(c.priority).toBe(4294967295);
    expect(c.component).toBe(2);
    expect(c.relatedAddress).toBe("2001:db8::2");
  });

  it("unknown extensions are kept in order and written back", () => {
    const s = "candidate:1 1 udp 100 192.0.2.1 1 typ host x-foo bar generation 1 x-baz 7";
    const c = parseCandidate(s);
    expect(c.extensions).toEqual([
      { name: "x-foo", value: "bar" },
      { name: "x-baz", value: "7" },
    ]);
    expect(serializeCandidate(c)).toBe(
      "candidate:1 1 udp 100 192.0.2.1 1 typ host generation 1 x-foo bar x-baz 7",
    );
  });

  it.each([
    ["too short", "candidate:1 1 udp 1 192.0.2.1 1"],
    ["no typ keyword", "candidate:1 1 udp 1 192.0.2.1 1 type host"],
    ["port out of range", "candidate:1 1 udp 1 192.0.2.1 70000 typ host"],
    ["priority over 32 bits", "candidate:1 1 udp 4294967296 192.0.2.1 1 typ host"],
    ["dangling extension name", "candidate:1 1 udp 1 192.0.2.1 1 typ host generation"],
    ["double space", "candidate:1 1  udp 1 192.0.2.1 1 typ host"],
    ["non-numeric rport", "candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 0.0.0.0 rport x"],
  ])("rejects %s with a DecodeError", (_, s) => {
    expect(tryParseCandidate(s)).toBeUndefined();
    expect(() => parseCandidate(s)).toThrow(DecodeError);
  });
});
