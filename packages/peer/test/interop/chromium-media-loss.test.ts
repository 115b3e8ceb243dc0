/**
 * Media over a lossy path with headless Chromium in a network namespace (root only): the same
 * `lossy` step as the Firefox media tests (firefox-media-scenario.ts), 5 % of UDP dropped at
 * random in the namespace while Chromium sends its fake camera to us.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumNetnsUnavailable, FirefoxInterop } from "./firefox-harness.js";
import { passed } from "./scenario-tests.js";

const unavailable = chromiumNetnsUnavailable();
if (unavailable) console.warn(`[peer] SKIPPING Chromium media at 5 % loss: ${unavailable}`);

describe.skipIf(unavailable !== undefined)(
  "media at 5 % loss with headless Chromium (netns)",
  () => {
    const interop = new FirefoxInterop();

    beforeAll(async () => {
      await interop.start("firefox-media-scenario.ts");
      interop.addLink();
      interop.launchChromium("main", { mdns: false });
    }, 30_000);

    afterAll(() => interop.close(), 20_000);

    it("5 % loss on the path (iptables random drop of UDP): Chromium's video keeps arriving, NACKs and retransmissions show in both sides' stats", async () => {
      const info = passed(await interop.run("lossy"), interop);
      const ours = info.ours as Record<string, number>;
      const theirs = info.theirs as Record<string, number>;
      // 8 s of Chromium's 20 fps fake camera (about 160 frames), nearly all delivered.
      expect(info.frames as number).toBeGreaterThan(100);
      expect(ours.nackCount).toBeGreaterThan(0);
      expect(ours.retransmittedPacketsReceived).toBeGreaterThan(0);
      expect(theirs.nackCount).toBeGreaterThan(0);
      expect(theirs.retransmittedPacketsSent).toBeGreaterThan(0);
    }, 60_000);
  },
);
