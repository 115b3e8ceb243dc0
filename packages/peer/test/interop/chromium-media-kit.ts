/**
 * What the Chromium media interop tests share: Debian's Chromium, its flags for fake media on
 * loopback, and calling a page function through Playwright.
 */
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed; warns loudly (naming the skipped suite) when it is not. */
export function haveChromium(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  console.warn(`[peer] ${CHROMIUM} is missing: SKIPPING ${suite} (apt-get install chromium)`);
  return false;
}

/** Headless, fake camera and microphone granted, loopback candidates with raw addresses. */
export const MEDIA_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

type PageFunctions = Record<string, (...a: never[]) => Promise<unknown>>;

/** Calls the page's global function `fn` with `args` and returns its result. */
export const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(
    ([f, a]) =>
      (globalThis as never as PageFunctions)[f as string]!(...(a as never[])) as Promise<T>,
    [fn, args] as const,
  );
