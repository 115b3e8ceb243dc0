import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { SignalClient, SignalClientEventMap } from "../../src/runtime/signal-client.js";

export const PACKAGE_DIR = join(import.meta.dirname, "..", "..");
const TSX = join(PACKAGE_DIR, "..", "..", "node_modules", ".bin", "tsx");
export const CLI = join(PACKAGE_DIR, "src", "node", "server", "cli.ts");

/** Polls `cond` every 5 ms (loopback tests only). */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves with the next `type` event of `c`. */
export function next<K extends keyof SignalClientEventMap>(
  c: SignalClient,
  type: K,
): Promise<SignalClientEventMap[K]> {
  return new Promise((resolve) => {
    const off = c.on(type, (ev) => {
      off();
      resolve(ev);
    });
  });
}

/** A free TCP port on 127.0.0.1 (for programs that cannot take port 0). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A redis-server on 127.0.0.1, without persistence; `stop()` ends it by PID. */
export async function startRedis(): Promise<
  { url: string; stop: () => Promise<void> } | undefined
> {
  if (!existsSync("/usr/bin/redis-server")) {
    console.warn(
      "[signal] /usr/bin/redis-server is missing: SKIPPING the multi-node tests (apt-get install redis-server)",
    );
    return undefined;
  }
  const port = await freePort();
  const proc = spawn(
    "/usr/bin/redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  proc.stdout?.on("data", (d) => {
    out += String(d);
  });
  await until(() => out.includes("Ready to accept connections") || proc.exitCode !== null, 10_000);
  if (proc.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(proc) };
}

/** Sends SIGTERM to `proc` (by PID) and waits for its exit code. */
export function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    process.kill(proc.pid!, signal);
  });
}

/** Runs the CLI from source (tsx) with `args`; resolves once it logged its URL. */
export async function startCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; url: string; logs: string[] }> {
  const proc = spawn(TSX, ["--conditions=@purertc/source", CLI, ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let url: string | undefined;
  let buf = "";
  proc.stderr?.on("data", (d) => {
    buf += String(d);
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      logs.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; url?: string };
        if (rec.msg === "listening") url = rec.url;
      } catch {
        // Not a log record (a stack trace): kept in `logs`.
      }
    }
  });
  await until(() => url !== undefined || proc.exitCode !== null, 20_000);
  if (url === undefined) throw new Error(`CLI did not start: ${logs.join("\n")}`);
  return { proc, url, logs };
}
