import { ipFamily, type Millis, normalizeIp, type Rng, type SocketAddress } from "@purertc/common";
import type { DropReason } from "./link.js";

/**
 * RFC 4787 §4.1 mapping and §5 filtering behaviours. For mapping: which outbound flows share one
 * external address:port. For filtering: which inbound packets an existing mapping lets through.
 */
export type NatBehavior =
  | "endpoint-independent"
  | "address-dependent"
  | "address-and-port-dependent";

/** How a NAT box behaves. */
export interface NatConfig {
  /** The external (public) address of the box; private hosts of the same family sit behind it. */
  readonly publicAddress: string;
  /** RFC 4787 §4.1. `endpoint-independent` is what §4.1 REQ-1 requires of a well-behaved NAT. */
  readonly mapping: NatBehavior;
  /** RFC 4787 §5. */
  readonly filtering: NatBehavior;
  /** RFC 4787 §4.3: a mapping idle this long expires (REQ-5: ≥ 2 min, 5 min recommended). */
  readonly mappingTimeoutMs: number;
  /** RFC 4787 §4.2.1: reuse the internal port as the external port when it is free. */
  readonly portPreservation: boolean;
  /** RFC 4787 §6: packets from inside to the box's own public address loop back inside. */
  readonly hairpinning: boolean;
  /** RFC 4787 §4.3: inbound packets also refresh the mapping (outbound always does). */
  readonly inboundRefresh: boolean;
}

/** A NAT that follows every RFC 4787 MUST and RECOMMENDED (except port preservation). */
export const DEFAULT_NAT_CONFIG: Omit<NatConfig, "publicAddress"> = Object.freeze({
  mapping: "endpoint-independent",
  filtering: "endpoint-independent",
  mappingTimeoutMs: 300_000,
  portPreservation: false,
  hairpinning: true,
  inboundRefresh: false,
});

const BEHAVIORS: readonly NatBehavior[] = [
  "endpoint-independent",
  "address-dependent",
  "address-and-port-dependent",
];

/** A live mapping, as {@link NatBox.mappings} reports it. */
export interface NatMapping {
  readonly internal: SocketAddress;
  readonly external: SocketAddress;
  /** When the mapping expires unless refreshed. */
  readonly expiresAt: Millis;
  /** Remote `address` and `address:port` strings this mapping has sent to (the filter state). */
  readonly contacted: readonly string[];
}

/** NAT counters. */
export interface NatStats {
  mappingsCreated: number;
  mappingsExpired: number;
  translatedOut: number;
  translatedIn: number;
  hairpinned: number;
  droppedNoMapping: number;
  droppedFiltered: number;
}

interface Entry {
  readonly key: string;
  readonly internal: SocketAddress;
  readonly externalPort: number;
  lastActive: Millis;
  readonly contacted: Set<string>;
}

function validate(c: NatConfig): NatConfig {
  if (ipFamily(c.publicAddress) === undefined)
    throw new RangeError(`NAT publicAddress is not an IP: ${c.publicAddress}`);
  if (!BEHAVIORS.includes(c.mapping))
    throw new RangeError(`unknown NAT mapping behaviour: ${c.mapping}`);
  if (!BEHAVIORS.includes(c.filtering))
    throw new RangeError(`unknown NAT filtering behaviour: ${c.filtering}`);
  if (!(c.mappingTimeoutMs > 0))
    throw new RangeError(`mappingTimeoutMs must be > 0, got ${c.mappingTimeoutMs}`);
  return Object.freeze({ ...c, publicAddress: normalizeIp(c.publicAddress) });
}

/**
 * A NAT box (RFC 4787) between one private realm and the public realm of a {@link NetSim}. The
 * simulator calls {@link NatBox.outbound} when a private host sends out and
 * {@link NatBox.inbound} when a packet reaches the public address.
 */
