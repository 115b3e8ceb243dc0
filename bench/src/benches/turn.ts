/**
 * TURN server: purertc (`startTurnServer` in a child Node process) against coturn 4.6
 * (`turnserver --relay-threads 1`, started by @purertc/testkit), side by side, same load
 * generator (this process): relay throughput (200-byte datagrams a peer sends to the relayed
 * address, delivered to the client as ChannelData, RFC 8656 §12), allocations per second
 * (Allocate with its 401 challenge, then Refresh LIFETIME 0, 8 clients at once), and the round
 * trip of a ping through the relay next to the same ping sent directly. Both servers run over
 * UDP on 127.0.0.1 and, when `taskset` exists, are pinned to one CPU each (all their threads).
 *
 * The load generator uses @purertc/turn's sans-IO client for Allocate/ChannelBind and counts
 * relayed ChannelData raw (first byte 0b01xxxxxx), so its per-packet cost is the same for both
 * servers. Throughput keeps at most WINDOW datagrams in flight; outstanding datagrams not
 * relayed within STALL_MS are counted lost (printed at exit) and cost the stall in the rate.
 *
 * Both run with their default limits, long-term credentials and loopback peers allowed; each
 * allocating client has a loopback address of its own, so purertc's per-source limit on
 * unauthenticated answers (coturn has none) does not throttle the allocation case.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { SocketAddress } from "@purertc/common";
import { defaultCrypto } from "@purertc/crypto/default";
import { CoreLoop, monotonicNow } from "@purertc/stun/node";
import { coturnAvailable, startCoturn } from "@purertc/testkit/node";
import { TurnClient, type TurnClientEvent } from "@purertc/turn";
import { defineBench } from "../harness.js";

const BENCH_DIR = join(import.meta.dirname, "..", "..");
const LOCAL = "127.0.0.1";
const USER = "bench";
const PASSWORD = "bench-secret";
const PAYLOAD = 200;
const BATCH = 32;
const WINDOW = Number(process.env.TURN_BENCH_WINDOW ?? 192);
const STALL_MS = 50;
const ALLOC_CLIENTS = 8;

/** A running TURN server (child process) reachable on 127.0.0.1:port over UDP. */
interface Server {
  readonly port: number;
  readonly pid: number;
}

const children: { pid: number; dir?: string }[] = [];
const lost: Record<string, { lost: number; sent: number }> = {};

process.on("exit", () => {
  for (const c of children) {
    try {
      process.kill(c.pid, "SIGKILL");
    } catch {
      // already gone
    }
    if (c.dir) rmSync(c.dir, { recursive: true, force: true });
  }
  for (const [name, l] of Object.entries(lost)) {
    const pct = l.sent ? ((100 * l.lost) / l.sent).toFixed(3) : "0";
    console.log(`turn relay throughput, ${name}: ${l.lost} of ${l.sent} datagrams lost (${pct} %)`);
  }
});

/** Restricts every thread of `pid` to one CPU (the last), when taskset exists. */
function pin(pid: number): void {
  if (!existsSync("/usr/bin/taskset")) return;
  spawnSync("/usr/bin/taskset", ["-a", "-p", "-c", "1", String(pid)], { stdio: "ignore" });
}

const OUR_SERVER = `
import { startTurnServer } from "@purertc/turn/node";
const server = await startTurnServer({
  listeners: [{ transport: "udp", address: "${LOCAL}", port: 0 }],
  users: { ${USER}: "${PASSWORD}" },
  realm: "bench",
  allowedPeers: ["127.0.0.0/8"],
});
process.stdout.write("ready " + server.addresses.udp[0].port + "\\n");
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
`;

let ours: Promise<Server> | undefined;
let theirs: Promise<Server> | undefined;

/** purertc's server in its own Node process, TypeScript sources through tsx. */
function purertcServer(): Promise<Server> {
  ours ??= new Promise<Server>((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ["--conditions=@purertc/source", "--import", "tsx", "--input-type=module", "-e", OUR_SERVER],
      { cwd: BENCH_DIR, stdio: ["pipe", "pipe", "inherit"] },
    );
    children.push({ pid: child.pid! });
    let out = "";
    child.stdout!.on("data", (d) => {
      out += String(d);
      const m = /ready (\d+)/.exec(out);
      if (m) {
        pin(child.pid!);
        resolve({ port: Number(m[1]), pid: child.pid! });
      }
    });
    child.once("exit", (code) => reject(new Error(`purertc TURN server exited (${code})`)));
  });
  return ours;
}

