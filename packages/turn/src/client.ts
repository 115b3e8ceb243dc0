/**
 * The sans-IO TURN client (RFC 8656): one allocation on one server, with its permissions,
 * channels and refreshes. The caller moves the bytes (see README "Transport contract"): every
 * transmit goes to the server; UDP datagrams from the server go to `handleDatagram`, stream
 * bytes (TCP/TLS) to `handleStreamData`. The protocol lives in the `client-*` modules, on the
 * shared state of a {@link ClientContext}.
 */
import {
  formatSocketAddress,
  type Millis,
  normalizeIp,
  type SocketAddress,
  type Transmit,
} from "@purertc/common";
import { StunMethod } from "@purertc/stun";
import type { AddressErrorCodeValue } from "./attributes.js";
import {
  closeAllocation,
  fail,
  sendRefresh,
  startAllocation,
  transportClosed,
} from "./client-allocation.js";
import type { TurnClientConfig, TurnClientOptions } from "./client-config.js";
import { ClientContext } from "./client-context.js";
import { handleFrame, sendTo } from "./client-data.js";
import {
  bindChannel,
  createPermission,
  refreshChannel,
  refreshPermission,
} from "./client-permissions.js";
import { drainTransactions } from "./client-transactions.js";
import { TurnError } from "./errors.js";

/** Where the allocation is in its life. */
export type TurnClientState = "idle" | "allocating" | "allocated" | "closing" | "closed" | "failed";

/** Events of a {@link TurnClient}, drained with `pollEvent()`. */
export type TurnClientEvent =
  | {
      readonly type: "allocated";
      /** One relayed address per family granted (two for a dual-stack allocation). */
      readonly relayed: readonly SocketAddress[];
      /** XOR-MAPPED-ADDRESS: the client's server-reflexive address, if the server sent it. */
      readonly mapped: SocketAddress | undefined;
      readonly lifetimeMs: number;
      /** Set when one family of a dual-stack request was refused (RFC 8656 §7.3). */
      readonly addressError: AddressErrorCodeValue | undefined;
    }
  | { readonly type: "refreshed"; readonly lifetimeMs: number }
  /** A CreatePermission (or ChannelBind) succeeded; `refreshed` when it existed already. */
  | { readonly type: "permission-created"; readonly peerIp: string; readonly refreshed: boolean }
  | { readonly type: "permission-failed"; readonly peerIp: string; readonly error: TurnError }
  | { readonly type: "channel-bound"; readonly peer: SocketAddress; readonly channel: number }
  | { readonly type: "channel-failed"; readonly peer: SocketAddress; readonly error: TurnError }
  | {
      readonly type: "data";
      readonly peer: SocketAddress;
      /** A copy, owned by the receiver. */
      readonly data: Uint8Array;
      /** The channel it came on, or `undefined` for a Data indication. */
      readonly channel: number | undefined;
    }
  /** The allocation could not be made, or was lost (refresh refused, server gone). */
  | { readonly type: "failed"; readonly error: TurnError }
  | { readonly type: "closed" };

/** Counters of a {@link TurnClient}. */
export interface TurnClientStats {
  readonly state: TurnClientState;
  readonly requestsSent: number;
  readonly errorResponses: number;
  readonly staleNonceRetries: number;
  readonly sendIndicationsSent: number;
  readonly channelDataSent: number;
  readonly dataIndicationsReceived: number;
  readonly channelDataReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Datagrams dropped: queue full, no permission, unknown channel. */
  readonly dropped: number;
  /** Malformed or unauthenticated input ignored. */
  readonly malformed: number;
}

/**
 * A TURN client for one allocation. Call `allocate(now)`, drain, feed the server's bytes in,
 * and drive timeouts; then `sendTo(now, peer, data)` relays (ChannelData once a channel is
 * bound, Send indications otherwise) and `"data"` events deliver what peers send back.
 */
export class TurnClient {
  readonly server: SocketAddress;
  readonly config: TurnClientConfig;
  readonly #ctx: ClientContext;

  constructor(options: TurnClientOptions) {
    this.#ctx = new ClientContext(options);
    this.server = this.#ctx.server;
    this.config = this.#ctx.config;
  }

  get state(): TurnClientState {
    return this.#ctx.state;
  }

  /** The relayed transport addresses (empty until `"allocated"`). */
  get relayedAddresses(): readonly SocketAddress[] {
    return this.#ctx.relayed;
  }

  /** The server-reflexive address the server reported in the Allocate response. */
  get mappedAddress(): SocketAddress | undefined {
    return this.#ctx.mapped;
  }

  /** When the allocation expires unless refreshed. */
  get expiresAt(): Millis | undefined {
    return this.#ctx.state === "allocated" ? this.#ctx.expiresAt : undefined;
  }

  /** The realm learnt from the server's 401. */
  get realm(): string | undefined {
    return this.#ctx.realm;
  }

