/**
 * The sans-IO TURN server (RFC 8656): allocations, permissions, channels, nonces, quotas and
 * authentication. It holds no sockets: client messages come in through `handleClientMessage`,
 * peer datagrams through `handlePeerDatagram`, and relayed sockets are opened by the caller on
 * a `"relay-request"` event (answered with `relayBound` / `relayFailed`) and closed on
 * `"relay-released"`. The protocol lives in the `server-*` modules, on the shared state of a
 * {@link ServerContext}.
 */
import { DecodeError, type Millis, type SocketAddress } from "@purertc/common";
import { decodeStunMessage, StunMethod } from "@purertc/stun";
import { type Allocation, type ClientPath, fiveTupleKey } from "./allocation.js";
import type { TurnAddressFamily } from "./attributes.js";
import { isChannelData } from "./channel-data.js";
import type { TurnTransport } from "./client-config.js";
import { deleteAllocation, dropPending, onRelaySocket } from "./server-allocations.js";
import type { TurnServerConfig, TurnServerOptions } from "./server-config.js";
import { relayKey, ServerContext } from "./server-context.js";
import { onRequest } from "./server-dispatch.js";
import { onClientChannelData, onPeerDatagram, onSend } from "./server-relay.js";
import type { TurnServerStats } from "./server-stats.js";

/** A datagram or stream frame the server wants sent. */
export interface TurnServerTransmit {
  readonly to: SocketAddress;
  /** The listener (towards a client) or the relayed address (towards a peer) to send from. */
  readonly from: SocketAddress;
  readonly data: Uint8Array;
  /** `"client"`: on the client's 5-tuple (UDP, TCP or TLS); `"peer"`: UDP from a relay socket. */
  readonly via: "client" | "peer";
  readonly transport: TurnTransport;
}

/** Events of a {@link TurnServer}. */
export type TurnServerEvent =
  /** Open a UDP socket of `family` (even port if asked) and answer `relayBound`/`relayFailed`. */
  | {
      readonly type: "relay-request";
      readonly id: number;
      readonly family: TurnAddressFamily;
      readonly evenPort: boolean;
    }
  /** Close the relay socket bound at `local`. */
  | { readonly type: "relay-released"; readonly local: SocketAddress }
  | {
      readonly type: "allocation-created";
      readonly id: number;
      readonly username: string;
      readonly client: SocketAddress;
      readonly relayed: readonly SocketAddress[];
    }
  | {
      readonly type: "allocation-deleted";
      readonly id: number;
      readonly username: string;
      readonly reason: "expired" | "refresh-0" | "connection-closed" | "revoked" | "closed";
    }
  /** A request was refused for a reason worth a log line (auth failures, quotas, denied peers). */
  | {
      readonly type: "rejected";
      readonly client: SocketAddress;
      readonly code: number;
      readonly why: string;
    };

/**
 * A TURN server core. After each call drain `pollTransmit()` and `pollEvent()`, then arm one
 * timer at `pollTimeout()`.
 */
export class TurnServer {
  readonly config: TurnServerConfig;
  readonly #ctx: ServerContext;

  constructor(options: TurnServerOptions) {
    if (!options?.crypto) throw new TypeError("TurnServer: a CryptoProvider is required");
    this.#ctx = new ServerContext(options);
    this.config = this.#ctx.config;
  }

  /** Wall-clock offset for REST credential expiry: Unix ms = core time + offset. */
  set epochOffsetMs(v: number) {
    this.#ctx.auth.epochOffsetMs = v;
  }

  /** Replaces the static users; live allocations keep working until their next request fails. */
  setUsers(users: Readonly<Record<string, string>>): void {
    this.#ctx.auth.setUsers(users);
  }

