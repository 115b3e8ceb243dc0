import { existsSync, realpathSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignalServer, startSignalServer } from "../../src/node/server/index.js";
import { PACKAGE_DIR } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(PACKAGE_DIR, "..", "..");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `[signal] ${CHROMIUM} is missing: SKIPPING the browser tests (apt-get install chromium)`,
  );

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}

/** esbuild as installed for tsup (it is not a root dependency of its own). */
function loadEsbuild(): EsbuildApi {
  const tsup = realpathSync(join(ROOT, "node_modules", "tsup", "package.json"));
  return createRequire(tsup)("esbuild");
}

const PAGE_SCRIPT = `
import { SignalClient, connectRoom } from "/client.js";
window.runPeer = (url, room) => new Promise((resolve, reject) => {
  const client = new SignalClient({ url });
  const relayed = [];
  connectRoom({
    client,
    createPeerConnection: () => new RTCPeerConnection({ iceServers: [] }),
    onPeer: ({ pc, initiator, peerId }) => {
      const setup = (ch) => {
        ch.onopen = () => ch.send("hello from " + client.peerId);
        ch.onmessage = (e) => resolve({ self: client.peerId, other: peerId, got: e.data, initiator, relayed });
      };
      if (initiator) setup(pc.createDataChannel("chat"));
      else pc.ondatachannel = (e) => setup(e.channel);
    },
    onMessage: (from, data) => relayed.push([from, data]),
    onError: (peerId, e) => reject(new Error(peerId + ": " + e)),
  });
  client.connect().then(() => client.join(room)).then((r) => {
    for (const m of r.members) client.message(m.peerId, "relay hello");
  }, reject);
});
`;

describe.skipIf(!haveChromium)("two headless Chromium pages through the signaling server", () => {
  let signal: SignalServer;
  let web: Server;
  let browser: Browser;
  let pageUrl: string;

  beforeAll(async () => {
    signal = await startSignalServer({ open: true, host: "127.0.0.1", port: 0 });
    const bundle = await loadEsbuild().build({
      entryPoints: [join(PACKAGE_DIR, "src", "index.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["@purertc/source"],
      write: false,
      logLevel: "silent",
    });
    const js = bundle.outputFiles[0]!.text;
    web = createServer((req, res) => {
      if (req.url === "/client.js") {
        res.writeHead(200, { "content-type": "text/javascript" });
        res.end(js);
      } else if (req.url === "/page.js") {
        res.writeHead(200, { "content-type": "text/javascript" });
        res.end(PAGE_SCRIPT);
      } else {
        res.writeHead(200, { "content-type": "text/html" });
        res.end('<!doctype html><script type="module" src="/page.js"></script>');
      }
    });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    pageUrl = `http://127.0.0.1:${(web.address() as { port: number }).port}/`;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
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
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
    await signal?.close();
  });

  it("perfect negotiation + trickle ICE open a data channel; relay messages arrive too", async () => {
    const [p1, p2] = [await browser.newPage(), await browser.newPage()];
    for (const p of [p1, p2]) {
      await p.goto(pageUrl);
      await p.waitForFunction(() => "runPeer" in globalThis);
    }
    type Outcome = {
      self: string;
      other: string;
      got: string;
      initiator: boolean;
      relayed: [string, string][];
    };
    const run = (p: typeof p1) =>
      p.evaluate(
        ([url, room]) =>
          (globalThis as unknown as { runPeer(u: string, r: string): Promise<Outcome> }).runPeer(
            url!,
            room!,
          ),
        [signal.url, "browsers"],
      );
    const [a, b] = await Promise.all([run(p1), run(p2)]);
    expect(a.got).toBe(`hello from ${b.self}`);
    expect(b.got).toBe(`hello from ${a.self}`);
    expect(a.other).toBe(b.self);
    expect([a.initiator, b.initiator].sort()).toEqual([false, true]);
    const joiner = a.initiator ? a : b;
    const host = a.initiator ? b : a;
    expect(host.relayed).toContainEqual([joiner.self, "relay hello"]);
    expect(signal.core.stats().relayed.offer).toBeGreaterThanOrEqual(1);
    expect(signal.core.stats().relayed.candidate).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