  /** Starts the allocation (RFC 8656 §7.1): first without credentials, to learn realm and nonce. */
  allocate(now: Millis): void {
    const st = this.#ctx.state;
    if (st !== "idle") throw new TypeError(`TurnClient.allocate in state ${st}`);
    startAllocation(this.#ctx, now);
  }

  /**
   * Installs permissions for peer IPs (RFC 8656 §9): one CreatePermission for all of them,
   * refreshed every `permissionRefreshMs` until `close()`. Ports are ignored.
   */
  createPermission(now: Millis, ...peers: SocketAddress[]): void {
    this.#requireAllocated("createPermission");
    createPermission(this.#ctx, now, peers);
  }

  /**
   * Binds a channel to a peer (RFC 8656 §11) and returns its number. Data goes as ChannelData
   * once the server confirms (`"channel-bound"`); the binding (and the peer's permission) is
   * refreshed every `permissionRefreshMs`, well before the 10-minute channel lifetime.
   */
  bindChannel(now: Millis, peer: SocketAddress): number {
    this.#requireAllocated("bindChannel");
    return bindChannel(this.#ctx, now, peer);
  }

  /** The channel number bound to a peer, if the server confirmed it. */
  channelOf(peer: SocketAddress): number | undefined {
    const c = this.#ctx.peers.channelOf(peer);
    return c?.bound ? c.number : undefined;
  }

  /** Whether the server confirmed a permission for this peer IP. */
  hasPermission(peerIp: string): boolean {
    return this.#ctx.peers.permissions.get(normalizeIp(peerIp))?.active ?? false;
  }

  /**
   * Relays `data` to `peer`: ChannelData when a channel is bound, else a Send indication. Without
   * a confirmed permission the datagram is queued and a CreatePermission is sent first. Returns
   * `false` when it was dropped (not allocated, queue full).
   */
  sendTo(now: Millis, peer: SocketAddress, data: Uint8Array): boolean {
    return sendTo(this.#ctx, now, peer, data);
  }

  /** Releases the allocation (RFC 8656 §8: Refresh with LIFETIME 0), then emits `"closed"`. */
  close(now: Millis): void {
    closeAllocation(this.#ctx, now);
  }

  /**
   * Feeds one datagram from the server (UDP), or one whole frame cut by a
   * {@link TurnStreamFramer}. Returns whether it was a TURN message for this client; other
   * bytes (or other sources) are left to the caller. Never throws on remote input.
   */
  handleDatagram(
    now: Millis,
    dgram: { readonly from: SocketAddress; readonly data: Uint8Array },
  ): boolean {
    const server = this.#ctx.server;
    if (dgram.from.port !== server.port || normalizeIp(dgram.from.address) !== server.address) {
      return false;
    }
    return handleFrame(this.#ctx, now, dgram.data);
  }

  /** Feeds bytes received on a TCP/TLS connection to the server (framed internally). */
  handleStreamData(now: Millis, chunk: Uint8Array): void {
    const ctx = this.#ctx;
    const framer = ctx.framer;
    if (!framer) throw new TypeError("handleStreamData needs transport tcp or tls");
    framer.push(chunk);
    for (let f = framer.next(); f; f = framer.next()) handleFrame(ctx, now, f);
    if (framer.error) {
      ctx.s.malformed++;
      fail(ctx, new TurnError("closed", StunMethod.Allocate, 0, `stream error: ${framer.error}`));
    }
  }

  /** Tells the client its TCP/TLS connection closed: the allocation is gone with it. */
  handleTransportClosed(_now: Millis): void {
    transportClosed(this.#ctx);
  }

  handleTimeout(now: Millis): void {
    const ctx = this.#ctx;
    ctx.tx.handleTimeout(now);
    drainTransactions(ctx, now);
    for (const t of ctx.timers.expire(now)) {
      if (ctx.state !== "allocated") break;
      if (t === "allocation") sendRefresh(ctx, now);
      else if (t.startsWith("perm:")) refreshPermission(ctx, now, t.slice(5));
      else refreshChannel(ctx, now, t.slice(5));
    }
  }

  pollTransmit(): Transmit | undefined {
    const own = this.#ctx.transmits.shift();
    if (own) return own;
    return this.#ctx.tx.pollTransmit();
  }

  pollEvent(): TurnClientEvent | undefined {
    return this.#ctx.events.shift();
  }

  pollTimeout(): Millis | undefined {
    const a = this.#ctx.timers.next();
    const b = this.#ctx.tx.pollTimeout();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  stats(): TurnClientStats {
    return { state: this.#ctx.state, ...this.#ctx.s };
  }

  /** One line for test traces. */
  describe(): string {
    const { state, relayed, peers } = this.#ctx;
    return `turn-client ${state} relayed=${relayed.map(formatSocketAddress).join(",")} perms=${peers.permissions.size} channels=${peers.channels.size}`;
  }

  #requireAllocated(what: string): void {
    const st = this.#ctx.state;
    if (st !== "allocated") throw new TypeError(`TurnClient.${what} in state ${st}`);
  }
}
