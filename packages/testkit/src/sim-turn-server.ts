/**
 * A TURN server core (RFC 8656; `TurnServer` of @purertc/turn, or anything shaped like it) as
 * an endpoint of the simulated network: the core asks for relay sockets with
 * `"relay-request"` events, and this wrapper binds them from a pool of ports that the test
 * attaches to the server's host beside the listener; `"relay-released"` ports go back to the
 * pool. Structural types only, so the test kit does not depend on @purertc/turn.
 */
import {
  type Datagram,
  type Endpoint,
  Fifo,
  type Millis,
  type SocketAddress,
  type Transmit,
} from "@purertc/common";

/** The events of a TURN server core that concern relay sockets (others pass through). */
export type SimTurnRelayEvent =
  | { readonly type: "relay-request"; readonly id: number; readonly family: 4 | 6 }
  | { readonly type: "relay-released"; readonly local: SocketAddress };

/** What the wrapper needs of a TURN server core. */
export interface SimTurnServerCore<Ev extends { readonly type: string }> {
  handleDatagram(now: Millis, dgram: Datagram): void;
  handleTimeout(now: Millis): void;
  pollTransmit(): Transmit | undefined;
  pollEvent(): Ev | undefined;
  pollTimeout(): Millis | undefined;
  relayBound(now: Millis, id: number, family: 4 | 6, local: SocketAddress): void;
  relayFailed(now: Millis, id: number, family: 4 | 6): void;
  describe?(): string;
}

/** The event type of a core. */
export type SimTurnServerEvent<Core> = Core extends SimTurnServerCore<infer Ev> ? Ev : never;

/** A TURN server core plus a pool of relay ports on its host, bound on demand. */
export class SimTurnServer<
  // biome-ignore lint/suspicious/noExplicitAny: any core's event union (inferred below)
  Core extends SimTurnServerCore<any>,
  Ev extends { readonly type: string } = SimTurnServerEvent<Core>,
> implements Endpoint<Ev>
{
  readonly core: Core;
  /** Every relay port of the pool (attach them to the host with the listener). */
  readonly relayPorts: readonly SocketAddress[];
  readonly #free: Map<4 | 6, SocketAddress[]>;
  readonly #events = new Fifo<Ev>();
  #now: Millis = 0;

  constructor(core: Core, relayPorts: readonly SocketAddress[]) {
    this.core = core;
    this.relayPorts = relayPorts;
    this.#free = new Map([
      [4, relayPorts.filter((r) => !r.address.includes(":"))],
      [6, relayPorts.filter((r) => r.address.includes(":"))],
    ]);
  }

  handleDatagram(now: Millis, d: Datagram): void {
    this.#now = now;
    this.core.handleDatagram(now, d);
  }

  handleTimeout(now: Millis): void {
    this.#now = now;
    this.core.handleTimeout(now);
  }

  pollTransmit(): Transmit | undefined {
    this.#pump();
    const t = this.core.pollTransmit();
    return t ? { to: t.to, ...(t.from ? { from: t.from } : {}), data: t.data } : undefined;
  }

  pollEvent(): Ev | undefined {
    this.#pump();
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.core.pollTimeout();
  }

  describe(): string {
    return this.core.describe?.() ?? "turn server";
  }

  /** Answers relay requests from the pool and takes released ports back. */
  #pump(): void {
    for (let ev: Ev | undefined = this.core.pollEvent(); ev; ev = this.core.pollEvent()) {
      const r = ev as unknown as SimTurnRelayEvent;
      if (r.type === "relay-request") {
        const port = this.#free.get(r.family)!.shift();
        if (port) this.core.relayBound(this.#now, r.id, r.family, port);
        else this.core.relayFailed(this.#now, r.id, r.family);
      } else if (r.type === "relay-released") {
        this.#free.get(r.local.address.includes(":") ? 6 : 4)!.push(r.local);
      }
      this.#events.push(ev);
    }
  }
}
