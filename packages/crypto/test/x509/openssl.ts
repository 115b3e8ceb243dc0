import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether the `openssl` CLI is available; warns loudly when it is not (the interop tests then skip). */
export const HAVE_OPENSSL = (() => {
  const ok = spawnSync("openssl", ["version"]).status === 0;
  if (!ok)
    console.warn(
      "\n!!! openssl not found: OpenSSL interop tests are SKIPPED (apt-get install openssl) !!!\n",
    );
  return ok;
})();

/** A scratch directory for OpenSSL input/output files; `cleanup()` removes it. */
export function scratch(): {
  path(name: string): string;
  write(name: string, data: string | Uint8Array): string;
  read(name: string): Uint8Array;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "purertc-crypto-"));
  return {
    path: (name) => join(dir, name),
    write(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    read: (name) => new Uint8Array(readFileSync(join(dir, name))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl and returns stdout; throws with stderr when it fails. */
export function openssl(args: readonly string[], input?: Uint8Array | string): string {
  return execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] }).toString("utf8");
}
