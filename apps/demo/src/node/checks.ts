/**
 * The end-to-end checks, shared by the test suite and `pnpm demo --self-test`: a headless
 * Chromium (playwright-core, Debian's binary) drives the real page against a running demo.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { BlockHasher } from "../shared/block-hash.js";
import { sha256 } from "./hash.js";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--allow-loopback-in-peer-connection",
];

/** Debian's Chromium, or `$CHROMIUM`; undefined when neither exists. */
export function findChromium(): string | undefined {
  for (const p of [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"])
    if (p && existsSync(p)) return p;
  return undefined;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

export interface CheckOptions {
  /** The running demo (`http://127.0.0.1:port/`). */
  readonly url: string;
  readonly chromium: string;
  /** Where screenshots go (created); none when undefined. */
  readonly artifacts?: string;
  /** Called as each check ends. */
  readonly onResult?: (r: CheckResult) => void;
}

const FILE_MB = 10;
const RECORD_S = 3;
const T = 20_000;

/** Polls the meter under a video until `ok` holds or `ms` pass; returns the last reading. */
async function meter(
  page: Page,
  card: string,
  ok: (m: { frames: number; width: number; height: number; samples: number }) => boolean,
  ms = T,
) {
  const read = async () => {
    const el = page.locator(`[data-testid=media-${card}] .meter`);
    const n = async (k: string) => Number((await el.getAttribute(`data-${k}`)) ?? 0);
    return {
      frames: await n("frames"),
      width: await n("width"),
      height: await n("height"),
      samples: await n("samples"),
    };
  };
  const deadline = Date.now() + ms;
  let m = await read();
  while (!ok(m) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    m = await read();
  }
  return m;
}

/** ffprobe's view of a file: streams (codec, size) and duration. */
async function probe(path: string): Promise<{ streams: string[]; seconds: number }> {
  const { stdout } = await promisify(execFile)("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_name,width,height:format=duration",
    "-of",
    "json",
    path,
  ]);
  const j = JSON.parse(stdout) as {
    streams: { codec_name: string; width?: number; height?: number }[];
    format: { duration?: string };
  };
  return {
    streams: j.streams.map((st) =>
      st.width ? `${st.codec_name} ${st.width}x${st.height}` : st.codec_name,
    ),
    seconds: Number(j.format.duration ?? Number.NaN),
  };
}

/** Runs every check in order; a failed check does not stop the others that can still run. */
export async function runChecks(options: CheckOptions): Promise<CheckResult[]> {
  const { chromium } = await import("playwright-core");
  const results: CheckResult[] = [];
  if (options.artifacts) mkdirSync(options.artifacts, { recursive: true });
  const shot = async (page: Page, name: string) => {
    if (options.artifacts)
      await page.screenshot({ path: join(options.artifacts, `${name}.png`), fullPage: true });
  };
  const check = async (name: string, fn: () => Promise<string>) => {
    const start = performance.now();
    let r: CheckResult;
    try {
      r = { name, ok: true, ms: performance.now() - start, detail: await fn() };
      r = { ...r, ms: performance.now() - start };
    } catch (e) {
      r = {
        name,
        ok: false,
        ms: performance.now() - start,
        detail: (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "",
      };
    }
    results.push(r);
    options.onResult?.(r);
    return r.ok;
  };

  const browser: Browser = await chromium.launch({
    executablePath: options.chromium,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      permissions: ["camera", "microphone"],
    });
    const a = await context.newPage();
    const errors: string[] = [];
    a.on("pageerror", (e) => errors.push(e.message));

    const connected = await check("page loads and connects to the bot peer to peer", async () => {
      await a.goto(options.url);
      try {
        await a.waitForSelector('[data-testid=bot-status][data-state="ok"]', { timeout: T });
      } catch {
        await shot(a, "failed-connect");
        throw new Error(
          `page says: ${(await a.textContent("[data-testid=bot-status]")) ?? "nothing"}`,
        );
      }
      return (await a.textContent("[data-testid=bot-status]")) ?? "";
    });

    await check("chat round trip with the bot over the data channel", async () => {
      if (!connected) throw new Error("no connection");
      await a.fill("[data-testid=bot-chat-input]", "hello from the self-test");
      await a.click("[data-testid=bot-chat-send]");
      const reply = a.locator('[data-testid=bot-chat-log] li.theirs[data-via="p2p"]', {
        hasText: "echo: hello from the self-test",
      });
      await reply.waitFor({ timeout: T });
      return "bot answered over the P2P chat channel";
    });

    await check(`${FILE_MB} MB file browser → bot, checksum verified`, async () => {
      if (!connected) throw new Error("no connection");
      const data = randomBytes(FILE_MB * 1024 * 1024);
      const hasher = new BlockHasher(sha256);
      hasher.update(data);
      const expected = await hasher.digest();
      await a.setInputFiles("[data-testid=file-input]", {
        name: "self-test.bin",
        mimeType: "application/octet-stream",
        buffer: data,
      });
      const row = a.locator('[data-testid=transfer][data-direction="up"]').first();
      await row
        .and(a.locator('[data-state="verified"], [data-state="mismatch"], [data-state="failed"]'))
        .waitFor({ timeout: 40_000 });
      const state = await row.getAttribute("data-state");
      const got = await row.getAttribute("data-checksum");
      if (state !== "verified") throw new Error(`transfer ${state}: ${await row.textContent()}`);
      if (got !== expected)
        throw new Error(`page checksum ${got} differs from the file's ${expected}`);
      return `${(await row.locator(".status").textContent()) ?? ""}`;
    });

    await check(`${FILE_MB} MB file bot → browser, checksum verified`, async () => {
      if (!connected) throw new Error("no connection");
      await a.fill("[data-testid=ask-size]", String(FILE_MB));
      await a.click("[data-testid=ask-bot]");
      const row = a.locator('[data-testid=transfer][data-direction="down"]').first();
      await row
        .and(a.locator('[data-state="verified"], [data-state="mismatch"], [data-state="failed"]'))
        .waitFor({ timeout: 40_000 });
      const state = await row.getAttribute("data-state");
      if (state !== "verified") throw new Error(`transfer ${state}: ${await row.textContent()}`);
      return `${(await row.locator(".status").textContent()) ?? ""}`;
    });

    await check("live charts have data points from the browser and from the bot", async () => {
      if (!connected) throw new Error("no connection");
      // Attributes, not page.evaluate: tsx's keep-names helper does not exist in the page.
      const count = async (chart: string, i: number) =>
        Number((await a.getAttribute(`[data-testid="chart-${chart}"]`, `data-points${i}`)) ?? 0);
      const points = async () => ({
        bitBrowser: await count("Bitrate", 0),
        bitBot: await count("Bitrate", 2),
        rttBrowser: await count("Round-trip time", 0),
        rttBot: await count("Round-trip time", 1),
      });
      const deadline = Date.now() + T;
      let p = await points();
      while (
        !(p.bitBrowser >= 2 && p.bitBot >= 2 && p.rttBrowser >= 1 && p.rttBot >= 1) &&
        Date.now() < deadline
      ) {
        await a.waitForTimeout(250);
        p = await points();
      }
      if (!(p.bitBrowser >= 2 && p.bitBot >= 2))
        throw new Error(`bitrate points: browser ${p.bitBrowser}, bot ${p.bitBot}`);
      if (!(p.rttBrowser >= 1 && p.rttBot >= 1))
        throw new Error(`RTT points: browser ${p.rttBrowser}, bot ${p.rttBot}`);
      const botPair = (await a.textContent("[data-testid=stats-bot]")) ?? "";
      if (!/host/.test(botPair)) throw new Error("the bot's selected candidate pair is not shown");
      await shot(a, "bot-view");
      await a.setViewportSize({ width: 390, height: 800 });
      await shot(a, "bot-view-narrow");
      await a.setViewportSize({ width: 1280, height: 900 });
      return `bitrate points ${p.bitBrowser}/${p.bitBot}, RTT points ${p.rttBrowser}/${p.rttBot} (browser/bot)`;
    });

    await check("camera echo: the browser decodes its own video sent back by the bot", async () => {
      if (!connected) throw new Error("no connection");
      await a.click("[data-testid=media-echo-button]");
      const m = await meter(a, "echo", (x) => x.frames >= 30 && x.width > 0);
      const status = (await a.textContent("[data-testid=media-echo-status]")) ?? "";
      if (!(m.frames >= 30 && m.width > 0))
        throw new Error(
          `echoed video: ${m.frames} frames, ${m.width}x${m.height}; status "${status}"`,
        );
      await a.click("[data-testid=media-echo-button]");
      return `${m.frames} echoed frames decoded at ${m.width}x${m.height}; bot: ${status}`;
    });

    await check("test clip: the browser decodes the bot's VP8 and Opus", async () => {
      if (!connected) throw new Error("no connection");
      await a.click("[data-testid=media-clip-button]");
      const m = await meter(a, "clip", (x) => x.frames >= 30 && x.width === 640 && x.samples > 0);
      if (!(m.frames >= 30 && m.width === 640 && m.samples > 0))
        throw new Error(
          `clip: ${m.frames} frames at ${m.width}x${m.height}, ${m.samples} audio samples`,
        );
      await shot(a, "media");
      await a.click("[data-testid=media-clip-button]");
      return `${m.frames} frames at ${m.width}x${m.height}, ${m.samples} audio samples`;
    });

    await check(`recording: ${RECORD_S} s of the camera to WebM, probed by ffprobe`, async () => {
      if (!connected) throw new Error("no connection");
      await a.fill("[data-testid=record-seconds]", String(RECORD_S));
      await a.click("[data-testid=media-recording-button]");
      const link = a.locator("[data-testid=recording-link]");
      try {
        await link.waitFor({ timeout: T + RECORD_S * 1000 });
      } catch {
        throw new Error(
          `no recording: "${await a.textContent("[data-testid=media-recording-status]")}"`,
        );
      }
      const dir = mkdtempSync(join(tmpdir(), "purertc-demo-rec-"));
      try {
        const [download] = await Promise.all([a.waitForEvent("download"), link.click()]);
        const file = join(dir, download.suggestedFilename());
        await download.saveAs(file);
        const p = await probe(file);
        if (!p.streams.some((x) => x.startsWith("vp8 ")) || !p.streams.includes("opus"))
          throw new Error(`streams: ${p.streams.join(", ")}`);
        if (!(Math.abs(p.seconds - RECORD_S) < 1))
          throw new Error(`duration ${p.seconds} s, asked for ${RECORD_S} s`);
        const shown = (await a.textContent("[data-testid=recording-duration]")) ?? "";
        return `${p.streams.join(" + ")}, ${p.seconds.toFixed(2)} s (page shows ${shown})`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const room = `self-test-${randomBytes(3).toString("hex")}`;
    const b = await context.newPage();
    b.on("pageerror", (e) => errors.push(e.message));
    const memberRoutes = async (page: Page) => {
      const rows = await page.locator("[data-testid=member]").all();
      return Promise.all(
        rows.map(
          async (r) => `${await r.getAttribute("data-kind")}:${await r.getAttribute("data-route")}`,
        ),
      );
    };
    const meshed = await check("two tabs and the bot form a full mesh in one room", async () => {
      await a.click("[data-testid=tab-room]");
      await a.fill("[data-testid=room-name]", room);
      await a.click("[data-testid=room-join]");
      await a.waitForSelector('[data-testid=room-status][data-state="ok"]', { timeout: T });
      await b.goto(`${options.url}#room=${room}`);
      await b.click("[data-testid=room-join]");
      for (const page of [a, b]) {
        const deadline = Date.now() + T;
        let routes = await memberRoutes(page);
        while (
          !(routes.length === 2 && routes.every((r) => r.endsWith(":p2p"))) &&
          Date.now() < deadline
        ) {
          await page.waitForTimeout(200);
          routes = await memberRoutes(page);
        }
        if (
          !(
            routes.length === 2 &&
            routes.every((r) => r.endsWith(":p2p")) &&
            routes.some((r) => r.startsWith("bot:"))
          )
        )
          throw new Error(`members seen by a tab: ${routes.join(", ") || "none"}`);
      }
      return "each tab sees the other tab and the bot, both P2P";
    });

    await check(
      "room video: a tab's camera is decoded by the other tab over their pair",
      async () => {
        if (!meshed) throw new Error("no mesh");
        await a.click("[data-testid=room-camera]");
        const tile = b.locator("[data-testid=room-tile] .meter").first();
        const read = async () => Number((await tile.getAttribute("data-frames")) ?? 0);
        const deadline = Date.now() + T;
        let frames = await read().catch(() => 0);
        while (frames < 20 && Date.now() < deadline) {
          await b.waitForTimeout(250);
          frames = await read().catch(() => 0);
        }
        if (frames < 20)
          throw new Error(
            `the other tab decoded ${frames} frames; a says "${await a.textContent("[data-testid=room-camera-status]")}"`,
          );
        return `${frames} frames decoded by the other tab`;
      },
    );

    await check(
      "forced P2P failure: chat relayed through the signaling server, and the UI says so",
      async () => {
        if (!meshed) throw new Error("no mesh");
        const rowOf = (page: Page) => page.locator('[data-testid=member][data-kind="tab"]');
        await rowOf(a).locator(".switch").click();
        for (const page of [a, b])
          await page
            .locator('[data-testid=member][data-kind="tab"][data-route="relay"]')
            .waitFor({ timeout: T });
        const why = (await rowOf(b).locator("[data-testid=why]").textContent()) ?? "";
        if (!/forced to fail/.test(why)) throw new Error(`the other tab's explanation: "${why}"`);
        await a.fill("[data-testid=room-chat-input]", "through the server?");
        await a.click("[data-testid=room-chat-send]");
        await b
          .locator('[data-testid=room-chat-log] li.theirs[data-via="relay"]', {
            hasText: "through the server?",
          })
          .waitFor({ timeout: T });
        const label =
          (await b
            .locator('[data-testid=room-chat-log] li.theirs[data-via="relay"] [data-testid=via]')
            .first()
            .textContent()) ?? "";
        const botRoute = await a
          .locator('[data-testid=member][data-kind="bot"]')
          .getAttribute("data-route");
        if (botRoute !== "p2p") throw new Error(`the bot's pair changed too (${botRoute})`);
        await shot(a, "room-view");
        return `delivered, labelled "${label}"; the pair with the bot stayed P2P`;
      },
    );

    await check("no uncaught errors in the pages", async () => {
      if (errors.length > 0) throw new Error(errors.join("; "));
      return "none";
    });
    await context.close();
  } finally {
    await browser.close();
  }
  return results;
}