  /** Deletes every allocation of a username (or of a REST user part) at once. */
  revokeUser(_now: Millis, user: string): number {
    let n = 0;
    for (const a of [...this.#ctx.allocations.values()]) {
      if (a.username === user || a.user === user) {
        deleteAllocation(this.#ctx, a, "revoked");
        n++;
      }
    }
    return n;
  }

  /** The sans-IO Endpoint entry point: datagrams to a relayed address are peer traffic. */
  handleDatagram(
    now: Millis,
    dgram: { readonly from: SocketAddress; readonly to?: SocketAddress; readonly data: Uint8Array },
  ): void {
    const to = dgram.to;
    if (!to) throw new TypeError("TurnServer.handleDatagram needs the local address (to)");
    if (this.#ctx.byRelay.has(relayKey(to)))
      this.handlePeerDatagram(now, { from: dgram.from, to, data: dgram.data });
    else
      this.handleClientMessage(now, { from: dgram.from, to, transport: "udp", data: dgram.data });
  }

  /**
   * One message from a client: a UDP datagram, or one frame (STUN or ChannelData) of a TCP/TLS
   * connection cut by a `TurnStreamFramer`. Never throws on remote input.
   */
  handleClientMessage(
    now: Millis,
    m: {
      readonly from: SocketAddress;
      readonly to: SocketAddress;
      readonly transport: TurnTransport;
      readonly data: Uint8Array;
    },
  ): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const path: ClientPath = { client: m.from, listener: m.to, transport: m.transport };
    try {
      if (isChannelData(m.data)) {
        onClientChannelData(ctx, now, path, m.data);
        return;
      }
      const msg = decodeStunMessage(m.data);
      if (msg.class === "request") onRequest(ctx, now, { msg, path });
      else if (msg.class === "indication" && msg.method === StunMethod.Send)
        onSend(ctx, now, path, msg);
      else ctx.c.malformed++;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      ctx.c.malformed++;
    }
    ctx.armSweep(now);
  }

  /** One UDP datagram from a peer to a relayed address (`to`). */
  handlePeerDatagram(
    now: Millis,
    d: { readonly from: SocketAddress; readonly to: SocketAddress; readonly data: Uint8Array },
  ): void {
    onPeerDatagram(this.#ctx, now, d.from, d.to, d.data);
  }

  /** A client's TCP/TLS connection closed: its allocation goes with it (RFC 8656 §3.1). */
  handleClientClosed(_now: Millis, path: ClientPath): void {
    const key = fiveTupleKey(path);
    const a = this.#ctx.allocations.get(key);
    if (a) deleteAllocation(this.#ctx, a, "connection-closed");
    const p = this.#ctx.pendingByKey.get(key);
    if (p) dropPending(this.#ctx, p);
  }

  /** The caller bound the relay socket of a `"relay-request"`. */
  relayBound(now: Millis, id: number, family: TurnAddressFamily, local: SocketAddress): void {
    onRelaySocket(this.#ctx, now, id, family, local);
  }

  /** The caller could not bind a relay socket of that family (no address, ports exhausted). */
  relayFailed(now: Millis, id: number, family: TurnAddressFamily): void {
    onRelaySocket(this.#ctx, now, id, family, undefined);
  }

  handleTimeout(now: Millis): void {
    const ctx = this.#ctx;
    if (ctx.sweepAt === undefined || now < ctx.sweepAt) return;
    ctx.sweepAt = undefined;
    for (const a of [...ctx.allocations.values()]) {
      if (a.expiresAt <= now) {
        deleteAllocation(ctx, a, "expired");
        continue;
      }
      const gone = a.sweep(now);
      ctx.c.permissionsExpired += gone.permissions;
    }
    ctx.armSweep(now);
  }

  pollTransmit(): TurnServerTransmit | undefined {
    return this.#ctx.transmits.shift();
  }

  pollEvent(): TurnServerEvent | undefined {
    return this.#ctx.events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#ctx.sweepAt;
  }

  /** Deletes every allocation (graceful shutdown): their relay sockets are released. */
  close(_now: Millis): void {
    const ctx = this.#ctx;
    for (const a of [...ctx.allocations.values()]) deleteAllocation(ctx, a, "closed");
    for (const p of [...ctx.pending.values()]) dropPending(ctx, p);
    ctx.closed = true;
    ctx.sweepAt = undefined;
  }

  /** Gauges and counters (the Node adapter renders them as Prometheus metrics). */
  stats(now?: Millis): TurnServerStats {
    const ctx = this.#ctx;
    let permissions = 0;
    let channels = 0;
    for (const a of ctx.allocations.values()) {
      for (const at of a.permissions.values()) if (now === undefined || at > now) permissions++;
      for (const ch of a.channels.values()) if (now === undefined || ch.expiresAt > now) channels++;
    }
    return {
      allocations: ctx.allocations.size,
      pendingAllocations: ctx.pending.size,
      permissions,
      channels,
      ...ctx.c,
    };
  }

  /** Whether a client's 5-tuple has an allocation (live or being created). */
  hasAllocation(path: ClientPath): boolean {
    const key = fiveTupleKey(path);
    return this.#ctx.allocations.has(key) || this.#ctx.pendingByKey.has(key);
  }

  /** The live allocations (read-only views, for admin tools and tests). */
  allocations(): readonly Allocation[] {
    return [...this.#ctx.allocations.values()];
  }

  /** One line for test traces. */
  describe(): string {
    return `turn-server allocations=${this.#ctx.allocations.size} pending=${this.#ctx.pending.size}`;
  }
}
