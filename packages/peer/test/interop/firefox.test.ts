/**
 * Data-channel interop with headless Firefox ESR. Firefox and the Node side (firefox-scenario.ts,
 * a child process) both run in a network namespace whose only interface is `lo` (the mDNS case
 * adds a veth pair inside it); each step is one command to that child, which checks the data
 * itself and reports back (scenario-tests.ts lists the cases).
 */
import { afterAll, beforeAll, describe } from "vitest";
import { FirefoxInterop, firefoxUnavailable, LINK_ADDRESS } from "./firefox-harness.js";
import { mdnsTests, scenarioTests } from "./scenario-tests.js";

const unavailable = firefoxUnavailable();
if (unavailable) console.warn(`[peer] SKIPPING Firefox ESR interop: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("interop with headless Firefox ESR", () => {
  const interop = new FirefoxInterop();

  beforeAll(async () => {
    await interop.start();
    interop.launchFirefox("main", { obfuscateHostAddresses: false });
  }, 30_000);

  afterAll(() => interop.close(), 20_000);

  // Sized so one bulk run stays well under 20 s at today's throughput.
  scenarioTests(interop, {
    browser: "Firefox",
    page: "main",
    address: "127.0.0.1",
    bulkBytes: 16 * 1024 * 1024,
  });

  // Firefox's mDNS responder ignores loopback: the first case adds a veth link inside the
  // namespace and moves the default route there (see FirefoxInterop.addLink).
  mdnsTests(interop, {
    browser: "Firefox",
    address: LINK_ADDRESS,
    before: (side) => side === "answerer" && interop.addLink(),
    launch: (page) => interop.launchFirefox(page, { obfuscateHostAddresses: true }),
  });
});
