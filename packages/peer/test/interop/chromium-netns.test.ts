/**
 * Data-channel interop with headless Chromium in a network namespace of its own (root only),
 * driven like Firefox (firefox-harness.ts): the Node half (firefox-scenario.ts) and Chromium run
 * inside it, on a veth link (LINK_ADDRESS) since Chromium gathers no loopback-only interface.
 * One Chromium with the WebRTC test flags runs every case of scenario-tests.ts; a second one
 * with its defaults (mDNS obfuscation on) the `.local` case.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumNetnsUnavailable, FirefoxInterop, LINK_ADDRESS } from "./firefox-harness.js";
import { passed, scenarioTests } from "./scenario-tests.js";

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

  /**
   * Chromium's mDNS `.local` host candidates, with its default obfuscation on. Chromium's mDNS
   * responder answers on non-loopback multicast interfaces only, hence the veth link.
   */
  for (const side of ["answerer", "offerer"] as const)
    it(`purertc as ${side}: resolves Chromium's .local host candidate (RFC 8828), the signalled .local candidate becomes the selected pair's remote`, async () => {
      // A fresh Chromium each: one reuses a host's .local name across its peer connections.
      interop.launchChromium(`mdns-${side}`, { mdns: true });
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
      console.log(`[peer] Chromium mDNS: selected ${info.pair}`);
      // Chromium signalled only .local host candidates: the pair's host remote was resolved.
      const hosts = (info.remoteCandidates as string[]).filter((c) => / typ host/.test(c));
      expect(hosts.length).toBeGreaterThan(0);
      for (const c of hosts) expect(c).toMatch(/ [0-9a-f-]{36}\.local \d+ typ host/);
      expect(String(info.pair)).toMatch(/↔ host [0-9a-f-]{36}\.local:\d+$/);
      passed(await interop.run("echo"), interop);
      passed(await interop.run("close"), interop);
    }, 45_000);
});
