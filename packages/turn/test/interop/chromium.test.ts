/**
 * Real browsers through our server (issue 4, "Browsers"): two headless Chromium pages with
 * `iceTransportPolicy: "relay"` and ONLY our TURN server (startTurnServer on 127.0.0.1) as their
 * iceServer connect a data channel and exchange messages; each page's getStats() must show a
 * relay/relay pair through our server and its `/metrics` the allocations, permissions and
 * relayed bytes. Long-term (static user) and coturn-style REST credentials are served; an expired
 * REST credential yields no relay candidate. Skipped loudly when Chromium is missing.
 */
import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import { browserUnavailable, type LaunchedChromium, launchChromium } from "@purertc/testkit/node";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type NodeTurnServer,
  type NodeTurnServerOptions,
  startTurnServer,
} from "../../src/node/index.js";
import { type PageApi, servePage } from "./chromium-page.js";

const unavailable = browserUnavailable("chromium");
if (unavailable) {
  console.warn(`\n!!! SKIPPING the Chromium relay-only TURN tests: ${unavailable} !!!\n`);
}

/** The RTCConfiguration handed to a page (DOM types are not in this Node project). */
interface PageConfig {
  readonly iceServers: { urls: string; username: string; credential: string }[];
  readonly iceTransportPolicy: "relay";
}

const GATHER_MS = 15_000;
const SECRET = "rest-secret";

/** A coturn "TURN REST API" credential (username `expiry:user`, base64 HMAC-SHA1 password). */
function restCredential(user: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${user}`;
  const credential = createHmac("sha1", SECRET).update(username).digest("base64");
  return { username, credential };
}

/** Reads `/metrics` over HTTP and returns the samples by name. */
async function scrape(server: NodeTurnServer): Promise<Map<string, number>> {
  const m = server.metricsAddress!;
  const text = await (await fetch(`http://${m.address}:${m.port}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [name, value] = line.split(" ");
    samples.set(name!, Number(value));
  }
  return samples;
}

const call = <R, A>(page: Page, fn: (api: PageApi, arg: A) => R | Promise<R>, arg: A) =>
  page.evaluate(
    ([src, a]) => {
      const f = new Function("api", "arg", `return (${src})(api, arg);`);
      return f(globalThis, a);
    },
    [fn.toString(), arg] as const,
  ) as Promise<R>;

