/** Configuration of {@link IceAgent} (defaults cite RFC 8445, RFC 7675 and what browsers do). */
import {
  type Logger,
  type Rng,
  type SocketAddress,
  secureRng,
  silentLogger,
} from "@purertc/common";
import { type CryptoProvider, nobleCrypto } from "@purertc/crypto";
import type { IceCandidateType } from "./candidate.js";
import { DEFAULT_MAX_PAIRS } from "./check-list.js";
import type { IceRole } from "./check-messages.js";
import { type IceCredentials, validateCredentials } from "./credentials.js";

/** A STUN server to gather a server-reflexive candidate from (an IP literal: resolve names first). */
export interface IceStunServer {
  readonly address: string;
  readonly port: number;
  /** The URL as configured (`stun:stun.example.org:3478`), for stats and errors. */
  readonly url?: string;
}

/** W3C `RTCIceTransportPolicy`. */
export type IceTransportPolicy = "all" | "relay";

/**
 * mDNS host candidates (RFC 8828), with pion's names: `"disabled"` ignores remote `.local`
 * candidates, `"query-only"` resolves them, `"query-and-gather"` also publishes our host
 * candidates under random `<uuid>.local` names and answers queries for them.
 */
export type IceMdnsMode = "disabled" | "query-only" | "query-and-gather";

export interface IceAgentConfig {
  /** Initial role (JSEP: the offerer controls, RFC 8445 §6.1.1). A lite agent is always controlled. */
  readonly role: IceRole;
  /** We are an ICE-lite agent (RFC 8445 §2.5): we only answer checks. */
  readonly lite: boolean;
  /** Local credentials; random by default (RFC 8445 §5.3). */
  readonly credentials: IceCredentials | undefined;
  /** RFC 8445 §7.1.3: the 64-bit tie-breaker; random by default. */
  readonly tieBreaker: bigint | undefined;
  /**
   * Ta, the pacing of checks. RFC 8445 §14.2: "ICE agents SHOULD use a default Ta value, 50 ms"
   * (and never below 5 ms); libwebrtc pings weak connections every 48 ms.
   */
  readonly taMs: number;
  /** Lower bound of a check's RTO. RFC 8445 §14.3: RTO = MAX(500 ms, Ta × active pairs). */
  readonly checkRtoMs: number;
  /** Upper bound of a check's doubled RTO (RFC 8489 §6.2.1 allows a cap). */
  readonly checkMaxRtoMs: number;
  /** Transmissions of one check before the pair fails (Rc, RFC 8489 §6.2.1: 7). */
  readonly checkTransmissions: number;
  /**
   * How long the controlling agent waits for a better pair before nominating the best valid pair
   * of each type (the type of the worse of its candidates). Pion waits 0 / 500 ms / 1 s / 2 s
   * for host / srflx / prflx / relay; we wait 100 ms for host pairs so that a dual-stack IPv6
   * pair checked one Ta later can still win (RFC 8421). It nominates at once when no better pair
   * is still being checked.
   */
  readonly nominationDelayMs: Readonly<Record<IceCandidateType, number>>;
  /** RFC 7675 §5.1: consent checks every ~5 s, randomized (below). */
  readonly consentIntervalMs: number;
  /** RFC 7675 §5.1: "randomized ... to the range 0.8 to 1.2 times the basic interval". */
  readonly consentJitter: number;
  /**
   * Consent checks fall on multiples of this many ms of the caller's clock, inside the
   * randomized range above (0 = anywhere in it): the checks of many agents in one process then
   * share event-loop wake-ups (1,000 idle peers: ~10 wake-ups a second instead of ~600). The
   * RFC 7675 §5.1 randomization stays (20 slots across a 4–6 s range at 100 ms).
   */
  readonly consentGridMs: number;
  /** RFC 7675 §5.1: "Consent expires after 30 seconds" without a response → failed. */
  readonly consentTimeoutMs: number;
  /**
   * The selected pair is "disconnected" (W3C) after this long without a consent response: one
   * randomized interval (≤ 6 s) plus retransmission slack.
   */
  readonly disconnectedTimeoutMs: number;
  /**
   * The agent fails (W3C `failed`) when no candidate pair has succeeded this long after it
   * entered `checking`, even if the peer never signals end-of-candidates: a peer that never
   * answers must not leave the application waiting forever. RFC 8863 §4 (ICE PAC): the
   * "RECOMMENDED duration for the PAC timer is ... 39.5 seconds" (a check transaction with all
   * its retransmissions), and ICE must not be declared failed before it; Pion fails a checking
   * agent after 30 s (its disconnected + failed timeouts, 5 s + 25 s).
   */
  readonly checkingTimeoutMs: number;
  /** RFC 8445 §11: Tr, keepalive interval when nothing else is sent ("SHOULD be 15 seconds"). */
  readonly keepaliveIntervalMs: number;
  /** RFC 8445 §6.1.2.5: the pair limit, default 100. */
  readonly maxPairs: number;
  /**
   * Renomination (draft-thatcher-ice-renomination, as Chromium does it; signalled with
   * `a=ice-options:renomination`). As the controlling agent, when the peer signalled it too
   * (`setRemoteCredentials(..., { renomination: true })`), keep checking better pairs after the
   * first nomination and nominate a better valid pair again with a higher NOMINATION value (say,
   * a direct pair that succeeds after a relayed one was selected). A controlled agent always
   * follows NOMINATION values (the highest wins); with this on it also keeps checking better
   * pairs. Off by default: regular nomination, once per generation (RFC 8445 §8.1).
   */
  readonly renomination: boolean;
  /** W3C `iceTransportPolicy`: `"relay"` uses relayed candidates only. */
  readonly transportPolicy: IceTransportPolicy;
  /** STUN servers for server-reflexive candidates. */
  readonly stunServers: readonly IceStunServer[];
  /**
   * Gathering waits this long at most for a STUN server (RFC 8489 retransmissions from 500 ms,
   * cut short: an unreachable server must not hold gathering for 39.5 s).
   */
  readonly stunTimeoutMs: number;
  readonly mdns: IceMdnsMode;
  readonly rng: Rng;
  readonly crypto: CryptoProvider;
  readonly logger: Logger;
}

