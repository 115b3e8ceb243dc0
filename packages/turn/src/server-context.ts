/**
 * The state one {@link TurnServer} shares between its parts (request dispatch, allocations,
 * permissions and channels, relaying, replies, quotas). Internal: the server keeps it in a
 * private field, the `server-*` modules act on it.
 */
import {
  Fifo,
  type Logger,
  type Millis,
  normalizeIp,
  type Rng,
  type SocketAddress,
  secureRng,
  silentLogger,
} from "@purertc/common";
import {
  type DecodedStunMessage,
  SourceRateLimiter,
  type StunIntegrityKey,
  StunMethod,
} from "@purertc/stun";
import type { Allocation, ClientPath, RelayAddress } from "./allocation.js";
import type { TurnAddressFamily } from "./attributes.js";
import { PeerPolicy } from "./peer-policy.js";
import type { TurnServerEvent, TurnServerTransmit } from "./server.js";
import { TurnAuthenticator } from "./server-auth.js";
import {
  resolveTurnServerConfig,
  type TurnServerConfig,
  type TurnServerOptions,
} from "./server-config.js";
import { emptyServerCounters, type TurnServerCounters } from "./server-stats.js";

/** An Allocate waiting for the caller to bind its relay sockets. */
export interface PendingAllocation {
  readonly id: number;
  readonly path: ClientPath;
  readonly key: string;
  readonly transaction: Uint8Array;
  readonly username: string;
  readonly user: string;
  readonly integrity: StunIntegrityKey;
  readonly credentialExpiresAt: Millis | undefined;
  readonly lifetimeMs: number;
  readonly wanted: TurnAddressFamily[];
  /** Whether failing the second family only adds ADDRESS-ERROR-CODE (dual-stack, §7.2). */
  readonly additional: boolean;
  readonly bound: RelayAddress[];
  readonly failed: TurnAddressFamily[];
}

/** A request and the client path it came on. */
export interface ServerRequest {
  readonly msg: DecodedStunMessage;
  readonly path: ClientPath;
}

/** Why an allocation is deleted (the `"allocation-deleted"` event's `reason`). */
export type DeleteReason = "expired" | "refresh-0" | "connection-closed" | "revoked" | "closed";

export const ALLOCATE = StunMethod.Allocate;

/** The shared state of one server. */
export class ServerContext {
  readonly config: TurnServerConfig;
  readonly auth: TurnAuthenticator;
  readonly policy: PeerPolicy;
  /** Rate limit of unauthenticated answers per source IP (RFC 8656 §21). */
  readonly limiter: SourceRateLimiter;
  readonly rng: Rng;
  readonly log: Logger;
  readonly transmits = new Fifo<TurnServerTransmit>();
  readonly events = new Fifo<TurnServerEvent>();
  /** Live allocations by 5-tuple key. */
  readonly allocations = new Map<string, Allocation>();
  /** Relayed addresses (local and advertised) → their allocation. */
  readonly byRelay = new Map<string, { alloc: Allocation; relay: RelayAddress }>();
  readonly pending = new Map<number, PendingAllocation>();
  readonly pendingByKey = new Map<string, PendingAllocation>();
  /** Allocations (live or pending) per quota owner. */
  readonly perUser = new Map<string, number>();
  /** `externalIps`: the public address per local relay IP (or per family). */
  readonly external: readonly { external: string; local: string | undefined }[];
  readonly c: TurnServerCounters = emptyServerCounters();
  nextId = 1;
  sweepAt: Millis | undefined;
  closed = false;

  constructor(options: TurnServerOptions) {
    this.config = resolveTurnServerConfig(options);
    const c = this.config;
    this.auth = new TurnAuthenticator(
      {
        realm: c.realm,
        users: c.users,
        restSecrets: c.restSecrets,
        nonceLifetimeMs: c.nonceLifetimeMs,
        epochOffsetMs: options.epochOffsetMs ?? 0,
      },
      options.crypto,
    );
    this.policy = new PeerPolicy(c.allowedPeers, c.deniedPeers);
    this.limiter = new SourceRateLimiter({
      ratePerSecond: c.unauthenticatedRatePerSecond,
      burst: c.unauthenticatedBurst,
      maxSources: 65_536,
    });
    this.rng = options.rng ?? secureRng();
    this.log = (options.logger ?? silentLogger).child("turn:server");
    this.external = c.externalIps.map((e) => {
      const [external, local] = e.split("/");
      return {
        external: normalizeIp(external!),
        local: local === undefined ? undefined : normalizeIp(local),
      };
    });
  }

  /** Starts the expiry sweep when there is something to sweep. */
  armSweep(now: Millis): void {
    if (this.sweepAt !== undefined || this.allocations.size === 0) return;
    this.sweepAt = now + this.config.sweepIntervalMs;
  }
}

/** The map key of a relayed or peer transport address. */
export function relayKey(a: SocketAddress): string {
  return `${normalizeIp(a.address)}|${a.port}`;
}
