import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Compiles helper.c against libsrtp2 into a temporary directory. Returns the binary path, or the
 * reason it could not be built (gcc, pkg-config or libsrtp2-dev missing) so callers skip loudly.
 */
export function buildLibsrtpHelper(): { path: string; cleanup: () => void } | { missing: string } {
  const flags = spawnSync("pkg-config", ["--cflags", "--libs", "libsrtp2"], { encoding: "utf8" });
  if (flags.error !== undefined || flags.status !== 0) {
    return { missing: "pkg-config or libsrtp2-dev (apt-get install libsrtp2-dev pkg-config)" };
  }
  const dir = mkdtempSync(join(tmpdir(), "purertc-libsrtp-"));
  const path = join(dir, "helper");
  const source = join(dirname(fileURLToPath(import.meta.url)), "helper.c");
  const cc = spawnSync(
    "gcc",
    ["-O2", "-o", path, source, ...flags.stdout.trim().split(/\s+/).filter(Boolean)],
    { encoding: "utf8" },
  );
  if (cc.error !== undefined || cc.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return {
      missing: `gcc could not build the libsrtp2 helper: ${cc.error?.message ?? cc.stderr}`,
    };
  }
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the helper in a packet mode over hex lines; returns one output line per input line. */
export function runHelper(
  path: string,
  profile: string,
  keyHex: string,
  mode: string,
  lines: readonly string[],
  mkiHex = "-",
): string[] {
  const r = spawnSync(path, [profile, keyHex, mode, mkiHex], {
    input: `${lines.join("\n")}\n`,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`libsrtp helper ${mode} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split("\n");
}