describe.skipIf(unavailable !== undefined)("Chromium relay-only through our TURN server", () => {
  let browser: LaunchedChromium;
  let http: Server;
  let url: string;
  let turn: NodeTurnServer | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ server: http, url } = await servePage());
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    await turn?.close();
    turn = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => http?.close(r));
  });

  async function server(options: Partial<NodeTurnServerOptions>): Promise<NodeTurnServer> {
    turn = await startTurnServer({
      listeners: [{ transport: "udp", address: "127.0.0.1", port: 0 }],
      realm: "purertc.test",
      allowedPeers: ["127.0.0.0/8"],
      metrics: { address: "127.0.0.1", port: 0 },
      ...options,
    });
    return turn;
  }

  /** A fresh page (own browser context) set up with `config`. */
  async function page(config: PageConfig): Promise<Page> {
    const context = await browser.browser.newContext();
    contexts.push(context);
    const p = await context.newPage();
    await p.goto(url);
    await call(p, (api, c) => api.setup(c), config);
    return p;
  }

  const relayConfig = (port: number, username: string, credential: string): PageConfig => ({
    iceServers: [{ urls: `turn:127.0.0.1:${port}?transport=udp`, username, credential }],
    iceTransportPolicy: "relay",
  });

  /** Offer/answer between the pages through the test process, then open the channel. */
  async function connect(a: Page, b: Page): Promise<void> {
    const offer = await call(a, (api, ms) => api.offer(ms), GATHER_MS);
    const answer = await call(b, (api, [sdp, ms]) => api.answer(sdp, ms), [
      offer.sdp,
      GATHER_MS,
    ] as const);
    expect([offer.complete, answer.complete]).toEqual([true, true]);
    for (const sdp of [offer.sdp, answer.sdp]) {
      const candidates = sdp.split("\r\n").filter((l) => l.startsWith("a=candidate:"));
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) expect(c).toMatch(/ typ relay /);
    }
    await call(a, (api, sdp) => api.accept(sdp), answer.sdp);
    expect(await call(a, (api, ms) => api.opened(ms), 20_000)).toBe(true);
    expect(await call(b, (api, ms) => api.opened(ms), 20_000)).toBe(true);
  }

  /** Both directions: 20 text messages and one binary each way, in order, intact. */
  async function exchange(a: Page, b: Page): Promise<void> {
    const messages = (who: string) => [
      ...Array.from({ length: 20 }, (_, i) => `${who} #${i} ${"x".repeat(i * 50)}`),
      Array.from({ length: 300 }, (_, i) => (i * 7) & 255),
    ];
    const expected = (who: string) =>
      messages(who).map((m) => (typeof m === "string" ? m : `bin:${m.join(",")}`));
    await call(a, (api, m) => api.send(m), messages("a"));
    await call(b, (api, m) => api.send(m), messages("b"));
    expect(await call(b, (api, [n, ms]) => api.waitReceived(n, ms), [21, 10_000] as const)).toEqual(
      expected("a"),
    );
    expect(await call(a, (api, [n, ms]) => api.waitReceived(n, ms), [21, 10_000] as const)).toEqual(
      expected("b"),
    );
  }

  /** Each page's selected pair is relay/relay over UDP through our server's port. */
  async function expectRelayPairs(port: number, ...pages: Page[]): Promise<void> {
    for (const p of pages) {
      const pair = await call(p, (api) => api.selectedPair(), undefined);
      expect(pair).toMatchObject({
        local: "relay",
        remote: "relay",
        relayProtocol: "udp",
        localAddress: "127.0.0.1",
        remoteAddress: "127.0.0.1",
      });
      expect(pair.url).toContain(`127.0.0.1:${port}`);
    }
  }

  /** `/metrics` shows both allocations, their permissions and bytes relayed both ways. */
  async function expectRelayMetrics(s: NodeTurnServer): Promise<void> {
    const m = await scrape(s);
    expect(m.get("purertc_turn_allocations")).toBeGreaterThanOrEqual(2);
    expect(m.get("purertc_turn_allocations_created_total")).toBeGreaterThanOrEqual(2);
    expect(m.get("purertc_turn_permissions")).toBeGreaterThanOrEqual(2);
    expect(m.get("purertc_turn_relay_sockets")).toBeGreaterThanOrEqual(2);
    // 42 data-channel messages plus DTLS and SCTP handshakes went through the relay.
    expect(m.get("purertc_turn_packets_to_peer_total")).toBeGreaterThanOrEqual(42);
    expect(m.get("purertc_turn_packets_from_peer_total")).toBeGreaterThanOrEqual(42);
    expect(m.get("purertc_turn_bytes_to_peer_total")).toBeGreaterThan(20 * 500);
    expect(m.get("purertc_turn_bytes_from_peer_total")).toBeGreaterThan(20 * 500);
    expect(m.get("purertc_turn_auth_failures_total")).toBe(0);
    expect(m.get("purertc_turn_denied_peers_total")).toBe(0);
  }

  it("RFC 8656 long-term credentials (static user): two relay-only pages exchange data-channel messages relay/relay, /metrics counts allocations, permissions and relayed bytes", async () => {
    const s = await server({ users: { alice: "secret" } });
    const port = s.addresses.udp[0]!.port;
    const config = relayConfig(port, "alice", "secret");
    const a = await page(config);
    const b = await page(config);
    await connect(a, b);
    await exchange(a, b);
    await expectRelayPairs(port, a, b);
    await expectRelayMetrics(s);
  }, 90_000);

  it("coturn REST credentials (expiry:user, base64 HMAC-SHA1 of the shared secret) are accepted from Chromium and relay relay/relay", async () => {
    const s = await server({ restSecrets: [SECRET] });
    const port = s.addresses.udp[0]!.port;
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    const credA = restCredential("pageA", expiry);
    const credB = restCredential("pageB", expiry);
    const a = await page(relayConfig(port, credA.username, credA.credential));
    const b = await page(relayConfig(port, credB.username, credB.credential));
    await connect(a, b);
    await exchange(a, b);
    await expectRelayPairs(port, a, b);
    await expectRelayMetrics(s);
  }, 90_000);

  it("an expired REST credential gets no relay candidate: the allocation is refused (icecandidateerror 401) and counted as an expired credential", async () => {
    const s = await server({ restSecrets: [SECRET] });
    const port = s.addresses.udp[0]!.port;
    const expired = restCredential("late", Math.floor(Date.now() / 1000) - 60);
    const p = await page(relayConfig(port, expired.username, expired.credential));
    const offer = await call(p, (api, ms) => api.offer(ms), GATHER_MS);
    const state = await call(p, (api) => api.state, undefined);
    expect(offer.complete).toBe(true);
    expect(state.candidates).toEqual([]);
    expect(offer.sdp).not.toMatch(/a=candidate:/);
    expect(state.errors.length).toBeGreaterThan(0);
    for (const e of state.errors) {
      expect(e.code).toBe(401);
      expect(e.url).toContain(`127.0.0.1:${port}`);
    }
    const m = await scrape(s);
    expect(m.get("purertc_turn_allocations")).toBe(0);
    expect(m.get("purertc_turn_allocations_created_total")).toBe(0);
    expect(m.get("purertc_turn_expired_credentials_total")).toBeGreaterThan(0);
    expect(m.get("purertc_turn_auth_failures_total")).toBeGreaterThan(0);
  }, 60_000);
});
