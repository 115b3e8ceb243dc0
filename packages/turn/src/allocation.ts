/**
 * One allocation on the server (RFC 8656 §2.2, §6): its 5-tuple, relayed addresses,
 * permissions (§9), channels (§12), lifetime and bandwidth buckets.
 */
import { formatSocketAddress, type Millis, type SocketAddress } from "@purertc/common";
import type { StunIntegrityKey } from "@purertc/stun";
import type { TurnAddressFamily } from "./attributes.js";
import type { TurnTransport } from "./client-config.js";
import { CHANNEL_REUSE_DELAY_MS } from "./constants.js";

/** How a client reaches the server: its address, the listener's address, and the transport. */
export interface ClientPath {
  readonly client: SocketAddress;
  readonly listener: SocketAddress;
  readonly transport: TurnTransport;
}

/** The RFC 8656 §2.2 5-tuple as a map key. */
export function fiveTupleKey(p: ClientPath): string {
  return `${p.transport}|${formatSocketAddress(p.client)}|${formatSocketAddress(p.listener)}`;
}

/** A relayed transport address: the socket's local address and what clients are told. */
export interface RelayAddress {
  readonly family: TurnAddressFamily;
  readonly local: SocketAddress;
  readonly advertised: SocketAddress;
}

/** A channel binding (RFC 8656 §12). */
export interface ServerChannel {
  readonly number: number;
  readonly peer: SocketAddress;
  readonly peerKey: string;
  expiresAt: Millis;
}

/** A byte budget refilled at `rate` bytes/s (burst: one second's worth). */
export class ByteBucket {
  #tokens: number;
  #at: Millis;
  readonly #rate: number;

  constructor(rate: number, now: Millis) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#at = now;
  }

  /** Takes `n` bytes; `false` when over budget (the datagram is dropped). */
  take(now: Millis, n: number): boolean {
    if (this.#rate === 0) return true;
    if (now > this.#at) {
      this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) * this.#rate) / 1000);
      this.#at = now;
    }
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}

/** A live allocation. */
export class Allocation {
  readonly id: number;
  readonly path: ClientPath;
  readonly key: string;
  readonly username: string;
  /** Quota owner. */
  readonly user: string;
  integrity: StunIntegrityKey;
  /** REST credential expiry (core time), if any. */
  credentialExpiresAt: Millis | undefined;
  readonly relays: RelayAddress[];
  expiresAt: Millis;
  /** Transaction key of the Allocate that created it, and the success response (§7.2 retransmits). */
  readonly allocateTransaction: string;
  readonly allocateResponse: Uint8Array;
  /** Peer IP → expiry. */
  readonly permissions = new Map<string, Millis>();
  readonly channels = new Map<number, ServerChannel>();
  readonly channelByPeer = new Map<string, ServerChannel>();
  readonly toPeer: ByteBucket;
  readonly fromPeer: ByteBucket;
  bytesToPeer = 0;
  bytesFromPeer = 0;

  constructor(init: {
    id: number;
    path: ClientPath;
    username: string;
    user: string;
    integrity: StunIntegrityKey;
    credentialExpiresAt: Millis | undefined;
    relays: RelayAddress[];
    expiresAt: Millis;
    allocateTransaction: string;
    allocateResponse: Uint8Array;
    bandwidth: number;
    now: Millis;
  }) {
    this.id = init.id;
    this.path = init.path;
    this.key = fiveTupleKey(init.path);
    this.username = init.username;
    this.user = init.user;
    this.integrity = init.integrity;
    this.credentialExpiresAt = init.credentialExpiresAt;
    this.relays = init.relays;
    this.expiresAt = init.expiresAt;
    this.allocateTransaction = init.allocateTransaction;
    this.allocateResponse = init.allocateResponse;
    this.toPeer = new ByteBucket(init.bandwidth, init.now);
    this.fromPeer = new ByteBucket(init.bandwidth, init.now);
  }

  /** The relay of a family, if the allocation has one. */
  relayOf(family: TurnAddressFamily): RelayAddress | undefined {
    for (const r of this.relays) if (r.family === family) return r;
    return undefined;
  }

  /** Whether a live permission exists for the peer IP (RFC 8656 §9). */
  permits(now: Millis, ip: string): boolean {
    const at = this.permissions.get(ip);
    return at !== undefined && at > now;
  }

  /**
   * Removes expired permissions, and channels whose 5-minute reuse delay after expiry has
   * passed (RFC 8656 §12); returns how many went.
   */
  sweep(now: Millis): { permissions: number; channels: number } {
    let permissions = 0;
    let channels = 0;
    for (const [ip, at] of this.permissions) {
      if (at <= now) {
        this.permissions.delete(ip);
        permissions++;
      }
    }
    for (const [n, c] of this.channels) {
      if (c.expiresAt + CHANNEL_REUSE_DELAY_MS <= now) {
        this.channels.delete(n);
        this.channelByPeer.delete(c.peerKey);
        channels++;
      }
    }
    return { permissions, channels };
  }
}