/** coturn with one relay thread; its files are removed at exit (their dir is its `-b` path). */
function coturnServer(): Promise<Server> {
  theirs ??= (async () => {
    if (!coturnAvailable("the coturn side of the TURN bench"))
      throw new Error("coturn is not installed (apt-get install coturn)");
    const c = await startCoturn({
      users: { [USER]: PASSWORD },
      realm: "bench",
      // One relay thread; a wide relay range (the later flags win): coturn keeps a released
      // relay port for a while, and the allocation case churns thousands of them.
      args: ["--relay-threads", "1", "--min-port", "20000", "--max-port", "65000"],
    });
    const argv = readFileSync(`/proc/${c.pid}/cmdline`, "utf8").split("\0");
    const db = argv[argv.indexOf("-b") + 1];
    children.push({ pid: c.pid, dir: db ? dirname(db) : undefined });
    pin(c.pid);
    return { port: c.port, pid: c.pid };
  })();
  return theirs;
}

const SERVERS: Record<string, () => Promise<Server>> = {
  purertc: purertcServer,
  coturn: coturnServer,
};

interface Waiter {
  readonly type: TurnClientEvent["type"];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * One UDP socket to a TURN server driven by @purertc/turn's sans-IO client; ChannelData from
 * the server goes raw to `onChannelData` once set (the load generator's fast path).
 */
class Session {
  onChannelData: ((data: Buffer) => void) | undefined;
  #core!: TurnClient;
  #loop!: CoreLoop<TurnClientEvent>;
  #waiters: Waiter[] = [];

  private constructor(
    readonly socket: Socket,
    readonly server: SocketAddress,
  ) {
    socket.on("message", (data, rinfo) => {
      if ((data[0]! & 0xc0) === 0x40 && this.onChannelData) {
        this.onChannelData(data);
        return;
      }
      this.#core.handleDatagram(monotonicNow(), {
        from: { address: rinfo.address, port: rinfo.port },
        data,
      });
      this.#loop.drive();
    });
  }

  /** A socket on `ip` (any loopback address) to the server on 127.0.0.1:port. */
  static async open(port: number, ip = LOCAL): Promise<Session> {
    const socket = createSocket("udp4");
    await new Promise<void>((r) => socket.bind(0, ip, () => r()));
    return new Session(socket, { address: LOCAL, port });
  }

  /** A new allocation on this socket (401 challenge, then the authenticated Allocate). */
  async allocate(): Promise<SocketAddress> {
    this.#core = new TurnClient({
      server: this.server,
      username: USER,
      password: PASSWORD,
      crypto: defaultCrypto,
    });
    this.#loop = new CoreLoop(
      this.#core,
      (t) => this.socket.send(t.data, t.to.port, t.to.address),
      (ev) => this.#onEvent(ev),
    );
    const done = this.#wait("allocated");
    this.#core.allocate(monotonicNow());
    this.#loop.drive();
    await done;
    return this.#core.relayedAddresses[0]!;
  }

  async bindChannel(peer: SocketAddress): Promise<void> {
    const done = this.#wait("channel-bound");
    this.#core.bindChannel(monotonicNow(), peer);
    this.#loop.drive();
    await done;
  }

  /** ChannelData (or a Send indication) to `peer`. */
  send(peer: SocketAddress, data: Uint8Array): void {
    this.#core.sendTo(monotonicNow(), peer, data);
    this.#loop.drive();
  }

  /** Refresh LIFETIME 0 (RFC 8656 §8), answered before it resolves. */
  async release(): Promise<void> {
    const done = this.#wait("closed");
    this.#core.close(monotonicNow());
    this.#loop.drive();
    await done;
    this.#loop.close();
  }

  #wait(type: TurnClientEvent["type"]): Promise<void> {
    return new Promise((resolve, reject) => this.#waiters.push({ type, resolve, reject }));
  }

  #onEvent(ev: TurnClientEvent): void {
    const failed = ev.type === "failed" || ev.type === "channel-failed";
    const fired = this.#waiters.filter((w) => w.type === ev.type || failed);
    this.#waiters = this.#waiters.filter((w) => !fired.includes(w));
    for (const w of fired) {
      if (failed) w.reject(new Error(`TURN ${ev.type}: ${String(ev.error)}`));
      else w.resolve();
    }
  }
}

async function udpSocket(): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, LOCAL, () => r()));
  return s;
}

const addressOf = (s: Socket): SocketAddress => ({ address: LOCAL, port: s.address().port });

/**
 * The windowed load: each op sends BATCH datagrams through `send` and resolves once at most
 * WINDOW - BATCH are outstanding; `arrived` is called per delivered datagram. Outstanding
 * datagrams are declared lost after STALL_MS without progress (counted under `name`).
 */
