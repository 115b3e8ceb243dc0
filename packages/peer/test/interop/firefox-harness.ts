/**
 * Runs headless Firefox ESR (and Chromium, for its mDNS case) and the Node half of the interop
 * tests (firefox-scenario.ts) in a network namespace of their own whose only interface is `lo`,
 * with a default route through it: Firefox gathers host candidates on its default-route address
 * only, which is then 127.0.0.1. Everything started here is stopped by PID (each browser in its
 * own process group) and the namespace and temporary profiles are removed, on failure too.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type BrowserProcess,
  browserUnavailable,
  CHROMIUM_WEBRTC_FLAGS,
  firefoxTestPrefs,
  IP_PATH,
  spawnChromium,
  spawnFirefox,
} from "@purertc/testkit/node";

const IP = IP_PATH;
/** The namespace's private link address (see {@link FirefoxInterop.addLink}). */
export const LINK_ADDRESS = "10.213.0.1";
const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, "..", "..");
/** tsx runs the child on the TypeScript sources; it is a dependency of the workspace's bench/. */
const TSX_LOADER = pathToFileURL(
  createRequire(join(PACKAGE, "..", "..", "bench", "package.json")).resolve("tsx"),
).href;

/** Why the Firefox tests cannot run here, or undefined when they can. */
export function firefoxUnavailable(): string | undefined {
  return browserUnavailable("firefox", { netns: true });
}

/** Why Chromium cannot be run in a namespace here, or undefined when it can. */
export function chromiumNetnsUnavailable(): string | undefined {
  return browserUnavailable("chromium", { netns: true });
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
  #browsers: BrowserProcess[] = [];
  #pending = new Map<number, (r: StepResult) => void>();
  #ids = 0;
  #url = "";
  /** The child's stderr (logs), kept for failure messages. */
  log = "";

  /**
   * Creates the namespace and starts the scenario child inside it (`script`, a file next to
   * this one speaking the same JSON-lines protocol: firefox-scenario.ts, firefox-media-scenario.ts).
   */
  async start(script = "firefox-scenario.ts"): Promise<void> {
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
        join(HERE, script),
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

  /** Starts headless Firefox ESR in the namespace on the page `?page=<name>`, fresh profile. */
  launchFirefox(
    page: string,
    options: { readonly obfuscateHostAddresses: boolean },
  ): BrowserProcess {
    const prefs = firefoxTestPrefs(options);
    const b = spawnFirefox({ netns: this.netns, urls: [this.#pageUrl(page)], prefs });
    this.#browsers.push(b);
    return b;
  }

  /**
   * Starts headless Chromium in the namespace on the page `?page=<name>`, with a fresh profile.
   * With `mdns`, its defaults otherwise: no media permission, so host candidates are mDNS
   * `.local` names (WebRtcHideLocalIpsWithMdns, on by default); without, the WebRTC test flags
   * (fake media granted, loopback gathered, IP addresses in candidates).
   */
  launchChromium(page: string, options: { readonly mdns: boolean }): BrowserProcess {
    const args = options.mdns ? [] : CHROMIUM_WEBRTC_FLAGS;
    const b = spawnChromium({ netns: this.netns, urls: [this.#pageUrl(page)], args });
    this.#browsers.push(b);
    return b;
  }

  #pageUrl(page: string): string {
    return `${this.#url}?page=${page}`;
  }

  /** The browsers' stderr tails, for failure messages. */
  browserLog(): string {
    return this.#browsers.map((b) => b.log().slice(-3000)).join("\n");
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
    await Promise.all(this.#browsers.map((b) => b.close()));
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
  }

  #removeNetns = (): void => {
    try {
      execFileSync(IP!, ["netns", "del", this.netns], { stdio: "ignore" });
    } catch {
      // not there (anymore)
    }
  };
}
