import { type Millis, normalizeIp, type Rng, type SocketAddress, seededRng } from "@purertc/common";
import { EventQueue } from "./event-queue.js";
import { AddressRegistry, type HostAddress, type HostAddressSpec } from "./hosts.js";
import {
  DEFAULT_LINK_CONDITIONS,
  DROP_REASONS,
  type DropReason,
  Link,
  type LinkConditions,
  type LinkStats,
  resolveLinkConditions,
} from "./link.js";
import { NatBox, type NatConfig } from "./nat.js";

/** A datagram handed to the simulator: `from` must be an address of a host. */
export interface SimDatagram {
  readonly from: SocketAddress;
  readonly to: SocketAddress;
  readonly data: Uint8Array;
}

/** A datagram arriving at a host: `from` is what the receiver sees (a NAT mapping, if any). */
export interface Delivery {
  /** The simulated time the datagram arrived (≤ the `now` it was polled at). */
  readonly at: Millis;
  /** The receiving host. */
  readonly host: string;
  readonly from: SocketAddress;
  /** The receiving host's own address (its private one behind a NAT). */
  readonly to: SocketAddress;
  /** A fresh copy, owned by the receiver. */
  readonly data: Uint8Array;
}

/** One datagram as a tap sees it. */
export interface TapRecord {
  readonly kind: "sent" | "delivered" | "dropped";
  readonly at: Millis;
  readonly from: SocketAddress;
  readonly to: SocketAddress;
  readonly data: Uint8Array;
  /** Set when `kind` is `"dropped"`. */
  readonly reason?: DropReason;
}

/** A function that observes every datagram (e.g. a {@link PcapRecorder}'s `tap`). */
export type Tap = (record: TapRecord) => void;

/** Simulator-wide counters. */
export interface NetSimStats {
  sent: number;
  delivered: number;
  inFlight: number;
  dropped: Record<DropReason, number>;
  links: ({ readonly from: string; readonly to: string } & LinkStats)[];
}

/** How to build a {@link NetSim}. */
export interface NetSimOptions {
  /** Seed of the simulator's own RNG (impairments, NAT ports); default 1. */
  readonly seed?: number;
  /** An RNG to use instead of a seeded one. */
  readonly rng?: Rng;
  /** Conditions of every link that has no settings of its own. */
  readonly link?: Partial<LinkConditions>;
  /** Observers of every datagram. */
  readonly taps?: readonly Tap[];
}

interface InFlight {
  readonly at: Millis;
  readonly from: SocketAddress;
  readonly to: SocketAddress;
  readonly data: Uint8Array;
  readonly link: Link;
  /** Set when `to` is a NAT's public address: the box filters on arrival. */
  readonly nat: NatBox | undefined;
}

/**
 * A seeded, sans-IO network emulator. Hosts own IPv4/IPv6 addresses, public or behind NAT boxes
 * (RFC 4787); each directed pair of nodes has a {@link Link} with latency, jitter, loss
 * (uniform and Gilbert–Elliott), duplication, reordering, a rate-limited tail-drop queue and
 * an MTU. `send()` enqueues, `pollDeliver(now)` yields what has arrived by `now`, and
 * `nextDeliveryTime()` says when to poll next. No clock, no timers: time is an argument.
 *
 * Links are keyed by node names: the sender's host and the receiving host (or, for a packet
 * to a NAT's public address with no live mapping, the NAT box itself).
 */
export class NetSim {
  readonly #rng: Rng;
  readonly #registry = new AddressRegistry();
  readonly #links = new Map<string, Link>();
  readonly #queue = new EventQueue<InFlight>();
  readonly #taps: Tap[];
  readonly #arrivals: Millis[] = [0, 0];
  readonly #dropped = {} as Record<DropReason, number>;
  #defaults: LinkConditions;
  #sent = 0;
  #delivered = 0;
  #listening: ((to: SocketAddress) => boolean) | undefined;

  constructor(options: NetSimOptions = {}) {
    this.#rng = options.rng ?? seededRng(options.seed ?? 1);
    this.#defaults = resolveLinkConditions(DEFAULT_LINK_CONDITIONS, options.link ?? {});
    this.#taps = [...(options.taps ?? [])];
    for (const r of DROP_REASONS) this.#dropped[r] = 0;
  }

  /** The simulator's RNG (shared with its NAT boxes). */
  get rng(): Rng {
    return this.#rng;
  }

  // --- topology -------------------------------------------------------------------------