/** Defaults; see each field for its source. */
export const DEFAULT_ICE_AGENT_CONFIG: Omit<IceAgentConfig, "rng"> = Object.freeze({
  role: "controlled",
  lite: false,
  credentials: undefined,
  tieBreaker: undefined,
  taMs: 50,
  checkRtoMs: 500,
  checkMaxRtoMs: 1600,
  checkTransmissions: 7,
  nominationDelayMs: Object.freeze({ host: 100, srflx: 500, prflx: 1000, relay: 2000 }),
  consentIntervalMs: 5000,
  consentJitter: 0.2,
  consentGridMs: 100,
  consentTimeoutMs: 30_000,
  disconnectedTimeoutMs: 7500,
  checkingTimeoutMs: 39_500,
  keepaliveIntervalMs: 15_000,
  maxPairs: DEFAULT_MAX_PAIRS,
  renomination: false,
  transportPolicy: "all",
  stunServers: Object.freeze([]) as readonly IceStunServer[],
  stunTimeoutMs: 5000,
  mdns: "query-only",
  crypto: nobleCrypto,
  logger: silentLogger,
});

/** Merges `partial` over the defaults and validates the result. */
export function resolveIceAgentConfig(partial: Partial<IceAgentConfig> = {}): IceAgentConfig {
  const c: IceAgentConfig = {
    ...DEFAULT_ICE_AGENT_CONFIG,
    rng: partial.rng ?? secureRng(),
    ...partial,
  };
  const positive = (name: keyof IceAgentConfig, min = 0) => {
    const v = c[name] as number;
    if (!(typeof v === "number" && v > min && Number.isFinite(v)))
      throw new RangeError(`${name} must be a number > ${min}, got ${String(v)}`);
  };
  if (c.role !== "controlling" && c.role !== "controlled")
    throw new TypeError(`role must be "controlling" or "controlled", got ${String(c.role)}`);
  // RFC 8445 §14.2: "Ta ... MUST NOT be configured to a value less than 5 ms".
  if (!(c.taMs >= 5)) throw new RangeError(`taMs must be >= 5 (RFC 8445 §14.2), got ${c.taMs}`);
  positive("checkRtoMs");
  positive("checkMaxRtoMs");
  positive("consentIntervalMs");
  positive("consentTimeoutMs");
  positive("disconnectedTimeoutMs");
  positive("checkingTimeoutMs");
  positive("keepaliveIntervalMs");
  positive("stunTimeoutMs");
  if (!Number.isInteger(c.checkTransmissions) || c.checkTransmissions < 1)
    throw new RangeError(`checkTransmissions must be an integer >= 1`);
  if (!Number.isInteger(c.maxPairs) || c.maxPairs < 1)
    throw new RangeError(`maxPairs must be an integer >= 1`);
  if (!(c.consentGridMs >= 0 && Number.isFinite(c.consentGridMs)))
    throw new RangeError(`consentGridMs must be a finite number >= 0, got ${c.consentGridMs}`);
  if (!(c.consentJitter >= 0 && c.consentJitter < 1))
    throw new RangeError(`consentJitter must be in [0, 1)`);
  if (c.transportPolicy !== "all" && c.transportPolicy !== "relay")
    throw new TypeError(`transportPolicy must be "all" or "relay"`);
  if (!["disabled", "query-only", "query-and-gather"].includes(c.mdns))
    throw new TypeError(`mdns must be "disabled", "query-only" or "query-and-gather"`);
  if (c.credentials) validateCredentials(c.credentials, "local credentials");
  for (const s of c.stunServers) checkServer(s);
  return Object.freeze(c);
}

function checkServer(s: SocketAddress): void {
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)
    throw new RangeError(`STUN server port must be 1..65535, got ${s.port}`);
}
