/**
 * Node adapter of the TURN client: one socket to the server (UDP, TCP, or TLS for `turns:`
 * with certificate verification on by default), one timer, promises for the API.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { type Logger, normalizeIp, type SocketAddress, type Transmit } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { CoreLoop, monotonicNow } from "@purertc/stun/node";
import { TurnClient, type TurnClientEvent } from "../client.js";
import type { TurnClientConfig, TurnTransport } from "../client-config.js";
import { TurnError } from "../errors.js";

/** A parsed `turn:` / `turns:` URI (RFC 7065). */
export interface TurnUri {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly transport: TurnTransport;
}

/**
 * Parses `turn:host[:port][?transport=udp|tcp]` and `turns:host[:port][?transport=tcp]`
 * (RFC 7065 §3; default ports 3478 and 5349). Throws `TypeError`.
 */
export function parseTurnUri(uri: string): TurnUri {
  const m = /^(turns?):(\[[^\]]+\]|[^:?[\]]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(
    uri.trim(),
  );
  if (!m) throw new TypeError(`not a turn: or turns: URI: ${JSON.stringify(uri)}`);
  const secure = m[1]!.toLowerCase() === "turns";
  const host = m[2]!.replace(/^\[|\]$/g, "");
  const t = (m[4] ?? (secure ? "tcp" : "udp")).toLowerCase();
  if (secure && t === "udp") throw new TypeError("turns: over UDP (DTLS) is not supported");
  const port = m[3] ? Number(m[3]) : secure ? 5349 : 3478;
  if (port < 1 || port > 65535) throw new TypeError(`bad port in ${uri}`);
  return { secure, host, port, transport: secure ? "tls" : (t as TurnTransport) };
}

/** Options of {@link NodeTurnClient.allocate}. */
export interface NodeTurnClientOptions extends Partial<Omit<TurnClientConfig, "transport">> {
  /** A `turn:`/`turns:` URI, or an address (UDP unless `transport` says otherwise). */
  readonly server: string | SocketAddress;
  readonly transport?: TurnTransport;
  readonly username: string;
  readonly password: string;
  /** TLS: trusted CA certificates (PEM) instead of the system store. */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** TLS: the name to verify (default: the URI's host). */
  readonly servername?: string;
  /** TLS: verify the server certificate (default true; turn off only for tests). */
  readonly rejectUnauthorized?: boolean;
  /** Local address to bind (UDP) or connect from (TCP/TLS). */
  readonly localAddress?: string;
  /** How long `allocate` may take overall (default 40 s). */
  readonly timeoutMs?: number;
  readonly crypto?: CryptoProvider;
  readonly logger?: Logger;
}

type Waiter = {
  match: (e: TurnClientEvent) => boolean;
  resolve: (e: TurnClientEvent) => void;
  reject: (e: Error) => void;
};

/** A TURN allocation over a Node socket. */
export class NodeTurnClient {
  readonly core: TurnClient;
  /** Called for each datagram a peer relays to us. */
  onData:
    | ((peer: SocketAddress, data: Uint8Array, channel: number | undefined) => void)
    | undefined;
  /** Called for every core event (after `onData` for data). */
  onEvent: ((event: TurnClientEvent) => void) | undefined;
  readonly #loop: CoreLoop<TurnClientEvent>;
  readonly #udp: UdpSocket | undefined;
  readonly #stream: Socket | undefined;
  #waiters: Waiter[] = [];
  #closed = false;
  #done: Promise<void>;
  #resolveDone!: () => void;

