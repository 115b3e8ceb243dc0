import { createHmac } from "node:crypto";
import { seededRng } from "@purertc/common";
import type { ServerConfig } from "../../src/server/config.js";
import { MemoryDirectory } from "../../src/server/directory.js";
import { type OpenParams, SignalServerCore } from "../../src/server/server-core.js";

export const SECRET = new TextEncoder().encode("0123456789abcdef0123456789abcdef");
export const hmac = (key: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createHmac("sha256", key).update(data).digest());

/** Drives a server core with a fake clock and the in-memory directory; records what it sends. */
export class ServerHarness {
  readonly core: SignalServerCore;
  readonly directory = new MemoryDirectory();
  now = 1_000;
  readonly sent = new Map<number, string[]>();
  readonly closed = new Map<number, { code: number; reason: string }>();
  readonly pings: number[] = [];
  readonly ops: string[] = [];

  constructor(config: Partial<ServerConfig> = {}) {
    this.core = new SignalServerCore(
      { open: true, nodeId: "n1", ...config },
      this.now,
      seededRng(7),
    );
  }

  drive(): void {
    for (let o = this.core.pollOutput(); o; o = this.core.pollOutput()) {
      if (o.type === "send") this.sent.set(o.conn, [...(this.sent.get(o.conn) ?? []), o.text]);
      else if (o.type === "close") this.closed.set(o.conn, { code: o.code, reason: o.reason });
      else if (o.type === "ping") this.pings.push(o.conn);
      else {
        this.ops.push(o.op.op);
        for (const input of this.directory.apply(o.op)) this.core.handleDirectory(this.now, input);
      }
    }
  }

  open(conn: number, params: OpenParams = {}, epochMs = this.now): void {
    this.core.handleOpen(this.now, conn, params, epochMs);
    this.drive();
  }

  send(conn: number, frame: unknown): void {
    const text = typeof frame === "string" ? frame : JSON.stringify(frame);
    this.core.handleFrame(this.now, conn, new TextEncoder().encode(text));
    this.drive();
  }

  call(conn: number, id: number, method: string, params: unknown = {}): void {
    this.send(conn, { jsonrpc: "2.0", id, method, params });
  }

  notify(conn: number, method: string, params: unknown = {}): void {
    this.send(conn, { jsonrpc: "2.0", method, params });
  }

  close(conn: number, code = 1006): void {
    this.core.handleClose(this.now, conn, code);
    this.drive();
  }

  /** Parsed frames sent to `conn` since the last call. */
  // biome-ignore lint/suspicious/noExplicitAny: test inspection of arbitrary JSON
  take(conn: number): any[] {
    const t = this.sent.get(conn) ?? [];
    this.sent.set(conn, []);
    return t.map((x) => JSON.parse(x));
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (
      let t = this.core.pollTimeout();
      t !== undefined && t <= end;
      t = this.core.pollTimeout()
    ) {
      this.now = Math.max(this.now, t);
      this.core.handleTimeout(this.now);
      this.drive();
    }
    this.now = end;
  }

  /** Opens `conn` and joins `room`; returns the peer id. */
  joined(conn: number, room: string, params: OpenParams = {}): string {
    this.open(conn, params);
    this.call(conn, 1, "join", { room });
    const frames = this.take(conn);
    const r = frames.find((f) => f.id === 1);
    if (!r?.result) throw new Error(`join failed: ${JSON.stringify(frames)}`);
    return r.result.peerId;
  }
}
