import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createLogger, type Logger, secureRng } from "@purertc/common";
import { type WebSocket, WebSocketServer } from "ws";
import type { ServerConfig } from "../../server/config.js";
import { type OpenParams, SignalServerCore } from "../../server/server-core.js";
import { renderMetrics } from "../../server/server-stats.js";
import { type Directory, LocalDirectory } from "./directory-adapter.js";
import { nodeHmacSha256 } from "./node-crypto.js";
import { RedisDirectory } from "./redis-directory.js";

/** Options of {@link startSignalServer}: the core's settings plus the Node-side ones. */
export interface SignalServerOptions extends Partial<Omit<ServerConfig, "auth">> {
  /** The token secret (HMAC-SHA256 key); without it, `open: true` is required. */
  readonly secret?: string | Uint8Array;
  /** Clock difference tolerated on token expiry (default 30 s). */
  readonly clockSkewMs?: number;
  /** Redis URL for multi-node operation; without it the server runs alone, in memory. */
  readonly redis?: string;
  readonly redisPrefix?: string;
  /** A custom directory (tests, other backends); overrides `redis`. */
  readonly directory?: Directory;
  /** Port (0: any free port) and host to listen on. */
  readonly port?: number;
  readonly host?: string;
  /** WebSocket path (default `/`); `/healthz` and `/metrics` are always HTTP. */
  readonly path?: string;
  /** Frames beyond this are cut by closing with 1009 (default 4 x maxMessageBytes). */
  readonly maxFrameBytes?: number;
  /** How long shutdown waits for clients to close before terminating them (default 2000). */
  readonly shutdownTimeoutMs?: number;
  readonly logger?: Logger;
}

const now = () => performance.now();

/** A running signaling server: HTTP (health, metrics) + WebSocket + directory. */
export class SignalServer {
  readonly core: SignalServerCore;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #directory: Directory;
  readonly #sockets = new Map<number, WebSocket>();
  readonly #log: Logger;
  readonly #path: string;
  readonly #shutdownTimeoutMs: number;
  readonly #inputs: Parameters<Directory["onInput"]>[0][] = [];
  #nextConn = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #driving = false;
  #closing: Promise<void> | undefined;

