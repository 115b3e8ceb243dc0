/**
 * Node adapter of the TURN server: UDP, TCP and TLS listeners (IPv4/IPv6) around one
 * {@link TurnServer} core, relay sockets bound on demand in a port range, TLS certificates
 * reloadable without dropping allocations, and a Prometheus `/metrics` endpoint.
 */
import type { Socket as UdpSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { type Logger, normalizeIp, type SocketAddress, silentLogger } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { CoreLoop, monotonicNow } from "@purertc/stun/node";
import type { ClientPath } from "../allocation.js";
import type { TurnTransport } from "../client-config.js";
import { TurnServer, type TurnServerEvent, type TurnServerTransmit } from "../server.js";
import type { TurnServerConfig } from "../server-config.js";
import { TurnStreamFramer } from "../stream-framer.js";
import { renderMetrics } from "./metrics.js";
import { bindUdp, closeServer, closeUdp, listen } from "./udp.js";

/** One listening socket. */
export interface TurnListenerSpec {
  readonly transport: TurnTransport;
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** Options of {@link startTurnServer}. */
export interface NodeTurnServerOptions extends Partial<TurnServerConfig> {
  readonly listeners: readonly TurnListenerSpec[];
  /** PEM certificate chain and key files for TLS listeners (re-read by `reloadCertificates`). */
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Local IPs to bind relay sockets on, per family; default: the listeners' concrete IPs. */
  readonly relayIps?: readonly string[];
  /** Relay port range (inclusive); default: any port the OS picks. */
  readonly relayPortRange?: readonly [number, number];
  /** Prometheus endpoint (`GET /metrics`, `GET /healthz`), e.g. `{ address: "127.0.0.1", port: 9641 }`. */
  readonly metrics?: SocketAddress;
  /** TCP/TLS connections without an allocation are closed after this idle time (default 60 s). */
  readonly streamIdleTimeoutMs?: number;
  /** Queued bytes per TCP/TLS connection beyond which relayed data is dropped (default 1 MiB). */
  readonly streamMaxBufferedBytes?: number;
  readonly crypto?: CryptoProvider;
  readonly logger?: Logger;
}

/** A running server. */
export interface NodeTurnServer {
  readonly core: TurnServer;
  /** The bound listener addresses by transport. */
  readonly addresses: {
    readonly udp: SocketAddress[];
    readonly tcp: SocketAddress[];
    readonly tls: SocketAddress[];
  };
  readonly metricsAddress: SocketAddress | undefined;
  /** Prometheus text of the current counters. */
  metrics(): string;
  /** Re-reads the TLS certificate and key; live connections and allocations are kept. */
  reloadCertificates(): void;
  /** Deletes every allocation and closes every socket; nothing stays open afterwards. */
  close(): Promise<void>;
}

const key = (a: SocketAddress) => `${normalizeIp(a.address)}|${a.port}`;
const pathKey = (to: SocketAddress, from: SocketAddress) => `${key(to)}>${key(from)}`;

function isWildcard(ip: string): boolean {
  return ip === "0.0.0.0" || ip === "::";
}

/** Starts a TURN server. */
export async function startTurnServer(options: NodeTurnServerOptions): Promise<NodeTurnServer> {
  const log = (options.logger ?? silentLogger).child("turn:node");
  if (!options.listeners?.length)
    throw new TypeError("startTurnServer: at least one listener is required");
  const needsTls = options.listeners.some((l) => l.transport === "tls");
  if (needsTls && (!options.tlsCertFile || !options.tlsKeyFile)) {
    throw new TypeError("startTurnServer: a TLS listener needs tlsCertFile and tlsKeyFile");
  }
  const core = new TurnServer({
    ...options,
    crypto: options.crypto ?? defaultCrypto,
    logger: options.logger,
    epochOffsetMs: Date.now() - monotonicNow(),
  });
  const udpListeners = new Map<string, UdpSocket>();
  const relays = new Map<string, UdpSocket>();
  const streams = new Map<string, Socket>();
  const servers: Server[] = [];
  const addresses = {
    udp: [] as SocketAddress[],
    tcp: [] as SocketAddress[],
    tls: [] as SocketAddress[],
  };
  const maxBuffered = options.streamMaxBufferedBytes ?? 1 << 20;
  const idleMs = options.streamIdleTimeoutMs ?? 60_000;
  let closed = false;

  const relayIps = new Map<4 | 6, string>();
  for (const ip of options.relayIps ?? []) relayIps.set(ip.includes(":") ? 6 : 4, normalizeIp(ip));
  for (const l of options.listeners) {
    const f = l.address.includes(":") ? 6 : 4;
    if (!relayIps.has(f) && !isWildcard(l.address)) relayIps.set(f, normalizeIp(l.address));
  }

  const send = (t: TurnServerTransmit) => {
    if (t.via === "peer") {
      relays.get(key(t.from))?.send(t.data, t.to.port, t.to.address);
    } else if (t.transport === "udp") {
      udpListeners.get(key(t.from))?.send(t.data, t.to.port, t.to.address);
    } else {
      const s = streams.get(pathKey(t.from, t.to));
      if (s && !s.destroyed && s.writableLength < maxBuffered) s.write(t.data);
    }
  };
  const onEvent = (ev: TurnServerEvent) => {
    if (ev.type === "relay-request") void bindRelay(ev.id, ev.family, ev.evenPort);
    else if (ev.type === "relay-released") {
      const s = relays.get(key(ev.local));
      relays.delete(key(ev.local));
      if (s) void closeUdp(s);
    } else if (ev.type === "rejected")
      log.info("rejected", {
        client: `${ev.client.address}:${ev.client.port}`,
        code: ev.code,
        why: ev.why,
      });
  };
  const loop = new CoreLoop<TurnServerEvent>(core, send as (t: unknown) => void, onEvent);

  async function bindRelay(id: number, family: 4 | 6, evenPort: boolean): Promise<void> {
    const ip = relayIps.get(family);
    let socket: UdpSocket | undefined;
    if (ip) {
      const range = options.relayPortRange;
      const tries = range ? Math.min(32, range[1] - range[0] + 1) : evenPort ? 16 : 1;
      for (let i = 0; i < tries && !socket; i++) {
        let port = 0;
        if (range) {
          port = range[0] + Math.floor(Math.random() * (range[1] - range[0] + 1));
          if (evenPort && port % 2 === 1) port = port + 1 <= range[1] ? port + 1 : port - 1;
        }
        try {
          socket = await bindUdp(ip, port);
          if (evenPort && !range && socket.address().port % 2 === 1) {
            await closeUdp(socket);
            socket = undefined;
          }
        } catch {
          socket = undefined;
        }
      }
    }
    if (closed) {
      if (socket) await closeUdp(socket);
      return;
    }
    if (!socket) {
      log.warn("relay bind failed", { family });
      core.relayFailed(monotonicNow(), id, family);
      loop.drive();
      return;
    }
    const a = socket.address();
    const local = { address: normalizeIp(a.address), port: a.port };
    relays.set(key(local), socket);
    socket.on("message", (data, rinfo) => {
      core.handlePeerDatagram(monotonicNow(), {
        from: { address: rinfo.address, port: rinfo.port },
        to: local,
        data,
      });
      loop.drive();
    });
    socket.on("error", (e) => log.warn("relay socket error", { error: e.message }));
    core.relayBound(monotonicNow(), id, family, local);
    loop.drive();
  }

  function onStream(socket: Socket, transport: "tcp" | "tls"): void {
    const local = { address: normalizeIp(socket.localAddress ?? ""), port: socket.localPort ?? 0 };
    const remote = {
      address: normalizeIp(socket.remoteAddress ?? ""),
      port: socket.remotePort ?? 0,
    };
    const path: ClientPath = { client: remote, listener: local, transport };
    const k = pathKey(local, remote);
    streams.set(k, socket);
    const framer = new TurnStreamFramer();
    socket.setNoDelay(true);
    socket.setTimeout(idleMs);
    socket.on("timeout", () => {
      if (!core.hasAllocation(path)) socket.destroy();
    });
    socket.on("data", (chunk: Uint8Array) => {
      framer.push(chunk);
      const now = monotonicNow();
      for (let f = framer.next(); f; f = framer.next())
        core.handleClientMessage(now, { from: remote, to: local, transport, data: f });
      if (framer.error) {
        log.debug("stream closed", { why: framer.error });
        socket.destroy();
      }
      loop.drive();
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      if (streams.get(k) === socket) streams.delete(k);
      if (closed) return;
      core.handleClientClosed(monotonicNow(), path);
      loop.drive();
    });
  }

  const readTls = () => ({
    cert: readFileSync(options.tlsCertFile!),
    key: readFileSync(options.tlsKeyFile!),
  });
  let tlsServers: TlsServer[] = [];
  try {
    for (const l of options.listeners) {
      if (l.transport === "udp") {
        const s = await bindUdp(l.address, l.port);
        const a = s.address();
        const local = { address: normalizeIp(a.address), port: a.port };
        udpListeners.set(key(local), s);
        addresses.udp.push(local);
        s.on("message", (data, rinfo) => {
          core.handleClientMessage(monotonicNow(), {
            from: { address: rinfo.address, port: rinfo.port },
            to: local,
            transport: "udp",
            data,
          });
          loop.drive();
        });
        s.on("error", (e) => log.warn("udp listener error", { error: e.message }));
      } else {
        const server =
          l.transport === "tls"
            ? createTlsServer({ ...readTls(), minVersion: "TLSv1.2" }, (s) => onStream(s, "tls"))
            : createTcpServer((s) => onStream(s, "tcp"));
        if (l.transport === "tls") tlsServers.push(server as TlsServer);
        server.on("tlsClientError", () => {});
        await listen(server, l.address, l.port);
        servers.push(server);
        const a = server.address();
        if (a && typeof a === "object")
          addresses[l.transport].push({ address: normalizeIp(a.address), port: a.port });
      }
    }
  } catch (e) {
    for (const s of udpListeners.values()) await closeUdp(s);
    for (const s of servers) await closeServer(s);
    throw e;
  }

  let http: HttpServer | undefined;
  let metricsAddress: SocketAddress | undefined;
  const metrics = () =>
    renderMetrics(core.stats(monotonicNow()), { streams: streams.size, relaySockets: relays.size });
  if (options.metrics) {
    http = createHttpServer((req, res) => {
      if (req.method === "GET" && req.url === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        res.end(metrics());
      } else if (req.method === "GET" && req.url === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok\n");
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await listen(http as unknown as Server, options.metrics.address, options.metrics.port);
    const a = http.address();
    if (a && typeof a === "object")
      metricsAddress = { address: normalizeIp(a.address), port: a.port };
  }
  log.info("listening", {
    udp: addresses.udp,
    tcp: addresses.tcp,
    tls: addresses.tls,
    metrics: metricsAddress,
  });

  return {
    core,
    addresses,
    metricsAddress,
    metrics,
    reloadCertificates() {
      if (tlsServers.length === 0) return;
      const ctx = readTls();
      for (const s of tlsServers) s.setSecureContext(ctx);
      log.info("TLS certificate reloaded");
    },
    async close() {
      if (closed) return;
      core.close(monotonicNow());
      loop.drive();
      closed = true;
      loop.close();
      for (const s of streams.values()) s.destroy();
      streams.clear();
      await Promise.all([
        ...[...udpListeners.values()].map(closeUdp),
        ...[...relays.values()].map(closeUdp),
        ...servers.map(closeServer),
        ...(http
          ? [
              new Promise<void>((r) => {
                http!.closeAllConnections();
                http!.close(() => r());
              }),
            ]
          : []),
      ]);
      relays.clear();
      udpListeners.clear();
      tlsServers = [];
    },
  };
}
