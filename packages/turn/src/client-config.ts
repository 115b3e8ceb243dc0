/**
 * Configuration of the sans-IO {@link TurnClient}: RFC 8656 timers as frozen defaults,
 * validated at construction.
 */
import type { Logger, Rng, SocketAddress } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import type { StunTransactionConfig } from "@purertc/stun";
import { DEFAULT_ALLOCATION_LIFETIME_MS, PERMISSION_LIFETIME_MS } from "./constants.js";

/** How the client reaches the server. Stream transports frame per RFC 8656 §12.5. */
export type TurnTransport = "udp" | "tcp" | "tls";

/** Which relayed address families to ask for (RFC 8656 §7.1 / §18.6 / §18.11). */
export type TurnFamilyRequest = "ipv4" | "ipv6" | "dual";

/** Tunable settings of a {@link TurnClient}. */
export interface TurnClientConfig {
  /** Transport to the server: UDP retransmits requests; TCP/TLS send once and pad ChannelData. */
  readonly transport: TurnTransport;
  /** Relayed families: IPv4 (server default), IPv6, or both (ADDITIONAL-ADDRESS-FAMILY). */
  readonly addressFamily: TurnFamilyRequest;
  /** LIFETIME asked for in Allocate and Refresh (RFC 8656 §7.2 default 600 s). */
  readonly lifetimeMs: number;
  /**
   * Refresh this long before the allocation expires (RFC 8656 §8: "the client SHOULD
   * refresh ... 1 minute before it expires"). Short lifetimes refresh at half-life instead.
   */
  readonly refreshBeforeMs: number;
  /**
   * Re-issue CreatePermission / ChannelBind at this interval; it must be below the 300 s
   * permission lifetime (RFC 8656 §9) to leave room for retransmissions.
   */
  readonly permissionRefreshMs: number;
  /** Datagrams queued per peer while its permission is being created; extra ones are dropped. */
  readonly maxQueuedPerPeer: number;
  /** 438 Stale Nonce retries in a row before a request fails. */
  readonly maxStaleNonceRetries: number;
  /** Appends FINGERPRINT to requests (useful when the socket is shared with ICE). */
  readonly fingerprint: boolean;
  /** SOFTWARE attribute of requests; empty: none. */
  readonly software: string;
  /** STUN retransmission parameters (RFC 8489 §6.2.1 defaults). */
  readonly transaction: Partial<StunTransactionConfig>;
}

/** RFC defaults: 600 s allocations refreshed 60 s early, permissions refreshed every 240 s. */
export const DEFAULT_TURN_CLIENT_CONFIG: TurnClientConfig = Object.freeze({
  transport: "udp",
  addressFamily: "ipv4",
  lifetimeMs: DEFAULT_ALLOCATION_LIFETIME_MS,
  refreshBeforeMs: 60_000,
  permissionRefreshMs: PERMISSION_LIFETIME_MS - 60_000,
  maxQueuedPerPeer: 32,
  maxStaleNonceRetries: 3,
  fingerprint: false,
  software: "",
  transaction: Object.freeze({}),
});

/** What {@link TurnClient} needs: where, who, and the injected dependencies. */
export interface TurnClientOptions extends Partial<TurnClientConfig> {
  /** The TURN server's transport address. */
  readonly server: SocketAddress;
  readonly username: string;
  readonly password: string;
  readonly crypto: CryptoProvider;
  /** Transaction ids; defaults to a secure RNG. */
  readonly rng?: Rng;
  readonly logger?: Logger;
}

/** Merges and validates a client configuration. */
export function resolveTurnClientConfig(partial: Partial<TurnClientConfig>): TurnClientConfig {
  const c: TurnClientConfig = { ...DEFAULT_TURN_CLIENT_CONFIG };
  for (const k of Object.keys(DEFAULT_TURN_CLIENT_CONFIG) as (keyof TurnClientConfig)[]) {
    if (partial[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = partial[k];
  }
  if (!["udp", "tcp", "tls"].includes(c.transport)) {
    throw new TypeError(`transport must be udp, tcp or tls, got ${String(c.transport)}`);
  }
  if (!["ipv4", "ipv6", "dual"].includes(c.addressFamily)) {
    throw new TypeError(`addressFamily must be ipv4, ipv6 or dual, got ${String(c.addressFamily)}`);
  }
  if (!(c.lifetimeMs >= 1000) || c.lifetimeMs > 0xffffffff * 1000) {
    throw new RangeError(`lifetimeMs must be >= 1000, got ${c.lifetimeMs}`);
  }
  if (!(c.refreshBeforeMs >= 0)) throw new RangeError("refreshBeforeMs must be >= 0");
  if (!(c.permissionRefreshMs > 0 && c.permissionRefreshMs < PERMISSION_LIFETIME_MS)) {
    throw new RangeError(
      `permissionRefreshMs must be in (0, 300000), got ${c.permissionRefreshMs}`,
    );
  }
  if (!Number.isInteger(c.maxQueuedPerPeer) || c.maxQueuedPerPeer < 0) {
    throw new RangeError("maxQueuedPerPeer must be an integer >= 0");
  }
  if (!Number.isInteger(c.maxStaleNonceRetries) || c.maxStaleNonceRetries < 0) {
    throw new RangeError("maxStaleNonceRetries must be an integer >= 0");
  }
  return Object.freeze(c);
}