export class NatBox {
  readonly name: string;
  #config: NatConfig;
  readonly #rng: Rng;
  readonly #byKey = new Map<string, Entry>();
  readonly #byPort = new Map<number, Entry>();
  readonly #stats: NatStats = {
    mappingsCreated: 0,
    mappingsExpired: 0,
    translatedOut: 0,
    translatedIn: 0,
    hairpinned: 0,
    droppedNoMapping: 0,
    droppedFiltered: 0,
  };
  /** Why the last {@link NatBox.inbound} returned `undefined`. */
  lastDrop: DropReason = "nat-no-mapping";

  constructor(name: string, config: Partial<NatConfig> & { publicAddress: string }, rng: Rng) {
    this.name = name;
    this.#config = validate({ ...DEFAULT_NAT_CONFIG, ...config });
    this.#rng = rng;
  }

  get config(): NatConfig {
    return this.#config;
  }

  get publicAddress(): string {
    return this.#config.publicAddress;
  }

  /** Changes the behaviour mid-run (existing mappings are kept; the public address cannot change). */
  configure(partial: Partial<Omit<NatConfig, "publicAddress">>): void {
    this.#config = validate({
      ...this.#config,
      ...partial,
      publicAddress: this.#config.publicAddress,
    });
  }

  stats(): NatStats {
    return { ...this.#stats };
  }

  /** The live mappings at `now`, oldest first. */
  mappings(now: Millis): NatMapping[] {
    const out: NatMapping[] = [];
    for (const e of this.#byPort.values()) {
      if (this.#expired(e, now)) continue;
      out.push({
        internal: e.internal,
        external: { address: this.#config.publicAddress, port: e.externalPort },
        expiresAt: e.lastActive + this.#config.mappingTimeoutMs,
        contacted: [...e.contacted],
      });
    }
    return out;
  }

  /** Drops every mapping (a NAT reboot). */
  clearMappings(): void {
    this.#byKey.clear();
    this.#byPort.clear();
  }

  /**
   * RFC 4787 §4.1: translates an outbound packet from `internal` to `remote`, creating or
   * refreshing the mapping, and returns the external source address.
   */
  outbound(now: Millis, internal: SocketAddress, remote: SocketAddress): SocketAddress {
    const key = this.#mappingKey(internal, remote);
    let e = this.#byKey.get(key);
    if (e && this.#expired(e, now)) {
      this.#remove(e);
      e = undefined;
    }
    if (!e) {
      e = {
        key,
        internal,
        externalPort: this.#allocatePort(now, internal.port),
        lastActive: now,
        contacted: new Set(),
      };
      this.#byKey.set(key, e);
      this.#byPort.set(e.externalPort, e);
      this.#stats.mappingsCreated++;
    }
    e.lastActive = now;
    e.contacted.add(remote.address);
    e.contacted.add(`${remote.address}|${remote.port}`);
    this.#stats.translatedOut++;
    return { address: this.#config.publicAddress, port: e.externalPort };
  }

  /**
   * RFC 4787 §5: filters a packet from `remote` to the external `port`. Returns the internal
   * destination, or `undefined` when the box drops it (reason in {@link NatBox.lastDrop}).
   */
  inbound(now: Millis, remote: SocketAddress, port: number): SocketAddress | undefined {
    const e = this.#byPort.get(port);
    if (!e || this.#expired(e, now)) {
      if (e) this.#remove(e);
      this.#stats.droppedNoMapping++;
      this.lastDrop = "nat-no-mapping";
      return undefined;
    }
    const f = this.#config.filtering;
    const allowed =
      f === "endpoint-independent" ||
      (f === "address-dependent" && e.contacted.has(remote.address)) ||
      (f === "address-and-port-dependent" && e.contacted.has(`${remote.address}|${remote.port}`));
    if (!allowed) {
      this.#stats.droppedFiltered++;
      this.lastDrop = "nat-filtered";
      return undefined;
    }
    if (this.#config.inboundRefresh) e.lastActive = now;
    this.#stats.translatedIn++;
    return e.internal;
  }

  /** Counts a hairpinned packet (RFC 4787 §6); the simulator does the routing. */
  countHairpin(): void {
    this.#stats.hairpinned++;
  }

  /** The internal address a packet to external `port` would reach now, without filtering. */
  peek(now: Millis, port: number): SocketAddress | undefined {
    const e = this.#byPort.get(port);
    return e && !this.#expired(e, now) ? e.internal : undefined;
  }

  #mappingKey(internal: SocketAddress, remote: SocketAddress): string {
    const base = `${internal.address}|${internal.port}`;
    switch (this.#config.mapping) {
      case "endpoint-independent":
        return base;
      case "address-dependent":
        return `${base}|${remote.address}`;
      case "address-and-port-dependent":
        return `${base}|${remote.address}|${remote.port}`;
    }
  }

  #expired(e: Entry, now: Millis): boolean {
    return now - e.lastActive >= this.#config.mappingTimeoutMs;
  }

  #remove(e: Entry): void {
    this.#byKey.delete(e.key);
    this.#byPort.delete(e.externalPort);
    this.#stats.mappingsExpired++;
  }

  /** RFC 4787 §4.2: no port overloading; §4.2.2: keep the port parity. */
  #allocatePort(now: Millis, internalPort: number): number {
    const free = (p: number): boolean => {
      const e = this.#byPort.get(p);
      if (!e) return true;
      if (!this.#expired(e, now)) return false;
      this.#remove(e);
      return true;
    };
    if (this.#config.portPreservation && internalPort > 0 && free(internalPort))
      return internalPort;
    const parity = internalPort & 1;
    for (let tries = 0; tries < 64; tries++) {
      const p = ((1024 + Math.floor(this.#rng.next() * (65536 - 1024))) & ~1) | parity;
      if (p >= 1024 && p <= 65535 && free(p)) return p;
    }
    for (let p = 1024 + parity; p <= 65535; p += 2) if (free(p)) return p;
    throw new RangeError(`NAT ${this.name}: no free external port`);
  }
}
