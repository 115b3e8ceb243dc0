/**
 * coturn's `turnserver` (Debian `coturn`) for interop tests: started on 127.0.0.1 with a random
 * port, long-term credentials, loopback peers allowed, no config file (`-n`) and its files in a
 * temporary directory; ready once it answers a STUN Binding request (RFC 8489 §6) on UDP;
 * stopped by PID. Tests skip (loudly) when the program is missing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian installs coturn's server. */
export const TURNSERVER_PATH = "/usr/bin/turnserver";

/** Whether `turnserver` is installed; warns loudly with `what` (the tests skipped) when not. */
export function coturnAvailable(what: string): boolean {
  if (existsSync(TURNSERVER_PATH)) return true;
  console.warn(`\n!!! coturn is not installed: SKIPPING ${what} (apt-get install coturn) !!!\n`);
  return false;
}

/** Options of {@link startCoturn}. */
export interface CoturnOptions {
  /** Long-term credentials, user → password. */
  readonly users: Readonly<Record<string, string>>;
  readonly realm?: string;
  /** More `turnserver` arguments. */
  readonly args?: readonly string[];
  /**
   * Also listen for TURN over TLS (RFC 8656 §3.1) on `port + 1` with this certificate and key
   * (PEM files, e.g. from {@link selfSignedCert}); otherwise TLS is off.
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** A running `turnserver`. */
export interface Coturn {
  /** Its UDP and TCP listening port on 127.0.0.1. */
  readonly port: number;
  /** Its TLS listening port, when started with `tls`. */
  readonly tlsPort: number | undefined;
  readonly pid: number;
  /** Stops it by PID (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts `turnserver` on 127.0.0.1 (even random port for UDP and TCP, TLS on the next one when
 * asked, relays on the 200 ports above it).
 */
export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), "purertc-coturn-"));
  const port = 20000 + Math.floor(Math.random() * 20000) * 2;
  const args = [
    "-n",
    "--no-cli",
    ...(options.tls
      ? [
          "--tls-listening-port",
          String(port + 1),
          "--cert",
          options.tls.certFile,
          "--pkey",
          options.tls.keyFile,
        ]
      : ["--no-tls"]),
    "--no-dtls",
    "-L",
    "127.0.0.1",
    "-E",
    "127.0.0.1",
    "-p",
    String(port),
    "--min-port",
    String(port + 2),
    "--max-port",
    String(port + 200),
    "--lt-cred-mech",
    ...Object.entries(options.users).flatMap(([u, p]) => ["--user", `${u}:${p}`]),
    "--realm",
    options.realm ?? "coturn.test",
    "--allow-loopback-peers",
    "-b",
    join(dir, "turndb"),
    "--pidfile",
    join(dir, "turnserver.pid"),
    "--log-file",
    join(dir, "turn.log"),
    "--no-stdout-log",
    "--simple-log",
    ...(options.args ?? []),
  ];
  const child = spawn(TURNSERVER_PATH, args, { stdio: "ignore" });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (await answersBinding(port)) {
      const tlsPort = options.tls ? port + 1 : undefined;
      return { port, tlsPort, pid: child.pid!, stop };
    }
  }
  await stop();
  throw new Error(`turnserver did not start (exit code ${child.exitCode})`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid, "SIGTERM");
  const kill = setTimeout(
    () => child.pid !== undefined && process.kill(child.pid, "SIGKILL"),
    5000,
  );
  await exited;
  clearTimeout(kill);
}

/** Sends one STUN Binding request and waits up to 100 ms for any answer. */
function answersBinding(port: number): Promise<boolean> {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  randomBytes(12).copy(request, 8);
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close(() => resolve(ok));
    };
    const timer = setTimeout(() => done(false), 100);
    socket.once("message", () => done(true));
    socket.once("error", () => done(false));
    socket.send(request, port, "127.0.0.1");
  });
}
