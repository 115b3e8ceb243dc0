/**
 * Peer connections with data channels, side by side through their W3C-shaped APIs on loopback
 * in one process: setup (both peers created → `open` on both sides), 1 KiB round trip, and bulk
 * 16 KiB messages (1 MiB per op, acknowledged by the receiver's count) — purertc, werift,
 * @roamhq/wrtc (libwebrtc) and node-datachannel (libdatachannel polyfill).
 *
 * Scale cases run in a fresh child process per sample (one library's freed memory or native
 * threads must not show in another's figures): RSS per idle connected pair, and the CPU that
 * 1,000 connected idle peers (500 pairs) cost one process. The child is this file bundled by
 * esbuild, as the published packages are built (tsx's `keepNames` gives every closure a
 * property store, which is not what users run).
 */
import { type ChildProcess, fork, spawnSync } from "node:child_process";
import { join } from "node:path";
import { getHeapSpaceStatistics } from "node:v8";
import { createWebRtc } from "@purertc/peer";
import wrtc from "@roamhq/wrtc";
import { build } from "esbuild";
import { RTCPeerConnection as NdcPeerConnection } from "node-datachannel/polyfill";
import { RTCPeerConnection as WeriftPeerConnection } from "werift";
import { defineBench } from "../harness.js";

// biome-ignore lint/suspicious/noExplicitAny: four libraries' W3C-shaped classes, typed differently
type AnyPc = any;
type PcCtor = new () => AnyPc;

const purertc = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
const CTORS: Record<string, PcCtor> = {
  purertc: purertc.RTCPeerConnection as unknown as PcCtor,
  werift: WeriftPeerConnection as unknown as PcCtor,
  wrtc: wrtc.RTCPeerConnection as unknown as PcCtor,
  "node-datachannel": NdcPeerConnection as unknown as PcCtor,
};

/**
 * The bulk cases also run purertc with path-MTU discovery off (1200-byte SCTP packets): what
 * every non-purertc peer (browsers, libwebrtc, libdatachannel) gets from us.
 */
const BULK_CTORS: Record<string, PcCtor> = {
  ...CTORS,
  "purertc (1200)": createWebRtc({
    addresses: ["127.0.0.1"],
    mdns: "disabled",
    maxSctpPacketSize: 1200,
  }).RTCPeerConnection as unknown as PcCtor,
};

interface Pair {
  a: AnyPc;
  b: AnyPc;
  ca: AnyPc;
  cb: AnyPc;
}

async function connect(Ctor: PcCtor, CtorB: PcCtor = Ctor): Promise<Pair> {
  const a = new Ctor();
  const b = new CtorB();
  a.onicecandidate = (e: AnyPc) => e.candidate && b.addIceCandidate(e.candidate).catch(() => {});
  b.onicecandidate = (e: AnyPc) => e.candidate && a.addIceCandidate(e.candidate).catch(() => {});
  const ca = a.createDataChannel("bench");
  const opened = new Promise<void>((r) => {
    ca.onopen = () => r();
  });
  const incoming = new Promise<AnyPc>((r) => {
    b.ondatachannel = (e: AnyPc) => r(e.channel);
  });
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const cb = await incoming;
  await opened;
  if (cb.readyState !== "open")
    await new Promise<void>((r) => {
      cb.onopen = () => r();
    });
  return { a, b, ca, cb };
}

function close(p: Pair): void {
  p.a.close();
  p.b.close();
}

// --- scale: child process --------------------------------------------------------------------

const SCALE_CHILD = "--peer-scale-child";
/** Pairs connected for the RSS case, and for the idle case (2 × 500 = 1,000 peers). */
const RSS_PAIRS = 200;
const RSS_WARM_PAIRS = 50;
const IDLE_PAIRS = 500;
const IDLE_WINDOW_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One message echoed on a pair's channel (proves the pair is still connected). */
function echo(p: Pair): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("no echo within 10 s")), 10_000);
    p.ca.onmessage = () => {
      clearTimeout(t);
      resolve();
    };
    p.ca.send("ping");
  });
}

async function connectEchoing([Ctor, CtorB]: readonly [PcCtor, PcCtor]): Promise<Pair> {
  const p = await connect(Ctor, CtorB);
  p.cb.onmessage = (e: AnyPc) => p.cb.send(e.data);
  await echo(p);
  return p;
}

