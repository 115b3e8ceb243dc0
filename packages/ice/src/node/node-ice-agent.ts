/**
 * The Node adapter: binds one UDP socket per usable local address (or joins an
 * {@link IceUdpMux}), adds the host candidates, runs the drain loop with one timer, and
 * dispatches the agent's events on an `EventTarget`.
 */
import type { Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import {
  formatSocketAddress,
  ipFamily,
  type Logger,
  normalizeIp,
  type SocketAddress,
  sameSocketAddress,
  silentLogger,
} from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { isStunMessage } from "@purertc/stun";
import { IceAgent } from "../agent.js";
import type { IceAgentConfig } from "../agent-config.js";
import type { IceAgentEvent } from "../agent-events.js";
import type { IceCandidate } from "../candidate.js";
import type { IceCredentials } from "../credentials.js";
import type { IceRelayClient, IceTransmit } from "../relay.js";
import { TurnRelayClient } from "../turn-relay.js";
import { type IceServerConfig, type ResolvedTurnServer, resolveIceServers } from "./ice-servers.js";
import type { IceMuxSink, IceUdpMux } from "./ice-udp-mux.js";
import { type InterfaceFilter, usableAddresses } from "./interfaces.js";
import { openMdnsSocket } from "./mdns-socket.js";
import type { RelayTlsOptions } from "./relay-stream.js";
import { StreamRelays } from "./stream-relays.js";
import { bindUdp, closeUdp, type PortRange } from "./udp-socket.js";

/** How {@link NodeIceAgent.create} gathers and runs. */
export interface NodeIceAgentOptions {
  /** Core configuration (crypto defaults to node:crypto here). */
  readonly agent?: Partial<IceAgentConfig>;
  /** Which interfaces to gather on (ignored with `addresses` or `mux`). */
  readonly interfaces?: InterfaceFilter;
  /** Bind exactly these local addresses instead of enumerating interfaces. */
  readonly addresses?: readonly string[];
  readonly portRange?: PortRange;
  /** Single-port mode: use this shared socket instead of binding our own. */
  readonly mux?: IceUdpMux;
  /**
   * 1:1 NAT (servers in Docker/cloud): announce a public IP for host candidates, either one IP
   * for all or a map from local address to public address.
   */
  readonly announcedAddresses?: string | Readonly<Record<string, string>>;
  /** Open the mDNS multicast socket (default: when `agent.mdns` is not `"disabled"`). */
  readonly mdnsSocket?: boolean;
  /** The interface mDNS joins and sends on (default: the system's choice). */
  readonly mdnsInterface?: string;
  /** Application data (non-STUN datagrams, and data that came through a relay). */
  readonly onData?: (data: Uint8Array, from: SocketAddress) => void;
  /**
   * W3C `RTCConfiguration.iceServers`: `stun:` URLs join `agent.stunServers`, each `turn:` /
   * `turns:` URL becomes a {@link TurnRelayClient} (a relayed candidate): over UDP on the first
   * socket of the server's family, over TCP (`?transport=tcp`) or TLS (`turns:`) on a
   * connection of its own. With `agent.transportPolicy: "relay"` only relayed candidates are
   * gathered and paired.
   */
  readonly iceServers?: readonly IceServerConfig[];
  /** Certificate checks for `turns:` servers (verified against the system CAs by default). */
  readonly turnTls?: RelayTlsOptions;
  /** TURN over TCP/TLS: connecting and the TLS handshake may take this long (default 10 s). */
  readonly turnConnectTimeoutMs?: number;
  /** Relay sources to add before gathering (any {@link IceRelayClient}). */
  readonly relays?: readonly IceRelayClient[];
}

/** An agent event as a DOM event: `type` is the event's `type`, `detail` the event. */
export class IceAgentEventMessage extends Event {
  readonly detail: IceAgentEvent;
  constructor(detail: IceAgentEvent) {
    super(detail.type);
    this.detail = detail;
  }
}

interface BoundSocket {
  readonly socket: Socket;
  readonly local: SocketAddress;
}

/** A running ICE agent over real UDP sockets. */
export class NodeIceAgent extends EventTarget {
  readonly agent: IceAgent;
  readonly #sockets: BoundSocket[] = [];
  readonly #mux: IceUdpMux | undefined;
  readonly #sink: IceMuxSink;
  readonly #onData: ((data: Uint8Array, from: SocketAddress) => void) | undefined;
  readonly #log: Logger;
  #mdns: Socket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt: number | undefined;
  #closed = false;
  readonly #registered = new Set<string>();
  readonly #relayServers: SocketAddress[] = [];
  /** The TCP/TLS connection of each stream relay. */
  readonly #streams: StreamRelays;

  private constructor(agent: IceAgent, options: NodeIceAgentOptions) {
    super();
    this.agent = agent;
    this.#mux = options.mux;
    this.#onData = options.onData;
    this.#log = (options.agent?.logger ?? silentLogger).child("node");
    this.#streams = new StreamRelays(
      {
        ...(options.turnTls ? { tls: options.turnTls } : {}),
        ...(options.turnConnectTimeoutMs !== undefined
          ? { connectTimeoutMs: options.turnConnectTimeoutMs }
          : {}),
        logger: this.#log,
      },
      {
        frame: (relay, data) => {
          if (this.#closed) return;
          this.agent.handleDatagram(this.#now(), { from: relay.server, data, relay });
          this.#pump();
        },
        closed: (relay) => {
          if (this.#closed) return;
          this.agent.handleRelayClosed(this.#now(), relay);
          this.#pump();
        },
      },
    );
    for (const r of options.relays ?? []) this.#relayServers.push(r.server);
    this.#sink = { receive: (data, from, to) => this.#receive(data, from, to) };
  }

  /** Binds the sockets, adds the host candidates and relays (call {@link gather} next). */
  static async create(options: NodeIceAgentOptions = {}): Promise<NodeIceAgent> {
    const log = (options.agent?.logger ?? silentLogger).child("node");
    const servers = await resolveIceServers(options.iceServers ?? [], log);
    const agent = new IceAgent({
      crypto: nodeCrypto,
      ...options.agent,
      stunServers: [...(options.agent?.stunServers ?? []), ...servers.stun],
    });
    const self = new NodeIceAgent(agent, options);
    const announce = (address: string) =>
      typeof options.announcedAddresses === "string"
        ? options.announcedAddresses
        : options.announcedAddresses?.[address];
    try {
      if (options.mux) {
        const local = options.mux.localAddress;
        self.#register();
        const ann = announce(local.address);
        agent.addHostCandidate(self.#now(), {
          ...local,
          ...(ann ? { announcedAddress: ann } : {}),
        });
      } else {
        const list = options.addresses
          ? options.addresses.map((address, i) => ({ address: normalizeIp(address), rank: i }))
          : usableAddresses(options.interfaces);
        for (const { address, rank } of list) {
          let socket: Socket;
          try {
            socket = await bindUdp(address, options.portRange);
          } catch (e) {
            self.#log.warn("cannot bind", { address, error: String(e) });
            continue;
          }
          const local = { address, port: socket.address().port };
          self.#sockets.push({ socket, local });
          socket.on("message", (data, rinfo) =>
            self.#receive(data, { address: normalizeIp(rinfo.address), port: rinfo.port }, local),
          );
          socket.on("error", (e) => self.#log.debug("socket error", { error: String(e) }));
          const ann = announce(address);
          agent.addHostCandidate(self.#now(), {
            ...local,
            interfaceRank: rank,
            ...(ann ? { announcedAddress: ann } : {}),
          });
        }
      }
      for (const t of servers.turn) self.#addTurnRelay(t, options.agent?.crypto ?? nodeCrypto);
      for (const r of options.relays ?? []) agent.addRelay(self.#now(), r);
      const wantMdns = options.mdnsSocket ?? (options.agent?.mdns ?? "query-only") !== "disabled";
      if (wantMdns) {
        self.#mdns = await openMdnsSocket(
          (e) => self.#log.info("mDNS unavailable", { error: String(e) }),
          options.mdnsInterface,
        );
        self.#mdns?.on("message", (data, rinfo) =>
          self.#receive(
            data,
            { address: normalizeIp(rinfo.address), port: rinfo.port },
            { address: "224.0.0.251", port: 5353 },
          ),
        );
      }
    } catch (e) {
      await self.close();
      throw e;
    }
    // Events wait for the caller's listeners: they are dispatched from the next call on.
    self.#flushTransmits();
    self.#arm();
    return self;
  }

  /** Whether the mDNS socket is open (joining the group can fail in containers). */
  get mdnsAvailable(): boolean {
    return this.#mdns !== undefined;
  }

  /** The local candidates gathered so far. */
  get localCandidates(): readonly IceCandidate[] {
    return this.agent.localCandidates;
  }

  /** The local socket addresses (one per interface, or the mux's). */
  get localAddresses(): readonly SocketAddress[] {
    return this.#mux ? [this.#mux.localAddress] : this.#sockets.map((s) => s.local);
  }

  gather(): void {
    this.agent.gather(this.#now());
    this.#pump();
  }

  setRemoteCredentials(
    credentials: IceCredentials,
    options: { lite?: boolean; renomination?: boolean } = {},
  ): void {
    this.agent.setRemoteCredentials(this.#now(), credentials, options);
    this.#pump();
  }

  addRemoteCandidate(candidate: IceCandidate): void {
    this.agent.addRemoteCandidate(this.#now(), candidate);
    this.#pump();
  }

  addRemoteEndOfCandidates(): void {
    this.agent.addRemoteEndOfCandidates(this.#now());
    this.#pump();
  }

  restart(credentials?: IceCredentials): IceCredentials {
    const c = this.agent.restart(this.#now(), credentials);
    this.#register();
    this.#pump();
    return c;
  }

  /** Sends application data on the selected pair; `false` when there is none. */
  send(data: Uint8Array): boolean {
    const ok = this.agent.send(this.#now(), data);
    this.#flushTransmits();
    return ok;
  }

  /** Closes the agent and every socket it opened; no timer or handle stays behind. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.agent.close(this.#now());
    this.#flushTransmits();
    this.#drainEvents();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#mux?.unregister(this.#sink);
    // Let the last datagrams (TURN deallocations, RFC 8656 §8) leave: dgram sends an IP
    // literal after a tick, and a socket closed before that drops it.
    if (this.#relayServers.length > 0) await new Promise((r) => setImmediate(r));
    const closing = this.#sockets.map((s) => closeUdp(s.socket));
    closing.push(this.#streams.close());
    if (this.#mdns) closing.push(closeUdp(this.#mdns));
    this.#sockets.length = 0;
    this.#mdns = undefined;
    await Promise.all(closing);
  }

  #now(): number {
    return performance.now();
  }

  /**
   * A TURN relay: over UDP from the mux or the first socket of the server's family; over TCP or
   * TLS on a connection of its own, whose frames are fed to the agent tagged with the relay.
   */
  #addTurnRelay(t: ResolvedTurnServer, crypto: CryptoProvider): void {
    if (t.transport !== "udp") {
      this.agent.addRelay(this.#now(), this.#streams.open(t, crypto));
      return;
    }
    const fam = ipFamily(t.server.address);
    const local = this.#mux
      ? this.#mux.localAddress
      : this.#sockets.find((s) => ipFamily(s.local.address) === fam)?.local;
    if (!local || ipFamily(local.address) !== fam) {
      this.#log.warn("no local socket of the TURN server's family; skipped", { url: t.url });
      return;
    }
    const relay = new TurnRelayClient({
      server: t.server,
      username: t.username,
      password: t.credential,
      crypto,
      url: t.url,
      local,
      logger: this.#log,
    });
    this.#relayServers.push(relay.server);
    this.agent.addRelay(this.#now(), relay);
  }

  #register(): void {
    if (!this.#mux) return;
    const u = this.agent.localCredentials.ufrag;
    if (this.#registered.has(u)) return;
    this.#registered.add(u);
    this.#mux.register(u, this.#sink);
  }

  #receive(data: Uint8Array, from: SocketAddress, to: SocketAddress): void {
    if (this.#closed) return;
    const now = this.#now();
    if (
      to.port === 5353 ||
      from.port === 5353 ||
      isStunMessage(data) ||
      this.#isRelayServer(from)
    ) {
      this.agent.handleDatagram(now, { from, to, data });
      this.#pump();
      return;
    }
    this.agent.noteReceived(now, from, data.length);
    this.#onData?.(data, from);
  }

  #isRelayServer(from: SocketAddress): boolean {
    for (const s of this.#relayServers) if (sameSocketAddress(s, from)) return true;
    return false;
  }

  /** The drain rule: transmits, events, then one timer at the earliest deadline. */
  #pump(): void {
    if (this.#closed) return;
    this.#flushTransmits();
    this.#drainEvents();
    this.#arm();
  }

  #drainEvents(): void {
    for (let ev = this.agent.pollEvent(); ev; ev = this.agent.pollEvent()) {
      if (ev.type === "data") this.#onData?.(ev.data, ev.from);
      else this.dispatchEvent(new IceAgentEventMessage(ev));
    }
  }

  #flushTransmits(): void {
    for (let t = this.agent.pollTransmit(); t; t = this.agent.pollTransmit()) this.#transmit(t);
  }

  #transmit(t: IceTransmit): void {
    if (t.relay) {
      this.#streams.write(t);
      return;
    }
    if (t.to.port === 5353 && (t.to.address === "224.0.0.251" || t.to.address === "ff02::fb")) {
      this.#mdns?.send(t.data, t.to.port, t.to.address);
      return;
    }
    if (this.#mux) {
      this.#mux.send(this.#sink, t.data, t.to);
      return;
    }
    const fam = ipFamily(t.to.address);
    const s =
      (t.from && this.#sockets.find((x) => sameSocketAddress(x.local, t.from!))) ??
      this.#sockets.find((x) => ipFamily(x.local.address) === fam);
    if (!s) {
      this.#log.debug("no socket for transmit", { to: formatSocketAddress(t.to) });
      return;
    }
    s.socket.send(t.data, t.to.port, t.to.address);
  }

  #arm(): void {
    const at = this.agent.pollTimeout();
    if (at === undefined) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = undefined;
      return;
    }
    if (this.#timer && this.#timerAt === at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = undefined;
        if (this.#closed) return;
        this.agent.handleTimeout(this.#now());
        this.#pump();
      },
      Math.max(0, at - this.#now()),
    );
  }
}
