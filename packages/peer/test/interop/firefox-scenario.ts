/**
 * The Node half of the Firefox interop tests, run as a child process INSIDE the test's network
 * namespace (Firefox gathers only its default-route address, so both ends live where the only
 * interface is `lo`). It serves the page, plays purertc's side, and checks everything itself;
 * the vitest process drives it with JSON lines on stdin and reads one JSON result line per
 * command on stdout (`{"ready": url}` first). Logs (`DEBUG=purertc:*`) go to stderr.
 *
 * Commands: `connect` {side, page, mdns?, address?, bulkBytes, relay?}, `echo`, `bulk`,
 * `unordered`, `negotiated`, `many`, `closing`, `renegotiate`, `restart-us`, `restart-browser`
 * (scenario-steps.ts), `close`. Started by firefox-harness.ts; not a test file itself.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { createInterface } from "node:readline";
import { type Coturn, startCoturn } from "@purertc/testkit/node";
import { type NodeTurnServer, startTurnServer } from "@purertc/turn/node";
import {
  createWebRtc,
  type RTCConfiguration,
  type RTCDataChannel,
  type RTCDataChannelInit,
} from "../../src/node/index.js";
import { gathered, once, until } from "../node/helpers.js";
import { fnv1a } from "./browser-page.js";
import { serveFirefoxPage } from "./firefox-page.js";
import {
  closeChannels,
  echoAll,
  iceRestart,
  manyChannels,
  message,
  open,
  pageChannel,
  renegotiate,
  type Session,
  withTimeout,
} from "./scenario-steps.js";

/** What both sides create; `neg` is negotiated out of band with id 5 (RFC 8832 §6). */
const NEGOTIATED = { label: "neg", init: { negotiated: true, id: 5 } } as const;
const UNORDERED = { label: "unordered", init: { ordered: false, maxRetransmits: 0 } } as const;

type Side = "offerer" | "answerer";

interface Command {
  readonly id: number;
  readonly cmd: string;
  readonly side?: Side;
  readonly page?: string;
  readonly mdns?: boolean;
  /** With `mdns`: wait until the browser's `.local` candidate is the selected pair's remote (default). */
  readonly resolveMdns?: boolean;
  readonly address?: string;
  readonly bulkBytes?: number;
  /** Relay-only on both ends through this TURN server, started in the namespace. */
  readonly relay?: "coturn" | "ours";
}

let relayServer: { coturn?: Coturn; ours?: NodeTurnServer } = {};

/** Starts the TURN server of `kind` on 127.0.0.1 and returns the relay-only configuration. */
async function relayConfig(kind: "coturn" | "ours"): Promise<RTCConfiguration> {
  let port: number;
  if (kind === "coturn") {
    relayServer.coturn = await startCoturn({ users: { alice: "secret" }, realm: "purertc.test" });
    port = relayServer.coturn.port;
  } else {
    relayServer.ours = await startTurnServer({
      listeners: [{ transport: "udp", address: "127.0.0.1", port: 0 }],
      users: { alice: "secret" },
      realm: "purertc.test",
      allowedPeers: ["127.0.0.0/8"],
    });
    port = relayServer.ours.addresses.udp[0]!.port;
  }
  return {
    iceServers: [{ urls: `turn:127.0.0.1:${port}`, username: "alice", credential: "secret" }],
    iceTransportPolicy: "relay",
  };
}

async function stopRelay(): Promise<void> {
  await relayServer.coturn?.stop();
  await relayServer.ours?.close();
  relayServer = {};
}

const apis = new Map<string, ReturnType<typeof createWebRtc>>();
function api(address: string, mdns: boolean) {
  const key = `${address}/${mdns}`;
  let a = apis.get(key);
  if (!a) {
    a = createWebRtc({ addresses: [address], mdns: mdns ? "query-only" : "disabled" });
    apis.set(key, a);
  }
  return a;
}