/** Connects `n` pairs, `concurrency` setups at a time. */
async function connectMany(
  Ctor: readonly [PcCtor, PcCtor],
  n: number,
  concurrency: number,
): Promise<Pair[]> {
  const out: Pair[] = [];
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started++;
      out.push(await connectEchoing(Ctor));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) {
    await sleep(100);
    gc?.();
  }
}

/**
 * The offering and answering side's constructors. In single-port mode the offering side (the
 * "server") shares one UDP socket and the answering side (its remote clients) has sockets of its
 * own: two ends on one mux would see each other's traffic by address.
 */
async function scaleCtor(name: string): Promise<readonly [PcCtor, PcCtor]> {
  if (name !== "purertc (single port)") return [CTORS[name]!, CTORS[name]!];
  const { IceUdpMux } = await import("@purertc/ice/node");
  const mux = await IceUdpMux.bind("127.0.0.1");
  const server = createWebRtc({ singlePort: mux, mdns: "disabled" });
  return [server.RTCPeerConnection as unknown as PcCtor, CTORS.purertc!];
}

/** Bytes of V8's young generation that are resident (committed and touched). */
function youngGenerationBytes(): number {
  return (
    getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.physical_space_size ?? 0
  );
}

/**
 * Child mode. `rss`: KiB of RSS per idle connected pair after GC, as the slope over RSS_PAIRS
 * pairs added to RSS_WARM_PAIRS connected ones, less the growth of V8's young generation: it
 * grows with the allocation of the setups (up to its 16 MiB semi-spaces), is empty after GC and
 * is not held by any pair; the first 50 setups do not always bring it to its working size.
 * `rssRaw` is the slope with it. `idle`: % of one core (user + system, every
 * thread) that 2 × IDLE_PAIRS connected peers cost over IDLE_WINDOW_MS of idleness, after which
 * every pair must still echo.
 */
async function scaleChild(name: string, mode: string): Promise<void> {
  const Ctor = await scaleCtor(name);
  const keep = [await connectEchoing(Ctor)];
  await settle();
  let result: Record<string, number>;
  if (mode === "rss") {
    // The slope from RSS_WARM_PAIRS to RSS_WARM_PAIRS + RSS_PAIRS pairs: fixed costs (code, JIT,
    // the young generation grown to its working size by the first setups) are not per pair.
    keep.push(...(await connectMany(Ctor, RSS_WARM_PAIRS, 4)));
    await settle();
    const before = process.memoryUsage();
    const youngBefore = youngGenerationBytes();
    keep.push(...(await connectMany(Ctor, RSS_PAIRS, 4)));
    await sleep(1000);
    await settle();
    const after = process.memoryUsage();
    const young = (youngGenerationBytes() - youngBefore) / RSS_PAIRS / 1024;
    const per = (k: "rss" | "heapUsed" | "heapTotal" | "external") =>
      (after[k] - before[k]) / RSS_PAIRS / 1024;
    result = {
      // Only growth is taken out: a young generation V8 shrank meanwhile is not added to RSS.
      value: per("rss") - Math.max(0, young),
      rssRaw: per("rss"),
      youngGen: young,
      heapUsed: per("heapUsed"),
      heapTotal: per("heapTotal"),
      external: per("external"),
    };
  } else {
    keep.push(...(await connectMany(Ctor, IDLE_PAIRS - 1, 8)));
    // Setup-time retransmissions and the first consent checks pass, the JIT settles.
    await sleep(5000);
    await settle();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await sleep(IDLE_WINDOW_MS);
    const c = process.cpuUsage(c0);
    const value = ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100;
    for (const p of keep) await echo(p);
    result = { value, peers: keep.length * 2, rssMiB: process.memoryUsage().rss / 1048576 };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const p of keep) close(p);
  process.exit(0);
}

if (process.argv[2] === SCALE_CHILD) await scaleChild(process.argv[3]!, process.argv[4]!);

// --- bulk across two processes -----------------------------------------------------------------

const BULK_CHILD = "--peer-bulk-child";
const BULK_BATCH = 64;

