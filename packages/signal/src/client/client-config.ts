import { type Rng, secureRng } from "@purertc/common";

/** Settings of the signaling client. Durations in ms. */
export interface ClientConfig {
  /** `ws://` or `wss://` URL of the server. */
  readonly url: string;
  /** Access token (the server's `?token=`); omit against an open-mode server. */
  readonly token: string | undefined;
  /** A request without a response after this long fails with `Timeout`. */
  readonly requestTimeoutMs: number;
  /** Reconnect automatically after a drop (with session resume). */
  readonly reconnect: boolean;
  /** First reconnect delay; doubles (`backoffFactor`) per failed attempt up to `backoffMaxMs`. */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly backoffFactor: number;
  /** Random fraction taken off each delay (0..1), so clients do not reconnect in lockstep. */
  readonly backoffJitter: number;
  /** Give up after this many failed attempts in a row. */
  readonly maxReconnectAttempts: number;
  /** A `ping` request is sent after this long without any frame from the server. */
  readonly pingIntervalMs: number;
  /** Keep reconnecting after an `Unauthorized` close (when the token can be refreshed). */
  readonly retryUnauthorized: boolean;
  /** Randomness for backoff jitter. */
  readonly rng: Rng;
}

export const DEFAULT_CLIENT_CONFIG: Readonly<Omit<ClientConfig, "url" | "rng">> = Object.freeze({
  token: undefined,
  requestTimeoutMs: 10_000,
  reconnect: true,
  backoffInitialMs: 250,
  backoffMaxMs: 10_000,
  backoffFactor: 2,
  backoffJitter: 0.5,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
  pingIntervalMs: 20_000,
  retryUnauthorized: false,
});

/** Merges over the defaults and validates (TypeError/RangeError on misuse). */
export function resolveClientConfig(
  partial: Partial<ClientConfig> & { readonly url: string },
): Readonly<ClientConfig> {
  const c: ClientConfig = {
    ...DEFAULT_CLIENT_CONFIG,
    ...partial,
    rng: partial.rng ?? secureRng(),
  };
  if (!/^wss?:\/\//i.test(c.url))
    throw new TypeError(`signal client: url must be ws:// or wss:// (got ${c.url})`);
  for (const k of [
    "requestTimeoutMs",
    "backoffInitialMs",
    "backoffMaxMs",
    "pingIntervalMs",
  ] as const)
    if (!(c[k] > 0)) throw new RangeError(`signal client: ${k} must be > 0`);
  if (!(c.backoffFactor >= 1)) throw new RangeError("signal client: backoffFactor must be >= 1");
  if (!(c.backoffJitter >= 0 && c.backoffJitter < 1))
    throw new RangeError("signal client: backoffJitter must be in [0, 1)");
  if (!(c.maxReconnectAttempts >= 0))
    throw new RangeError("signal client: maxReconnectAttempts must be >= 0");
  return Object.freeze(c);
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, jittered. */
export function backoffDelay(c: Readonly<ClientConfig>, attempt: number): number {
  const base = Math.min(c.backoffMaxMs, c.backoffInitialMs * c.backoffFactor ** attempt);
  return Math.round(base * (1 - c.backoffJitter * c.rng.next()));
}