async function connect(c: Command, server: Awaited<ReturnType<typeof serveFirefoxPage>>) {
  const page = server.page(c.page ?? "main");
  await withTimeout(page.ready, 20_000, () => "the Firefox page never polled");
  await page.evaluate("closePc");
  await page.evaluate("setSkipGum", c.mdns === true); // no media permission → mDNS names
  const config = c.relay ? await relayConfig(c.relay) : {};
  await page.evaluate("setConfig", config);
  const bulkBytes = c.bulkBytes ?? 0;
  const specs: { label: string; init?: RTCDataChannelInit }[] = [
    { label: "echo" },
    { label: `bulk:${bulkBytes}` },
    UNORDERED,
  ];
  const pc = new (api(c.address ?? "127.0.0.1", c.mdns === true).RTCPeerConnection)(config);
  const channels = new Map<string, RTCDataChannel>();
  const state = async () =>
    `${c.side} connection ${pc.connectionState}, ICE ${pc.iceConnectionState}, channels ${[
      ...channels.values(),
    ].map((ch) => `${ch.label}#${ch.id}:${ch.readyState}`)}; Firefox ${JSON.stringify(
      await page.evaluate("sctpInfo").catch(String),
    )} ${JSON.stringify(await page.evaluate("channelInfo").catch(String))}`;
  const run = async () => {
    if (c.side === "offerer") {
      for (const s of specs) channels.set(s.label, pc.createDataChannel(s.label, s.init));
      channels.set(NEGOTIATED.label, pc.createDataChannel(NEGOTIATED.label, NEGOTIATED.init));
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = await page.evaluate<string>("answer", pc.localDescription!.sdp);
      await page.evaluate("addNegotiated", NEGOTIATED);
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
    } else {
      const all = new Promise<void>((resolve) => {
        pc.ondatachannel = (e) => {
          channels.set(e.channel.label, e.channel);
          if (channels.size === specs.length + 1) resolve();
        };
      });
      const offer = await page.evaluate<string>("offerChannels", [...specs, NEGOTIATED]);
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
      channels.set(NEGOTIATED.label, pc.createDataChannel(NEGOTIATED.label, NEGOTIATED.init));
      await pc.setLocalDescription();
      await gathered(pc);
      await page.evaluate("accept", pc.localDescription!.sdp);
      await all;
    }
    await until(pc, "connected");
    for (const ch of channels.values()) await open(ch);
  };
  await withTimeout(run(), 20_000, state);
  const ice = pc.sctp!.transport.iceTransport;
  const remoteSdp = pc.remoteDescription!.sdp;
  if (c.mdns) match(remoteSdp, / [0-9a-f-]{36}\.local \d+ typ host/, "no .local candidate sent");
  if (c.mdns && c.resolveMdns !== false) {
    // Firefox's checks arrive first, so the pair starts peer-reflexive; once our mDNS query is
    // answered, the signalled .local host candidate takes it over (RFC 8828 §3.2.1, RFC 8838 §11.4).
    await withTimeout(
      (async () => {
        while (ice.getSelectedCandidatePair()!.remote.type !== "host")
          await new Promise((r) => setTimeout(r, 50));
      })(),
      8000,
      async () => {
        const remotes = [...(await pc.getStats()).values()].filter(
          (x) => x.type === "remote-candidate",
        );
        return `the .local name never resolved: selected remote ${JSON.stringify(
          ice.getSelectedCandidatePair()!.remote,
        )}; remote candidates ${JSON.stringify(remotes)}`;
      },
    );
    match(ice.getSelectedCandidatePair()!.remote.address ?? "", /\.local$/);
  }
  const pair = ice.getSelectedCandidatePair()!;
  const stats = [...(await pc.getStats()).values()];
  const transport = stats.find((s) => s.type === "transport") as Record<string, unknown>;
  session = {
    pc,
    page,
    channels,
    bulkBytes,
    freed: new Set(),
  };
  if (c.relay) {
    // Only relayed candidates were signalled, both ways, and both ends selected relay/relay.
    for (const sdp of [pc.localDescription!.sdp, remoteSdp]) {
      const candidates = sdp.split("\r\n").filter((l) => l.startsWith("a=candidate:"));
      ok(candidates.length > 0, "no candidate signalled");
      for (const line of candidates) match(line, / typ relay /);
    }
    deepStrictEqual([pair.local.type, pair.remote.type], ["relay", "relay"]);
    const theirs = await page.evaluate<{ local: string; remote: string }>("selectedPair");
    deepStrictEqual([theirs.local, theirs.remote], ["relay", "relay"], "the browser's pair");
  }
  return {
    relayed: relayServer.ours ? relayServer.ours.core.stats().packetsToPeer : undefined,
    dtlsRole: transport.dtlsRole,
    dtlsCipher: transport.dtlsCipher,
    pair: `${pair.local.address}:${pair.local.port} ↔ ${pair.remote.type} ${pair.remote.address}:${pair.remote.port}`,
    remoteCandidates: remoteSdp.split("\r\n").filter((l) => l.startsWith("a=candidate")),
    ids: Object.fromEntries([...channels].map(([l, ch]) => [l, ch.id])),
  };
}

/** 100 messages: 50 sizes from 1 B to 256 KiB (geometric), each as text and as binary. */
async function echo(s: Session) {
  const sizes = Array.from({ length: 50 }, (_, i) => Math.round(262144 ** (i / 49)));
  const sent = sizes.flatMap((n) => [message(n, true), message(n, false)]);
  await echoAll(s, s.channels.get("echo")!, sent);
  return { messages: sent.length, bytes: sizes.reduce((a, b) => a + 2 * b, 0) };
}

/** Bulk with backpressure (bufferedAmount / bufferedamountlow); Firefox reports an FNV-1a. */
async function bulk(s: Session) {
  const ch = s.channels.get(`bulk:${s.bulkBytes}`)!;
  const total = s.bulkBytes;
  const chunk = 16384;
  let h = 2166136261;
  let sent = 0;
  let seq = 0;
  let waits = 0;
  ch.bufferedAmountLowThreshold = 256 * 1024;
  const reply = once<MessageEvent>(ch, "message");
  const t0 = performance.now();
  while (sent < total) {
    while (ch.bufferedAmount > 1024 * 1024) {
      waits++;
      await withTimeout(once(ch, "bufferedamountlow"), 10_000, () => `bufferedamountlow`);
    }
    const b = new Uint8Array(Math.min(chunk, total - sent)).map((_, i) => (i + seq * 13) & 255);
    seq++;
    h = fnv1a(h, b);
    ch.send(b);
    sent += b.length;
  }
  const got = await withTimeout(
    reply,
    20_000,
    () => `Firefox's checksum (${ch.bufferedAmount} buffered)`,
  );
  strictEqual(got.data, `done:${total}:${h}`);
  ok(waits > 0, "the sender never had to wait: backpressure was not exercised");
  const ms = performance.now() - t0;
  return { bytes: total, ms: Math.round(ms), mbPerS: +(total / 1e3 / ms).toFixed(1), waits };
}

