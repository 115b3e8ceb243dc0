/**
 * Steps of the browser interop scenarios run by the Node half (firefox-scenario.ts) on a
 * connected {@link Session}: many channels at once, closing from either side and both, a
 * renegotiation that adds channels, an ICE restart during traffic. Each step checks both ends
 * (ours directly, the browser's through its page) and throws an AssertionError on a mismatch.
 */
import { deepStrictEqual, equal, notStrictEqual, ok, strictEqual } from "node:assert/strict";
import type {
  RTCDataChannel,
  RTCDataChannelInit,
  RTCPeerConnection,
} from "../../src/node/index.js";
import { once } from "../node/helpers.js";
import type { RemotePage } from "./firefox-page.js";

/** A connected peer connection and the browser page on the other end. */
export interface Session {
  readonly pc: RTCPeerConnection;
  readonly page: RemotePage;
  /** Every channel by label (the latest one of a label). */
  readonly channels: Map<string, RTCDataChannel>;
  readonly bulkBytes: number;
  /** Channel ids freed by closes, ours and the browser's. */
  readonly freed: Set<number>;
}

/** The browser's view of one of its channels (firefox-page.ts `channelInfo`). */
export interface PageChannel {
  label: string;
  id: number | null;
  ordered: boolean;
  maxRetransmits: number | null;
  negotiated: boolean;
  readyState: string;
  received: number;
  receivedAtClose: number | null;
}

/** The browser's peer connection (firefox-page.ts `pcInfo`). */
interface PagePc {
  connectionState: string;
  iceConnectionState: string;
  signalingState: string;
  dtlsState: string;
  localUfrag: string;
  remoteUfrag: string;
}

/** Rejects with `what()` after `ms` unless `p` settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: () => Promise<string> | string) {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => void Promise.resolve(what()).then((w) => reject(new Error(`timed out: ${w}`))),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** `n` UTF-8 bytes of text, or `n` patterned bytes. */
export function message(n: number, text: boolean): string | Uint8Array {
  if (text) return "é".repeat(Math.floor(n / 2)) + (n % 2 ? "z" : "");
  return new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
}

export async function open(ch: RTCDataChannel): Promise<void> {
  if (ch.readyState !== "open") await once(ch, "open");
}

export async function pageChannel(s: Session, label: string): Promise<PageChannel> {
  const all = await s.page.evaluate<PageChannel[]>("channelInfo");
  const c = all.filter((x) => x.label === label).pop();
  ok(c, `the browser has no channel ${label}: ${JSON.stringify(all)}`);
  return c;
}

