/**
 * The demo's one HTTP port: the page (bundled at start), a small JSON API, and the signaling
 * WebSocket at /signal, proxied byte for byte to the in-process @purertc/signal server (which
 * listens on loopback only). The bot lives here too.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "@purertc/common";
import { createToken, type SignalServer, startSignalServer } from "@purertc/signal/server";
import { Bot } from "./bot/bot.js";
import { bundlePage } from "./bundle.js";

export const SIGNAL_PATH = "/signal";

export interface DemoServerOptions {
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
}

export interface DemoServer {
  /** The page's address (`http://host:port/`). */
  readonly url: string;
  readonly bot: Bot;
  close(): Promise<void>;
}

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="9" cy="16" r="6" fill="#2563eb"/><circle cx="23" cy="16" r="6" fill="#16a34a"/><path d="M15 16h2" stroke="#334155" stroke-width="3"/></svg>';

export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const log = options.logger;
  const assets = await bundlePage();
  const secret = randomBytes(32);
  const signal = await startSignalServer({
    secret,
    port: 0,
    host: "127.0.0.1",
    path: SIGNAL_PATH,
    logger: log.child("signal"),
  });
  const token = (sub: string) => createToken(secret, { sub, room: "*", ttlSeconds: 3600 });
  const bot = new Bot({
    signalUrl: signal.url,
    token: () => token("bot"),
    logger: log.child("bot"),
  });
  const sockets = new Set<Duplex>();

  const http = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.warn("request failed", { url: req.url, error: String(e) });
      if (!res.headersSent) json(res, 500, { error: e instanceof Error ? e.message : String(e) });
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const send = (type: string, body: string) => {
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method === "GET" && (path === "/" || path === "/index.html"))
      return send("text/html; charset=utf-8", assets.html);
    if (req.method === "GET" && path === "/app.js")
      return send("text/javascript; charset=utf-8", assets.js);
    if (req.method === "GET" && path === "/style.css")
      return send("text/css; charset=utf-8", assets.css);
    if (req.method === "GET" && path === "/favicon.svg") return send("image/svg+xml", FAVICON);
    if (req.method === "GET" && path === "/api/session")
      return json(res, 200, {
        token: token(`tab-${randomUUID().slice(0, 8)}`),
        signalPath: SIGNAL_PATH,
      });
    if (req.method === "POST" && path === "/api/bot/join") {
      const body = await readBody(req);
      const room = typeof body.room === "string" ? body.room : "";
      if (room.length < 1 || room.length > 128)
        return json(res, 400, { error: "room name: 1 to 128 characters" });
      await bot.join(room);
      return json(res, 200, { ok: true, room });
    }
    if (req.method === "GET" && path === "/healthz")
      return json(res, 200, { status: "ok", rooms: bot.rooms });
    json(res, 404, { error: "not found" });
  };

  http.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== SIGNAL_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    proxy(req, socket, head, signal, sockets);
  });
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await listen(http, options.port, options.host);
  const a = http.address() as AddressInfo;
  const shown = a.address === "0.0.0.0" || a.address === "::" ? "localhost" : a.address;
  const host = shown.includes(":") ? `[${shown}]` : shown;
  return {
    url: `http://${host}:${a.port}/`,
    bot,
    async close() {
      await bot.close();
      await signal.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** Replays the upgrade request to the signaling server and pipes the two sockets together. */
function proxy(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  signal: SignalServer,
  sockets: Set<Duplex>,
): void {
  const { port } = signal.address;
  const upstream = connect(port, "127.0.0.1", () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  });
  sockets.add(upstream);
  const end = () => {
    sockets.delete(upstream);
    socket.destroy();
    upstream.destroy();
  };
  upstream.on("error", end);
  upstream.on("close", end);
  socket.on("error", end);
  socket.on("close", end);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 4096) throw new Error("request body too large");
  }
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
}
