/**
 * Signaling load test: `tsx --conditions=@purertc/source bench/load.ts [--nodes 1|2]
 * [--clients 2000] [--rooms 1000] [--rate 2000] [--seconds 10]`.
 *
 * Starts the server as separate `purertc-signal` processes (two sharing a redis-server with
 * `--nodes 2`, the two members of each room then sit on different nodes), connects the clients
 * from this process (the load generator), joins them pairwise into rooms, and relays
 * offer/candidate/message notifications at a fixed offered rate. Reports delivered messages/s,
 * relay latency p50/p99 (send to receive, same clock) and server memory per connection
 * (resident set growth over the connections).
 *
 * With `--stream`, prints one `S <latency ms>` line per delivered message (for bench/).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WebSocket } from "ws";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "1" },
    clients: { type: "string", default: "2000" },
    rooms: { type: "string", default: "1000" },
    rate: { type: "string", default: "2000" },
    seconds: { type: "string", default: "10" },
    stream: { type: "boolean", default: false },
  },
});
const NODES = Number(values.nodes);
const CLIENTS = Number(values.clients);
const ROOMS = Number(values.rooms);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const PKG = join(import.meta.dirname, "..");
const TSX = join(PKG, "..", "..", "node_modules", ".bin", "tsx");
const children: ChildProcess[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

function waitForLine(
  proc: ChildProcess,
  stream: "stdout" | "stderr",
  re: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = "";
    proc[stream]?.on("data", (d) => {
      buf += String(d);
      const m = re.exec(buf);
      if (m) resolve(m);
    });
    proc.once("exit", (code) => reject(new Error(`exited ${code}: ${buf}`)));
  });
}

async function startNodes(): Promise<string[]> {
  const env: Record<string, string> = {};
  if (NODES > 1) {
    const port = await freePort();
    const redis = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    children.push(redis);
    await waitForLine(redis, "stdout", /Ready to accept connections/);
    env.PURERTC_SIGNAL_REDIS = `redis://127.0.0.1:${port}`;
  }
  const urls: string[] = [];
  for (let i = 0; i < NODES; i++) {
    const p = spawn(
      TSX,
      [
        "--conditions=@purertc/source",
        join(PKG, "src/node/server/cli.ts"),
        "--open",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--max-connections",
        "100000",
        "--max-rooms",
        "100000",
      ],
      {
        cwd: PKG,
        env: { ...process.env, ...env, PURERTC_SIGNAL_LOG_LEVEL: "info" },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    children.push(p);
    const m = await waitForLine(p, "stderr", /"url":"(ws:\/\/[^"]+)"/);
    urls.push(m[1]!);
  }
  return urls;
}

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url.replace("ws:", "http:")}metrics`)).text();
  return Number(
    /^purertc_signal_process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN,
  );
}

interface Client {
  ws: WebSocket;
  peerId: string;
  other?: Client;
}

function connect(url: string, room: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const c: Client = { ws, peerId: "" };
    ws.on("error", reject);
    ws.once("message", (d) => {
      c.peerId = JSON.parse(String(d)).params.peerId;
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "join", params: { room } }));
      ws.once("message", () => resolve(c));
    });
  });
}

async function main(): Promise<void> {
  const urls = await startNodes();
  const before = await Promise.all(urls.map(rss));
  const clients: Client[] = [];
  const t0 = performance.now();
  for (let r = 0; r < ROOMS; r++) {
    const room = `room-${r}`;
    const pair = await Promise.all([0, 1].map((k) => connect(urls[k % urls.length]!, room)));
    pair[0]!.other = pair[1];
    pair[1]!.other = pair[0];
    clients.push(...pair);
    if (clients.length >= CLIENTS) break;
  }
  log(
    `connected ${clients.length} clients in ${ROOMS} rooms on ${NODES} node(s) in ${Math.round(performance.now() - t0)} ms`,
  );
  await new Promise((r) => setTimeout(r, 500));
  const after = await Promise.all(urls.map(rss));
  const perConn = after.reduce((s, a, i) => s + (a - before[i]!), 0) / clients.length;

  const latencies: number[] = [];
  let delivered = 0;
  for (const c of clients)
    c.ws.on("message", (d) => {
      const s = String(d);
      const i = s.indexOf('"t":');
      if (i < 0) return;
      const ms = performance.now() - Number.parseFloat(s.slice(i + 4));
      delivered++;
      latencies.push(ms);
      if (values.stream) process.stdout.write(`S ${ms.toFixed(3)}\n`);
    });
  const methods = ["offer", "candidate", "message"] as const;
  let sent = 0;
  const tickMs = 10;
  const perTick = (RATE * tickMs) / 1000;
  let carry = 0;
  let next = 0;
  const start = performance.now();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      if (performance.now() - start >= SECONDS * 1000) {
        clearInterval(timer);
        done();
        return;
      }
      carry += perTick;
      for (; carry >= 1; carry--) {
        const c = clients[next++ % clients.length]!;
        const m = methods[sent % 3]!;
        const payload = `{"type":"offer","sdp":"v=0","t":${performance.now()}}`;
        const params =
          m === "message"
            ? `{"to":"${c.other!.peerId}","data":{"t":${performance.now()}}}`
            : m === "offer"
              ? `{"to":"${c.other!.peerId}","description":${payload}}`
              : `{"to":"${c.other!.peerId}","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","t":${performance.now()}}}`;
        c.ws.send(`{"jsonrpc":"2.0","method":"${m}","params":${params}}`);
        sent++;
      }
    }, tickMs);
  });
  await new Promise((r) => setTimeout(r, 1000));
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  const report = {
    nodes: NODES,
    clients: clients.length,
    rooms: ROOMS,
    offeredPerSecond: RATE,
    sent,
    delivered,
    deliveredPerSecond: Math.round(delivered / SECONDS),
    latencyMsP50: Number(q(0.5).toFixed(2)),
    latencyMsP99: Number(q(0.99).toFixed(2)),
    serverBytesPerConnection: Math.round(perConn),
  };
  if (values.stream) process.stdout.write(`R ${JSON.stringify(report)}\n`);
  else console.log(JSON.stringify(report, null, 2));
  for (const c of clients) c.ws.terminate();
}

function stopChildren(): void {
  for (const p of children.reverse()) if (p.exitCode === null) process.kill(p.pid!, "SIGTERM");
  children.length = 0;
}

process.once("SIGTERM", () => {
  stopChildren();
  process.exit(0);
});

main()
  .catch((e: unknown) => {
    log(String((e as Error).stack ?? e));
    process.exitCode = 1;
  })
  .finally(stopChildren);
