/**
 * Data-channel interop with headless Firefox ESR. Firefox and the Node side (firefox-scenario.ts,
 * a child process) both run in a network namespace whose only interface is `lo` (the mDNS case
 * adds a veth pair inside it); each step below is one command to that child, which checks the
 * data itself and reports back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FirefoxInterop,
  firefoxPrefs,
  firefoxUnavailable,
  LINK_ADDRESS,
  type StepResult,
} from "./firefox-harness.js";

const unavailable = firefoxUnavailable();
if (unavailable) console.warn(`[peer] SKIPPING Firefox ESR interop: ${unavailable}`);

/** Sized so one bulk run stays well under 20 s at today's throughput. */
const BULK_BYTES = 16 * 1024 * 1024;

function passed(r: StepResult, interop: FirefoxInterop): Record<string, unknown> {
  if (!r.ok) expect.fail(`${r.error}\n--- scenario log (tail) ---\n${interop.log.slice(-6000)}`);
  return r.info ?? {};
}

describe.skipIf(unavailable !== undefined)("interop with headless Firefox ESR", () => {
  const interop = new FirefoxInterop();

  beforeAll(async () => {
    await interop.start();
    interop.launchFirefox("main", firefoxPrefs(false));
  }, 30_000);

  afterAll(() => interop.close(), 20_000);

  for (const side of ["offerer", "answerer"] as const) {
    describe(`purertc as ${side}`, () => {
      it("connects: ICE on loopback, DTLS with Firefox's DTLS 1.3-capable ClientHello, SCTP, 4 channels open", async () => {
        const info = passed(
          await interop.run("connect", { side, page: "main", bulkBytes: BULK_BYTES }),
          interop,
        );
        expect(info.dtlsRole).toBe(side === "offerer" ? "server" : "client");
        expect(info.dtlsCipher).toBeTypeOf("string");
      });

      it("echo of 100 messages, text and binary, 1 B…256 KiB, verified in order", async () => {
        const info = passed(await interop.run("echo"), interop);
        expect(info.messages).toBe(100);
      });

      it(`bulk ${BULK_BYTES >> 20} MiB with backpressure, FNV-1a checksum from Firefox matches`, async () => {
        const info = passed(await interop.run("bulk"), interop);
        expect(info.bytes).toBe(BULK_BYTES);
        console.log(`[peer] Firefox bulk, purertc as ${side}: ${info.mbPerS} MB/s`);
      }, 30_000);

      it("an unordered maxRetransmits:0 channel: same options on both sides, every message echoed", async () => {
        const info = passed(await interop.run("unordered"), interop);
        expect(info.messages).toBe(100);
      });

      it("a negotiated channel with id 5 carries data both ways, DCEP ids avoid 5", async () => {
        passed(await interop.run("negotiated"), interop);
        passed(await interop.run("close"), interop);
      });
    });
  }

  it("resolves Firefox's mDNS .local host candidates (default obfuscation on, RFC 8828)", async () => {
    // Firefox's mDNS responder ignores loopback, so this case adds a veth link inside the
    // namespace and moves the default route there (see FirefoxInterop.addLink).
    interop.addLink();
    interop.launchFirefox("mdns", firefoxPrefs(true));
    const info = passed(
      await interop.run("connect", {
        side: "answerer",
        page: "mdns",
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
