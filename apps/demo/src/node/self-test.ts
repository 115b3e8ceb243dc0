/** `pnpm demo --self-test`: the end-to-end checks against a fresh demo, as a short report. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@purertc/common";
import { findChromium, runChecks } from "./checks.js";
import { startDemoServer } from "./server.js";

export async function runSelfTest(options: { readonly logger: Logger }): Promise<number> {
  const chromium = findChromium();
  if (!chromium) {
    process.stdout.write(
      "self-test: Chromium not found (/usr/bin/chromium); install it (Debian: apt-get install chromium) or set CHROMIUM=/path/to/chrome\n",
    );
    return 1;
  }
  const server = await startDemoServer({ port: 0, host: "127.0.0.1", logger: options.logger });
  const artifacts = mkdtempSync(join(tmpdir(), "purertc-demo-self-test-"));
  process.stdout.write(`self-test: demo at ${server.url}, browser ${chromium}\n`);
  const started = performance.now();
  try {
    const results = await runChecks({
      url: server.url,
      chromium,
      artifacts,
      onResult: (r) =>
        process.stdout.write(
          `  ${r.ok ? "PASS" : "FAIL"}  ${r.name} (${(r.ms / 1000).toFixed(1)} s): ${r.detail}\n`,
        ),
    });
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(
      `self-test: ${results.length - failed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}\n`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    await server.close();
  }
}
