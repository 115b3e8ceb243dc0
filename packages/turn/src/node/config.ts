/**
 * The `purertc-turn` configuration: a JSON file, then environment overrides, then command-line
 * flags, validated into {@link NodeTurnServerOptions} with errors that name the setting.
 */
import { readFileSync } from "node:fs";
import type { LogLevel, SocketAddress } from "@purertc/common";
import { parseSocketAddress } from "@purertc/common";
import type { TurnTransport } from "../client-config.js";
import { resolveTurnServerConfig } from "../server-config.js";
import type { NodeTurnServerOptions, TurnListenerSpec } from "./server.js";

/** A configuration problem; the CLI prints `message` and exits with code 2. */
export class TurnConfigError extends Error {
  override readonly name = "TurnConfigError";
}

/** The JSON file's shape (every key optional). */
export interface TurnServerFileConfig {
  readonly realm?: string;
  /** `"udp://0.0.0.0:3478"`, `"tcp://[::]:3478"`, `"tls://0.0.0.0:5349"`. */
  readonly listen?: readonly string[];
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly users?: Readonly<Record<string, string>>;
  readonly restSecrets?: readonly string[];
  readonly relayIps?: readonly string[];
  /** `"49152-65535"`. */
  readonly relayPorts?: string;
  readonly externalIps?: readonly string[];
  readonly allowedPeers?: readonly string[];
  readonly deniedPeers?: readonly string[];
  readonly maxAllocationsPerUser?: number;
  readonly maxAllocations?: number;
  readonly maxBandwidthBytesPerSecond?: number;
  readonly nonceLifetimeMs?: number;
  readonly maxLifetimeMs?: number;
  /** `"127.0.0.1:9641"`. */
  readonly metrics?: string;
  readonly logLevel?: LogLevel;
}

const FILE_KEYS = new Set([
  "realm",
  "listen",
  "tlsCertFile",
  "tlsKeyFile",
  "users",
  "restSecrets",
  "relayIps",
  "relayPorts",
  "externalIps",
  "allowedPeers",
  "deniedPeers",
  "maxAllocationsPerUser",
  "maxAllocations",
  "maxBandwidthBytesPerSecond",
  "nonceLifetimeMs",
  "maxLifetimeMs",
  "metrics",
  "logLevel",
]);

/** Environment variables and the setting each overrides. */
export const TURN_ENV: Readonly<Record<string, keyof TurnServerFileConfig>> = Object.freeze({
  PURERTC_TURN_REALM: "realm",
  PURERTC_TURN_LISTEN: "listen",
  PURERTC_TURN_USERS: "users",
  PURERTC_TURN_REST_SECRETS: "restSecrets",
  PURERTC_TURN_TLS_CERT: "tlsCertFile",
  PURERTC_TURN_TLS_KEY: "tlsKeyFile",
  PURERTC_TURN_RELAY_IPS: "relayIps",
  PURERTC_TURN_RELAY_PORTS: "relayPorts",
  PURERTC_TURN_EXTERNAL_IPS: "externalIps",
  PURERTC_TURN_ALLOWED_PEERS: "allowedPeers",
  PURERTC_TURN_METRICS: "metrics",
  PURERTC_TURN_LOG_LEVEL: "logLevel",
});

const LIST_KEYS = new Set([
  "listen",
  "restSecrets",
  "relayIps",
  "externalIps",
  "allowedPeers",
  "deniedPeers",
]);

