import {
  type Endpoint,
  formatSocketAddress,
  ipFamily,
  type Millis,
  normalizeIp,
  type SocketAddress,
} from "@purertc/common";
import type { NetSim, TapRecord } from "./net-sim.js";
import { formatTraceEntry, type TraceEntry, TraceRing } from "./trace.js";

/** An event an endpoint emitted, with the simulated time it was polled. */
export interface LoggedEvent<Ev> {
  readonly at: Millis;
  readonly event: Ev;
}

/** How to attach an endpoint to a {@link Driver}. */
export interface AttachOptions<Ev> {
  /** Called for each event after it is logged; may issue API commands on any endpoint. */
  readonly onEvent?: (event: Ev, now: Millis) => void;
  /** A one-line state summary for failure traces (default: the endpoint's own `describe()`). */
  readonly describe?: () => string;
  /** Keep every event in {@link DrivenEndpoint.events} (default true). */
  readonly logEvents?: boolean;
}

/** Limits of one `run*` call. */
export interface RunLimits {
  /** Simulated milliseconds from the current time before giving up (default: the driver's). */
  readonly timeoutMs?: number;
  /** Steps before giving up (default: the driver's). */
  readonly maxSteps?: number;
}

/** How to build a {@link Driver}. */
export interface DriverOptions extends RunLimits {
  /** Simulated start time (default 0). */
  readonly startMs?: Millis;
  /** Trace entries remembered (default 2000). */
  readonly traceSize?: number;
  /** Trace entries shown in a failure message (default 60). */
  readonly traceShown?: number;
}

/** An endpoint attached to a {@link Driver}: its addresses, counters and event log. */
export class DrivenEndpoint<Ev = unknown> {
  readonly name: string;
  readonly endpoint: Endpoint<Ev>;
  readonly addresses: readonly SocketAddress[];
  /** Every event polled so far (unless `logEvents: false`), oldest first. */
  readonly events: LoggedEvent<Ev>[] = [];
  transmits = 0;
  received = 0;
  timeouts = 0;
  /** @internal */
  readonly options: AttachOptions<Ev>;

  constructor(
    name: string,
    endpoint: Endpoint<Ev>,
    addresses: readonly SocketAddress[],
    options: AttachOptions<Ev>,
  ) {
    this.name = name;
    this.endpoint = endpoint;
    this.addresses = addresses;
    this.options = options;
  }

  /** The first address. */
  get address(): SocketAddress {
    return this.addresses[0]!;
  }

  /** Removes and returns the logged events. */
  takeEvents(): Ev[] {
    return this.events.splice(0).map((e) => e.event);
  }

  /** The state summary for traces. */
  describe(): string {
    const own =
      this.options.describe ??
      (this.endpoint as { describe?: () => string }).describe?.bind(this.endpoint);
    return own ? own() : "";
  }
}

/** Thrown when a run's condition does not hold within its limits; `message` carries the trace. */
export class DriveError extends Error {
  override readonly name = "DriveError";
}

const key = (a: SocketAddress): string => `${a.address}|${a.port}`;

/**
 * Runs sans-IO endpoints over a {@link NetSim} in simulated time. Each step drains every
 * endpoint (transmits into the simulator, events into its log), then jumps to the earliest of
 * the next delivery and the endpoints' deadlines and handles it. Tests call `runUntil`, `step`
 * or `runFor`, and issue API commands on endpoints in between (the next step drains them).
 */
export class Driver {
  readonly sim: NetSim;
  readonly #endpoints: DrivenEndpoint<unknown>[] = [];
  readonly #byAddress = new Map<string, DrivenEndpoint<unknown>>();
  readonly #trace: TraceRing;
  readonly #traceShown: number;
  readonly #timeoutMs: number;
  readonly #maxSteps: number;
  #now: Millis;
  #steps = 0;

