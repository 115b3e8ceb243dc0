import type { Millis, Rng } from "@purertc/common";

/**
 * Gilbert–Elliott bursty loss: a two-state Markov chain advanced once per datagram. In the Good
 * state datagrams are lost with `lossInGood`, in the Bad state with `lossInBad`. With the
 * defaults (0 and 1) the mean loss burst is `1 / pBadToGood` datagrams and the long-run loss
 * rate is `pGoodToBad / (pGoodToBad + pBadToGood)`.
 */
export interface GilbertElliott {
  /** Per-datagram probability of moving from Good to Bad (often called `p`). */
  readonly pGoodToBad: number;
  /** Per-datagram probability of moving from Bad to Good (often called `r`). */
  readonly pBadToGood: number;
  /** Loss probability while Good (`1 - k`); default 0. */
  readonly lossInGood?: number;
  /** Loss probability while Bad (`1 - h`); default 1. */
  readonly lossInBad?: number;
}

/** What one direction of a path does to datagrams. Every field can change mid-run. */
export interface LinkConditions {
  /** Fixed one-way delay. */
  readonly latencyMs: number;
  /** Extra delay drawn uniformly from `[0, jitterMs]` per datagram. */
  readonly jitterMs: number;
  /**
   * Whether jitter may reorder datagrams. When `false` (the default) a datagram never arrives
   * before one sent earlier on the same link: jitter only stretches the gaps.
   */
  readonly jitterReorders: boolean;
  /** Uniform, independent loss probability in [0, 1]. `1` models a link that is down. */
  readonly loss: number;
  /** Bursty loss on top of `loss`, or `null` for none. */
  readonly burstLoss: GilbertElliott | null;
  /** Probability that a datagram is delivered twice. */
  readonly duplicate: number;
  /** Probability that a datagram is held back by `reorderDelayMs` (later ones overtake it). */
  readonly reorder: number;
  /** Extra delay of a reordered datagram. */
  readonly reorderDelayMs: number;
  /** Bottleneck rate in bits per second (IP bytes are counted); `Infinity` for none. */
  readonly rateBps: number;
  /** Bytes the bottleneck queue holds before it drops at the tail. */
  readonly queueBytes: number;
  /** Largest IP packet (UDP payload + 8 + 20 for IPv4 or 40 for IPv6) the link carries. */
  readonly mtu: number;
}

/** A perfect link with Ethernet's 1500-byte MTU: no delay, no loss, no rate limit. */
export const DEFAULT_LINK_CONDITIONS: LinkConditions = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  jitterReorders: false,
  loss: 0,
  burstLoss: null,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: 0,
  rateBps: Number.POSITIVE_INFINITY,
  queueBytes: 64 * 1024,
  mtu: 1500,
});

/** Why the simulator dropped a datagram. */
export type DropReason =
  | "loss"
  | "mtu"
  | "queue-full"
  | "unroutable"
  | "nat-no-mapping"
  | "nat-filtered"
  | "nat-no-hairpin"
  | "unbound";

/** Every drop reason, in a fixed order (for tables and zeroed counters). */
export const DROP_REASONS: readonly DropReason[] = Object.freeze([
  "loss",
  "mtu",
  "queue-full",
  "unroutable",
  "nat-no-mapping",
  "nat-filtered",
  "nat-no-hairpin",
  "unbound",
]);

/** Counters of one directed link. Bytes are UDP payload bytes. */
export interface LinkStats {
  sent: number;
  delivered: number;
  /** Extra copies created by duplication (each is also counted in `delivered` if it arrives). */
  duplicated: number;
  /** Datagrams held back by the reorder impairment. */
  reordered: number;
  bytesSent: number;
  bytesDelivered: number;
  dropped: Record<DropReason, number>;
}

/** A zeroed {@link LinkStats}. */
export function emptyLinkStats(): LinkStats {
  const dropped = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) dropped[r] = 0;
  return {
    sent: 0,
    delivered: 0,
    duplicated: 0,
    reordered: 0,
    bytesSent: 0,
    bytesDelivered: 0,
    dropped,
  };
}

function probability(name: string, v: unknown): void {
  if (typeof v !== "number" || !(v >= 0 && v <= 1))
    throw new RangeError(`${name} must be a probability in [0, 1], got ${v}`);
}

function nonNegative(name: string, v: unknown): void {
  if (typeof v !== "number" || !(v >= 0))
    throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
}

