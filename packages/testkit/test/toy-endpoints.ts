import {
  type Datagram,
  type Endpoint,
  Fifo,
  type Millis,
  type SocketAddress,
  type Transmit,
} from "@purertc/common";

export type ToyEvent = { type: "ping"; seq: number } | { type: "pong"; seq: number; rttMs: number };

/** Echoes every datagram back to its sender and reports a `ping` event. */
export class Echo implements Endpoint<ToyEvent> {
  readonly #tx = new Fifo<Transmit>();
  readonly #ev = new Fifo<ToyEvent>();
  handleDatagram(_now: Millis, d: Datagram): void {
    this.#tx.push({ to: d.from, from: d.to, data: d.data });
    this.#ev.push({ type: "ping", seq: d.data[0] ?? -1 });
  }
  handleTimeout(): void {}
  pollTransmit(): Transmit | undefined {
    return this.#tx.shift();
  }
  pollEvent(): ToyEvent | undefined {
    return this.#ev.shift();
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

/**
 * Sends pings 0..count-1 one at a time to `peer`, retransmitting every `rtoMs` until the echo
 * comes back; emits `pong` events.
 */
export class Pinger implements Endpoint<ToyEvent> {
  readonly #tx = new Fifo<Transmit>();
  readonly #ev = new Fifo<ToyEvent>();
  readonly #peer: SocketAddress;
  readonly #count: number;
  readonly #rtoMs: number;
  #seq = 0;
  #sentAt = 0;
  #deadline: Millis | undefined;
  done = 0;

  constructor(peer: SocketAddress, count: number, rtoMs = 100) {
    this.#peer = peer;
    this.#count = count;
    this.#rtoMs = rtoMs;
  }
  /** API command: starts the exchange at `now`. */
  start(now: Millis): void {
    this.#send(now);
  }
  #send(now: Millis): void {
    this.#sentAt = now;
    this.#tx.push({ to: this.#peer, data: new Uint8Array([this.#seq, 1, 2, 3]) });
    this.#deadline = now + this.#rtoMs;
  }
  handleDatagram(now: Millis, d: Datagram): void {
    if (d.data[0] !== this.#seq) return;
    this.#ev.push({ type: "pong", seq: this.#seq, rttMs: now - this.#sentAt });
    this.done++;
    this.#seq++;
    this.#deadline = undefined;
    if (this.#seq < this.#count) this.#send(now);
  }
  handleTimeout(now: Millis): void {
    if (this.#deadline !== undefined && now >= this.#deadline) this.#send(now);
  }
  pollTransmit(): Transmit | undefined {
    return this.#tx.shift();
  }
  pollEvent(): ToyEvent | undefined {
    return this.#ev.shift();
  }
  pollTimeout(): Millis | undefined {
    return this.#deadline;
  }
  describe(): string {
    return `seq ${this.#seq}/${this.#count}, deadline ${this.#deadline ?? "none"}`;
  }
}