/** Unordered, maxRetransmits 0 (RFC 8831 §6.1 partial reliability) seen the same on both sides. */
async function unordered(s: Session) {
  const ch = s.channels.get(UNORDERED.label)!;
  strictEqual(ch.ordered, false);
  strictEqual(ch.maxRetransmits, 0);
  const theirs = await pageChannel(s, UNORDERED.label);
  deepStrictEqual([theirs.ordered, theirs.maxRetransmits, theirs.id], [false, 0, ch.id]);
  const sent = Array.from({ length: 100 }, (_, i) =>
    i % 2 ? `${i}:${"u".repeat(i * 10)}` : new Uint8Array(1000 + i).fill(i),
  );
  // Bursts of 25 (~25 KB): a lost datagram is never retransmitted on this channel, so the
  // test keeps each burst far below a loopback socket's receive buffer on a loaded machine.
  for (let i = 0; i < sent.length; i += 25) await echoAll(s, ch, sent.slice(i, i + 25), false);
  return { id: ch.id, messages: sent.length };
}

/** The negotiated channel (id 5, no DCEP) carries data both ways; DCEP ids avoided 5. */
async function negotiated(s: Session) {
  const ch = s.channels.get(NEGOTIATED.label)!;
  strictEqual(ch.id, 5);
  strictEqual(ch.negotiated, true);
  const theirs = await pageChannel(s, NEGOTIATED.label);
  deepStrictEqual([theirs.id, theirs.negotiated, theirs.readyState], [5, true, "open"]);
  const ids = [...s.channels.values()].map((c) => c.id);
  strictEqual(new Set(ids).size, ids.length, `channel ids collide: ${ids}`);
  const sent = [1, 1000, 70_000].flatMap((n) => [message(n, true), message(n, false)]);
  await echoAll(s, ch, sent);
  return { ids: Object.fromEntries([...s.channels].map(([l, c]) => [l, c.id])) };
}

let session: Session | undefined;

async function main() {
  const server = await serveFirefoxPage();
  const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  out({ ready: server.url });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const c = JSON.parse(line) as Command;
    const t0 = performance.now();
    try {
      let info: unknown;
      if (c.cmd === "connect") info = await connect(c, server);
      else if (c.cmd === "close") {
        session?.pc.close();
        await session?.page.evaluate("closePc");
        session = undefined;
        await stopRelay();
      } else {
        if (!session) throw new Error("not connected");
        const step = {
          echo,
          bulk,
          unordered,
          negotiated,
          many: manyChannels,
          closing: closeChannels,
          renegotiate,
          "restart-us": (s: Session) => iceRestart(s, "us"),
          "restart-browser": (s: Session) => iceRestart(s, "browser"),
        }[c.cmd];
        if (!step) throw new Error(`unknown command ${c.cmd}`);
        info = await step(session);
      }
      out({ id: c.id, ok: true, info, ms: Math.round(performance.now() - t0) });
    } catch (e) {
      out({ id: c.id, ok: false, error: String((e as Error).stack ?? e) });
    }
  }
  session?.pc.close();
  await stopRelay();
  await server.close();
}

await main();
