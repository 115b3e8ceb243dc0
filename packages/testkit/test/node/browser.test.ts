/**
 * The shared browser launcher: a fresh profile per browser, playwright-core attached over the
 * DevTools protocol, and close() stops the whole process group by PID and removes the profile.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, spawnFirefox } from "../../src/node/browser.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const chromium = browserUnavailable("chromium");
if (chromium) console.warn(`[testkit] SKIPPING the Chromium launcher test: ${chromium}`);
const firefox = browserUnavailable("firefox");
if (firefox) console.warn(`[testkit] SKIPPING the Firefox launcher test: ${firefox}`);

describe("browser launcher", () => {
  it.skipIf(chromium !== undefined)(
    "launchChromium: each browser has a fresh --user-data-dir, a page evaluates script; close() ends it by PID and its profile is removed",
    async () => {
      const a = await launchChromium();
      const b = await launchChromium();
      const profile = (pid: number) =>
        /--user-data-dir=(\S+)/.exec(
          readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "),
        )?.[1];
      const dirs = [profile(a.pid), profile(b.pid)];
      expect(dirs[0]).toBeDefined();
      expect(dirs[0]).not.toBe(dirs[1]);
      const page = await a.browser.newPage();
      expect(
        await page.evaluate(
          () => typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection,
        ),
      ).toBe("function");
      await a.close();
      await b.close();
      for (const x of [a, b]) expect(alive(x.pid)).toBe(false);
      for (const d of dirs) expect(existsSync(d!)).toBe(false);
    },
    60_000,
  );

  it.skipIf(firefox !== undefined)(
    "spawnFirefox: the prefs land in the profile's user.js; close() ends it and removes the profile",
    async () => {
      const ff = spawnFirefox({ prefs: { "browser.startup.page": 0 } });
      expect(existsSync(`${ff.profile}/user.js`)).toBe(true);
      expect(alive(ff.pid)).toBe(true);
      await ff.close();
      expect(alive(ff.pid)).toBe(false);
      expect(existsSync(ff.profile)).toBe(false);
    },
    30_000,
  );
});
