import type { Endpoint } from "@purertc/common";
import { type DrivenEndpoint, Driver, type DriverOptions } from "./drive.js";
import type { LinkConditions } from "./link.js";
import { NetSim } from "./net-sim.js";

/** How {@link pair} builds its two-host network. */
export interface PairOptions extends DriverOptions {
  /** Simulator seed (default 1). */
  readonly seed?: number;
  /** Conditions of both directions of the path. */
  readonly link?: Partial<LinkConditions>;
  /** Host names (default `"a"`, `"b"`); also the endpoint names. */
  readonly names?: readonly [string, string];
  /** Host addresses (default `10.0.0.1`, `10.0.0.2`). */
  readonly addresses?: readonly [string, string];
  /** Ports (default 5000 for both). */
  readonly ports?: readonly [number, number];
}

/** Two endpoints on two hosts of a fresh {@link NetSim}, and the {@link Driver} that runs them. */
export interface Pair<A, B> {
  readonly sim: NetSim;
  readonly driver: Driver;
  readonly a: DrivenEndpoint<A>;
  readonly b: DrivenEndpoint<B>;
}

/**
 * The two-party test set-up (after quinn's `Pair`): hosts `a` at 10.0.0.1 and `b` at 10.0.0.2,
 * one link between them with `options.link`, each endpoint attached at port 5000.
 */
export function pair<A, B>(a: Endpoint<A>, b: Endpoint<B>, options: PairOptions = {}): Pair<A, B> {
  const [nameA, nameB] = options.names ?? ["a", "b"];
  const [addrA, addrB] = options.addresses ?? ["10.0.0.1", "10.0.0.2"];
  const [portA, portB] = options.ports ?? [5000, 5000];
  const sim = new NetSim({ seed: options.seed ?? 1, link: options.link ?? {} });
  sim.addHost(nameA, addrA);
  sim.addHost(nameB, addrB);
  const driver = new Driver(sim, options);
  return {
    sim,
    driver,
    a: driver.attach(nameA, a, { address: addrA, port: portA }),
    b: driver.attach(nameB, b, { address: addrB, port: portB }),
  };
}