/** Sends everything at once, then checks each echo against what was sent (in order if `ordered`). */
export async function echoAll(
  s: Session,
  ch: RTCDataChannel,
  sent: (string | Uint8Array)[],
  ordered = true,
) {
  const got: (string | Uint8Array)[] = [];
  const done = new Promise<void>((resolve) => {
    ch.onmessage = (e) => {
      got.push(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
      if (got.length === sent.length) resolve();
    };
  });
  for (const m of sent) ch.send(m);
  await withTimeout(done, 15_000, async () => {
    const theirs = await pageChannel(s, ch.label).catch(String);
    return `${got.length} of ${sent.length} echoes on ${ch.label}; the browser's view: ${JSON.stringify(theirs)}`;
  });
  const key = (m: string | Uint8Array) =>
    typeof m === "string" ? `t${m.length}:${m}` : `b${m.length}:${Buffer.from(m).toString("hex")}`;
  if (ordered) {
    got.forEach((g, i) => {
      const s = sent[i]!;
      equal(typeof g, typeof s, `message ${i}: type`);
      deepStrictEqual(g, s, `message ${i} (${typeof s === "string" ? "text" : "binary"})`);
    });
  } else {
    deepStrictEqual(got.map(key).sort(), sent.map(key).sort());
  }
}

/** Our DTLS role from getStats: the client's channel ids are even, the server's odd (RFC 8832 §6). */
async function ourParity(pc: RTCPeerConnection): Promise<number> {
  const stats = [...(await pc.getStats()).values()];
  const transport = stats.find((x) => x.type === "transport") as { dtlsRole?: string };
  ok(transport.dtlsRole === "client" || transport.dtlsRole === "server", "DTLS role unknown");
  return transport.dtlsRole === "client" ? 0 : 1;
}

/** Resolves with the channels the browser opens, by label, once all of `labels` arrived. */
function incoming(s: Session, labels: string[]): Promise<RTCDataChannel[]> {
  const want = new Set(labels);
  const got = new Map<string, RTCDataChannel>();
  return new Promise((resolve) => {
    const on = (e: Event) => {
      const ch = (e as Event & { channel: RTCDataChannel }).channel;
      if (!want.has(ch.label)) return;
      got.set(ch.label, ch);
      s.channels.set(ch.label, ch);
      if (got.size < want.size) return;
      s.pc.removeEventListener("datachannel", on);
      resolve(labels.map((l) => got.get(l)!));
    };
    s.pc.addEventListener("datachannel", on);
  });
}

async function pagePc(s: Session): Promise<PagePc> {
  const info = await s.page.evaluate<PagePc>("pcInfo");
  ok(info.localUfrag && info.remoteUfrag, `the browser's ufrags: ${JSON.stringify(info)}`);
  return info;
}

/**
 * 20 channels created by us and 20 by the browser, all at once: every one opens on both sides
 * with the same id, ours of our DTLS role's parity and the browser's of the other, no id twice;
 * each echoes; then we close them all and both sides see them closed.
 */
export async function manyChannels(s: Session) {
  const n = 20;
  const parity = await ourParity(s.pc);
  const ourLabels = Array.from({ length: n }, (_, i) => `many-us-${i}`);
  const theirLabels = Array.from({ length: n }, (_, i) => `many-them-${i}`);
  const arriving = incoming(s, theirLabels);
  const ours = ourLabels.map((l) => s.pc.createDataChannel(l));
  for (const ch of ours) s.channels.set(ch.label, ch);
  await s.page.evaluate(
    "createChannels",
    theirLabels.map((label) => ({ label })),
  );
  const all = [...ours, ...(await withTimeout(arriving, 10_000, () => "the browser's channels"))];
  await withTimeout(Promise.all(all.map(open)), 10_000, () =>
    all.map((c) => `${c.label}#${c.id}:${c.readyState}`).join(" "),
  );
  const theirIds = await s.page.evaluate<number[]>("waitChannels", {
    labels: [...ourLabels, ...theirLabels],
    state: "open",
    ms: 10_000,
  });
  deepStrictEqual(
    theirIds,
    all.map((c) => c.id),
    "the browser sees other ids",
  );
  for (const ch of ours) strictEqual(ch.id! % 2, parity, `${ch.label} id ${ch.id}`);
  for (const ch of all.slice(n)) strictEqual(ch.id! % 2, 1 - parity, `${ch.label} id ${ch.id}`);
  const ids = [...s.channels.values()].filter((c) => c.readyState === "open").map((c) => c.id);
  strictEqual(new Set(ids).size, ids.length, `ids collide: ${ids}`);
  await Promise.all(
    all.map((ch, i) => echoAll(s, ch, [`${ch.label}:${i}`, message(1000 + i, false)])),
  );
  const closed = all.map((ch) => once(ch, "close"));
  for (const ch of all) ch.close();
  await withTimeout(Promise.all(closed), 10_000, () => "our close events");
  await s.page.evaluate("waitChannels", {
    labels: [...ourLabels, ...theirLabels],
    state: "closed",
    ms: 10_000,
  });
  for (const ch of all) s.freed.add(ch.id!);
  return { ours: ours.map((c) => c.id), theirs: all.slice(n).map((c) => c.id) };
}

/** 40 messages of 1 B … 39 KiB, text and binary, tagged with the channel label. */
function burst(label: string): (string | Uint8Array)[] {
  return Array.from({ length: 40 }, (_, i) =>
    i % 2 ? `${label}#${i}:${"c".repeat(i * 1000)}` : message(1 + i * 1000, false),
  );
}

/** Counts what arrives on `ch` until its close event, which resolves with the count. */
function countUntilClose(ch: RTCDataChannel): Promise<number> {
  let n = 0;
  ch.onmessage = () => n++;
  return new Promise((resolve) => ch.addEventListener("close", () => resolve(n), { once: true }));
}

/**
 * Closing (RFC 8831 §6.7, stream reset): `sink-us` is closed by us right after a burst, `sink-them`
 * by the browser right after one, `sink-both-*` by both at once, each side having sent a burst.
 * Close events fire on both sides, no message sent before a one-sided close is lost, the connection stays
 * up, the old channels still echo, and freed ids are used again: a new channel of ours gets a
 * freed id, and a negotiated channel on a just-closed id carries data.
 */
export async function closeChannels(s: Session) {
  const labels = ["sink-us", "sink-them", "sink-both-a", "sink-both-b"];
  const mixed = { us: ["sink-us", "sink-both-a"], them: ["sink-them", "sink-both-b"] };
  const arriving = incoming(s, mixed.them);
  for (const l of mixed.us) s.channels.set(l, s.pc.createDataChannel(l));
  await s.page.evaluate(
    "createChannels",
    mixed.them.map((label) => ({ label })),
  );
  await withTimeout(arriving, 10_000, () => "the browser's sink channels");
  const chs = labels.map((l) => s.channels.get(l)!);
  await Promise.all(chs.map(open));
  await s.page.evaluate("waitChannels", { labels, state: "open", ms: 10_000 });
  const counts = chs.map(countUntilClose);
  // We close sink-us and both sink-both-*; the browser closes sink-them and both sink-both-*.
  const ourSide = [chs[0]!, chs[2]!, chs[3]!];
  for (const ch of ourSide) {
    for (const m of burst(ch.label)) ch.send(m);
    ch.close();
  }
  const theirSide = ["sink-them", "sink-both-a", "sink-both-b"];
  const theirs = Promise.all(
    theirSide.map((l) =>
      s.page.evaluate("sendThenClose", { labels: [l], messages: burst(l).map(asText) }),
    ),
  );
  await theirs;
  const got = await withTimeout(Promise.all(counts), 15_000, () =>
    chs.map((c) => `${c.label}:${c.readyState}`).join(" "),
  );
  await s.page.evaluate("waitChannels", { labels, state: "closed", ms: 15_000 });
  const page = await Promise.all(labels.map((l) => pageChannel(s, l)));
  const n = burst("x").length;
  const theirCounts = page.map((p) => p.receivedAtClose);
  // Closed by one side: the other received every message sent before the close. Closed by both
  // at once: each discards what arrives once it is closing itself (webrtc-pc §6.2), so only an
  // upper bound holds there.
  deepStrictEqual(got.slice(0, 2), [0, n], `messages we received before close on ${labels}`);
  deepStrictEqual(theirCounts.slice(0, 2), [n, 0], `the browser's counts on ${labels}`);
  for (const c of [...got.slice(2), ...theirCounts.slice(2)]) ok(c !== null && c <= n);
  strictEqual(s.pc.connectionState, "connected");
  strictEqual((await pagePc(s)).connectionState, "connected");
  await echoAll(s, s.channels.get("echo")!, ["still up", message(5000, false)]);
  for (const ch of chs) s.freed.add(ch.id!);
  // A new channel of ours takes the lowest free id of our parity: one that was freed.
  const again = s.pc.createDataChannel("reused");
  s.channels.set("reused", again);
  await open(again);
  ok(s.freed.has(again.id!), `new channel id ${again.id} is not one of the freed ${[...s.freed]}`);
  await echoAll(s, again, ["reused id", message(3000, false)]);
  // A negotiated channel on the id the browser's sink-them just released. Nothing tells one
  // end that the other created its side of a negotiated channel (RFC 8832 §6), so the step
  // waits for the browser's `open` before sending, as an application must: Chromium dispatches
  // `message` on a negotiated channel whose readyState is still "connecting" when data arrives
  // right after createDataChannel (against webrtc-pc §6.2), and its page's echo then throws
  // InvalidStateError — the lost echoes of issue #11's note, seen in Chromium's console log.
  const id = chs[1]!.id!;
  const spec = { label: "renegotiated-id", init: { negotiated: true, id } };
  await s.page.evaluate("addNegotiated", spec);
  const neg = s.pc.createDataChannel(spec.label, spec.init as RTCDataChannelInit);
  s.channels.set(spec.label, neg);
  await open(neg);
  await s.page.evaluate("waitChannels", { labels: [spec.label], state: "open", ms: 10_000 });
  await echoAll(s, neg, ["negotiated on a freed id", message(2000, false)]);
  return { closedIds: chs.map((c) => c.id), reusedId: again.id, negotiatedId: id };
}

/** The browser's page gets its burst as text (JSON carries no bytes). */
function asText(m: string | Uint8Array): string {
  return typeof m === "string" ? m : `bin:${m.length}`;
}

/** What must not change across a renegotiation: ICE credentials and the DTLS transport. */
function transportWatch(pc: RTCPeerConnection) {
  const dtls = pc.sctp!.transport;
  const ice = dtls.iceTransport;
  const changes: string[] = [];
  const onDtls = () => changes.push(`dtls ${dtls.state}`);
  const onIce = () => changes.push(`ice ${ice.state}`);
  dtls.addEventListener("statechange", onDtls);
  ice.addEventListener("statechange", onIce);
  return {
    changes,
    stop() {
      dtls.removeEventListener("statechange", onDtls);
      ice.removeEventListener("statechange", onIce);
    },
  };
}

const ufragOf = (sdp: string | undefined) => /a=ice-ufrag:(\S+)/.exec(sdp ?? "")?.[1];

/** Renegotiation with `iceRestart` from us: offer, the browser answers. */
async function weReoffer(s: Session, iceRestart: boolean) {
  if (iceRestart) s.pc.restartIce();
  const gathered = iceRestart ? endOfCandidates(s.pc) : Promise.resolve();
  await s.pc.setLocalDescription();
  await withTimeout(gathered, 10_000, () => "our gathering after the restart");
  const answer = await s.page.evaluate<string>("reanswer", {
    sdp: s.pc.localDescription!.sdp,
    iceRestart,
  });
  await s.pc.setRemoteDescription({ type: "answer", sdp: answer });
}

/** Renegotiation with `iceRestart` from the browser: it offers, we answer. */
async function theyReoffer(s: Session, iceRestart: boolean) {
  const offer = await s.page.evaluate<string>("reoffer", iceRestart);
  await s.pc.setRemoteDescription({ type: "offer", sdp: offer });
  const gathered = iceRestart ? endOfCandidates(s.pc) : Promise.resolve();
  await s.pc.setLocalDescription();
  await withTimeout(gathered, 10_000, () => "our gathering after the restart");
  await s.page.evaluate("accept", s.pc.localDescription!.sdp);
}

function endOfCandidates(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: Event) => {
      if ((e as Event & { candidate: unknown }).candidate) return;
      pc.removeEventListener("icecandidate", on);
      resolve();
    };
    pc.addEventListener("icecandidate", on);
  });
}