/** Reads and checks a JSON config file. */
export function readConfigFile(path: string): TurnServerFileConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new TurnConfigError(`config file ${path}: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new TurnConfigError(`config file ${path}: expected a JSON object`);
  }
  for (const k of Object.keys(raw)) {
    if (!FILE_KEYS.has(k)) throw new TurnConfigError(`config file ${path}: unknown setting "${k}"`);
  }
  return raw as TurnServerFileConfig;
}

/** Settings from `PURERTC_TURN_*` variables; lists are comma-separated, users `name:pass,...`. */
export function configFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): TurnServerFileConfig {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(TURN_ENV)) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    if (key === "users") out.users = parseUsers(v.split(","), name);
    else if (LIST_KEYS.has(key))
      out[key] = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else out[key] = v;
  }
  return out as TurnServerFileConfig;
}

/** `name:password` entries into a user map. */
export function parseUsers(entries: readonly string[], where: string): Record<string, string> {
  const users: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf(":");
    if (i <= 0)
      throw new TurnConfigError(`${where}: user must be name:password, got ${JSON.stringify(e)}`);
    users[e.slice(0, i)] = e.slice(i + 1);
  }
  return users;
}

function parseListen(s: string): TurnListenerSpec {
  const m = /^(udp|tcp|tls):\/\/(.+)$/.exec(s);
  if (!m)
    throw new TurnConfigError(
      `listen: expected udp://, tcp:// or tls:// address, got ${JSON.stringify(s)}`,
    );
  let a: SocketAddress;
  try {
    a = parseSocketAddress(m[2]!);
  } catch {
    throw new TurnConfigError(`listen: bad address in ${JSON.stringify(s)}`);
  }
  return { transport: m[1] as TurnTransport, address: a.address, port: a.port };
}

const LEVELS = ["trace", "debug", "info", "warn", "error"];

/** Merges layers (later wins) and validates the result. */
export function resolveNodeConfig(
  layers: readonly TurnServerFileConfig[],
): NodeTurnServerOptions & { readonly logLevel: LogLevel } {
  const c: Record<string, unknown> = {};
  for (const l of layers) for (const [k, v] of Object.entries(l)) if (v !== undefined) c[k] = v;
  const f = c as TurnServerFileConfig;
  const listeners = (f.listen ?? ["udp://0.0.0.0:3478", "tcp://0.0.0.0:3478"]).map(parseListen);
  let relayPortRange: [number, number] | undefined;
  if (f.relayPorts !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(String(f.relayPorts));
    const lo = m ? Number(m[1]) : Number.NaN;
    const hi = m ? Number(m[2]) : Number.NaN;
    if (!(lo >= 1 && hi <= 65535 && lo <= hi)) {
      throw new TurnConfigError(
        `relayPorts: expected "low-high" within 1-65535, got ${JSON.stringify(f.relayPorts)}`,
      );
    }
    relayPortRange = [lo, hi];
  }
  let metrics: SocketAddress | undefined;
  if (f.metrics !== undefined) {
    try {
      metrics = parseSocketAddress(f.metrics);
    } catch {
      throw new TurnConfigError(`metrics: expected host:port, got ${JSON.stringify(f.metrics)}`);
    }
  }
  const logLevel = (f.logLevel ?? "info") as LogLevel;
  if (!LEVELS.includes(logLevel))
    throw new TurnConfigError(`logLevel: one of ${LEVELS.join(", ")}`);
  if (listeners.some((l) => l.transport === "tls") && (!f.tlsCertFile || !f.tlsKeyFile)) {
    throw new TurnConfigError(
      "a tls:// listener needs tlsCertFile and tlsKeyFile (--tls-cert, --tls-key)",
    );
  }
  if (Object.keys(f.users ?? {}).length === 0 && (f.restSecrets ?? []).length === 0) {
    throw new TurnConfigError(
      "no credentials: give users (--user name:pass) or restSecrets (--rest-secret)",
    );
  }
  const options: NodeTurnServerOptions & { logLevel: LogLevel } = {
    listeners,
    realm: f.realm,
    users: f.users,
    restSecrets: f.restSecrets,
    tlsCertFile: f.tlsCertFile,
    tlsKeyFile: f.tlsKeyFile,
    relayIps: f.relayIps,
    relayPortRange,
    externalIps: f.externalIps,
    allowedPeers: f.allowedPeers,
    deniedPeers: f.deniedPeers,
    maxAllocationsPerUser: f.maxAllocationsPerUser,
    maxAllocations: f.maxAllocations,
    maxBandwidthBytesPerSecond: f.maxBandwidthBytesPerSecond,
    nonceLifetimeMs: f.nonceLifetimeMs,
    maxLifetimeMs: f.maxLifetimeMs,
    metrics,
    logLevel,
  };
  try {
    resolveTurnServerConfig(options);
  } catch (e) {
    throw new TurnConfigError((e as Error).message);
  }
  return options;
}