  private constructor(core: TurnClient, udp: UdpSocket | undefined, stream: Socket | undefined) {
    this.core = core;
    this.#udp = udp;
    this.#stream = stream;
    this.#done = new Promise((r) => {
      this.#resolveDone = r;
    });
    const send = (t: Transmit) => {
      if (udp) udp.send(t.data, t.to.port, t.to.address);
      else if (stream && !stream.destroyed) stream.write(t.data);
    };
    this.#loop = new CoreLoop<TurnClientEvent>(core, send, (ev) => this.#onEvent(ev));
    if (udp) {
      udp.on("message", (data, rinfo) => {
        core.handleDatagram(monotonicNow(), {
          from: { address: rinfo.address, port: rinfo.port },
          data,
        });
        this.#loop.drive();
      });
      udp.on("error", () => {});
    }
    if (stream) {
      stream.on("data", (chunk: Uint8Array) => {
        core.handleStreamData(monotonicNow(), chunk);
        this.#loop.drive();
      });
      stream.on("error", () => {});
      stream.on("close", () => {
        core.handleTransportClosed(monotonicNow());
        this.#loop.drive();
        this.#teardown();
      });
    }
  }

  /** Connects, allocates, and resolves once the relayed address is known. Rejects with `TurnError`. */
  static async allocate(options: NodeTurnClientOptions): Promise<NodeTurnClient> {
    let transport: TurnTransport = options.transport ?? "udp";
    let host: string;
    let port: number;
    if (typeof options.server === "string") {
      const u = parseTurnUri(options.server);
      transport = u.transport;
      host = u.host;
      port = u.port;
    } else {
      host = options.server.address;
      port = options.server.port;
    }
    const address = isIP(host) ? normalizeIp(host) : (await lookup(host)).address;
    const server = { address, port };
    let udp: UdpSocket | undefined;
    let stream: Socket | undefined;
    if (transport === "udp") {
      udp = createSocket(address.includes(":") ? "udp6" : "udp4");
      await new Promise<void>((resolve, reject) => {
        udp!.once("error", reject);
        udp!.bind(0, options.localAddress, () => {
          udp!.off("error", reject);
          resolve();
        });
      });
    } else {
      stream = await new Promise<Socket>((resolve, reject) => {
        const s =
          transport === "tls"
            ? tlsConnect(
                {
                  host: address,
                  port,
                  servername: options.servername ?? (isIP(host) ? undefined : host),
                  ca: options.ca as string[] | undefined,
                  rejectUnauthorized: options.rejectUnauthorized ?? true,
                },
                () => resolve(s),
              )
            : netConnect({ host: address, port, localAddress: options.localAddress }, () =>
                resolve(s),
              );
        s.once("error", reject);
      });
      stream.removeAllListeners("error");
      stream.setNoDelay(true);
    }
    const core = new TurnClient({
      ...options,
      server,
      transport,
      crypto: options.crypto ?? defaultCrypto,
    });
    const client = new NodeTurnClient(core, udp, stream);
    const timeout = setTimeout(
      () => client.#rejectAll(new TurnError("timeout", 0x003, 0, "allocation timed out")),
      options.timeoutMs ?? 40_000,
    );
    try {
      core.allocate(monotonicNow());
      const ev = client.#wait((e) => e.type === "allocated");
      client.#loop.drive();
      await ev;
      return client;
    } catch (e) {
      await client.close();
      throw e;
    } finally {
      clearTimeout(timeout);
    }
  }

  get relayedAddresses(): readonly SocketAddress[] {
    return this.core.relayedAddresses;
  }

  get mappedAddress(): SocketAddress | undefined {
    return this.core.mappedAddress;
  }

  /** The local address of the socket to the server. */
  get localAddress(): SocketAddress {
    if (this.#udp) {
      const a = this.#udp.address();
      return { address: a.address, port: a.port };
    }
    return { address: this.#stream!.localAddress ?? "", port: this.#stream!.localPort ?? 0 };
  }

  /** Relays a datagram to a peer (see {@link TurnClient.sendTo}). */
  sendTo(peer: SocketAddress, data: Uint8Array): boolean {
    const ok = this.core.sendTo(monotonicNow(), peer, data);
    this.#loop.drive();
    return ok;
  }

  /** Installs permissions; resolves when the server confirms them all. */
  async createPermission(...peers: SocketAddress[]): Promise<void> {
    const ips = new Set(peers.map((p) => normalizeIp(p.address)));
    const waits = [...ips].map((ip) =>
      this.#wait(
        (e) =>
          (e.type === "permission-created" || e.type === "permission-failed") && e.peerIp === ip,
      ),
    );
    this.core.createPermission(monotonicNow(), ...peers);
    this.#loop.drive();
    for (const e of await Promise.all(waits)) if (e.type === "permission-failed") throw e.error;
  }

  /** Binds a channel; resolves with its number once the server confirms. */
  async bindChannel(peer: SocketAddress): Promise<number> {
    const existing = this.core.channelOf(peer);
    if (existing !== undefined) return existing;
    const n = this.core.bindChannel(monotonicNow(), peer);
    const e = await (async () => {
      const w = this.#wait(
        (ev) =>
          (ev.type === "channel-bound" && ev.channel === n) ||
          (ev.type === "channel-failed" &&
            ev.peer.port === peer.port &&
            ev.peer.address === normalizeIp(peer.address)),
      );
      this.#loop.drive();
      return w;
    })();
    if (e.type === "channel-failed") throw e.error;
    return n;
  }

  /** Deallocates (Refresh LIFETIME 0) and closes the socket; nothing stays open. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.core.state === "allocated") {
        const closing = this.#wait((e) => e.type === "closed" || e.type === "failed").catch(
          () => undefined,
        );
        this.core.close(monotonicNow());
        this.#loop.drive();
        const guard = setTimeout(
          () => this.#rejectAll(new TurnError("timeout", 0x004, 0, "close timed out")),
          5000,
        );
        await closing;
        clearTimeout(guard);
      } else {
        this.core.close(monotonicNow());
      }
      this.#teardown();
    }
    await this.#done;
  }

  #teardown(): void {
    this.#loop.close();
    this.#rejectAll(new TurnError("closed", 0x003, 0, "TURN client closed"));
    if (this.#udp) {
      try {
        this.#udp.close(() => this.#resolveDone());
      } catch {
        this.#resolveDone();
      }
    } else if (this.#stream) {
      if (this.#stream.destroyed) this.#resolveDone();
      else {
        this.#stream.once("close", () => this.#resolveDone());
        this.#stream.destroy();
      }
    }
  }

  #wait(match: (e: TurnClientEvent) => boolean): Promise<TurnClientEvent> {
    return new Promise((resolve, reject) => this.#waiters.push({ match, resolve, reject }));
  }

  #rejectAll(error: Error): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w.reject(error);
  }

  #onEvent(ev: TurnClientEvent): void {
    if (ev.type === "data") this.onData?.(ev.peer, ev.data, ev.channel);
    this.onEvent?.(ev);
    if (ev.type === "failed") {
      const ws = this.#waiters;
      this.#waiters = [];
      for (const w of ws) w.match(ev) ? w.resolve(ev) : w.reject(ev.error);
      return;
    }
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(ev)) return true;
      w.resolve(ev);
      return false;
    });
  }
}
