import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  NodeTurnClient,
  type NodeTurnServer,
  runTurnCli,
  TURN_CLI_HELP,
} from "../../src/node/index.js";

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let server: NodeTurnServer | undefined;
  return {
    out,
    err,
    get server() {
      return server;
    },
    io: {
      env,
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      signals: false,
      onStarted: (s: NodeTurnServer) => {
        server = s;
      },
    },
  };
}

describe("purertc-turn CLI", () => {
  it("--help documents every option", async () => {
    const t = io();
    expect(await runTurnCli(["--help"], t.io)).toBe(0);
    for (const flag of [
      "--config",
      "--listen",
      "--realm",
      "--user",
      "--rest-secret",
      "--tls-cert",
      "--tls-key",
      "--relay-ip",
      "--relay-ports",
      "--external-ip",
      "--allow-peer",
      "--deny-peer",
      "--max-allocations-per-user",
      "--max-allocations",
      "--max-bandwidth",
      "--metrics",
      "--log-level",
    ]) {
      expect(TURN_CLI_HELP).toContain(flag);
    }
  });

  it.each([
    [["--bogus"], /bogus/],
    [["--user", "alice:x", "--listen", "sctp://1.2.3.4:5"], /listen/],
    [["--user", "alice:x", "--relay-ports", "9-3"], /relayPorts/],
    [["--user", "nocolon"], /name:password/],
    [[], /no credentials/],
    [["--user", "a:b", "--listen", "tls://127.0.0.1:0"], /tlsCertFile/],
    [["--user", "a:b", "--allow-peer", "10.0.0.0/99"], /prefix/],
    [["--user", "a:b", "--max-allocations", "-1"], /max-allocations/],
  ])("bad arguments %j exit 2 with a clear message", async (argv, message) => {
    const t = io();
    expect(await runTurnCli(argv as string[], t.io)).toBe(2);
    expect(t.err.join("")).toMatch(message);
  });

  it("a config file with an unknown key exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "purertc-turn-cli-"));
    const file = join(dir, "turn.json");
    writeFileSync(file, JSON.stringify({ realm: "x", userz: {} }));
    const t = io();
    expect(await runTurnCli(["--config", file], t.io)).toBe(2);
    expect(t.err.join("")).toMatch(/unknown setting "userz"/);
    rmSync(dir, { recursive: true });
  });

  it("runs from a config file with environment overrides, serves an allocation, shuts down", async () => {
    const dir = mkdtempSync(join(tmpdir(), "purertc-turn-cli-"));
    const file = join(dir, "turn.json");
    writeFileSync(
      file,
      JSON.stringify({
        realm: "file.realm",
        listen: ["udp://127.0.0.1:0"],
        users: { alice: "secret" },
        allowedPeers: ["127.0.0.0/8"],
      }),
    );
    const t = io({ PURERTC_TURN_REALM: "env.realm" });
    const done = runTurnCli(["--config", file, "--log-level", "warn"], t.io);
    while (!t.server) await new Promise((r) => setTimeout(r, 5));
    const port = t.server.addresses.udp[0]!.port;
    const c = await NodeTurnClient.allocate({
      server: { address: "127.0.0.1", port },
      username: "alice",
      password: "secret",
    });
    expect(c.core.realm).toBe("env.realm");
    await c.close();
    await t.server.close();
    expect(await done).toBe(0);
    rmSync(dir, { recursive: true });
  });
});