/**
 * Renegotiation that adds channels after connect, first offered by us, then by the browser:
 * each new channel opens and echoes, the old ones too; both stay stable with the same ICE
 * credentials and no DTLS or ICE state change (no restart).
 */
export async function renegotiate(s: Session) {
  const before = { ours: ufragOf(s.pc.localDescription?.sdp), page: await pagePc(s) };
  const watch = transportWatch(s.pc);
  const late = s.pc.createDataChannel("late-us");
  s.channels.set(late.label, late);
  await weReoffer(s, false);
  const arriving = incoming(s, ["late-them"]);
  await s.page.evaluate("createChannels", [{ label: "late-them" }]);
  await theyReoffer(s, false);
  const [lateThem] = await withTimeout(arriving, 10_000, () => "late-them");
  for (const ch of [late, lateThem!, s.channels.get("echo")!]) {
    await open(ch);
    await echoAll(s, ch, [`${ch.label} after renegotiation`, message(20_000, false)]);
  }
  watch.stop();
  const after = await pagePc(s);
  deepStrictEqual(watch.changes, [], "our ICE/DTLS transports changed state");
  strictEqual(s.pc.signalingState, "stable");
  strictEqual(after.signalingState, "stable");
  strictEqual(ufragOf(s.pc.localDescription?.sdp), before.ours, "our ufrag changed");
  deepStrictEqual(
    [after.localUfrag, after.remoteUfrag, after.dtlsState],
    [before.page.localUfrag, before.page.remoteUfrag, "connected"],
    "the browser restarted ICE or DTLS",
  );
  return { ids: [late.id, lateThem!.id] };
}

