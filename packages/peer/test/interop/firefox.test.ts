/**
 * Data-channel interop with headless Firefox ESR. Firefox and the Node side (firefox-scenario.ts,
 * a child process) both run in a network namespace whose only interface is `lo` (the mDNS case
 * adds a veth pair inside it); each step is one command to that child, which checks the data
 * itself and reports back (scenario-tests.ts lists the cases).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirefoxInterop, firefoxUnavailable, LINK_ADDRESS } from "./firefox-harness.js";
import { passed, scenarioTests } from "./scenario-tests.js";

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

  for (const side of ["answerer", "offerer"] as const)
    it(`purertc as ${side}: resolves Firefox's mDNS .local host candidates (default obfuscation on, RFC 8828)`, async () => {
      // Firefox's mDNS responder ignores loopback, so this case adds a veth link inside the
      // namespace and moves the default route there (see FirefoxInterop.addLink).
      if (side === "answerer") interop.addLink();
      interop.launchFirefox(`mdns-${side}`, { obfuscateHostAddresses: true });
      const info = passed(
        await interop.run("connect", {
          side,
          page: `mdns-${side}`,
          mdns: true,
          address: LINK_ADDRESS,
          bulkBytes: 0,
        }),
        interop,
      );
      console.log(`[peer] Firefox mDNS: selected ${info.pair}`);
      expect(String(info.pair)).toMatch(/↔ host [0-9a-f-]{36}\.local:\d+$/);
      passed(await interop.run("echo"), interop);
      passed(await interop.run("close"), interop);
    }, 45_000);
});
