/**
 * The interop cases every browser in a namespace goes through (firefox.test.ts,
 * chromium-netns.test.ts), each step one command to the Node half (firefox-scenario.ts), which
 * checks the data itself and reports back.
 */
import { existsSync } from "node:fs";
import { TURNSERVER_PATH } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import type { FirefoxInterop, StepResult } from "./firefox-harness.js";

/** The step's info, or a failure with the scenario child's log tail. */
export function passed(r: StepResult, interop: FirefoxInterop): Record<string, unknown> {
  if (!r.ok)
    expect.fail(
      `${r.error}\n--- scenario log (tail) ---\n${interop.log.slice(-6000)}\n--- browsers ---\n${interop.browserLog()}`,
    );
  return r.info ?? {};
}

export interface ScenarioOptions {
  /** The browser's name in test titles. */
  readonly browser: string;
  /** The page (`?page=`) the browser runs. */
  readonly page: string;
  /** Our host address inside the namespace. */
  readonly address: string;
  /** Bytes of the bulk case (0: no bulk case). */
  readonly bulkBytes: number;
}

const haveCoturn = existsSync(TURNSERVER_PATH);
if (!haveCoturn)
  console.warn(
    `[peer] ${TURNSERVER_PATH} is missing: SKIPPING browser relay-only cases through coturn`,
  );

/** Registers the cases of one browser, with purertc as offerer and as answerer. */
export function scenarioTests(interop: FirefoxInterop, o: ScenarioOptions): void {
  const run = async (cmd: string, args: Record<string, unknown> = {}) =>
    passed(await interop.run(cmd, args), interop);
  for (const side of ["offerer", "answerer"] as const) {
    describe(`purertc as ${side}`, () => {
      it(`connects to ${o.browser}: ICE, DTLS, SCTP, 4 channels open`, async () => {
        const info = await run("connect", {
          side,
          page: o.page,
          address: o.address,
          bulkBytes: o.bulkBytes,
        });
        expect(info.dtlsRole).toBe(side === "offerer" ? "server" : "client");
        expect(info.dtlsCipher).toBeTypeOf("string");
      });

      it("echo of 100 messages, text and binary, 1 B…256 KiB, verified in order", async () => {
        expect((await run("echo")).messages).toBe(100);
      });

      if (o.bulkBytes > 0)
        it(`bulk ${o.bulkBytes >> 20} MiB with backpressure, FNV-1a checksum from ${o.browser} matches`, async () => {
          const info = await run("bulk");
          expect(info.bytes).toBe(o.bulkBytes);
          console.log(`[peer] ${o.browser} bulk, purertc as ${side}: ${info.mbPerS} MB/s`);
        }, 30_000);

      it("an unordered maxRetransmits:0 channel: same options on both sides, every message echoed", async () => {
        expect((await run("unordered")).messages).toBe(100);
      });

      it("a negotiated channel with id 5 carries data both ways, DCEP ids avoid 5", async () => {
        await run("negotiated");
      });

      it("20 channels from each side at once: all open with the same id on both sides, ours of our DTLS role's parity (RFC 8832 §6), ids distinct, each echoes, all close", async () => {
        const info = await run("many");
        const ours = info.ours as number[];
        expect(new Set(ours.map((id) => id % 2)).size).toBe(1);
        expect(ours[0]! % 2).toBe(side === "offerer" ? 1 : 0); // offerer = DTLS server
      });

      it("closing from our side, from the browser's and from both at once: close events on both sides, nothing sent before a one-sided close lost, connection up, freed ids reused (DCEP and negotiated)", async () => {
        const info = await run("closing");
        expect(info.closedIds as number[]).toContain(info.negotiatedId);
      }, 45_000);

      it("renegotiation adding a channel after connect, offered by us then by the browser: new channels open and echo, same ICE credentials, no ICE/DTLS state change", async () => {
        await run("renegotiate");
      }, 45_000);

      for (const by of ["us", "browser"] as const)
        it(`ICE restart by ${by === "us" ? "us" : o.browser} during traffic: 300 paced messages all echoed in order, new ufrags on both sides, DTLS kept`, async () => {
          const info = await run(`restart-${by}`);
          expect(info.messages).toBe(300);
        }, 45_000);

      for (const relay of ["ours", "coturn"] as const)
        it.skipIf(relay === "coturn" && !haveCoturn)(
          `relay-only on both ends through ${relay === "ours" ? "our TURN server" : "coturn"}: only relay candidates signalled, relay/relay selected on both sides, echo`,
          async () => {
            await run("close");
            await run("connect", {
              side,
              page: o.page,
              address: o.address,
              bulkBytes: 0,
              relay,
            });
            expect((await run("echo")).messages).toBe(100);
            await run("close");
          },
          60_000,
        );
    });
  }
}

/**
 * The browser's mDNS `.local` host candidates with its default obfuscation on (RFC 8828), with
 * purertc as answerer and as offerer, each against a fresh browser started by `launch(page)`
 * (Chromium reuses a host's name across its peer connections): the browser's checks arrive
 * first, so the pair starts peer-reflexive, and the signalled `.local` candidate, once resolved,
 * must take it over (RFC 8838 §11.4). `before(side)` runs first (e.g. adds the veth link).
 */
export function mdnsTests(
  interop: FirefoxInterop,
  o: {
    readonly browser: string;
    readonly address: string;
    readonly before?: (side: "answerer" | "offerer") => void;
    readonly launch: (page: string) => void;
  },
): void {
  for (const side of ["answerer", "offerer"] as const)
    it(`purertc as ${side}: ${o.browser}'s .local host candidates (obfuscation on) are resolved and the .local candidate becomes the selected pair's remote`, async () => {
      o.before?.(side);
      o.launch(`mdns-${side}`);
      const info = passed(
        await interop.run("connect", {
          side,
          page: `mdns-${side}`,
          mdns: true,
          address: o.address,
          bulkBytes: 0,
        }),
        interop,
      );
      console.log(`[peer] ${o.browser} mDNS, purertc as ${side}: selected ${info.pair}`);
      // Only .local host candidates were signalled, and the pair's host remote is one of them.
      const hosts = (info.remoteCandidates as string[]).filter((c) => / typ host/.test(c));
      expect(hosts.length).toBeGreaterThan(0);
      for (const c of hosts) expect(c).toMatch(/ [0-9a-f-]{36}\.local \d+ typ host/);
      expect(String(info.pair)).toMatch(/↔ host [0-9a-f-]{36}\.local:\d+$/);
      passed(await interop.run("echo"), interop);
      passed(await interop.run("close"), interop);
    }, 45_000);
}
