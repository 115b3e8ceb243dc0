/**
 * The client's view of its permissions (RFC 8656 §9, keyed by peer IP) and channels (§12,
 * keyed by peer transport address): what is confirmed, what is pending, and what waits for it.
 */
import { formatSocketAddress, normalizeIp, type SocketAddress } from "@purertc/common";
import { MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from "./constants.js";

/** A datagram waiting for its permission. */
export interface QueuedSend {
  readonly peer: SocketAddress;
  readonly data: Uint8Array;
}

/** One permission (per peer IP address). */
export interface ClientPermission {
  readonly ip: string;
  /** Whether the server confirmed it at least once (data may flow). */
  active: boolean;
  /** A CreatePermission or ChannelBind for it is in flight. */
  inFlight: boolean;
  readonly queue: QueuedSend[];
}

/** One channel binding (per peer transport address). */
export interface ClientChannel {
  readonly peer: SocketAddress;
  readonly key: string;
  readonly number: number;
  /** Confirmed by a ChannelBind success: ChannelData may be sent. */
  bound: boolean;
  inFlight: boolean;
}

/** Permissions and channels of one allocation. */
export class ClientPeerTable {
  readonly permissions = new Map<string, ClientPermission>();
  readonly channels = new Map<string, ClientChannel>();
  readonly #byNumber = new Map<number, ClientChannel>();
  #nextChannel = MIN_CHANNEL_NUMBER;

  /** The permission of a peer IP, created (inactive) if missing. */
  permission(ip: string): ClientPermission {
    const key = normalizeIp(ip);
    let p = this.permissions.get(key);
    if (!p) {
      p = { ip: key, active: false, inFlight: false, queue: [] };
      this.permissions.set(key, p);
    }
    return p;
  }

  /** The channel of a peer, if one was requested. */
  channelOf(peer: SocketAddress): ClientChannel | undefined {
    return this.channels.get(peerKey(peer));
  }

  /** The peer bound to a channel number (confirmed bindings only). */
  channelByNumber(n: number): ClientChannel | undefined {
    const c = this.#byNumber.get(n);
    return c?.bound ? c : undefined;
  }

  /** Creates a channel for `peer` with the next free number; `undefined` when all 4096 are used. */
  newChannel(peer: SocketAddress): ClientChannel | undefined {
    const span = MAX_CHANNEL_NUMBER - MIN_CHANNEL_NUMBER + 1;
    for (let i = 0; i < span; i++) {
      const n = this.#nextChannel;
      this.#nextChannel = n === MAX_CHANNEL_NUMBER ? MIN_CHANNEL_NUMBER : n + 1;
      if (this.#byNumber.has(n)) continue;
      const norm = { address: normalizeIp(peer.address), port: peer.port };
      const c: ClientChannel = {
        peer: norm,
        key: peerKey(norm),
        number: n,
        bound: false,
        inFlight: false,
      };
      this.channels.set(c.key, c);
      this.#byNumber.set(n, c);
      return c;
    }
    return undefined;
  }

  /** Forgets a channel (after a failed bind). */
  removeChannel(c: ClientChannel): void {
    this.channels.delete(c.key);
    this.#byNumber.delete(c.number);
  }

  clear(): void {
    this.permissions.clear();
    this.channels.clear();
    this.#byNumber.clear();
  }
}

/** The map key of a peer transport address. */
export function peerKey(peer: SocketAddress): string {
  return formatSocketAddress({ address: normalizeIp(peer.address), port: peer.port });
}
