/**
 * Runs a {@link PeerCore} on real sockets: one UDP socket per local address (bound with
 * @purertc/ice's Node helpers) or a shared single-port mux, the mDNS socket, a deadline at
 * `pollTimeout()` in the process-wide timer (shared-timer.ts), and the drain loop. Events are handed to `onEvent` synchronously inside
 * the drain; the W3C layer queues them as tasks.
 */
import type { Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import {
  ipFamily,
  type Logger,
  normalizeIp,
  type Rng,
  type SocketAddress,
  sameSocketAddress,
} from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { type IceDatagram, type IceTransmit, TurnRelayClient } from "@purertc/ice";
import {
  bindUdp,
  closeUdp,
  type IceMuxSink,
  type IceUdpMux,
  type InterfaceFilter,
  openMdnsSocket,
  type PortRange,
  StreamRelays,
  usableAddresses,
} from "@purertc/ice/node";
import type { PeerCore } from "../peer-core.js";
import type { PeerCoreEvent } from "../peer-core-events.js";
import { inCheckPhase, sharedTimer, type TimerSlot, timerSlot } from "./shared-timer.js";

/** Where and how to bind. */
export interface RunnerOptions {
  readonly interfaces?: InterfaceFilter;
  readonly addresses?: readonly string[];
  readonly portRange?: PortRange;
  readonly mux?: IceUdpMux;
  readonly announcedAddresses?: string | Readonly<Record<string, string>>;
  readonly mdns: boolean;
  readonly logger: Logger;
}

/**
 * Receive buffer asked of the kernel for each UDP socket. A congestion window's worth of
 * 1200-byte SCTP packets (~100 KB of payload, but ~2.3 KB of kernel accounting each) overflows
 * Linux's 208 KB default when it arrives faster than one event-loop turn drains it, and every
 * overflow is a loss that halves cwnd (RFC 9260 §7.2.4). The kernel caps the request at
 * `net.core.rmem_max`.
 */
const RECEIVE_BUFFER_BYTES = 2 * 1024 * 1024;

function growReceiveBuffer(socket: Socket, log: Logger): void {
  try {
    if (socket.getRecvBufferSize() < RECEIVE_BUFFER_BYTES)
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  } catch (e) {
    log.debug("cannot grow the receive buffer", { error: String(e) });
  }
}

/**
 * The normalized source address of a datagram, reusing the previous one while the sender stays
 * the same (a connected peer sends everything from one address; parsing it per packet showed
 * in bulk profiles). The returned objects are never mutated.
 */
function lastSource(): (address: string, port: number) => SocketAddress {
  let raw = "";
  let last: SocketAddress = { address: "", port: -1 };
  return (address, port) => {
    if (address !== raw || port !== last.port) {
      raw = address;
      last = { address: normalizeIp(address), port };
    }
    return last;
  };
}

/** RFC 7983 §7: a first byte of 0..3 is STUN. */
function isStun(data: Uint8Array): boolean {
  return data.byteLength > 0 && data[0]! < 4;
}

/** Still setting up: DTLS not connected, or the SCTP association not yet established. */
function handshaking(core: PeerCore): boolean {
  return core.dtlsState !== "connected" || core.sctpState === "connecting";
}

/** A TURN server, its host name already resolved. */
export interface RunnerTurnServer {
  readonly url: string;
  readonly server: SocketAddress;
  /** UDP (default), or a TCP/TLS connection of its own (RFC 8656 §3.1). */
  readonly transport?: "udp" | "tcp" | "tls";
  /** The URL's host (a TLS certificate is checked against it). */
  readonly host?: string;
  readonly username: string;
  readonly credential: string;
}

interface Bound {
  readonly socket: Socket;
  readonly local: SocketAddress;
}

export class PeerRunner {
  readonly core: PeerCore;
  readonly #onEvent: (e: PeerCoreEvent) => void;
  readonly #afterPump: () => void;
  readonly #sockets: Bound[] = [];
  /** Sockets of TURN allocations in single-port mode (one 5-tuple per allocation). */
  readonly #relaySockets: Bound[] = [];
  /** The local transport address of each TURN URL's allocation (icecandidateerror). */
  readonly #relayLocal = new Map<string, SocketAddress>();
  readonly #log: Logger;
  #mux: IceUdpMux | undefined;
  #sink: IceMuxSink | undefined;
  #mdns: Socket | undefined;
  /** TURN over TCP/TLS: the connections of the stream relays (created on first use). */
  #streams: StreamRelays | undefined;
  /** This runner's deadline in the process-wide timer (see shared-timer.ts). */
  readonly #slot: TimerSlot;
  #armQueued = false;
  #closed = false;

  constructor(
    core: PeerCore,
    onEvent: (e: PeerCoreEvent) => void,
    afterPump: () => void,
    logger: Logger,
  ) {
    this.core = core;
    this.#onEvent = onEvent;
    this.#afterPump = afterPump;
    this.#log = logger.child("node");
    this.#slot = timerSlot(this.#fire);
  }

  now(): number {
    return performance.now();
  }

  /** Binds the sockets and adds their host candidates to the core. */
  async bind(o: RunnerOptions): Promise<void> {
    const announce = (address: string) =>
      typeof o.announcedAddresses === "string"
        ? o.announcedAddresses
        : o.announcedAddresses?.[address];
    if (o.mux) {
      const mux = o.mux;
      this.#mux = mux;
      this.#sink = { receive: (data, from, to) => this.#receive(data, from, to) };
      mux.register(this.core.localCredentials.ufrag, this.#sink);
      const ann = announce(mux.localAddress.address);
      this.core.addHostCandidate(this.now(), {
        ...mux.localAddress,
        ...(ann ? { announcedAddress: ann } : {}),
      });
    } else {
      let list = o.addresses
        ? o.addresses.map((address, rank) => ({ address: normalizeIp(address), rank }))
        : usableAddresses(o.interfaces);
      // A host with no usable interface (a container with only lo): gather on loopback.
      if (list.length === 0 && !o.addresses)
        list = usableAddresses({ ...o.interfaces, includeLoopback: true });
      for (const { address, rank } of list) {
        let socket: Socket;
        try {
          socket = await bindUdp(address, o.portRange);
        } catch (e) {
          this.#log.warn("cannot bind", { address, error: String(e) });
          continue;
        }
        if (this.#closed) {
          await closeUdp(socket);
          return;
        }
        growReceiveBuffer(socket, this.#log);
        const local = { address, port: socket.address().port };
        this.#sockets.push({ socket, local });
        const source = lastSource();
        socket.on("message", (data, rinfo) =>
          this.#receive(data, source(rinfo.address, rinfo.port), local),
        );
        socket.on("error", (e) => this.#log.debug("socket error", { error: String(e) }));
        const ann = announce(address);
        this.core.addHostCandidate(this.now(), {
          ...local,
          interfaceRank: rank,
          ...(ann ? { announcedAddress: ann } : {}),
        });
      }
    }
    if (o.mdns && !this.#closed) {
      const s = await openMdnsSocket((e) =>
        this.#log.info("mDNS unavailable", { error: String(e) }),
      );
      if (this.#closed) {
        if (s) await closeUdp(s);
        return;
      }
      this.#mdns = s;
      s?.on("message", (data, rinfo) =>
        this.#receive(
          data,
          { address: normalizeIp(rinfo.address), port: rinfo.port },
          { address: "224.0.0.251", port: 5353 },
        ),
      );
      s?.unref();
    }
    this.pump();
  }

  /**
   * Adds a TURN allocation per server (RFC 8656 over UDP) to the core; call after
   * {@link bind} and before gathering. Each allocation lives on the first bound socket of the
   * server's family. In single-port mode it gets a socket of its own: a TURN server keeps one
   * allocation per 5-tuple (RFC 8656 §2.2), and every peer of the mux would share one.
   */
  async addTurnRelays(
    servers: readonly RunnerTurnServer[],
    crypto: CryptoProvider,
    rng: Rng,
    portRange?: PortRange,
  ): Promise<void> {
    for (const t of servers) {
      if (this.#closed) return;
      if (t.transport === "tcp" || t.transport === "tls") {
        if (!this.#streams) this.#streams = this.#streamRelays();
        const streams = this.#streams;
        const stream = { ...t, transport: t.transport, host: t.host ?? t.server.address };
        this.core.addRelay(this.now(), streams.open(stream, crypto, rng));
        continue;
      }
      const family = ipFamily(t.server.address);
      if (family === undefined) continue;
      let local: SocketAddress | undefined;
      if (this.#mux) {
        const own = this.#relaySockets.find((b) => ipFamily(b.local.address) === family);
        local = own?.local ?? (await this.#bindRelaySocket(family, portRange));
      } else {
        local = this.#sockets.find((b) => ipFamily(b.local.address) === family)?.local;
      }
      if (!local) {
        this.#log.warn("no local socket of the TURN server's family; skipped", { url: t.url });
        continue;
      }
      this.#relayLocal.set(t.url, local);
      this.core.addRelay(
        this.now(),
        new TurnRelayClient({
          server: t.server,
          username: t.username,
          password: t.credential,
          crypto,
          rng,
          url: t.url,
          local,
          logger: this.#log,
        }),
      );
    }
    this.pump();
  }

  /** Frames from stream relays go to the core tagged with their relay (see @purertc/ice). */
  #streamRelays(): StreamRelays {
    return new StreamRelays(
      { logger: this.#log },
      {
        frame: (relay, data) => {
          if (this.#closed) return;
          const d: IceDatagram = { from: relay.server, data, relay };
          this.core.handleDatagram(this.now(), d);
          this.pump();
        },
        closed: (relay) => {
          if (this.#closed) return;
          relay.handleTransportClosed?.(this.now());
          this.pump();
        },
      },
    );
  }

  /** The local transport address the allocation of a TURN URL uses. */
  relayLocal(url: string): SocketAddress | undefined {
    return this.#relayLocal.get(url);
  }

  async #bindRelaySocket(
    family: 4 | 6,
    portRange: PortRange | undefined,
  ): Promise<SocketAddress | undefined> {
    const muxAddress = this.#mux!.localAddress.address;
    const address = ipFamily(muxAddress) === family ? muxAddress : family === 4 ? "0.0.0.0" : "::";
    let socket: Socket;
    try {
      socket = await bindUdp(address, portRange);
    } catch (e) {
      this.#log.warn("cannot bind a TURN socket", { address, error: String(e) });
      return undefined;
    }
    if (this.#closed) {
      await closeUdp(socket);
      return undefined;
    }
    const local = { address, port: socket.address().port };
    this.#relaySockets.push({ socket, local });
    const source = lastSource();
    socket.on("message", (data, rinfo) =>
      this.#receive(data, source(rinfo.address, rinfo.port), local),
    );
    socket.on("error", (e) => this.#log.debug("socket error", { error: String(e) }));
    return local;
  }

  /** Registers a new ufrag with the single-port mux (after an ICE restart). */
  reregister(): void {
    if (this.#mux && this.#sink) this.#mux.register(this.core.localCredentials.ufrag, this.#sink);
  }

  /**
   * The drain rule: transmits to sockets, events out, then one timer at the earliest deadline.
   * The timer is re-armed once per event-loop turn (in the check phase), not once per datagram:
   * libuv hands over up to 32 datagrams per poll, and `pollTimeout()` walks every child's timer
   * table. Deadlines move by less than a turn, and queued W3C tasks run before the re-arm.
   */
  pump(): void {
    const core = this.core;
    for (let t = core.pollTransmit(); t; t = core.pollTransmit()) this.#transmit(t);
    for (let e = core.pollEvent(); e; e = core.pollEvent()) this.#onEvent(e);
    this.#afterPump();
    if (this.#closed || this.#armQueued) return;
    this.#armQueued = true;
    inCheckPhase(this.#armLater);
  }

  /** The check phase: what the turn's datagrams left to send goes out, then the timer. */
  readonly #armLater = (): void => {
    this.#armQueued = false;
    if (this.#closed) return;
    const core = this.core;
    let sent = false;
    for (let t = core.pollTransmit(); t; t = core.pollTransmit()) {
      this.#transmit(t);
      sent = true;
    }
    if (sent) {
      for (let e = core.pollEvent(); e; e = core.pollEvent()) this.#onEvent(e);
      this.#afterPump();
    }
    if (!this.#closed) this.#arm();
  };

  /** Closes the core (its last datagrams go out) and every socket; nothing stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.core.close(this.now());
    for (let t = this.core.pollTransmit(); t; t = this.core.pollTransmit()) this.#transmit(t);
    this.#closed = true;
    sharedTimer.cancel(this.#slot);
    if (this.#mux && this.#sink) this.#mux.unregister(this.#sink);
    // Let the TURN deallocations (Refresh with lifetime 0, RFC 8656 §7) leave: dgram sends to
    // an IP literal after a tick, and a socket closed before that drops the datagram.
    if (this.#relayLocal.size > 0) await new Promise((r) => setImmediate(r));
    const closing = [...this.#sockets, ...this.#relaySockets].map((s) => closeUdp(s.socket));
    if (this.#mdns) closing.push(closeUdp(this.#mdns));
    if (this.#streams) closing.push(this.#streams.close());
    this.#sockets.length = 0;
    this.#relaySockets.length = 0;
    this.#mdns = undefined;
    await Promise.all(closing);
  }

  /**
   * A datagram's events go out at once (the W3C layer queues them as tasks). Once the
   * association is up, its transmits wait for the check phase of this event-loop turn, so that a
   * burst libuv hands over (up to 32 datagrams per socket and poll) is answered by one SCTP SACK,
   * not one per two DATA packets. Until then (ICE checks, DTLS flights, SCTP INIT..COOKIE-ACK:
   * one datagram in, one flight out, no burst to coalesce) and for every STUN message (a
   * consent or check response whose delay would count in the peer's round-trip time, RFC 8445
   * §7.2.5.3), they leave here, before the tasks this turn queued: each handshake step would
   * otherwise wait for the application's event handlers.
   */
  #receive(data: Uint8Array, from: SocketAddress, to: SocketAddress): void {
    if (this.#closed) return;
    const core = this.core;
    const urgent = isStun(data) || handshaking(core);
    core.handleDatagram(this.now(), { from, to, data });
    if (urgent) for (let t = core.pollTransmit(); t; t = core.pollTransmit()) this.#transmit(t);
    for (let e = core.pollEvent(); e; e = core.pollEvent()) this.#onEvent(e);
    this.#afterPump();
    if (this.#closed || this.#armQueued) return;
    this.#armQueued = true;
    inCheckPhase(this.#armLater);
  }

  #transmit(t: IceTransmit): void {
    if (t.relay) {
      this.#streams?.write(t);
      return;
    }
    if (t.to.port === 5353 && (t.to.address === "224.0.0.251" || t.to.address === "ff02::fb")) {
      this.#mdns?.send(t.data, t.to.port, t.to.address);
      return;
    }
    if (t.from && this.#relaySockets.length > 0) {
      const r = this.#relaySockets.find((x) => sameSocketAddress(x.local, t.from!));
      if (r) {
        r.socket.send(t.data, t.to.port, t.to.address);
        return;
      }
    }
    if (this.#mux && this.#sink) {
      this.#mux.send(this.#sink, t.data, t.to);
      return;
    }
    const s = this.#socketFor(t.from, t.to);
    if (!s) return;
    s.socket.send(t.data, t.to.port, t.to.address);
  }

  /** The socket bound at `from`, else the first of `to`'s family (a loop: no closure per send). */
  #socketFor(from: SocketAddress | undefined, to: SocketAddress): Bound | undefined {
    const sockets = this.#sockets;
    if (from)
      for (let i = 0; i < sockets.length; i++)
        if (sameSocketAddress(sockets[i]!.local, from)) return sockets[i];
    const v6 = to.address.includes(":");
    for (let i = 0; i < sockets.length; i++)
      if (sockets[i]!.local.address.includes(":") === v6) return sockets[i];
    return undefined;
  }

  /** The slot follows the core's deadline exactly (moving it costs a heap update, no timer). */
  #arm(): void {
    const at = this.core.pollTimeout();
    if (at === undefined) sharedTimer.cancel(this.#slot);
    else sharedTimer.schedule(this.#slot, at);
  }

  /**
   * A timer wake-up re-arms at once: unlike datagrams, which libuv hands over in bursts, it is
   * one input, and deferring it to the check phase would only delay the re-arm.
   */
  readonly #fire = (): void => {
    if (this.#closed) return;
    this.core.handleTimeout(this.now());
    const core = this.core;
    for (let t = core.pollTransmit(); t; t = core.pollTransmit()) this.#transmit(t);
    for (let e = core.pollEvent(); e; e = core.pollEvent()) this.#onEvent(e);
    this.#afterPump();
    if (!this.#closed && !this.#armQueued) this.#arm();
  };
}