  /**
   * Adds a host with one or more addresses. Plain strings are public unless `options.behind`
   * names a NAT; a {@link HostAddressSpec} chooses per address (e.g. IPv4 behind a NAT and a
   * public IPv6 address).
   */
  addHost(
    name: string,
    addresses: string | readonly (string | HostAddressSpec)[],
    options: { readonly behind?: string } = {},
  ): readonly HostAddress[] {
    return this.#registry.addHost(
      name,
      typeof addresses === "string" ? [addresses] : addresses,
      options.behind,
    );
  }

  /** Adds a NAT box; hosts join its private realm with `behind: name`. */
  addNat(name: string, config: Partial<NatConfig> & { publicAddress: string }): NatBox {
    const nat = new NatBox(name, config, this.#rng);
    this.#registry.addNat(nat);
    return nat;
  }

  /** A NAT box by name; throws RangeError if there is none. */
  nat(name: string): NatBox {
    const nat = this.#registry.nat(name);
    if (!nat) throw new RangeError(`unknown NAT: ${name}`);
    return nat;
  }

  /** The addresses of a host; throws RangeError if there is none. */
  addressesOf(host: string): readonly string[] {
    const h = this.#registry.host(host);
    if (!h) throw new RangeError(`unknown host: ${host}`);
    return h.map((a) => a.address);
  }

  /** The host owning `address`, if any. */
  hostOf(address: string): string | undefined {
    return this.#registry.address(normalizeIp(address))?.host;
  }

  /** Adds an observer of every datagram sent, delivered and dropped. */
  addTap(tap: Tap): void {
    this.#taps.push(tap);
  }

  /**
   * Installs the check that decides whether someone listens at a delivery's destination (the
   * driver uses it); datagrams to nobody are dropped as `"unbound"`.
   */
  setListenerCheck(check: ((to: SocketAddress) => boolean) | undefined): void {
    this.#listening = check;
  }

  // --- links ----------------------------------------------------------------------------

  /** The conditions of links without settings of their own. */
  get defaultLink(): LinkConditions {
    return this.#defaults;
  }

  /** Changes the default conditions; links keep their own settings on top. */
  setDefaultLink(partial: Partial<LinkConditions>): void {
    this.#defaults = resolveLinkConditions(this.#defaults, partial);
    for (const l of this.#links.values()) l.rebase(this.#defaults);
  }

  /**
   * Merges `partial` into the link from `a` to `b` and, unless `oneWay`, from `b` to `a`.
   * Takes effect for the next datagram sent (in-flight ones are not affected).
   */
  setLink(
    a: string,
    b: string,
    partial: Partial<LinkConditions>,
    options: { readonly oneWay?: boolean } = {},
  ): void {
    this.link(a, b).configure(partial, this.#defaults);
    if (!options.oneWay) this.link(b, a).configure(partial, this.#defaults);
  }

  /** Makes the links between `a` and `b` (both ways) follow the defaults again. */
  resetLink(a: string, b: string): void {
    this.link(a, b).reset(this.#defaults);
    this.link(b, a).reset(this.#defaults);
  }

  /** The directed link from node `from` to node `to` (hosts or NAT boxes), created on first use. */
  link(from: string, to: string): Link {
    const key = `${from}\u2192${to}`;
    let l = this.#links.get(key);
    if (!l) {
      for (const n of [from, to])
        if (!this.#registry.hasNode(n)) throw new RangeError(`unknown node: ${n}`);
      l = new Link(from, to, this.#defaults);
      this.#links.set(key, l);
    }
    return l;
  }

  /** The counters of one directed link. */
  linkStats(from: string, to: string): LinkStats {
    return this.link(from, to).stats();
  }

  /** Simulator-wide counters, with every link that has carried traffic. */
  stats(): NetSimStats {
    return {
      sent: this.#sent,
      delivered: this.#delivered,
      inFlight: this.#queue.length,
      dropped: { ...this.#dropped },
      links: [...this.#links.values()].map((l) => ({ from: l.from, to: l.to, ...l.stats() })),
    };
  }

  // --- datagrams ------------------------------------------------------------------------

  /**
   * Sends a datagram at `now`. `from` must be an address of a host (RangeError otherwise: a
   * test bug). The bytes are copied, so the caller may reuse its buffer.
   */
  send(now: Millis, dgram: SimDatagram): void {
    const srcIp = normalizeIp(dgram.from.address);
    const src = this.#registry.address(srcIp);
    if (!src) throw new RangeError(`send: ${srcIp} is not the address of any host`);
    const from: SocketAddress = { address: srcIp, port: dgram.from.port };
    const to: SocketAddress = { address: normalizeIp(dgram.to.address), port: dgram.to.port };
    const data = dgram.data.slice();
    this.#sent++;
    this.#tap("sent", now, from, to, data);

    const dstHost = this.#registry.address(to.address);
    const dstNat = dstHost ? undefined : this.#registry.natByPublic(to.address);
    let wireFrom = from;
    let target: string | undefined;
    if (dstHost) {
      if (dstHost.family === src.family && dstHost.nat === src.nat) {
        target = dstHost.host; // same realm: straight there
      } else if (dstHost.family === src.family && dstHost.nat === undefined && src.nat) {
        wireFrom = src.nat.outbound(now, from, to); // out through the sender's NAT
        target = dstHost.host;
      } // else: another realm's private address, or the other family: unroutable
    } else if (dstNat && dstNat.publicAddress.includes(":") === srcIp.includes(":")) {
      if (src.nat) {
        if (dstNat === src.nat) {
          // RFC 4787 §6: a packet to the box's own public address either hairpins or dies.
          if (!dstNat.config.hairpinning) {
            this.#drop(this.link(src.host, dstNat.name), "nat-no-hairpin", now, from, to, data);
            return;
          }
          dstNat.countHairpin();
        }
        wireFrom = src.nat.outbound(now, from, to);
      }
      const inside = dstNat.peek(now, to.port);
      target = (inside && this.#registry.address(inside.address)?.host) ?? dstNat.name;
    }
    if (target === undefined) {
      this.#dropped.unroutable++;
      this.#tap("dropped", now, from, to, data, "unroutable");
      return;
    }

    const link = this.link(src.host, target);
    const ipBytes = data.byteLength + 8 + (src.family === 4 ? 20 : 40);
    const n = link.transmit(now, data.byteLength, ipBytes, this.#rng, this.#arrivals);
    if (n === 0) {
      this.#dropped[link.lastDrop]++;
      this.#tap("dropped", now, wireFrom, to, data, link.lastDrop);
      return;
    }
    for (let i = 0; i < n; i++) {
      const at = this.#arrivals[i]!;
      this.#queue.push(at, {
        at,
        from: wireFrom,
        to,
        data: i === 0 ? data : data.slice(),
        link,
        nat: dstNat,
      });
    }
  }

  /** When the next datagram arrives, or `undefined` when nothing is in flight. */
  nextDeliveryTime(): Millis | undefined {
    return this.#queue.peekTime();
  }

  /**
   * The next datagram that has arrived by `now`, in arrival order, or `undefined`. NAT boxes
   * filter here, at arrival time, so a mapping that expired in flight drops the packet.
   */
  pollDeliver(now: Millis): Delivery | undefined {
    for (;;) {
      const item = this.#queue.popDue(now);
      if (!item) return undefined;
      let to = item.to;
      if (item.nat) {
        const inside = item.nat.inbound(item.at, item.from, to.port);
        if (!inside) {
          this.#drop(item.link, item.nat.lastDrop, item.at, item.from, to, item.data);
          continue;
        }
        to = inside;
      }
      const host = this.#registry.address(to.address);
      if (!host) {
        this.#drop(item.link, "unroutable", item.at, item.from, to, item.data);
        continue;
      }
      if (this.#listening && !this.#listening(to)) {
        this.#drop(item.link, "unbound", item.at, item.from, to, item.data);
        continue;
      }
      item.link.countDelivered(item.data.byteLength);
      this.#delivered++;
      this.#tap("delivered", item.at, item.from, to, item.data);
      return { at: item.at, host: host.host, from: item.from, to, data: item.data };
    }
  }

  #drop(
    link: Link,
    reason: DropReason,
    at: Millis,
    from: SocketAddress,
    to: SocketAddress,
    data: Uint8Array,
  ): void {
    link.countDrop(reason);
    this.#dropped[reason]++;
    this.#tap("dropped", at, from, to, data, reason);
  }

  #tap(
    kind: TapRecord["kind"],
    at: Millis,
    from: SocketAddress,
    to: SocketAddress,
    data: Uint8Array,
    reason?: DropReason,
  ): void {
    for (const t of this.#taps)
      t(reason === undefined ? { kind, at, from, to, data } : { kind, at, from, to, data, reason });
  }
}
