import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/node/cli-main.js";
import { startStunServer } from "../../src/node/index.js";

function capture() {
  const lines: string[] = [];
  return { out: (s: string) => lines.push(s), lines };
}

describe("purertc-stun CLI", () => {
  it("--help documents every command and flag", async () => {
    const c = capture();
    expect(await main(["--help"], c.out)).toBe(0);
    const help = c.lines.join("\n");
    for (const word of [
      "query",
      "nat",
      "serve",
      "--port",
      "--alt-address",
      "--auth",
      "--address",
      "--realm",
      "--redirect",
      "--long-term",
      "--software",
      "--no-tcp",
      "--json",
      "DEBUG=purertc:stun",
    ]) {
      expect(help).toContain(word);
    }
  });

  it("bad arguments give a clear message and exit code 2", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const cases: [string[], RegExp][] = [
        [[], /missing command/],
        [["frobnicate"], /unknown command "frobnicate"/],
        [["query"], /missing <host:port>/],
        [["query", "nohost"], /expected host:port/],
        [["serve", "--port", "99999"], /--port: expected 0-65535/],
        [["serve", "--alt-address", "1.2.3.4"], /--alt-address: expected host:port/],
        [["serve", "--auth", "nopass"], /--auth: expected user:pass/],
        [["serve", "--bogus"], /Unknown option '--bogus'/],
        [["serve", "--redirect", "1.2.3.4:5"], /--redirect needs --auth/],
        [["serve", "--auth", "a:b", "--redirect", "x"], /--redirect: expected host:port/],
        [["query", "1.2.3.4:5", "--long-term"], /--long-term needs --auth/],
      ];
      for (const [args, message] of cases) {
        err.mockClear();
        expect(await main(args, () => {})).toBe(2);
        expect(err.mock.calls.map((c) => String(c[0])).join("")).toMatch(message);
      }
    } finally {
      err.mockRestore();
    }
  });

  it("query prints the mapped address and RTT (and JSON with --json)", async () => {
    const server = await startStunServer({ address: "127.0.0.1", port: 0, tcp: false });
    const target = `127.0.0.1:${server.udpAddresses[0]!.port}`;
    const c = capture();
    expect(await main(["query", target], c.out)).toBe(0);
    expect(c.lines[0]).toMatch(/^mapped 127\.0\.0\.1:\d+ rtt \d+\.\d ms/);
    expect(await main(["query", target, "--json"], c.out)).toBe(0);
    expect(JSON.parse(c.lines[1]!).mappedAddress.address).toBe("127.0.0.1");
    await server.close();
  });
});