/** Signalling between the two processes (IPC): descriptions and trickled candidates. */
type Signal =
  | { readonly type: "offer" | "answer"; readonly sdp: string }
  | { readonly type: "candidate"; readonly candidate: unknown };

/** Applies candidates once the remote description is set (they can arrive before it). */
function candidateSink(pc: AnyPc): { add(c: unknown): void; ready(): void } {
  let pending: unknown[] | undefined = [];
  return {
    add(c) {
      if (pending) pending.push(c);
      else pc.addIceCandidate(c).catch(() => {});
    },
    ready() {
      const list = pending ?? [];
      pending = undefined;
      for (const c of list) pc.addIceCandidate(c).catch(() => {});
    },
  };
}

/**
 * Child mode: the answering peer of a bulk pair. It counts the messages of the incoming channel
 * and answers each BULK_BATCH-th with a 1-byte message, the acknowledgement the parent waits for.
 */
function bulkChild(name: string): void {
  const pc = new BULK_CTORS[name]!();
  const send = (m: Signal) => process.send?.(m);
  pc.onicecandidate = (e: AnyPc) =>
    e.candidate && send({ type: "candidate", candidate: e.candidate.toJSON() });
  pc.ondatachannel = (e: AnyPc) => {
    const ch = e.channel;
    let n = 0;
    ch.onmessage = () => {
      if (++n % BULK_BATCH === 0) ch.send("k");
    };
  };
  const candidates = candidateSink(pc);
  process.on("message", async (m: Signal) => {
    if (m.type === "offer") {
      await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
      candidates.ready();
      await pc.setLocalDescription(await pc.createAnswer());
      send({ type: "answer", sdp: pc.localDescription.sdp });
    } else if (m.type === "candidate") candidates.add(m.candidate);
  });
  process.on("disconnect", () => {
    pc.close();
    process.exit(0);
  });
}

if (process.argv[2] === BULK_CHILD) bulkChild(process.argv[3]!);

const bulkChildren: ChildProcess[] = [];

/** The parent side: offers to a child process (this file bundled), then sends 16 KiB batches. */
function bulkTwoProcesses(name: string) {
  return async () => {
    const child = fork(await bundle(), [BULK_CHILD, name], { execArgv: [], stdio: "ignore" });
    bulkChildren.push(child);
    const a = new BULK_CTORS[name]!();
    a.onicecandidate = (e: AnyPc) =>
      e.candidate && child.send({ type: "candidate", candidate: e.candidate.toJSON() });
    const ca = a.createDataChannel("bulk");
    const opened = new Promise<void>((r) => {
      ca.onopen = () => r();
    });
    const candidates = candidateSink(a);
    child.on("message", async (m: Signal) => {
      if (m.type === "answer") {
        await a.setRemoteDescription({ type: "answer", sdp: m.sdp });
        candidates.ready();
      } else if (m.type === "candidate") candidates.add(m.candidate);
    });
    await a.setLocalDescription(await a.createOffer());
    child.send({ type: "offer", sdp: a.localDescription.sdp });
    await opened;
    let acked: () => void = () => {};
    ca.onmessage = () => acked();
    ca.bufferedAmountLowThreshold = 256 * 1024;
    const chunk = new Uint8Array(16384);
    return async () => {
      const done = new Promise<void>((r) => {
        acked = r;
      });
      for (let i = 0; i < BULK_BATCH; i++) {
        if (ca.bufferedAmount > 1024 * 1024)
          await new Promise<void>((r) => {
            ca.onbufferedamountlow = () => r();
          });
        ca.send(chunk);
      }
      await done;
    };
  };
}

process.on("exit", () => {
  for (const c of bulkChildren) c.kill();
});

// --- scale: parent ---------------------------------------------------------------------------

let bundled: Promise<string> | undefined;

/** This file bundled once per run into bench/results/ (where the anchors' packages resolve). */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const here = import.meta.dirname;
    const outfile = join(here, "..", "..", "results", "peer-scale-child.mjs");
    await build({
      entryPoints: [join(here, "peer.ts")],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      conditions: ["@purertc/source"],
      external: ["werift", "@roamhq/wrtc", "node-datachannel", "esbuild"],
      banner: {
        js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
      logLevel: "error",
    });
    return outfile;
  })();
  return bundled;
}

