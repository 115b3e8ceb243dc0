import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatIPv6,
  formatSocketAddress,
  ipFamily,
  ipScope,
  normalizeIp,
  parseIPv4,
  parseIPv6,
  parseIp,
  parseSocketAddress,
} from "../src/index.js";

describe("IP addresses", () => {
  it("parses and rejects IPv4 dotted quads", () => {
    expect(Array.from(parseIPv4("192.168.1.20")!)).toEqual([192, 168, 1, 20]);
    for (const bad of ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", ""]) {
      expect(parseIPv4(bad), bad).toBeUndefined();
    }
  });

  it("formats IPv6 canonically (RFC 5952 §4)", () => {
    const cases: [string, string][] = [
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["::", "::"],
      ["::1", "::1"],
      ["fe80::1%eth0", "fe80::1"],
      ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
      ["[2001:db8::5]", "2001:db8::5"],
    ];
    for (const [input, want] of cases) expect(normalizeIp(input), input).toBe(want);
  });

  it("rejects malformed IPv6", () => {
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::1"]) {
      expect(parseIPv6(bad), bad).toBeUndefined();
    }
  });

  it("IPv6 text → bytes → text is stable for any 16 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const text = formatIPv6(b);
        expect(Array.from(parseIPv6(text)!)).toEqual(Array.from(b));
      }),
    );
  });

  it("classifies special-purpose ranges (RFC 6890)", () => {
    expect(ipScope("127.0.0.1")).toBe("loopback");
    expect(ipScope("10.1.2.3")).toBe("private");
    expect(ipScope("172.31.0.1")).toBe("private");
    expect(ipScope("172.32.0.1")).toBe("public");
    expect(ipScope("169.254.9.9")).toBe("link-local");
    expect(ipScope("224.0.0.251")).toBe("multicast");
    expect(ipScope("0.0.0.0")).toBe("unspecified");
    expect(ipScope("::1")).toBe("loopback");
    expect(ipScope("fe80::1")).toBe("link-local");
    expect(ipScope("fd00::1")).toBe("unique-local");
    expect(ipScope("::ffff:127.0.0.1")).toBe("loopback");
    expect(ipScope("2001:db8::1")).toBe("public");
    expect(ipScope("host.local")).toBeUndefined();
    expect(ipFamily("::1")).toBe(6);
    expect(parseIp("1.2.3.4")?.length).toBe(4);
  });

  it("parses and formats host:port", () => {
    expect(parseSocketAddress("[::1]:3478")).toEqual({ address: "::1", port: 3478 });
    expect(parseSocketAddress("1.2.3.4:80")).toEqual({ address: "1.2.3.4", port: 80 });
    expect(formatSocketAddress({ address: "::1", port: 9 })).toBe("[::1]:9");
    expect(() => parseSocketAddress("1.2.3.4")).toThrow(TypeError);
    expect(() => parseSocketAddress("1.2.3.4:70000")).toThrow(TypeError);
  });
});