function windowed(name: string, send: () => void) {
  const stats = { lost: 0, sent: 0 };
  lost[name] = stats;
  let received = 0;
  let wake: (() => void) | undefined;
  let stall: ReturnType<typeof setTimeout> | undefined;
  const resume = () => {
    clearTimeout(stall);
    const w = wake!;
    wake = undefined;
    w();
  };
  const arrived = () => {
    received++;
    if (wake && stats.sent - received <= WINDOW - BATCH) resume();
  };
  // Always a promise: the harness decides from the first call whether to await.
  const op = async () => {
    for (let i = 0; i < BATCH; i++) send();
    stats.sent += BATCH;
    if (stats.sent - received <= WINDOW - BATCH) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
      stall = setTimeout(() => {
        stats.lost += stats.sent - received;
        received = stats.sent;
        resume();
      }, STALL_MS);
    });
  };
  return { op, arrived };
}

/** A peer sends 200-byte datagrams to the relayed address; the client counts ChannelData. */
function relayThroughput(name: string) {
  return async () => {
    const server = await SERVERS[name]!();
    const session = await Session.open(server.port);
    const relayed = await session.allocate();
    const peer = await udpSocket();
    await session.bindChannel(addressOf(peer));
    const payload = Buffer.alloc(PAYLOAD, 0x5a);
    const load = windowed(name, () => peer.send(payload, relayed.port, relayed.address));
    session.onChannelData = load.arrived;
    return load.op;
  };
}

/** The same load straight from the peer to the client: the load generator's own ceiling. */
async function directThroughput() {
  const client = await udpSocket();
  const peer = await udpSocket();
  const to = addressOf(client);
  const payload = Buffer.alloc(PAYLOAD, 0x5a);
  const load = windowed("direct", () => peer.send(payload, to.port, to.address));
  client.on("message", load.arrived);
  return load.op;
}

let nextClientIp = 0;

/**
 * A loopback address never used before in this run (127.1.0.0 onwards): coturn keeps a released
 * allocation's 5-tuple for a moment and answers 437 to a new Allocate from it, and ephemeral
 * ports repeat quickly at thousands of allocations per second.
 */
function freshClientIp(): string {
  const n = 65536 + nextClientIp++;
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * One op: ALLOC_CLIENTS clients, each on a fresh socket from a fresh loopback address (as many
 * browsers gathering candidates), allocate with the 401 round trip and deallocate.
 */
function allocations(name: string) {
  return async () => {
    const server = await SERVERS[name]!();
    const cycle = async () => {
      const s = await Session.open(server.port, freshClientIp());
      try {
        await s.allocate();
        await s.release();
      } finally {
        s.socket.close();
      }
    };
    return () => Promise.all(Array.from({ length: ALLOC_CLIENTS }, cycle));
  };
}

/** A UDP peer that echoes every datagram to its sender. */
async function echoPeer(): Promise<Socket> {
  const s = await udpSocket();
  s.on("message", (data, rinfo) => s.send(data, rinfo.port, rinfo.address));
  return s;
}

/** One sample: a 200-byte ping to an echoing peer through the relay (ChannelData both ways). */
function relayPing(name: string) {
  return async () => {
    const server = await SERVERS[name]!();
    const session = await Session.open(server.port);
    await session.allocate();
    const peer = addressOf(await echoPeer());
    await session.bindChannel(peer);
    const payload = new Uint8Array(PAYLOAD).fill(0x5a);
    let pong: (() => void) | undefined;
    session.onChannelData = () => pong?.();
    return async () => {
      const start = performance.now();
      await new Promise<void>((resolve) => {
        pong = resolve;
        session.send(peer, payload);
      });
      return performance.now() - start;
    };
  };
}

/** The same ping straight to the echoing peer, no server in between. */
async function directPing() {
  const client = await udpSocket();
  const peer = addressOf(await echoPeer());
  const payload = Buffer.alloc(PAYLOAD, 0x5a);
  let pong: (() => void) | undefined;
  client.on("message", () => pong?.());
  return async () => {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      pong = resolve;
      client.send(payload, peer.port, peer.address);
    });
    return performance.now() - start;
  };
}

export default defineBench({
  name: "turn",
  cases: [
    {
      name: `relay throughput, ${PAYLOAD} B peer → client as ChannelData, UDP, 1 CPU per server`,
      unit: "packets/s",
      perOp: BATCH,
      contenders: {
        purertc: relayThroughput("purertc"),
        coturn: relayThroughput("coturn"),
        "direct (no relay)": directThroughput,
      },
    },
    {
      name: `allocations/s: Allocate (401 + authenticated) then Refresh 0, ${ALLOC_CLIENTS} clients at once`,
      unit: "allocations/s",
      perOp: ALLOC_CLIENTS,
      contenders: { purertc: allocations("purertc"), coturn: allocations("coturn") },
    },
    {
      kind: "samples",
      name: `ping RTT ms, ${PAYLOAD} B through the relay (ChannelData) vs direct`,
      samples: 500,
      contenders: {
        purertc: relayPing("purertc"),
        coturn: relayPing("coturn"),
        "direct (no relay)": directPing,
      },
    },
  ],
});
