/**
 * End to end in headless Chromium: the same checks as `pnpm demo --self-test`, against a demo
 * started in this process on a free loopback port. Screenshots go to test-results/ (git-ignored).
 */
import { join } from "node:path";
import { silentLogger } from "@purertc/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckResult, findChromium, runChecks } from "../src/node/checks.js";
import { type DemoServer, startDemoServer } from "../src/node/server.js";

const chromium = findChromium();
if (!chromium)
  console.warn(
    "\n*** apps/demo e2e SKIPPED: /usr/bin/chromium is missing (Debian: apt-get install chromium) ***\n",
  );

describe.skipIf(!chromium)("demo end to end (headless Chromium)", () => {
  let server: DemoServer;
  let results: CheckResult[] = [];
  const result = (prefix: string): CheckResult => {
    const r = results.find((x) => x.name.startsWith(prefix));
    if (!r) throw new Error(`check "${prefix}" did not run`);
    return r;
  };

  beforeAll(async () => {
    server = await startDemoServer({ port: 0, host: "127.0.0.1", logger: silentLogger });
    results = await runChecks({
      url: server.url,
      chromium: chromium as string,
      artifacts: join(import.meta.dirname, "..", "test-results"),
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ["page loads and connects to the bot"],
    ["chat round trip with the bot"],
    ["10 MB file browser → bot, checksum verified"],
    ["10 MB file bot → browser, checksum verified"],
    ["live charts have data points from the browser and from the bot"],
    ["camera echo: the browser decodes its own video sent back by the bot"],
    ["test clip: the browser decodes the bot's VP8 and Opus"],
    ["recording: 3 s of the camera to WebM, probed by ffprobe"],
    ["two tabs and the bot form a full mesh"],
    ["room video: a tab's camera is decoded by the other tab"],
    ["forced P2P failure: chat relayed through the signaling server"],
    ["no uncaught errors"],
  ])("%s", (prefix) => {
    const r = result(prefix);
    expect(r.ok, r.detail).toBe(true);
  });
});
