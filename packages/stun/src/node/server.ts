/**
 * Node adapter of the STUN server: UDP sockets (four in RFC 5780 mode) and a TCP listener
 * (RFC 8489 §6.2.2 framing) around {@link StunServer} cores.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import {
  createLogger,
  formatSocketAddress,
  type Logger,
  normalizeIp,
  type SocketAddress,
  type Transmit,
} from "@purertc/common";
import { debugLogSink } from "@purertc/common/node";
import type { CryptoProvider } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { StunServer, type StunServerConfig, type StunServerStats } from "../server.js";
import { StunTcpFramer } from "../tcp-framer.js";
import { CoreLoop, monotonicNow } from "./loop.js";

/** Options of {@link startStunServer}. */
export interface NodeStunServerOptions
  extends Partial<Omit<StunServerConfig, "transport" | "rfc5780" | "crypto" | "logger">> {
  /** Address to bind (default `"0.0.0.0"`; RFC 5780 mode needs a concrete IP). */
  readonly address?: string;
  /** Port (default 3478; 0 picks a free one). */
  readonly port?: number;
  /** RFC 5780 mode: the alternate IP and port (both must differ from the primary ones). */
  readonly alternate?: SocketAddress;
  /** Also listen on TCP at the primary address (default true). */
  readonly tcp?: boolean;
  /** TCP connections idle this long are closed (default 30 s). */
  readonly tcpIdleTimeoutMs?: number;
  readonly crypto?: CryptoProvider;
  /** Default: a `DEBUG`-enabled logger, scope `purertc:stun:server`. */
  readonly logger?: Logger;
}

/** A running server. */
export interface NodeStunServer {
  /** The bound UDP addresses; the first is the primary. */
  readonly udpAddresses: readonly SocketAddress[];
  /** The bound TCP address, if TCP is on. */
  readonly tcpAddress: SocketAddress | undefined;
  stats(): { readonly udp: StunServerStats; readonly tcp: StunServerStats | undefined };
  /** Closes every socket and connection; nothing stays open afterwards. */
  close(): Promise<void>;
}

function key(a: SocketAddress): string {
  return `${normalizeIp(a.address)}|${a.port}`;
}

function bindUdp(address: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: address.includes(":") ? "udp6" : "udp4" });
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

function closeUdp(s: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** Starts a STUN server on UDP (and TCP). */
export async function startStunServer(
  options: NodeStunServerOptions = {},
): Promise<NodeStunServer> {
  const address = options.address ?? "0.0.0.0";
  const logger = options.logger ?? createLogger(debugLogSink(), "purertc:stun:server");
  const { alternate } = options;
  if (alternate && (address === "0.0.0.0" || address === "::")) {
    throw new TypeError(
      "RFC 5780 mode needs a concrete primary address (--address), not a wildcard",
    );
  }
  const sockets: UdpSocket[] = [];
  const cleanup = async () => {
    await Promise.all(sockets.map(closeUdp));
  };
  try {
    sockets.push(await bindUdp(address, options.port ?? 3478));
    const primary: SocketAddress = { address, port: sockets[0]!.address().port };
    let rfc5780: StunServerConfig["rfc5780"];
    if (alternate) {
      sockets.push(await bindUdp(alternate.address, alternate.port));
      const alt: SocketAddress = { address: alternate.address, port: sockets[1]!.address().port };
      sockets.push(await bindUdp(primary.address, alt.port));
      sockets.push(await bindUdp(alt.address, primary.port));
      rfc5780 = { primary, alternate: alt };
    }
    const base = {
      ...options,
      rfc5780,
      crypto: options.crypto ?? defaultCrypto,
      logger,
    };
    const udpCore = new StunServer({ ...base, transport: "udp" });
    const byKey = new Map<string, UdpSocket>();
    const bound = sockets.map((s) => {
      const a = s.address();
      const local = { address: a.address, port: a.port };
      byKey.set(key(local), s);
      return local;
    });
    const sendUdp = (t: Transmit) => {
      const s = (t.from && byKey.get(key(t.from))) || sockets[0]!;
      s.send(t.data, t.to.port, t.to.address, (err) => {
        if (err) logger.debug("send failed", { to: formatSocketAddress(t.to), error: err.message });
      });
    };
    const udpLoop = new CoreLoop(udpCore, sendUdp, () => {});
    sockets.forEach((s, i) => {
      const local = bound[i]!;
      s.on("message", (data, rinfo) => {
        udpCore.handleDatagram(monotonicNow(), {
          from: { address: rinfo.address, port: rinfo.port },
          to: local,
          data,
        });
        udpLoop.drive();
      });
      s.on("error", (err) => logger.warn("udp socket error", { error: err.message }));
    });

    let tcp:
      | { server: Server; core: StunServer; address: SocketAddress; conns: Set<TcpSocket> }
      | undefined;
    if (options.tcp ?? true) {
      tcp = await startTcp(
        primary,
        { ...base, transport: "tcp" },
        options.tcpIdleTimeoutMs ?? 30_000,
        logger,
      );
    }
    logger.info("listening", {
      udp: bound.map(formatSocketAddress),
      tcp: tcp ? formatSocketAddress(tcp.address) : undefined,
    });
    return {
      udpAddresses: bound,
      tcpAddress: tcp?.address,
      stats: () => ({ udp: udpCore.stats(), tcp: tcp?.core.stats() }),
      async close() {
        udpLoop.close();
        await cleanup();
        if (tcp) {
          for (const c of tcp.conns) c.destroy();
          await new Promise<void>((resolve) => tcp!.server.close(() => resolve()));
        }
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function startTcp(
  primary: SocketAddress,
  config: Partial<StunServerConfig>,
  idleMs: number,
  logger: Logger,
): Promise<{ server: Server; core: StunServer; address: SocketAddress; conns: Set<TcpSocket> }> {
  const core = new StunServer(config);
  const conns = new Set<TcpSocket>();
  const byRemote = new Map<string, TcpSocket>();
  const loop = new CoreLoop(
    core,
    (t) => byRemote.get(key(t.to))?.write(t.data),
    () => {},
  );
  const server = createServer((conn) => {
    const remote = { address: conn.remoteAddress ?? "", port: conn.remotePort ?? 0 };
    const local = {
      address: conn.localAddress ?? primary.address,
      port: conn.localPort ?? primary.port,
    };
    const framer = new StunTcpFramer();
    conns.add(conn);
    byRemote.set(key(remote), conn);
    conn.setTimeout(idleMs, () => conn.destroy());
    conn.on("data", (chunk) => {
      framer.push(chunk);
      for (let frame = framer.next(); frame; frame = framer.next()) {
        core.handleDatagram(monotonicNow(), { from: remote, to: local, data: frame });
      }
      loop.drive();
      if (framer.error) conn.destroy();
    });
    conn.on("error", (err) => logger.debug("tcp connection error", { error: err.message }));
    conn.on("close", () => {
      conns.delete(conn);
      byRemote.delete(key(remote));
    });
  });
  server.maxConnections = 1024;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(primary.port, primary.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const a = server.address();
  const address = typeof a === "object" && a ? { address: a.address, port: a.port } : primary;
  server.on("close", () => loop.close());
  return { server, core, address, conns };
}