  /** Use {@link startSignalServer}. */
  constructor(options: SignalServerOptions, directory: Directory) {
    const { secret, clockSkewMs, logger, ...config } = options;
    this.#log = logger ?? createLogger(undefined, "purertc:signal:server");
    const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
    this.core = new SignalServerCore(
      {
        ...config,
        nodeId: config.nodeId ?? `n${randomBytes(6).toString("hex")}`,
        auth: key
          ? { secret: key, hmac: nodeHmacSha256, clockSkewMs: clockSkewMs ?? 30_000 }
          : undefined,
      },
      now(),
      secureRng(),
      this.#log,
    );
    this.#path = options.path ?? "/";
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? 2000;
    this.#directory = directory;
    directory.onInput = (input) => {
      this.#inputs.push(input);
      this.#drive();
    };
    directory.onReset = () => {
      this.core.handleDirectoryReset(now());
      this.#drive();
    };
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes ?? this.core.config.maxMessageBytes * 4,
      perMessageDeflate: false,
    });
    this.#http = createServer((req, res) => this.#request(req, res));
    this.#http.on("upgrade", (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /** The node id (unique per process in a cluster). */
  get nodeId(): string {
    return this.core.config.nodeId;
  }

  /** Where the server listens (after start). */
  get address(): AddressInfo {
    return this.#http.address() as AddressInfo;
  }

  /** `ws://host:port/path` for local clients. */
  get url(): string {
    const a = this.address;
    const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
    return `ws://${host}:${a.port}${this.#path}`;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once("error", reject);
      this.#http.listen(port, host, () => {
        this.#http.off("error", reject);
        resolve();
      });
    });
    this.#arm();
    this.#log.info("listening", { url: this.url, node: this.nodeId });
  }

  /** The Prometheus exposition of the core's stats plus process memory. */
  metrics(): string {
    const mem = process.memoryUsage();
    return renderMetrics(this.core.stats(), {
      purertc_signal_process_resident_memory_bytes: mem.rss,
      purertc_signal_process_heap_used_bytes: mem.heapUsed,
    });
  }

  #request(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const ok = this.#closing === undefined;
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          status: ok ? "ok" : "shutting-down",
          node: this.nodeId,
          ...this.#summary(),
        }),
      );
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(this.metrics());
      return;
    }
    res.writeHead(path === this.#path ? 426 : 404, { "content-type": "text/plain" });
    res.end(path === this.#path ? "WebSocket upgrade required\n" : "not found\n");
  }

  #summary(): { connections: number; rooms: number } {
    const s = this.core.stats();
    return { connections: s.connections, rooms: s.rooms };
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== this.#path) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, url.searchParams));
  }

  #accept(ws: WebSocket, q: URLSearchParams): void {
    const conn = this.#nextConn++;
    this.#sockets.set(conn, ws);
    const params: { -readonly [K in keyof OpenParams]: OpenParams[K] } = {};
    const token = q.get("token");
    const session = q.get("session");
    const ack = Number(q.get("ack") ?? "0");
    if (token !== null) params.token = token;
    if (session !== null) params.session = session;
    if (Number.isSafeInteger(ack) && ack >= 0) params.ack = ack;
    ws.on("message", (data: Buffer) => {
      // Text and binary frames alike must hold UTF-8 JSON; the core decodes and checks.
      this.core.handleFrame(now(), conn, data);
      this.#drive();
    });
    ws.on("pong", () => this.core.handlePong(now(), conn));
    let tooBig = false;
    ws.on("error", (e: Error & { code?: string }) => {
      // ws reports its maxPayload cut as an error, then closes with 1009 (RFC 6455 §7.4.1).
      if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") tooBig = true;
      this.#log.debug("socket error", { conn, error: e.message });
    });
    ws.on("close", (code) => {
      this.#sockets.delete(conn);
      this.core.handleClose(now(), conn, tooBig ? 1009 : code);
      this.#drive();
    });
    this.core.handleOpen(now(), conn, params, Date.now());
    this.#drive();
  }

  #drive(): void {
    if (this.#driving) return;
    this.#driving = true;
    try {
      for (;;) {
        const o = this.core.pollOutput();
        if (o) {
          switch (o.type) {
            case "send":
              this.#sockets.get(o.conn)?.send(o.text);
              break;
            case "close":
              this.#sockets.get(o.conn)?.close(o.code, o.reason);
              break;
            case "ping":
              this.#sockets.get(o.conn)?.ping();
              break;
            case "directory":
              this.#directory.submit(o.op);
              break;
          }
          continue;
        }
        const input = this.#inputs.shift();
        if (!input) break;
        this.core.handleDirectory(now(), input);
      }
    } finally {
      this.#driving = false;
    }
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const at = this.core.pollTimeout();
    this.#timer = undefined;
    if (at === undefined || this.#closing) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.core.handleTimeout(now());
        this.#drive();
      },
      Math.max(0, at - now()),
    );
  }

  /**
   * Graceful shutdown: clients get `reconnect` and a 1012 close, sessions leave their rooms,
   * then the directory and the HTTP server close. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#log.info("shutting down", { connections: this.#sockets.size });
    this.core.shutdown(now());
    this.#drive();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const deadline = setTimeout(() => {
      for (const ws of this.#sockets.values()) ws.terminate();
    }, this.#shutdownTimeoutMs);
    await Promise.all(
      [...this.#sockets.values()].map(
        (ws) => new Promise<void>((resolve) => ws.once("close", () => resolve())),
      ),
    );
    clearTimeout(deadline);
    await this.#directory.close();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#log.info("stopped");
  }
}

/** Starts a signaling server (and its Redis directory when `redis` is set). */
export async function startSignalServer(options: SignalServerOptions): Promise<SignalServer> {
  const logger = options.logger ?? createLogger(undefined, "purertc:signal:server");
  const nodeId = options.nodeId ?? `n${randomBytes(6).toString("hex")}`;
  const directory =
    options.directory ??
    (options.redis
      ? new RedisDirectory({
          url: options.redis,
          nodeId,
          ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}),
          logger: logger.child("redis"),
        })
      : new LocalDirectory());
  const server = new SignalServer({ ...options, nodeId, logger }, directory);
  await directory.start();
  try {
    await server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  } catch (e) {
    await directory.close();
    throw e;
  }
  return server;
}