function scale(name: string, mode: "rss" | "idle") {
  return () => async () => {
    const child = await bundle();
    const r = spawnSync(process.execPath, ["--expose-gc", child, SCALE_CHILD, name, mode], {
      encoding: "utf8",
      timeout: 600_000,
    });
    const line = r.stdout.trim().split("\n").at(-1) ?? "";
    if (r.status !== 0 || !line.startsWith("{"))
      throw new Error(`child failed: ${(r.stderr || r.error?.message || "").slice(-300)}`);
    const out = JSON.parse(line) as { value: number };
    console.log(`    ${name} ${mode}: ${line}`);
    return out.value;
  };
}

const cases = {
  setup: Object.fromEntries(
    Object.entries(CTORS).map(([name, Ctor]) => [
      name,
      () => async () => {
        const t0 = performance.now();
        const p = await connect(Ctor);
        const ms = performance.now() - t0;
        close(p);
        return ms;
      },
    ]),
  ),
  rtt: Object.fromEntries(
    Object.entries(CTORS).map(([name, Ctor]) => [
      name,
      async () => {
        const p = await connect(Ctor);
        p.cb.onmessage = (e: AnyPc) => p.cb.send(e.data);
        const msg = new Uint8Array(1024);
        let resolve: () => void = () => {};
        p.ca.onmessage = () => resolve();
        return () =>
          new Promise<number>((r) => {
            const t0 = performance.now();
            resolve = () => r(performance.now() - t0);
            p.ca.send(msg);
          });
      },
    ]),
  ),
  bulk: Object.fromEntries(
    Object.entries(BULK_CTORS).map(([name, Ctor]) => [
      name,
      async () => {
        const p = await connect(Ctor);
        const chunk = new Uint8Array(16384);
        let got = 0;
        let want = 0;
        let done: () => void = () => {};
        p.cb.onmessage = () => {
          if (++got === want) done();
        };
        p.ca.bufferedAmountLowThreshold = 256 * 1024;
        return async () => {
          want += 64;
          const arrived = new Promise<void>((r) => {
            done = r;
          });
          for (let i = 0; i < 64; i++) {
            if (p.ca.bufferedAmount > 1024 * 1024)
              await new Promise<void>((r) => {
                p.ca.onbufferedamountlow = () => r();
              });
            p.ca.send(chunk);
          }
          await arrived;
        };
      },
    ]),
  ),
};

export default defineBench({
  name: "peer",
  cases: [
    {
      kind: "samples",
      name: "setup: create both → open on both (ms)",
      samples: 30,
      contenders: cases.setup,
    },
    { kind: "samples", name: "1 KiB round trip (ms)", samples: 500, contenders: cases.rtt },
    { name: "bulk 16 KiB messages", unit: "MB/s", perOp: 64 * 16384, contenders: cases.bulk },
    {
      name: "bulk 16 KiB messages, two processes (the receiver forked)",
      unit: "MB/s",
      perOp: BULK_BATCH * 16384,
      contenders: Object.fromEntries(Object.keys(BULK_CTORS).map((n) => [n, bulkTwoProcesses(n)])),
    },
    {
      kind: "samples",
      name: `RSS per idle connected pair (${RSS_WARM_PAIRS} → ${RSS_WARM_PAIRS + RSS_PAIRS} pairs, one open channel each, after GC; own process)`,
      unit: "KiB/pair",
      samples: 3,
      contenders: {
        purertc: scale("purertc", "rss"),
        "purertc (single port)": scale("purertc (single port)", "rss"),
        werift: scale("werift", "rss"),
        wrtc: scale("wrtc", "rss"),
        "node-datachannel": scale("node-datachannel", "rss"),
      },
    },
    {
      kind: "samples",
      name: `idle CPU of ${2 * IDLE_PAIRS} connected peers (${IDLE_PAIRS} pairs) in one process, ${IDLE_WINDOW_MS / 1000} s`,
      unit: "% core",
      samples: 1,
      contenders: {
        purertc: scale("purertc", "idle"),
        "purertc (single port)": scale("purertc (single port)", "idle"),
        "node-datachannel": scale("node-datachannel", "idle"),
      },
    },
  ],
});
