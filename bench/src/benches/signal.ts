/**
 * Signaling relay under load: 2,000 WebSocket clients in 1,000 rooms relaying offer/candidate/
 * message notifications at 2,000 messages/s offered, through one `purertc-signal` node, and
 * through two nodes sharing rooms via a redis-server (each room split across the nodes). The
 * load generator (packages/signal/bench/load.ts) runs in its own process and starts the servers
 * as processes of their own; each sample is one message's relay latency (send → receive, one
 * clock); the generator runs its full 10 s and prints its summary (messages/s delivered,
 * p50/p99, server memory per connection) when it finishes, after the table. There is no other signaling server among the anchors to run side by side.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { defineBench } from "../harness.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const LOAD = join(ROOT, "packages", "signal", "bench", "load.ts");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const SAMPLES = 4000;

function loadGenerator(nodes: number): () => Promise<() => Promise<number>> {
  return async () => {
    const proc: ChildProcess = spawn(
      TSX,
      ["--conditions=@purertc/source", LOAD, "--nodes", String(nodes), "--stream"],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const queue: number[] = [];
    const waiting: ((v: number) => void)[] = [];
    let buf = "";
    proc.stdout?.on("data", (d) => {
      buf += String(d);
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("S ")) {
          const v = Number(line.slice(2));
          const w = waiting.shift();
          if (w) w(v);
          else queue.push(v);
        } else if (line.startsWith("R "))
          console.log(`signal load (${nodes} node(s)): ${line.slice(2)}`);
      }
    });
    return async () => {
      const v =
        queue.length > 0 ? queue.shift()! : await new Promise<number>((r) => waiting.push(r));
      return v;
    };
  };
}

export default defineBench({
  name: "signal",
  cases: [
    {
      kind: "samples",
      name: "relay latency ms, 2000 clients / 1000 rooms / 2000 msg/s offered",
      samples: SAMPLES,
      contenders: {
        "purertc 1 node": loadGenerator(1),
        "purertc 2 nodes + redis": loadGenerator(2),
      },
    },
  ],
});
