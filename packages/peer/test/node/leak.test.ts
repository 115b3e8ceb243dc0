/**
 * Leak test (issue 11, Reliability): N connect / transfer / close cycles on loopback — N = 100 by
 * default, 500 with `PEER_SOAK=1` — then, after a full GC, every closed RTCPeerConnection and
 * RTCDataChannel has been collected, heap and RSS are flat within a tolerance, and no socket,
 * timer or other handle is left (`process.getActiveResourcesInfo()`).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { RTCDataChannel } from "../../src/node/index.js";
import { connectedPair, once } from "./helpers.js";

const CYCLES = process.env.PEER_SOAK ? 500 : 100;
const WARMUP = 10;

/** `global.gc` without `--expose-gc` on the vitest worker: the flag, then a fresh context's gc. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

async function settle(gc: () => void): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
}

/** 10 messages each way (text, and binary up to 64 KiB), checked. */
async function transfer(ca: RTCDataChannel, cb: RTCDataChannel): Promise<void> {
  const sizes = [1, 100, 1200, 4096, 16384, 65536, 7, 300, 2000, 50_000];
  const echoed: number[] = [];
  cb.binaryType = "arraybuffer";
  cb.onmessage = (e) => cb.send(e.data as string | ArrayBuffer);
  const done = new Promise<void>((resolve) => {
    ca.onmessage = (e) => {
      const d = e.data as string | ArrayBuffer;
      echoed.push(typeof d === "string" ? d.length : d.byteLength);
      if (echoed.length === sizes.length) resolve();
    };
  });
  for (const [i, n] of sizes.entries()) ca.send(i % 2 ? "x".repeat(n) : new Uint8Array(n).fill(i));
  await done;
  expect(echoed).toEqual(sizes);
}

async function cycle(): Promise<{ pcs: WeakRef<object>[]; channels: WeakRef<object>[] }> {
  const { a, b, ca, cb } = await connectedPair("leak");
  await transfer(ca, cb);
  const closed = once(cb, "close");
  a.close();
  b.close();
  // The remote channel learns of the close through the aborted association (or our own close()).
  if (cb.readyState !== "closed") await closed;
  return { pcs: [new WeakRef(a), new WeakRef(b)], channels: [new WeakRef(ca), new WeakRef(cb)] };
}

/** Handles of the kinds a peer connection opens (sockets, timers, immediates, DNS). */
function handles(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

describe("leaks", () => {
  it(`${CYCLES} connect/transfer/close cycles: peers collected, heap and RSS flat after GC, no handle left`, async () => {
    const gc = collector();
    for (let i = 0; i < WARMUP; i++) await cycle();
    await settle(gc);
    const before = { ...process.memoryUsage(), handles: handles() };
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const r = await cycle();
      refs.push(...r.pcs, ...r.channels);
    }
    await settle(gc);
    const after = { ...process.memoryUsage(), handles: handles() };
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    const heapGrowth = after.heapUsed - before.heapUsed;
    const rssGrowth = after.rss - before.rss;
    console.log(
      `[peer] leak test: ${CYCLES} cycles, ${alive}/${refs.length} objects alive after GC, heap ${(heapGrowth / 1024).toFixed(0)} KiB, RSS ${(rssGrowth / 1024).toFixed(0)} KiB`,
    );
    // Every closed RTCPeerConnection and RTCDataChannel is unreachable.
    expect(alive).toBe(0);
    // A leak of even 10 KiB per cycle would show in the heap; RSS also carries allocator slack.
    expect(heapGrowth).toBeLessThan(Math.max(2 * 1024 * 1024, CYCLES * 4 * 1024));
    expect(rssGrowth).toBeLessThan(32 * 1024 * 1024);
    for (const kind of ["UDPWRAP", "Timeout", "Immediate", "GetAddrInfoReqWrap", "UDPSendWrap"])
      expect(after.handles.get(kind) ?? 0, kind).toBeLessThanOrEqual(before.handles.get(kind) ?? 0);
  }, 300_000);
});
