/**
 * A TURN relay source for the agent: {@link IceRelayClient} on top of `@purertc/turn`'s sans-IO
 * {@link TurnClient} (RFC 8656). One allocation of one family on one server becomes one relayed
 * candidate (RFC 8445 §5.1.1.2); permissions follow the pairs the agent forms, and every peer
 * the agent sends to gets a channel (RFC 8656 §11), so checks start as Send indications and
 * the traffic after them travels as 4-byte-header ChannelData.
 *
 * The client reaches its server over UDP (the agent's socket) or over a TCP/TLS connection the
 * host owns (RFC 8656 §3.1, `turn:...?transport=tcp` and `turns:`): then requests are sent once
 * and time out after Ti = 39.5 s (RFC 8489 §6.2.2), and ChannelData is padded to 4 (§12.5).
 */
import type { Datagram, Logger, Millis, Rng, SocketAddress, Transmit } from "@purertc/common";
import { formatSocketAddress, ipFamily, normalizeIp, silentLogger } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import {
  TurnClient,
  type TurnClientConfig,
  type TurnClientEvent,
  type TurnClientStats,
  type TurnTransport,
} from "@purertc/turn";
import type { IceRelayProtocol } from "./candidate.js";
import type { IceRelayClient, IceRelayEvent } from "./relay.js";

/** RFC 8656 §12: channel numbers 0x4000-0x4FFF. */
const MAX_CHANNELS = 4096;

/** What a {@link TurnRelayClient} needs. */
export interface TurnRelayClientOptions {
  /** The TURN server's transport address (an IP literal: resolve names first). */
  readonly server: SocketAddress;
  readonly username: string;
  /** The long-term credential (RTCIceServer `credential`). */
  readonly password: string;
  readonly crypto: CryptoProvider;
  /**
   * How the server is reached (default `"udp"`). With `"tcp"` or `"tls"` the host owns the
   * connection (see {@link IceRelayClient}); `local` is then ignored.
   */
  readonly transport?: TurnTransport;
  /** The URL for stats and candidate errors (default `turn:<server>?transport=<transport>`). */
  readonly url?: string;
  /** The relayed family (default IPv4; one relay client per family). */
  readonly family?: "ipv4" | "ipv6";
  /**
   * The local socket the allocation lives on; every transmit carries it as `from`, so the host
   * sends all of them from that one socket (the allocation's 5-tuple, RFC 8656 §2.2).
   */
  readonly local?: SocketAddress;
  /** Further TURN client settings (lifetime, refresh, retransmissions...). */
  readonly turn?: Partial<Omit<TurnClientConfig, "transport" | "addressFamily">>;
  readonly rng?: Rng;
  readonly logger?: Logger;
}

/**
 * {@link IceRelayClient} over a TURN allocation. Over UDP the agent's host hands it the server's
 * datagrams (through `IceAgent.handleDatagram`) and sends its transmits from `local`; over
 * TCP/TLS the host writes its transmits (tagged with the client) on its connection and feeds
 * back the frames it reads.
 */
export class TurnRelayClient implements IceRelayClient {
  readonly server: SocketAddress;
  readonly url: string;
  readonly protocol: IceRelayProtocol;
  /** The TURN client underneath (stats, state, relayed addresses). */
  readonly turn: TurnClient;
  readonly #local: SocketAddress | undefined;
  readonly #log: Logger;
  readonly #events: IceRelayEvent[] = [];
  /** Peer IPs given a permission (the TURN client keeps each fresh). */
  readonly #permitted = new Set<string>();
  /** Peer transport addresses a channel was asked for. */
  readonly #channelled = new Set<string>();

