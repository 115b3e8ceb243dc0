import { type IpFamily, ipFamily, normalizeIp } from "@purertc/common";
import type { NatBox } from "./nat.js";

/** One address of a host; `behind` names the NAT box whose private realm it lives in. */
export interface HostAddressSpec {
  readonly address: string;
  /** A NAT added with `NetSim.addNat`; omitted for a public address. */
  readonly behind?: string;
}

/** A registered host address. */
export interface HostAddress {
  readonly host: string;
  /** Canonical text (`normalizeIp`). */
  readonly address: string;
  readonly family: IpFamily;
  /** The NAT whose private realm holds this address, or `undefined` for the public realm. */
  readonly nat: NatBox | undefined;
}

/**
 * Who owns which address: hosts (one or more IPv4/IPv6 addresses, each public or behind a NAT)
 * and NAT boxes (their public address). Names and addresses are unique across the simulator.
 */
export class AddressRegistry {
  readonly #hosts = new Map<string, HostAddress[]>();
  readonly #nats = new Map<string, NatBox>();
  readonly #byAddress = new Map<string, HostAddress>();
  readonly #natByPublic = new Map<string, NatBox>();

  addNat(nat: NatBox): void {
    this.#checkName(nat.name);
    this.#checkAddress(nat.publicAddress);
    this.#nats.set(nat.name, nat);
    this.#natByPublic.set(nat.publicAddress, nat);
  }

  addHost(
    name: string,
    specs: readonly (string | HostAddressSpec)[],
    behind?: string,
  ): readonly HostAddress[] {
    this.#checkName(name);
    if (specs.length === 0) throw new RangeError(`host ${name}: at least one address is required`);
    const list: HostAddress[] = [];
    for (const spec of specs) {
      const s = typeof spec === "string" ? { address: spec, behind } : spec;
      const family = ipFamily(s.address);
      if (family === undefined)
        throw new RangeError(`host ${name}: not an IP address: ${s.address}`);
      const address = normalizeIp(s.address);
      this.#checkAddress(address);
      let nat: NatBox | undefined;
      if (s.behind !== undefined) {
        nat = this.#nats.get(s.behind);
        if (!nat) throw new RangeError(`host ${name}: unknown NAT ${s.behind}`);
        if (ipFamily(nat.publicAddress) !== family) {
          throw new RangeError(
            `host ${name}: ${address} and NAT ${nat.name} (${nat.publicAddress}) differ in family`,
          );
        }
      }
      const entry: HostAddress = { host: name, address, family, nat };
      if (list.some((e) => e.address === address))
        throw new RangeError(`host ${name}: duplicate address ${address}`);
      list.push(entry);
    }
    for (const e of list) this.#byAddress.set(e.address, e);
    this.#hosts.set(name, list);
    return list;
  }

  /** The host address with this canonical text. */
  address(address: string): HostAddress | undefined {
    return this.#byAddress.get(address);
  }

  /** The NAT whose public address this is. */
  natByPublic(address: string): NatBox | undefined {
    return this.#natByPublic.get(address);
  }

  nat(name: string): NatBox | undefined {
    return this.#nats.get(name);
  }

  host(name: string): readonly HostAddress[] | undefined {
    return this.#hosts.get(name);
  }

  /** Whether `name` is a host or a NAT box. */
  hasNode(name: string): boolean {
    return this.#hosts.has(name) || this.#nats.has(name);
  }

  hostNames(): string[] {
    return [...this.#hosts.keys()];
  }

  natNames(): string[] {
    return [...this.#nats.keys()];
  }

  #checkName(name: string): void {
    if (name === "" || this.hasNode(name))
      throw new RangeError(`node name already used or empty: ${JSON.stringify(name)}`);
  }

  #checkAddress(address: string): void {
    if (this.#byAddress.has(address) || this.#natByPublic.has(address)) {
      throw new RangeError(`address already used in this simulation: ${address}`);
    }
  }
}
