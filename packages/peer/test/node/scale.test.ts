/**
 * Scale (issue 11, Speed and memory): 200 pairs connected at the same time in one process, each
 * with an open channel that echoes, then all closed — every peer reaches `closed`, and no socket,
 * timer or immediate is left behind (`process.getActiveResourcesInfo()`). The same for 100 pairs
 * whose offering sides share one UDP port (single-port mode, as a server would run): the mux
 * routes 100 agents' traffic at once.
 */
import { IceUdpMux } from "@purertc/ice/node";
import { describe, expect, it } from "vitest";
import {
  createWebRtc,
  type RTCDataChannel,
  type RTCPeerConnection,
  type WebRtc,
} from "../../src/node/index.js";
import { negotiate, once, trickle, webrtc } from "./helpers.js";

interface Pair {
  readonly a: RTCPeerConnection;
  readonly b: RTCPeerConnection;
  readonly ca: RTCDataChannel;
  readonly cb: RTCDataChannel;
}

async function connectPair(wa: WebRtc, wb: WebRtc, i: number): Promise<Pair> {
  const a = new wa.RTCPeerConnection();
  const b = new wb.RTCPeerConnection();
  trickle(a, b);
  const ca = a.createDataChannel(`scale-${i}`);
  const incoming = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
  const openA = once(ca, "open");
  await negotiate(a, b);
  const cb = (await incoming).channel;
  await openA;
  if (cb.readyState !== "open") await once(cb, "open");
  cb.onmessage = (e) => cb.send(e.data as string);
  return { a, b, ca, cb };
}

/** Sends `text` on the pair's channel and resolves with what the far side echoed. */
function echo(p: Pair, text: string): Promise<string> {
  const back = once<MessageEvent>(p.ca, "message");
  p.ca.send(text);
  return back.then((e) => e.data as string);
}

/** Connects `n` pairs, `concurrency` setups in flight at a time. */
async function connectMany(
  wa: WebRtc,
  wb: WebRtc,
  n: number,
  concurrency: number,
): Promise<Pair[]> {
  const pairs: Pair[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) pairs.push(await connectPair(wa, wb, next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pairs;
}

function handles(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

/** Waits (bounded) until the handle kinds a peer opens are back to their count before. */
async function handlesBackTo(before: Map<string, number>): Promise<Map<string, number>> {
  const kinds = ["UDPWRAP", "Timeout", "Immediate", "UDPSendWrap"];
  let now = handles();
  for (let i = 0; i < 50; i++) {
    if (kinds.every((k) => (now.get(k) ?? 0) <= (before.get(k) ?? 0))) break;
    await new Promise((r) => setTimeout(r, 20));
    now = handles();
  }
  return now;
}

async function run(wa: WebRtc, wb: WebRtc, n: number): Promise<void> {
  const before = handles();
  const pairs = await connectMany(wa, wb, n, 10);
  expect(pairs).toHaveLength(n);
  // All connected at once: every pair still carries data after the last one connected.
  const echoed = await Promise.all(pairs.map((p, i) => echo(p, `hello ${i}`)));
  expect(echoed).toEqual(pairs.map((_, i) => `hello ${i}`));
  expect(pairs.every((p) => p.a.connectionState === "connected")).toBe(true);
  expect(pairs.every((p) => p.b.connectionState === "connected")).toBe(true);
  for (const p of pairs) {
    p.a.close();
    p.b.close();
  }
  expect(
    pairs.every((p) => p.a.connectionState === "closed" && p.b.connectionState === "closed"),
  ).toBe(true);
  const after = await handlesBackTo(before);
  for (const kind of ["UDPWRAP", "Timeout", "Immediate", "UDPSendWrap"])
    expect(after.get(kind) ?? 0, kind).toBeLessThanOrEqual(before.get(kind) ?? 0);
}

describe("scale", () => {
  it("200 pairs connected at once all echo, then all close with no socket or timer left", async () => {
    await run(webrtc, webrtc, 200);
  }, 60_000);

  it("100 pairs on one shared UDP port (single-port mode) all echo and close cleanly", async () => {
    const mux = await IceUdpMux.bind("127.0.0.1");
    try {
      await run(createWebRtc({ singlePort: mux, mdns: "disabled" }), webrtc, 100);
      const st = mux.stats();
      expect(st.routedByUfrag).toBeGreaterThan(0);
      expect(st.routedByAddress).toBeGreaterThan(0);
    } finally {
      await mux.close();
    }
  }, 60_000);
});