  constructor(options: TurnRelayClientOptions) {
    const transport = options.transport ?? "udp";
    this.protocol = transport;
    this.turn = new TurnClient({
      ...options.turn,
      server: options.server,
      username: options.username,
      password: options.password,
      crypto: options.crypto,
      transport,
      addressFamily: options.family ?? "ipv4",
      ...(options.rng ? { rng: options.rng } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    this.server = this.turn.server;
    this.url = options.url ?? defaultUrl(this.server, transport);
    this.#local = transport === "udp" ? options.local : undefined;
    this.#log = (options.logger ?? silentLogger).child("ice:turn-relay");
  }

  start(now: Millis): void {
    if (this.turn.state === "idle") this.turn.allocate(now);
    this.#drainTurnEvents();
  }

  permit(now: Millis, peer: SocketAddress): void {
    const ip = normalizeIp(peer.address);
    if (!this.#usable(ip) || this.#permitted.has(ip)) return;
    this.#permitted.add(ip);
    this.turn.createPermission(now, { address: ip, port: peer.port });
    this.#drainTurnEvents();
  }

  sendToPeer(now: Millis, peer: SocketAddress, data: Uint8Array): void {
    const ip = normalizeIp(peer.address);
    if (!this.#usable(ip)) return;
    this.turn.sendTo(now, peer, data);
    const key = formatSocketAddress({ address: ip, port: peer.port });
    if (
      !this.#channelled.has(key) &&
      this.#channelled.size < MAX_CHANNELS &&
      this.turn.hasPermission(ip)
    ) {
      this.#channelled.add(key);
      this.turn.bindChannel(now, peer);
    }
    this.#drainTurnEvents();
  }

  handleDatagram(now: Millis, dgram: Datagram): boolean {
    const mine = this.turn.handleDatagram(now, dgram);
    this.#drainTurnEvents();
    return mine;
  }

  handleTimeout(now: Millis): void {
    this.turn.handleTimeout(now);
    this.#drainTurnEvents();
  }

  pollTransmit(): Transmit | undefined {
    const t = this.turn.pollTransmit();
    if (!t || !this.#local) return t;
    return { to: t.to, from: this.#local, data: t.data };
  }

  pollEvent(): IceRelayEvent | undefined {
    return this.#events.shift();
  }

  /**
   * The TURN client's next deadline. Events raised outside the agent's own calls (a host that
   * calls {@link handleTransportClosed} directly) make it due at once (0), so that the agent's
   * next `handleTimeout` drains them.
   */
  pollTimeout(): Millis | undefined {
    if (this.#events.length > 0) return 0;
    return this.turn.pollTimeout();
  }

  close(now: Millis): void {
    this.turn.close(now);
    this.#drainTurnEvents();
  }

  handleTransportClosed(now: Millis): void {
    if (this.protocol === "udp") return;
    this.turn.handleTransportClosed(now);
    this.#drainTurnEvents();
  }

  /** The TURN client's counters. */
  stats(): TurnClientStats {
    return this.turn.stats();
  }

  /** Allocated, and the peer is of the relayed family (RFC 8656 §9.1: else 443). */
  #usable(ip: string): boolean {
    if (this.turn.state !== "allocated") return false;
    const f = ipFamily(ip);
    return this.turn.relayedAddresses.some((r) => ipFamily(r.address) === f);
  }

  /** Turns the TURN client's events into the agent's. */
  #drainTurnEvents(): void {
    for (let e = this.turn.pollEvent(); e; e = this.turn.pollEvent()) this.#onTurnEvent(e);
  }

  #onTurnEvent(e: TurnClientEvent): void {
    switch (e.type) {
      case "allocated":
        this.#events.push({ type: "allocated", relayed: e.relayed[0]!, mapped: e.mapped });
        return;
      case "data":
        this.#events.push({ type: "data", peer: e.peer, data: e.data });
        return;
      case "failed":
        this.#events.push({
          type: "failed",
          reason: e.error.message,
          ...(e.error.code ? { code: e.error.code } : {}),
        });
        return;
      case "permission-failed":
        // A later pair with this peer asks again.
        this.#permitted.delete(e.peerIp);
        this.#log.debug("permission refused", { peer: e.peerIp, code: e.error.code });
        return;
      case "channel-failed":
        // Not asked again: the peer keeps being served with Send indications.
        this.#log.debug("channel refused", { peer: formatSocketAddress(e.peer) });
        return;
      // refreshed, permission-created, channel-bound, closed: nothing for the agent.
    }
  }
}

/** RFC 7065 §3: `turns:` is TURN over TLS; `transport=` names the transport to the server. */
function defaultUrl(server: SocketAddress, transport: TurnTransport): string {
  const host = formatSocketAddress(server);
  return transport === "tls"
    ? `turns:${host}?transport=tcp`
    : `turn:${host}?transport=${transport}`;
}