/**
 * ICE restart during traffic, initiated by `by`: 300 messages paced over the restart are all
 * echoed, in order; both sides end with new ICE credentials (local and remote), connected, with
 * the same DTLS transport.
 */
export async function iceRestart(s: Session, by: "us" | "browser") {
  const before = { ours: ufragOf(s.pc.localDescription?.sdp), page: await pagePc(s) };
  const ch = s.channels.get("echo")!;
  const sent = Array.from({ length: 300 }, (_, i) =>
    i % 3 ? `restart ${i} ${"r".repeat(i * 3)}` : message(100 + i * 7, false),
  );
  const got: (string | Uint8Array)[] = [];
  const done = new Promise<void>((resolve) => {
    ch.onmessage = (e) => {
      got.push(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
      if (got.length === sent.length) resolve();
    };
  });
  const traffic = (async () => {
    for (let i = 0; i < sent.length; i++) {
      ch.send(sent[i]!);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  if (by === "us") await weReoffer(s, true);
  else await theyReoffer(s, true);
  await traffic;
  await withTimeout(done, 20_000, () => `${got.length} of ${sent.length} echoes after the restart`);
  got.forEach((g, i) => {
    deepStrictEqual(g, sent[i], `message ${i}`);
  });
  const after = await pagePc(s);
  notStrictEqual(ufragOf(s.pc.localDescription?.sdp), before.ours, "our ufrag is unchanged");
  notStrictEqual(ufragOf(s.pc.remoteDescription?.sdp), before.page.localUfrag);
  notStrictEqual(after.localUfrag, before.page.localUfrag, "the browser's ufrag is unchanged");
  strictEqual(after.remoteUfrag, ufragOf(s.pc.localDescription?.sdp));
  strictEqual(s.pc.sctp!.transport.state, "connected");
  strictEqual(after.dtlsState, "connected");
  strictEqual(after.connectionState, "connected");
  // Our side may still be finishing the new pair's checks; it must settle on connected.
  if (s.pc.connectionState !== "connected")
    await withTimeout(
      new Promise<void>((r) => {
        const on = () => s.pc.connectionState === "connected" && r();
        s.pc.addEventListener("connectionstatechange", on);
      }),
      10_000,
      () => `our connection is ${s.pc.connectionState}`,
    );
  return { messages: sent.length, ufrags: [ufragOf(s.pc.localDescription?.sdp), after.localUfrag] };
}