  constructor(sim: NetSim, options: DriverOptions = {}) {
    this.sim = sim;
    this.#now = options.startMs ?? 0;
    this.#trace = new TraceRing(options.traceSize ?? 2000);
    this.#traceShown = options.traceShown ?? 60;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxSteps = options.maxSteps ?? 1_000_000;
    sim.addTap((r) => this.#onTap(r));
    sim.setListenerCheck((to) => this.#byAddress.has(key(to)));
  }

  /** The current simulated time. */
  get now(): Millis {
    return this.#now;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  get endpoints(): readonly DrivenEndpoint<unknown>[] {
    return this.#endpoints;
  }

  /**
   * Attaches `endpoint` at one or more addresses of simulator hosts. Datagrams to any of them
   * reach it; its `Transmit.from` picks which one it sends from (default: the first address of
   * the destination's family).
   */
  attach<Ev>(
    name: string,
    endpoint: Endpoint<Ev>,
    addresses: SocketAddress | readonly SocketAddress[],
    options: AttachOptions<Ev> = {},
  ): DrivenEndpoint<Ev> {
    const list = (Array.isArray(addresses) ? addresses : [addresses]) as readonly SocketAddress[];
    if (list.length === 0) throw new RangeError(`attach ${name}: no address`);
    if (this.#endpoints.some((e) => e.name === name))
      throw new RangeError(`attach: name ${name} already used`);
    const norm = list.map((a) => ({ address: normalizeIp(a.address), port: a.port }));
    for (const a of norm) {
      if (this.sim.hostOf(a.address) === undefined)
        throw new RangeError(`attach ${name}: ${a.address} is no host's`);
      if (this.#byAddress.has(key(a)))
        throw new RangeError(`attach ${name}: ${formatSocketAddress(a)} is taken`);
    }
    const d = new DrivenEndpoint(name, endpoint, norm, options);
    for (const a of norm) this.#byAddress.set(key(a), d as DrivenEndpoint<unknown>);
    this.#endpoints.push(d as DrivenEndpoint<unknown>);
    return d;
  }

  /** The attached endpoint called `name`; throws RangeError if there is none. */
  endpoint<Ev = unknown>(name: string): DrivenEndpoint<Ev> {
    const d = this.#endpoints.find((e) => e.name === name);
    if (!d) throw new RangeError(`no endpoint named ${name}`);
    return d as DrivenEndpoint<Ev>;
  }

  /** Adds a line to the trace (e.g. "closing channel 1") to make failures easier to read. */
  note(text: string): void {
    this.#trace.push({ kind: "note", at: this.#now, text });
  }

  /** Drains every endpoint's transmits and events (what each step does first). */
  flush(): void {
    for (const d of this.#endpoints) this.#drain(d);
  }

  /** The earliest pending deadline or delivery, or `undefined` when nothing is pending. */
  nextTime(): Millis | undefined {
    let t = this.sim.nextDeliveryTime();
    for (const d of this.#endpoints) {
      const dl = d.endpoint.pollTimeout();
      if (dl !== undefined && (t === undefined || dl < t)) t = dl;
    }
    return t;
  }

  /**
   * One step: drain, advance to the earliest pending time (never backwards), then deliver one
   * datagram due by then or, if none, fire every due timeout. Returns `false` when idle.
   */
  step(): boolean {
    this.flush();
    const tD = this.sim.nextDeliveryTime();
    let tT: Millis | undefined;
    for (const d of this.#endpoints) {
      const dl = d.endpoint.pollTimeout();
      if (dl !== undefined && (tT === undefined || dl < tT)) tT = dl;
    }
    if (tD === undefined && tT === undefined) return false;
    this.#steps++;
    if (tD !== undefined && (tT === undefined || tD <= tT)) {
      if (tD > this.#now) this.#now = tD;
      const dg = this.sim.pollDeliver(this.#now);
      if (dg) {
        const d = this.#byAddress.get(key(dg.to))!;
        d.received++;
        d.endpoint.handleDatagram(this.#now, { from: dg.from, to: dg.to, data: dg.data });
        this.#drain(d);
      }
      return true;
    }
    if (tT! > this.#now) this.#now = tT!;
    for (const d of this.#endpoints) {
      const dl = d.endpoint.pollTimeout();
      if (dl === undefined || dl > this.#now) continue;
      d.timeouts++;
      this.#trace.push({ kind: "timeout", at: this.#now, endpoint: d.name });
      d.endpoint.handleTimeout(this.#now);
      this.#drain(d);
    }
    return true;
  }

  /**
   * Steps until `done(driver)` holds. Throws {@link DriveError} with a trace if the simulated
   * time limit or the step limit is reached first, or if everything goes idle first.
   */
  runUntil(done: (driver: Driver) => boolean, limits: RunLimits = {}): void {
    const budget = limits.timeoutMs ?? this.#timeoutMs;
    const deadline = this.#now + budget;
    const maxSteps = this.#steps + (limits.maxSteps ?? this.#maxSteps);
    this.flush();
    while (!done(this)) {
      if (this.#steps >= maxSteps)
        this.#fail(`condition not met after ${limits.maxSteps ?? this.#maxSteps} steps`);
      const next = this.nextTime();
      if (next === undefined)
        this.#fail("condition not met and nothing is pending (no deadline, nothing in flight)");
      if (next > deadline) {
        this.#now = deadline;
        this.#fail(`condition not met within ${budget} ms of simulated time`);
      }
      this.step();
      this.flush();
    }
  }

  /** Runs everything due in the next `ms` of simulated time, then sets the clock to its end. */
  runFor(ms: Millis, limits: Pick<RunLimits, "maxSteps"> = {}): void {
    if (!(ms >= 0)) throw new RangeError(`runFor: ms must be ≥ 0, got ${ms}`);
    const end = this.#now + ms;
    const maxSteps = this.#steps + (limits.maxSteps ?? this.#maxSteps);
    for (;;) {
      this.flush();
      const next = this.nextTime();
      if (next === undefined || next > end) break;
      if (this.#steps >= maxSteps)
        this.#fail(`runFor(${ms}) exceeded ${limits.maxSteps ?? this.#maxSteps} steps`);
      this.step();
    }
    this.#now = end;
  }

  /** Steps until nothing is pending; throws {@link DriveError} at the limits. */
  runUntilIdle(limits: RunLimits = {}): void {
    this.runUntil((d) => d.nextTime() === undefined, limits);
  }

  /** The last `n` trace entries as text, one per line. */
  traceText(n = this.#traceShown): string {
    return this.#trace
      .last(n)
      .map((e) => formatTraceEntry(e, (a) => this.#byAddress.get(key(a))?.name))
      .join("\n");
  }

  /** The last `n` raw trace entries. */
  traceEntries(n = this.#traceShown): TraceEntry[] {
    return this.#trace.last(n);
  }

  /** A readable report: the time, each endpoint's state, link counters and the recent trace. */
  report(): string {
    const lines = [`at t=${this.#now} ms after ${this.#steps} steps`, "endpoints:"];
    for (const d of this.#endpoints) {
      const addrs = d.addresses.map(formatSocketAddress).join(", ");
      const dl = d.endpoint.pollTimeout();
      lines.push(
        `  ${d.name} @ ${addrs}: sent ${d.transmits}, received ${d.received}, timeouts ${d.timeouts}, ` +
          `events ${d.events.length}, next deadline ${dl ?? "none"}`,
      );
      const desc = d.describe();
      if (desc) lines.push(`    ${desc.replace(/\n/g, "\n    ")}`);
    }
    const st = this.sim.stats();
    lines.push(`network: sent ${st.sent}, delivered ${st.delivered}, in flight ${st.inFlight}`);
    for (const l of st.links) {
      const drops = Object.entries(l.dropped)
        .filter(([, n]) => n > 0)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ");
      lines.push(
        `  ${l.from} → ${l.to}: sent ${l.sent}, delivered ${l.delivered}${drops ? `, dropped: ${drops}` : ""}`,
      );
    }
    const shown = Math.min(this.#traceShown, this.#trace.total);
    lines.push(`last ${shown} of ${this.#trace.total} trace entries:`, this.traceText());
    return lines.join("\n");
  }

  #fail(why: string): never {
    throw new DriveError(`drive: ${why}\n${this.report()}`);
  }

  #drain(d: DrivenEndpoint<unknown>): void {
    const ep = d.endpoint;
    for (;;) {
      let progressed = false;
      for (let t = ep.pollTransmit(); t !== undefined; t = ep.pollTransmit()) {
        progressed = true;
        d.transmits++;
        this.sim.send(this.#now, { from: this.#source(d, t.from, t.to), to: t.to, data: t.data });
      }
      for (let ev = ep.pollEvent(); ev !== undefined; ev = ep.pollEvent()) {
        progressed = true;
        if (d.options.logEvents !== false) d.events.push({ at: this.#now, event: ev });
        this.#trace.push({ kind: "event", at: this.#now, endpoint: d.name, event: ev });
        d.options.onEvent?.(ev, this.#now);
      }
      if (!progressed) return;
    }
  }

  #source(
    d: DrivenEndpoint<unknown>,
    from: SocketAddress | undefined,
    to: SocketAddress,
  ): SocketAddress {
    if (from) {
      const f = { address: normalizeIp(from.address), port: from.port };
      if (this.#byAddress.get(key(f)) !== d) {
        throw new Error(
          `${d.name} transmitted from ${formatSocketAddress(f)}, which is not one of its addresses`,
        );
      }
      return f;
    }
    const fam = ipFamily(to.address);
    return d.addresses.find((a) => ipFamily(a.address) === fam) ?? d.address;
  }

  #onTap(r: TapRecord): void {
    const e: TraceEntry =
      r.reason === undefined
        ? { kind: r.kind, at: r.at, from: r.from, to: r.to, bytes: r.data.byteLength }
        : {
            kind: r.kind,
            at: r.at,
            from: r.from,
            to: r.to,
            bytes: r.data.byteLength,
            reason: r.reason,
          };
    this.#trace.push(e);
  }
}

/** One endpoint for {@link drive}. */
export interface DriveEndpointSpec<Ev = unknown> extends AttachOptions<Ev> {
  readonly name: string;
  readonly endpoint: Endpoint<Ev>;
  readonly address: SocketAddress | readonly SocketAddress[];
}

/** What {@link drive} runs. */
export interface DriveOptions extends DriverOptions {
  readonly sim: NetSim;
  // biome-ignore lint/suspicious/noExplicitAny: each endpoint has its own event type
  readonly endpoints: readonly DriveEndpointSpec<any>[];
  /** Run until this holds (omitted: only attach and return the driver). */
  readonly until?: (driver: Driver) => boolean;
}

/**
 * Attaches endpoints to `sim`, runs until `until` holds (throwing {@link DriveError} with a
 * trace at the limits), and returns the {@link Driver} so the test can go on.
 */
export function drive(options: DriveOptions): Driver {
  const driver = new Driver(options.sim, options);
  for (const e of options.endpoints) driver.attach(e.name, e.endpoint, e.address, e);
  if (options.until) driver.runUntil(options.until);
  return driver;
}
