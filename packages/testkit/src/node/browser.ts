/**
 * The one way tests start a real browser: headless Chromium (Debian `chromium`) driven by
 * playwright-core over the DevTools protocol, or Chromium / Firefox ESR (Debian `firefox-esr`)
 * started on a URL, optionally inside a network namespace. Each browser gets a fresh profile
 * directory, runs in a process group of its own and is stopped by PID (the whole group, so no
 * renderer or content process outlives it); its profile is removed. Browsers still running when
 * the test process exits are killed then. Tests skip (loudly) when {@link browserUnavailable}
 * gives a reason.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { IP_PATH } from "./netns.js";

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Where Debian installs Firefox ESR. */
export const FIREFOX_PATH = "/usr/bin/firefox-esr";

/**
 * Chromium's flags for tests: headless, no sandbox (root in CI), no GPU, no QUIC, nothing that
 * phones home (updates, sync, background networking, metrics), and — as playwright-core's own
 * launch sets them — no throttling of timers or renderers of pages it deems in the background
 * (media tests otherwise lose their first frames).
 */
export const CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
  "--disable-renderer-backgrounding",
  "--disable-ipc-flooding-protection",
  "--disable-hang-monitor",
  "--disable-dev-shm-usage",
  "--disable-extensions",
  "--disable-breakpad",
  "--disable-field-trial-config",
  "--password-store=basic",
  "--mute-audio",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--disable-sync",
  "--metrics-recording-only",
]);

/**
 * Chromium's WebRTC flags for loopback tests: fake camera and microphone granted without a
 * prompt, loopback addresses gathered, and host candidates as IP addresses (no mDNS `.local`
 * names; leave this set out to keep Chromium's default obfuscation, RFC 8828).
 */
export const CHROMIUM_WEBRTC_FLAGS: readonly string[] = Object.freeze([
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
]);

/** Why `browser` cannot run here, or undefined when it can; `netns` also needs root and `ip`. */
export function browserUnavailable(
  browser: "chromium" | "firefox",
  needs: { readonly netns?: boolean } = {},
): string | undefined {
  const path = browser === "chromium" ? CHROMIUM_PATH : FIREFOX_PATH;
  const pkg = browser === "chromium" ? "chromium" : "firefox-esr";
  if (!existsSync(path)) return `${path} is missing (apt-get install ${pkg})`;
  if (!needs.netns) return undefined;
  if (!IP_PATH) return "the `ip` program is missing (apt-get install iproute2)";
  if (process.getuid?.() !== 0) return "not root: cannot run a browser in a network namespace";
  return undefined;
}

/** Firefox preferences for tests: fake media, loopback ICE, nothing that phones home. */
export function firefoxTestPrefs(options: {
  /** `media.peerconnection.ice.obfuscate_host_addresses` (mDNS `.local` host candidates). */
  readonly obfuscateHostAddresses: boolean;
}): Record<string, string | number | boolean> {
  return {
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
    "media.peerconnection.ice.loopback": true,
    "media.peerconnection.ice.obfuscate_host_addresses": options.obfuscateHostAddresses,
    "app.update.auto": false,
    "app.update.enabled": false,
    "app.update.checkInstallTime": false,
    "app.update.disabledForTesting": true,
    "app.normandy.enabled": false,
    "app.shield.optoutstudies.enabled": false,
    "datareporting.healthreport.uploadEnabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "datareporting.policy.firstRunURL": "",
    "toolkit.telemetry.enabled": false,
    "toolkit.telemetry.unified": false,
    "toolkit.telemetry.archive.enabled": false,
    "toolkit.telemetry.server": "",
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "browser.safebrowsing.downloads.enabled": false,
    "browser.safebrowsing.blockedURIs.enabled": false,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "network.dns.disablePrefetch": true,
    "network.prefetch-next": false,
    "network.predictor.enabled": false,
    "network.trr.mode": 5,
    "extensions.update.enabled": false,
    "extensions.getAddons.cache.enabled": false,
    "extensions.blocklist.enabled": false,
    "browser.shell.checkDefaultBrowser": false,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": false,
    "browser.newtabpage.enabled": false,
    "browser.newtabpage.activity-stream.feeds.telemetry": false,
    "browser.newtabpage.activity-stream.telemetry": false,
    "browser.ping-centre.telemetry": false,
    "browser.search.update": false,
    "browser.region.network.url": "",
    "browser.topsites.contile.enabled": false,
    "geo.provider.network.url": "",
    "media.gmp-manager.url": "",
    "media.gmp-gmpopenh264.enabled": false,
    "media.gmp-widevinecdm.enabled": false,
    "security.OCSP.enabled": 0,
    "services.settings.server": "",
    "dom.push.connection.enabled": false,
    "identity.fxaccounts.enabled": false,
  };
}

