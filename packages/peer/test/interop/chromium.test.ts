import type { Server } from "node:http";
import { browserUnavailable, type LaunchedChromium, launchChromium } from "@purertc/testkit/node";
import { type NodeTurnServer, startTurnServer } from "@purertc/turn/node";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RTCConfiguration, RTCDataChannel } from "../../src/node/index.js";
import { gathered, once, until, webrtc } from "../node/helpers.js";
import { fnv1a, servePage } from "./browser-page.js";

const unavailable = browserUnavailable("chromium");
if (unavailable) console.warn(`[peer] SKIPPING Chromium interop: ${unavailable}`);

/** purertc offers, Chromium answers. */
async function weOffer(page: Page, labels: string[], config: RTCConfiguration = {}) {
  const pc = new webrtc.RTCPeerConnection(config);
  const channels = labels.map((l) => pc.createDataChannel(l));
  await pc.setLocalDescription();
  await gathered(pc);
  const answer = await page.evaluate(
    (o) => (globalThis as never as { answer(s: string): Promise<string> }).answer(o),
    pc.localDescription!.sdp,
  );
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  for (const c of channels) if (c.readyState !== "open") await once(c, "open");
  return { pc, channels };
}

/** Chromium offers, purertc answers. */
async function weAnswer(page: Page, labels: string[], api = webrtc, config: RTCConfiguration = {}) {
  const pc = new api.RTCPeerConnection(config);
  const channels: RTCDataChannel[] = [];
  const all = new Promise<void>((resolve) => {
    pc.ondatachannel = (e) => {
      channels.push(e.channel);
      if (channels.length === labels.length) resolve();
    };
  });
  const offer = await page.evaluate(
    (l) => (globalThis as never as { offer(l: string[]): Promise<string> }).offer(l),
    labels,
  );
  await pc.setRemoteDescription({ type: "offer", sdp: offer });
  await pc.setLocalDescription();
  await gathered(pc);
  await page.evaluate(
    (a) => (globalThis as never as { accept(s: string): Promise<void> }).accept(a),
    pc.localDescription!.sdp,
  );
  await all;
  await until(pc, "connected");
  return { pc, channels: labels.map((l) => channels.find((c) => c.label === l)!) };
}

async function echo(ch: RTCDataChannel): Promise<void> {
  const sizes = [1, 2, 100, 1000, 1200, 4096, 16384, 65535, 65536, 100_000, 262144];
  const sent: (string | Uint8Array)[] = [];
  for (const n of sizes) {
    sent.push("é".repeat(Math.floor(n / 2)) + (n % 2 ? "z" : "")); // n UTF-8 bytes
    sent.push(new Uint8Array(n).map((_, i) => (i * 31 + n) & 255));
  }
  const got: (string | ArrayBuffer)[] = [];
  const done = new Promise<void>((resolve) => {
    ch.onmessage = (e) => {
      got.push(e.data as string | ArrayBuffer);
      if (got.length === sent.length) resolve();
    };
  });
  for (const m of sent) ch.send(m);
  await done;
  got.forEach((g, i) => {
    const s = sent[i]!;
    if (typeof s === "string") expect(g).toBe(s);
    else expect(new Uint8Array(g as ArrayBuffer)).toEqual(s);
  });
}

async function bulk(ch: RTCDataChannel, total: number): Promise<void> {
  const chunk = 16384;
  let h = 2166136261;
  let sent = 0;
  let seq = 0;
  ch.bufferedAmountLowThreshold = 256 * 1024;
  const reply = once<MessageEvent>(ch, "message");
  while (sent < total) {
    while (ch.bufferedAmount > 1024 * 1024) await once(ch, "bufferedamountlow");
    const b = new Uint8Array(Math.min(chunk, total - sent)).map((_, i) => (i + seq * 13) & 255);
    seq++;
    h = fnv1a(h, b);
    ch.send(b);
    sent += b.length;
  }
  expect((await reply).data).toBe(`done:${total}:${h}`);
}

describe.skipIf(unavailable !== undefined)("interop with headless Chromium", () => {
  let browser: LaunchedChromium;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    ({ server, url } = await servePage());
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  for (const side of ["offerer", "answerer"] as const) {
    it(`purertc as ${side}: echo of text and binary 1 B…256 KiB, then 16 MiB bulk with backpressure`, async () => {
      const page = await browser.browser.newPage();
      await page.goto(url);
      const total = 16 * 1024 * 1024;
      const labels = ["echo", `bulk:${total}`];
      const { pc, channels } =
        side === "offerer" ? await weOffer(page, labels) : await weAnswer(page, labels);
      await echo(channels[0]!);
      await bulk(channels[1]!, total);
      const stats = await pc.getStats();
      const types = new Set([...stats.values()].map((s) => s.type));
      for (const t of [
        "peer-connection",
        "data-channel",
        "transport",
        "candidate-pair",
        "local-candidate",
        "remote-candidate",
        "certificate",
      ])
        expect(types).toContain(t);
      pc.close();
      await page.close();
    }, 120_000);
  }

  describe("relay-only through our TURN server (startTurnServer on 127.0.0.1)", () => {
    let turn: NodeTurnServer;
    let config: RTCConfiguration;
    beforeAll(async () => {
      turn = await startTurnServer({
        listeners: [{ transport: "udp", address: "127.0.0.1", port: 0 }],
        users: { alice: "secret" },
        realm: "purertc.test",
        allowedPeers: ["127.0.0.0/8"],
      });
      config = {
        iceServers: [
          {
            urls: `turn:127.0.0.1:${turn.addresses.udp[0]!.port}`,
            username: "alice",
            credential: "secret",
          },
        ],
        iceTransportPolicy: "relay",
      };
    });
    afterAll(async () => {
      await turn?.close();
    });

    for (const side of ["offerer", "answerer"] as const) {
      it(`purertc as ${side}: Chromium with iceTransportPolicy relay and our TURN server as its only iceServer, echo of text and binary 1 B…256 KiB`, async () => {
        const page = await browser.browser.newPage();
        await page.goto(url);
        await page.evaluate((c) => {
          (globalThis as never as { pcConfig: unknown }).pcConfig = c;
        }, config);
        const { pc, channels } =
          side === "offerer"
            ? await weOffer(page, ["echo"], config)
            : await weAnswer(page, ["echo"], webrtc, config);
        // Only relayed candidates were signalled, both ways.
        for (const sdp of [pc.localDescription!.sdp, pc.remoteDescription!.sdp]) {
          const candidates = sdp.split("\r\n").filter((l) => l.startsWith("a=candidate:"));
          expect(candidates.length).toBeGreaterThan(0);
          for (const c of candidates) expect(c).toMatch(/ typ relay /);
        }
        const allocations = turn.core.stats().allocations;
        expect(allocations).toBeGreaterThanOrEqual(2);
        const before = turn.core.stats().packetsToPeer;
        await echo(channels[0]!);
        expect(turn.core.stats().packetsToPeer - before).toBeGreaterThanOrEqual(22);
        const ours = pc.sctp!.transport.iceTransport.getSelectedCandidatePair()!;
        expect([ours.local.type, ours.remote.type]).toEqual(["relay", "relay"]);
        const theirs = await page.evaluate(() =>
          (globalThis as never as { selectedPair(): Promise<unknown> }).selectedPair(),
        );
        expect(theirs).toMatchObject({ local: "relay", remote: "relay", relayProtocol: "udp" });
        pc.close();
        await page.close();
      }, 60_000);
    }
  });
});
