/**
 * Runs headless Firefox ESR (and Chromium, for its mDNS case) and the Node half of the interop
 * tests (firefox-scenario.ts) in a network namespace of their own whose only interface is `lo`,
 * with a default route through it: Firefox gathers host candidates on its default-route address
 * only, which is then 127.0.0.1. Everything started here is stopped by PID (each browser in its
 * own process group) and the namespace and temporary profiles are removed, on failure too.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

export const FIREFOX = "/usr/bin/firefox-esr";
const IP = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].find((p) => existsSync(p));
/** The namespace's private link address (see {@link FirefoxInterop.addLink}). */
export const LINK_ADDRESS = "10.213.0.1";
const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, "..", "..");
/** tsx runs the child on the TypeScript sources; it is a dependency of the workspace's bench/. */
const TSX_LOADER = pathToFileURL(
  createRequire(join(PACKAGE, "..", "..", "bench", "package.json")).resolve("tsx"),
).href;

export const CHROMIUM = "/usr/bin/chromium";

/** Why the Firefox tests cannot run here, or undefined when they can. */
export function firefoxUnavailable(): string | undefined {
  if (!existsSync(FIREFOX)) return `${FIREFOX} is missing (apt-get install firefox-esr)`;
  return netnsUnavailable();
}

/** Why a browser cannot be run in a namespace here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  if (!IP) return "the `ip` program is missing (apt-get install iproute2)";
  if (process.getuid?.() !== 0) return "not root: cannot create a network namespace";
  return undefined;
}

/** Preferences of the test profile: fake media, loopback ICE, and nothing that phones home. */
export function firefoxPrefs(
  obfuscateHostAddresses: boolean,
): Record<string, string | number | boolean> {
  return {
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
    "media.peerconnection.ice.loopback": true,
    "media.peerconnection.ice.obfuscate_host_addresses": obfuscateHostAddresses,
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

let instances = 0;

/** One JSON result line from the scenario child. */
export interface StepResult {
  readonly ok: boolean;
  readonly info?: Record<string, unknown>;
  readonly error?: string;
  readonly ms?: number;
}

/** The namespace, the scenario child and the Firefox instances of one test file. */
export class FirefoxInterop {
  /** Unique per instance: the Firefox and Chromium files may run in one worker process. */
  readonly netns = `purertc-ff-${process.pid}-${(++instances).toString(36)}`;
  #child: ChildProcess | undefined;
  #browsers: ChildProcess[] = [];
  #dirs: string[] = [];
  #pending = new Map<number, (r: StepResult) => void>();
  #ids = 0;
  #url = "";
  /** The child's stderr (logs), kept for failure messages. */
  log = "";

  /** Creates the namespace and starts the scenario child inside it. */
  async start(): Promise<void> {
    const ip = (...args: string[]) => execFileSync(IP!, args, { stdio: "pipe" });
    ip("netns", "add", this.netns);
    process.once("exit", this.#removeNetns);
    const inNs = (...args: string[]) => ip("netns", "exec", this.netns, IP!, ...args);
    inNs("link", "set", "lo", "up", "multicast", "on");
    inNs("route", "add", "default", "dev", "lo", "src", "127.0.0.1");
    const child = spawn(
      IP!,
      [
        "netns",
        "exec",
        this.netns,
        process.execPath,
        "--import",
        TSX_LOADER,
        "--conditions=@purertc/source",
        join(HERE, "firefox-scenario.ts"),
      ],
      { cwd: PACKAGE, stdio: ["pipe", "pipe", "pipe"], env: process.env },
    );
    this.#child = child;
    child.stderr!.on("data", (b: Buffer) => {
      if (process.env.DEBUG) process.stderr.write(b);
      this.log = (this.log + b.toString()).slice(-20_000);
    });
    const ready = new Promise<string>((resolve, reject) => {
      child.once("exit", (code) => {
        reject(new Error(`scenario child exited (${code}): ${this.log}`));
        for (const r of this.#pending.values())
          r({ ok: false, error: `child exited (${code}): ${this.log.slice(-4000)}` });
        this.#pending.clear();
      });
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let msg: { ready?: string; id?: number } & StepResult;
        try {
          msg = JSON.parse(line);
        } catch {
          this.log += `stdout: ${line}\n`;
          return;
        }
        if (msg.ready) resolve(msg.ready);
        else if (msg.id !== undefined) {
          this.#pending.get(msg.id)?.(msg);
          this.#pending.delete(msg.id);
        }
      });
    });
    this.#url = await ready;
  }

  /**
   * Adds a veth pair inside the namespace (nothing leaves it) with {@link LINK_ADDRESS} on `pr0`
   * and moves the default route there. Firefox's mDNS responder only starts for a non-loopback
   * default address, so the mDNS case needs this; the other cases run before it on `lo` alone.
   */
  addLink(): void {
    const inNs = (...args: string[]) =>
      execFileSync(IP!, ["netns", "exec", this.netns, IP!, ...args], { stdio: "pipe" });
    inNs("link", "add", "pr0", "type", "veth", "peer", "name", "pr1");
    inNs("link", "set", "pr1", "up");
    inNs("link", "set", "pr0", "up", "multicast", "on");
    inNs("addr", "add", `${LINK_ADDRESS}/24`, "dev", "pr0");
    inNs("route", "replace", "default", "dev", "pr0", "src", LINK_ADDRESS);
  }

  /** Starts a headless Firefox with a fresh profile on the page `?page=<name>`. */
  launchFirefox(page: string, prefs: Record<string, string | number | boolean>): void {
    const profile = mkdtempSync(join(tmpdir(), "purertc-ff-profile-"));
    this.#dirs.push(profile);
    const userJs = Object.entries(prefs)
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join("\n");
    writeFileSync(join(profile, "user.js"), `${userJs}\n`);
    const ff = spawn(
      IP!,
      [
        "netns",
        "exec",
        this.netns,
        FIREFOX,
        "--headless",
        "--no-remote",
        "--profile",
        profile,
        `${this.#url}?page=${page}`,
      ],
      {
        detached: true, // own process group: Firefox's content processes are killed with it
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, HOME: profile, MOZ_HEADLESS: "1", MOZ_CRASHREPORTER_DISABLE: "1" },
      },
    );
    ff.stderr!.on("data", (b: Buffer) => {
      this.log = `${this.log}[firefox ${page}] ${b}`.slice(-20_000);
    });
    this.#browsers.push(ff);
  }

  /**
   * Starts headless Chromium in the namespace on the page `?page=<name>`, with a fresh profile
   * and its defaults otherwise: no media permission, so host candidates are mDNS `.local` names
   * (WebRtcHideLocalIpsWithMdns, on by default).
   */
  launchChromium(page: string): void {
    const profile = mkdtempSync(join(tmpdir(), "purertc-chromium-profile-"));
    this.#dirs.push(profile);
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-domain-reliability",
      "--metrics-recording-only",
      "--no-default-browser-check",
      `--user-data-dir=${profile}`,
    ];
    const chromium = spawn(
      IP!,
      ["netns", "exec", this.netns, CHROMIUM, ...args, `${this.#url}?page=${page}`],
      {
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, HOME: profile },
      },
    );
    chromium.stderr!.on("data", (b: Buffer) => {
      this.log = `${this.log}[chromium ${page}] ${b}`.slice(-20_000);
    });
    this.#browsers.push(chromium);
  }

  /** Sends one command to the scenario child and resolves with its result. */
  run(cmd: string, args: Record<string, unknown> = {}): Promise<StepResult> {
    const id = ++this.#ids;
    return new Promise((resolve) => {
      if (!this.#child?.stdin?.writable) return resolve({ ok: false, error: "no scenario child" });
      this.#pending.set(id, resolve);
      this.#child.stdin.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    });
  }

  /** Stops the browsers and the child by PID, deletes the namespace and the profiles. */
  async close(): Promise<void> {
    for (const ff of this.#browsers) {
      try {
        if (ff.pid && ff.exitCode === null) process.kill(-ff.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    const child = this.#child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    this.#removeNetns();
    process.removeListener("exit", this.#removeNetns);
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
  }

  #removeNetns = (): void => {
    try {
      execFileSync(IP!, ["netns", "del", this.netns], { stdio: "ignore" });
    } catch {
      // not there (anymore)
    }
  };
}
