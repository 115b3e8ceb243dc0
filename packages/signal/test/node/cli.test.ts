import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../../src/node/server/cli-args.js";
import { verifyToken } from "../../src/protocol/token.js";
import { hmac } from "../helpers/server-harness.js";
import { CLI, PACKAGE_DIR } from "./helpers.js";

const TSX = join(PACKAGE_DIR, "..", "..", "node_modules", ".bin", "tsx");
const run = (...args: string[]) =>
  spawnSync(TSX, ["--conditions=@purertc/source", CLI, ...args], {
    cwd: PACKAGE_DIR,
    encoding: "utf8",
    env: { ...process.env, PURERTC_SIGNAL_SECRET: "" },
  });

describe("purertc-signal CLI", () => {
  it("--help documents every flag with its environment variable", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    for (const flag of [
      "port",
      "secret",
      "open",
      "redis",
      "max-peers-per-room",
      "messages-per-second",
      "idle-timeout-ms",
      "resume-grace-ms",
    ])
      expect(r.stdout).toContain(`--${flag}`);
    expect(r.stdout).toContain("PURERTC_SIGNAL_MAX_ROOMS");
  });

  it.each([
    [["--bogus"], /unknown flag --bogus/],
    [["--port", "nope", "--open"], /--port: expected a non-negative integer/],
    [["--port"], /--port needs a value/],
    [[], /token secret .* or --open is required/],
    [
      ["--open", "--idle-timeout-ms", "10", "--ping-interval-ms", "20"],
      /idleTimeoutMs must exceed pingIntervalMs/,
    ],
  ])("bad arguments %j exit 2 with a message", (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("token subcommand prints a token the server accepts", () => {
    const r = run(
      "token",
      "--secret",
      "0123456789abcdef-secret",
      "--room",
      "r",
      "--sub",
      "alice",
      "--ttl",
      "60",
    );
    expect(r.status).toBe(0);
    const v = verifyToken(
      r.stdout.trim(),
      new TextEncoder().encode("0123456789abcdef-secret"),
      hmac,
      Date.now(),
    );
    expect(v).toMatchObject({ ok: true, claims: { sub: "alice", room: "r" } });
  });

  it("flags win over environment variables", () => {
    const c = parseCliArgs(["--max-rooms", "5"], {
      PURERTC_SIGNAL_MAX_ROOMS: "9",
      PURERTC_SIGNAL_OPEN: "1",
      PURERTC_SIGNAL_PORT: "7000",
    });
    expect(c).toMatchObject({ kind: "serve", options: { maxRooms: 5, open: true, port: 7000 } });
    expect(parseCliArgs([], { PURERTC_SIGNAL_OPEN: "maybe" })).toMatchObject({ kind: "error" });
  });
});
