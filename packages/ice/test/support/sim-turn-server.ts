/**
 * The real TURN server core (@purertc/turn `TurnServer`) as a simulated-network endpoint: its
 * relay sockets are ports of its own host, bound from a pool when the core asks.
 */
import {
  type Datagram,
  type Endpoint,
  Fifo,
  type Millis,
  type SocketAddress,
  seededRng,
  type Transmit,
} from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { TurnServer, type TurnServerEvent } from "@purertc/turn";

export const TURN_USER = "ice";
export const TURN_PASSWORD = "relay-secret";

export class SimTurnServer implements Endpoint<TurnServerEvent> {
  readonly core: TurnServer;
  /** The relay ports the core may bind (attach them to the host with the listener). */
  readonly relayPorts: readonly SocketAddress[];
  readonly #free: SocketAddress[];
  readonly #events = new Fifo<TurnServerEvent>();
  #now: Millis = 0;

  constructor(listener: SocketAddress, seed: number) {
    this.core = new TurnServer({
      crypto: nobleCrypto,
      rng: seededRng(seed * 7 + 3),
      realm: "sim.test",
      users: { [TURN_USER]: TURN_PASSWORD },
    });
    this.relayPorts = Array.from({ length: 8 }, (_, i) => ({
      address: listener.address,
      port: 50000 + i,
    }));
    this.#free = [...this.relayPorts];
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
    this.#answerRelayRequests();
    const t = this.core.pollTransmit();
    return t ? { to: t.to, from: t.from, data: t.data } : undefined;
  }
  pollEvent(): TurnServerEvent | undefined {
    this.#answerRelayRequests();
    return this.#events.shift();
  }
  pollTimeout(): Millis | undefined {
    return this.core.pollTimeout();
  }

  /** Binds relay ports from the pool (IPv4 only) and takes released ones back. */
  #answerRelayRequests(): void {
    for (let ev = this.core.pollEvent(); ev; ev = this.core.pollEvent()) {
      if (ev.type === "relay-request") {
        const port = ev.family === 4 ? this.#free.shift() : undefined;
        if (port) this.core.relayBound(this.#now, ev.id, ev.family, port);
        else this.core.relayFailed(this.#now, ev.id, ev.family);
      } else if (ev.type === "relay-released") this.#free.push(ev.local);
      this.#events.push(ev);
    }
  }
}
