/**
 * Configuration of the sans-IO {@link TurnServer}: RFC 8656 timers and safe defaults (denied
 * private peers, quotas, rate-limited challenges), validated at construction.
 */
import type { Logger, Rng } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import {
  CHANNEL_LIFETIME_MS,
  DEFAULT_ALLOCATION_LIFETIME_MS,
  MAX_ALLOCATION_LIFETIME_MS,
  PERMISSION_LIFETIME_MS,
} from "./constants.js";
import { parseCidr } from "./peer-policy.js";

/** Tunable settings of a {@link TurnServer}. */
export interface TurnServerConfig {
  /** Long-term credential realm (RFC 8489 §9.2). */
  readonly realm: string;
  /** Static long-term users: username → password. */
  readonly users: Readonly<Record<string, string>>;
  /**
   * Shared secrets for coturn-compatible time-limited credentials ("TURN REST API"):
   * username `"<unix expiry>:<user>"`, password `base64(HMAC-SHA1(secret, username))`. Several
   * secrets allow rotation; any of them verifies.
   */
  readonly restSecrets: readonly string[];
  /** Nonce validity; an older nonce gets 438 Stale Nonce (RFC 8656 §7.2, coturn: 600 s). */
  readonly nonceLifetimeMs: number;
  /** RFC 8656 §7.2: lifetime when the client asks for less (600 s). */
  readonly defaultLifetimeMs: number;
  /** RFC 8656 §7.2: the cap on requested lifetimes (3600 s). */
  readonly maxLifetimeMs: number;
  /** RFC 8656 §9: "MUST be 300 seconds". Changeable for tests only. */
  readonly permissionLifetimeMs: number;
  /** RFC 8656 §12: 10 minutes. */
  readonly channelLifetimeMs: number;
  /** Peer ranges relayed to even though their scope is denied (e.g. `"127.0.0.0/8"` in tests). */
  readonly allowedPeers: readonly string[];
  /** Extra denied peer ranges (on top of loopback/private/ULA/link-local/multicast/unspecified). */
  readonly deniedPeers: readonly string[];
  /** Public addresses to report instead of local ones: `"public"` or `"public/local"`. */
  readonly externalIps: readonly string[];
  /** Live allocations per user (REST users count by their user part); 486 beyond. 0: unlimited. */
  readonly maxAllocationsPerUser: number;
  /** Live allocations in total; 486 beyond. */
  readonly maxAllocations: number;
  /** Permissions per allocation; 508 beyond. */
  readonly maxPermissionsPerAllocation: number;
  /** Relayed bytes per second per allocation, each direction; excess is dropped. 0: unlimited. */
  readonly maxBandwidthBytesPerSecond: number;
  /** Answers (challenges and errors) to unauthenticated requests per source IP per second. */
  readonly unauthenticatedRatePerSecond: number;
  /** Burst of such answers per source IP. */
  readonly unauthenticatedBurst: number;
  /** SOFTWARE in responses; empty (default) keeps answers minimal. */
  readonly software: string;
  /** How often expired allocations, permissions and channels are swept. */
  readonly sweepIntervalMs: number;
}

/** Defaults citing RFC 8656; denied private peers and bounded quotas. */
export const DEFAULT_TURN_SERVER_CONFIG: TurnServerConfig = Object.freeze({
  realm: "purertc",
  users: Object.freeze({}),
  restSecrets: Object.freeze([]),
  nonceLifetimeMs: 600_000,
  defaultLifetimeMs: DEFAULT_ALLOCATION_LIFETIME_MS,
  maxLifetimeMs: MAX_ALLOCATION_LIFETIME_MS,
  permissionLifetimeMs: PERMISSION_LIFETIME_MS,
  channelLifetimeMs: CHANNEL_LIFETIME_MS,
  allowedPeers: Object.freeze([]),
  deniedPeers: Object.freeze([]),
  externalIps: Object.freeze([]),
  maxAllocationsPerUser: 100,
  maxAllocations: 10_000,
  maxPermissionsPerAllocation: 256,
  maxBandwidthBytesPerSecond: 0,
  unauthenticatedRatePerSecond: 20,
  unauthenticatedBurst: 40,
  software: "",
  sweepIntervalMs: 1000,
});

/** What {@link TurnServer} takes: settings plus injected dependencies. */
export interface TurnServerOptions extends Partial<TurnServerConfig> {
  readonly crypto: CryptoProvider;
  readonly rng?: Rng;
  readonly logger?: Logger;
  /**
   * Wall-clock milliseconds (Unix epoch) at core time 0, used only to check the expiry of REST
   * credentials: `unixMs = now + epochOffsetMs`. The Node adapter sets it.
   */
  readonly epochOffsetMs?: number;
}

function positive(c: TurnServerConfig, k: keyof TurnServerConfig): void {
  const v = c[k] as number;
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`TURN server config: ${k} must be a positive number, got ${String(v)}`);
  }
}

function nonNegativeInt(c: TurnServerConfig, k: keyof TurnServerConfig): void {
  const v = c[k] as number;
  if (!Number.isInteger(v) || v < 0) {
    throw new RangeError(`TURN server config: ${k} must be an integer >= 0, got ${String(v)}`);
  }
}

/** Merges and validates a server configuration; errors name the field. */
export function resolveTurnServerConfig(partial: Partial<TurnServerConfig>): TurnServerConfig {
  const c: TurnServerConfig = { ...DEFAULT_TURN_SERVER_CONFIG };
  for (const k of Object.keys(DEFAULT_TURN_SERVER_CONFIG) as (keyof TurnServerConfig)[]) {
    if (partial[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = partial[k];
  }
  if (typeof c.realm !== "string" || c.realm.length === 0 || c.realm.length > 763) {
    throw new TypeError("TURN server config: realm must be a non-empty string");
  }
  if (typeof c.users !== "object" || c.users === null) {
    throw new TypeError("TURN server config: users must be an object of username → password");
  }
  for (const [u, p] of Object.entries(c.users)) {
    if (typeof p !== "string")
      throw new TypeError(`TURN server config: password of ${u} must be a string`);
  }
  if (
    !Array.isArray(c.restSecrets) ||
    c.restSecrets.some((s) => typeof s !== "string" || s === "")
  ) {
    throw new TypeError("TURN server config: restSecrets must be non-empty strings");
  }
  for (const k of [
    "nonceLifetimeMs",
    "defaultLifetimeMs",
    "maxLifetimeMs",
    "permissionLifetimeMs",
    "channelLifetimeMs",
    "sweepIntervalMs",
    "unauthenticatedRatePerSecond",
    "unauthenticatedBurst",
  ] as const) {
    positive(c, k);
  }
  for (const k of [
    "maxAllocationsPerUser",
    "maxAllocations",
    "maxPermissionsPerAllocation",
    "maxBandwidthBytesPerSecond",
  ] as const) {
    nonNegativeInt(c, k);
  }
  if (c.maxLifetimeMs < c.defaultLifetimeMs) {
    throw new RangeError("TURN server config: maxLifetimeMs must be >= defaultLifetimeMs");
  }
  for (const k of ["allowedPeers", "deniedPeers"] as const) {
    if (!Array.isArray(c[k])) throw new TypeError(`TURN server config: ${k} must be an array`);
    for (const r of c[k]) parseCidr(r);
  }
  if (!Array.isArray(c.externalIps))
    throw new TypeError("TURN server config: externalIps must be an array");
  for (const e of c.externalIps) {
    for (const part of String(e).split("/")) parseCidr(part);
  }
  return Object.freeze(c);
}