/** Merges `partial` over `base` and validates the result; throws RangeError on bad values. */
export function resolveLinkConditions(
  base: LinkConditions,
  partial: Partial<LinkConditions>,
): LinkConditions {
  const c: LinkConditions = { ...base, ...partial };
  nonNegative("latencyMs", c.latencyMs);
  nonNegative("jitterMs", c.jitterMs);
  nonNegative("reorderDelayMs", c.reorderDelayMs);
  nonNegative("queueBytes", c.queueBytes);
  probability("loss", c.loss);
  probability("duplicate", c.duplicate);
  probability("reorder", c.reorder);
  if (!(c.rateBps > 0))
    throw new RangeError(`rateBps must be > 0 (Infinity for unlimited), got ${c.rateBps}`);
  if (!(c.mtu >= 28)) throw new RangeError(`mtu must be ≥ 28 bytes, got ${c.mtu}`);
  if (c.burstLoss !== null) {
    const b = c.burstLoss;
    probability("burstLoss.pGoodToBad", b.pGoodToBad);
    probability("burstLoss.pBadToGood", b.pBadToGood);
    probability("burstLoss.lossInGood", b.lossInGood ?? 0);
    probability("burstLoss.lossInBad", b.lossInBad ?? 1);
  }
  return Object.freeze(c);
}

/**
 * One direction of a path between two simulator nodes: its conditions, its bottleneck queue,
 * its Gilbert–Elliott state and its counters.
 */
export class Link {
  readonly from: string;
  readonly to: string;
  #overrides: Partial<LinkConditions> = {};
  #conditions: LinkConditions;
  #bad = false;
  #busyUntil: Millis = Number.NEGATIVE_INFINITY;
  #lastArrival: Millis = Number.NEGATIVE_INFINITY;
  #stats = emptyLinkStats();
  /** Why the last {@link Link.transmit} returned 0. */
  lastDrop: DropReason = "loss";

  constructor(from: string, to: string, defaults: LinkConditions) {
    this.from = from;
    this.to = to;
    this.#conditions = defaults;
  }

  get conditions(): LinkConditions {
    return this.#conditions;
  }

  /** Merges `partial` into this link's own settings (kept across default changes). */
  configure(partial: Partial<LinkConditions>, defaults: LinkConditions): void {
    const overrides = { ...this.#overrides, ...partial };
    this.#conditions = resolveLinkConditions(defaults, overrides);
    this.#overrides = overrides;
  }

  /** Drops this link's own settings so it follows the defaults again. */
  reset(defaults: LinkConditions): void {
    this.#overrides = {};
    this.#conditions = defaults;
  }

  /** Re-applies this link's settings over new defaults. */
  rebase(defaults: LinkConditions): void {
    this.#conditions = resolveLinkConditions(defaults, this.#overrides);
  }

  /** A copy of the counters. */
  stats(): LinkStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  /** Counts a drop decided outside the link (NAT, no listener). */
  countDrop(reason: DropReason): void {
    this.#stats.dropped[reason]++;
  }

  countDelivered(bytes: number): void {
    this.#stats.delivered++;
    this.#stats.bytesDelivered += bytes;
  }

  /**
   * Decides the fate of one datagram of `payloadBytes` (`ipBytes` on the wire) sent at `now`.
   * Writes the arrival time of each copy into `arrivals` and returns how many there are: 0
   * (dropped; the reason is in {@link Link.lastDrop}), 1, or 2 (duplicated).
   */
  transmit(
    now: Millis,
    payloadBytes: number,
    ipBytes: number,
    rng: Rng,
    arrivals: Millis[],
  ): number {
    const c = this.#conditions;
    const s = this.#stats;
    s.sent++;
    s.bytesSent += payloadBytes;
    if (ipBytes > c.mtu) return this.#drop("mtu");
    let departure = now;
    if (c.rateBps !== Number.POSITIVE_INFINITY) {
      const start = this.#busyUntil > now ? this.#busyUntil : now;
      const queuedBytes = ((start - now) * c.rateBps) / 8000;
      if (queuedBytes + ipBytes > c.queueBytes) return this.#drop("queue-full");
      departure = start + (ipBytes * 8000) / c.rateBps;
      this.#busyUntil = departure;
    }
    if (c.burstLoss !== null) {
      const b = c.burstLoss;
      const lost = rng.next() < (this.#bad ? (b.lossInBad ?? 1) : (b.lossInGood ?? 0));
      if (rng.next() < (this.#bad ? b.pBadToGood : b.pGoodToBad)) this.#bad = !this.#bad;
      if (lost) return this.#drop("loss");
    }
    if (c.loss > 0 && rng.next() < c.loss) return this.#drop("loss");
    let arrival = departure + c.latencyMs + (c.jitterMs > 0 ? rng.next() * c.jitterMs : 0);
    if (c.reorder > 0 && rng.next() < c.reorder) {
      arrival += c.reorderDelayMs;
      s.reordered++;
    } else if (!c.jitterReorders) {
      if (arrival < this.#lastArrival) arrival = this.#lastArrival;
      this.#lastArrival = arrival;
    }
    arrivals[0] = arrival;
    if (c.duplicate > 0 && rng.next() < c.duplicate) {
      s.duplicated++;
      arrivals[1] = arrival;
      return 2;
    }
    return 1;
  }

  #drop(reason: DropReason): 0 {
    this.#stats.dropped[reason]++;
    this.lastDrop = reason;
    return 0;
  }
}
