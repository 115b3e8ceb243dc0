import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/index.js";
import { debugLogSink } from "../../src/node/index.js";

describe("debugLogSink (Node)", () => {
  it("enables scopes from a DEBUG-style pattern and writes one line per record", () => {
    const lines: string[] = [];
    const sink = debugLogSink({
      pattern: "purertc:stun*",
      write: (l) => lines.push(l),
      redactAddresses: true,
    });
    createLogger(sink, "purertc:stun:server").info("binding from 10.0.0.1:5000");
    createLogger(sink, "purertc:ice").info("hidden");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT.* purertc:stun:server info binding from <redacted>:5000$/,
    );
  });

  it("reads process.env.DEBUG when no pattern is given, and honours minLevel", () => {
    const saved = process.env.DEBUG;
    process.env.DEBUG = "purertc:dtls";
    try {
      const lines: string[] = [];
      const sink = debugLogSink({ write: (l) => lines.push(l), minLevel: "warn" });
      const log = createLogger(sink, "purertc:dtls");
      log.debug("no");
      log.warn("yes");
      expect(lines.map((l) => l.split(" ").slice(2).join(" "))).toEqual(["warn yes"]);
    } finally {
      if (saved === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = saved;
    }
  });
});
