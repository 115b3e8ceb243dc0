import type { HmacSha256 } from "../protocol/token.js";

/** Token verification settings: the shared secret and the HMAC to check signatures with. */
export interface AuthConfig {
  /** The HMAC-SHA256 key tokens are signed with (at least 32 bytes, RFC 7518 §3.2). */
  readonly secret: Uint8Array;
  readonly hmac: HmacSha256;
  /** Clock difference tolerated on `exp`/`nbf`. */
  readonly clockSkewMs: number;
}

/** Settings of the signaling server core. Durations in ms, sizes in bytes. */
export interface ServerConfig {
  /** This node's id in a cluster (unique per process). */
  readonly nodeId: string;
  /** Token verification; without it, {@link open} must be set. */
  readonly auth: AuthConfig | undefined;
  /** Development mode: connections without a token are accepted (off unless set). */
  readonly open: boolean;
  /** Largest frame answered normally; larger ones get `MessageTooLarge`. */
  readonly maxMessageBytes: number;
  /** Sustained messages per second per connection (token bucket rate). */
  readonly messagesPerSecond: number;
  /** Messages a connection may send at once above the rate (token bucket size). */
  readonly messageBurst: number;
  /** Consecutive rate-limited messages after which the connection is closed (1008). */
  readonly maxRateLimitErrors: number;
  readonly maxPeersPerRoom: number;
  /** Rooms with members on this node. */
  readonly maxRooms: number;
  /** Open connections on this node. */
  readonly maxConnections: number;
  /** A ping is sent to a connection silent for this long. */
  readonly pingIntervalMs: number;
  /** A connection silent (no frame, no pong) for this long is closed (4000). */
  readonly idleTimeoutMs: number;
  /** How long a dropped session keeps its peer id and room for a resume (0: none). */
  readonly resumeGraceMs: number;
  /** Notifications kept per session for a resume (count, then bytes). */
  readonly resumeBufferMessages: number;
  readonly resumeBufferBytes: number;
  /** Responses kept per session so a request re-sent after a resume is answered once. */
  readonly responseCacheSize: number;
  /** Reconnect delay suggested to clients on shutdown. */
  readonly shutdownRetryAfterMs: number;
  /** A gap in a room's event sequence older than this triggers a snapshot resync. */
  readonly resyncAfterMs: number;
}

/** Defaults: sized for browsers' SDP (tens of KB with many candidates) and a mesh room. */
export const DEFAULT_SERVER_CONFIG: Readonly<ServerConfig> = Object.freeze({
  nodeId: "node",
  auth: undefined,
  open: false,
  maxMessageBytes: 64 * 1024,
  messagesPerSecond: 50,
  messageBurst: 100,
  maxRateLimitErrors: 100,
  maxPeersPerRoom: 50,
  maxRooms: 10_000,
  maxConnections: 20_000,
  pingIntervalMs: 15_000,
  idleTimeoutMs: 45_000,
  resumeGraceMs: 30_000,
  resumeBufferMessages: 256,
  resumeBufferBytes: 256 * 1024,
  responseCacheSize: 32,
  shutdownRetryAfterMs: 1_000,
  resyncAfterMs: 5_000,
});

const POSITIVE: readonly (keyof ServerConfig)[] = [
  "maxMessageBytes",
  "messagesPerSecond",
  "messageBurst",
  "maxRateLimitErrors",
  "maxPeersPerRoom",
  "maxRooms",
  "maxConnections",
  "pingIntervalMs",
  "idleTimeoutMs",
  "resyncAfterMs",
];
const NON_NEGATIVE: readonly (keyof ServerConfig)[] = [
  "resumeGraceMs",
  "resumeBufferMessages",
  "resumeBufferBytes",
  "responseCacheSize",
  "shutdownRetryAfterMs",
];

/** Merges `partial` over the defaults and validates (RangeError on a bad value). */
export function resolveServerConfig(partial: Partial<ServerConfig>): Readonly<ServerConfig> {
  const c: ServerConfig = { ...DEFAULT_SERVER_CONFIG, ...partial };
  for (const k of POSITIVE)
    if (!(typeof c[k] === "number" && Number.isFinite(c[k]) && (c[k] as number) > 0))
      throw new RangeError(`signal config: ${k} must be a positive number (got ${String(c[k])})`);
  for (const k of NON_NEGATIVE)
    if (!(typeof c[k] === "number" && Number.isFinite(c[k]) && (c[k] as number) >= 0))
      throw new RangeError(`signal config: ${k} must be >= 0 (got ${String(c[k])})`);
  if (c.messageBurst < 1) throw new RangeError("signal config: messageBurst must be >= 1");
  if (c.idleTimeoutMs <= c.pingIntervalMs)
    throw new RangeError("signal config: idleTimeoutMs must exceed pingIntervalMs");
  if (!c.auth && !c.open)
    throw new RangeError(
      "signal config: no token secret and open mode is off; set a secret, or open: true for development",
    );
  if (c.auth && c.auth.secret.byteLength < 16)
    throw new RangeError("signal config: the token secret must be at least 16 bytes");
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(c.nodeId))
    throw new RangeError("signal config: nodeId must be 1-64 of [A-Za-z0-9_.-]");
  return Object.freeze(c);
}