/** A browser process started by this module. */
export interface BrowserProcess {
  readonly pid: number;
  /** Its fresh profile (Chromium's `--user-data-dir`, Firefox's `--profile`). */
  readonly profile: string;
  /** The tail of its stderr, for failure messages. */
  log(): string;
  /** Stops its process group by PID (SIGKILL) and removes the profile. Idempotent. */
  close(): Promise<void>;
}

/** Where and how to start a browser on a URL. */
export interface SpawnBrowserOptions {
  /** The pages to open (several for several tabs). */
  readonly urls?: readonly string[];
  /** Run inside this network namespace (`ip netns exec`); needs root. */
  readonly netns?: string;
  /** Flags after {@link CHROMIUM_FLAGS} (Chromium only). */
  readonly args?: readonly string[];
  /** Firefox preferences written to the profile's `user.js` (Firefox only). */
  readonly prefs?: Readonly<Record<string, string | number | boolean>>;
}

const running = new Set<ChildProcess>();
let exitHook = false;

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function track(child: ChildProcess, profile: string, name: string): BrowserProcess {
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const c of running) killGroup(c);
    });
  }
  running.add(child);
  let log = "";
  child.stderr?.on("data", (b: Buffer) => {
    log = `${log}${b}`.slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    profile,
    log: () => `[${name}] ${log}`,
    close() {
      closing ??= (async () => {
        killGroup(child);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
        running.delete(child);
        rmSync(profile, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function spawnIn(netns: string | undefined, program: string, args: string[], env: object) {
  const [cmd, argv] = netns
    ? [IP_PATH ?? "ip", ["netns", "exec", netns, program, ...args]]
    : [program, args];
  return spawn(cmd, argv, {
    detached: true, // own process group: closed as a whole
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
}

/** Starts headless Chromium with a fresh `--user-data-dir` on `urls` (no driver attached). */
export function spawnChromium(options: SpawnBrowserOptions = {}): BrowserProcess {
  const profile = mkdtempSync(join(tmpdir(), "purertc-chromium-"));
  const args = [
    ...CHROMIUM_FLAGS,
    ...(options.args ?? []),
    `--user-data-dir=${profile}`,
    ...(options.urls ?? ["about:blank"]),
  ];
  const child = spawnIn(options.netns, CHROMIUM_PATH, args, { HOME: profile });
  return track(child, profile, "chromium");
}

/** Starts headless Firefox ESR with a fresh profile holding `prefs` on `urls`. */
export function spawnFirefox(options: SpawnBrowserOptions = {}): BrowserProcess {
  const profile = mkdtempSync(join(tmpdir(), "purertc-firefox-"));
  const prefs = options.prefs ?? firefoxTestPrefs({ obfuscateHostAddresses: false });
  const userJs = Object.entries(prefs)
    .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
    .join("\n");
  writeFileSync(join(profile, "user.js"), `${userJs}\n`);
  const args = ["--headless", "--no-remote", "--profile", profile, ...(options.urls ?? [])];
  const child = spawnIn(options.netns, FIREFOX_PATH, args, {
    HOME: profile,
    MOZ_HEADLESS: "1",
    MOZ_CRASHREPORTER_DISABLE: "1",
  });
  return track(child, profile, "firefox");
}

/** A Chromium driven by playwright-core. */
export interface LaunchedChromium {
  /** playwright-core's handle. */
  readonly browser: Browser;
  /** The browser's PID (its process group is stopped by {@link LaunchedChromium.close}). */
  readonly pid: number;
  /** Disconnects playwright, then stops the browser's process group by PID. */
  close(): Promise<void>;
}

/**
 * Starts headless Chromium through playwright-core (its own flags for automation, a fresh
 * temporary profile it removes) plus {@link CHROMIUM_FLAGS} and `args` (by default
 * {@link CHROMIUM_WEBRTC_FLAGS}), and connects to it.
 */
export async function launchChromium(
  options: { readonly args?: readonly string[]; readonly timeoutMs?: number } = {},
): Promise<LaunchedChromium> {
  const { chromium } = await import("playwright-core");
  const server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? CHROMIUM_WEBRTC_FLAGS)],
    timeout: options.timeoutMs ?? 30_000,
  });
  const child = server.process();
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const c of running) killGroup(c);
    });
  }
  running.add(child);
  try {
    const browser = await chromium.connect(server.wsEndpoint());
    let closing: Promise<void> | undefined;
    return {
      browser,
      pid: child.pid ?? -1,
      close() {
        closing ??= (async () => {
          await browser.close().catch(() => undefined);
          await server.close().catch(() => undefined);
          killGroup(child);
          running.delete(child);
        })();
        return closing;
      },
    };
  } catch (e) {
    await server.close();
    killGroup(child);
    running.delete(child);
    throw e;
  }
}
