/**
 * Interop with coturn (Debian `coturn`), a third-party STUN implementation: coturn's
 * `turnserver` answers our client, and coturn's `turnutils_stunclient` gets correct answers
 * from our server. Everything runs on 127.0.0.1 with random ports; coturn is started with `-n`
 * (no config file) and its database, pid and log in a temporary directory, and stopped by PID.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverNatBehavior, startStunServer, stunBindingRequest } from "../../src/node/index.js";

const TURNSERVER = "/usr/bin/turnserver";
const STUNCLIENT = "/usr/bin/turnutils_stunclient";
const available = existsSync(TURNSERVER) && existsSync(STUNCLIENT);
if (!available) {
  console.warn(
    "\n!!! coturn is not installed: SKIPPING the coturn interop tests (apt-get install coturn) !!!\n",
  );
}
const run = promisify(execFile);

function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 30000);
}

/** Starts turnserver in STUN-only mode and waits until it answers us. */
async function startCoturn(dir: string, port: number, altIp?: string): Promise<ChildProcess> {
  const args = [
    "-n",
    "--no-cli",
    "-S",
    "-z",
    "--no-tls",
    "--no-dtls",
    "-L",
    "127.0.0.1",
    ...(altIp ? ["-L", altIp] : []),
    "-p",
    String(port),
    "--alt-listening-port",
    String(port + 1),
    "-b",
    join(dir, "turndb"),
    "--pidfile",
    join(dir, "turnserver.pid"),
    "--log-file",
    join(dir, "turn.log"),
    "--no-stdout-log",
  ];
  const child = spawn(TURNSERVER, args, { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    try {
      await stunBindingRequest(
        { address: "127.0.0.1", port },
        { transaction: { initialRtoMs: 50, requestCount: 2, finalWaitFactor: 1 } },
      );
      return child;
    } catch {
      if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}`);
    }
  }
  child.kill("SIGKILL");
  throw new Error("turnserver did not start");
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid, "SIGTERM");
  await exited;
}

describe.skipIf(!available)("coturn interop (127.0.0.1, random ports)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "purertc-coturn-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("coturn's turnserver answers our Binding client with our mapped address", async () => {
    const port = randomPort();
    const coturn = await startCoturn(dir, port);
    try {
      const r = await stunBindingRequest(
        { address: "127.0.0.1", port },
        { localAddress: "127.0.0.1", localPort: 0 },
      );
      expect(r.mappedAddress).toEqual(r.localAddress);
      expect(r.mappedAddress.address).toBe("127.0.0.1");
    } finally {
      await stop(coturn);
    }
  });

  it("our RFC 5780 discovery runs against coturn with two listening IPs (no NAT on loopback)", async () => {
    const port = randomPort();
    const coturn = await startCoturn(dir, port, "127.0.0.2");
    try {
      const report = await discoverNatBehavior(
        { address: "127.0.0.1", port },
        {
          localAddress: "127.0.0.1",
          transaction: { initialRtoMs: 100, requestCount: 3, finalWaitFactor: 2 },
        },
      );
      expect(report.natDetected).toBe(false);
      expect(report.otherAddress?.address).toBe("127.0.0.2");
      expect(report.mapping).toBe("endpoint-independent");
      expect(report.filtering).toBe("endpoint-independent");
    } finally {
      await stop(coturn);
    }
  });

  it("coturn's turnutils_stunclient gets the right reflexive address from our server", async () => {
    const server = await startStunServer({ address: "127.0.0.1", port: 0, tcp: false });
    try {
      const { stdout } = await run(
        STUNCLIENT,
        ["-p", String(server.udpAddresses[0]!.port), "127.0.0.1"],
        { timeout: 20_000 },
      );
      const m = /UDP reflexive addr: 127\.0\.0\.1:(\d+)/.exec(stdout);
      expect(m, stdout).not.toBeNull();
      expect(server.stats().udp.answered).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });

  it("turnutils_stunclient -f (RFC 5780 CHANGE-REQUEST) is answered by our RFC 5780 server", async () => {
    const server = await startStunServer({
      address: "127.0.0.1",
      port: 0,
      tcp: false,
      alternate: { address: "127.0.0.2", port: 0 },
    });
    try {
      const { stdout } = await run(
        STUNCLIENT,
        ["-f", "-p", String(server.udpAddresses[0]!.port), "127.0.0.1"],
        { timeout: 30_000 },
      );
      expect(stdout).toMatch(/UDP reflexive addr: 127\.0\.0\.1:\d+/);
      expect(stdout).toMatch(/Other addr: :? ?127\.0\.0\.2:\d+/);
      // RFC 5780 response 2 answers the CHANGE-REQUEST from the alternate IP.
      expect(stdout.split("RFC 5780 response 2")[1]).toMatch(
        /Response origin: :? ?127\.0\.0\.2:\d+/,
      );
    } finally {
      await server.close();
    }
  });
});
