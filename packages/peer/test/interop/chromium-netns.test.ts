/**
 * Data-channel interop with headless Chromium in a network namespace of its own (root only),
 * driven like Firefox (firefox-harness.ts): the Node half (firefox-scenario.ts) and Chromium run
 * inside it, on a veth link (LINK_ADDRESS) since Chromium gathers no loopback-only interface.
 * One Chromium with the WebRTC test flags runs every case of scenario-tests.ts; a second one
 * with its defaults (mDNS obfuscation on) the `.local` case.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { chromiumNetnsUnavailable, FirefoxInterop, LINK_ADDRESS } from "./firefox-harness.js";
import { mdnsTests, scenarioTests } from "./scenario-tests.js";

const unavailable = chromiumNetnsUnavailable();
if (unavailable) console.warn(`[peer] SKIPPING Chromium interop in a namespace: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("interop with headless Chromium (netns)", () => {
  const interop = new FirefoxInterop();

  beforeAll(async () => {
    await interop.start();
    interop.addLink();
    interop.launchChromium("main", { mdns: false });
  }, 30_000);

  afterAll(() => interop.close(), 20_000);

  // Bulk runs in chromium.test.ts (host loopback, playwright).
  scenarioTests(interop, {
    browser: "Chromium",
    page: "main",
    address: LINK_ADDRESS,
    bulkBytes: 0,
  });

  // Chromium's mDNS responder answers on non-loopback multicast interfaces only: the veth link.
  mdnsTests(interop, {
    browser: "Chromium",
    address: LINK_ADDRESS,
    launch: (page) => interop.launchChromium(page, { mdns: true }),
  });
});
