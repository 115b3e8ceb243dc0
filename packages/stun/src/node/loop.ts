/**
 * The drain loop of DESIGN.md for one sans-IO core: drain transmits and events, then keep one
 * timer armed at `pollTimeout()`.
 */
import { performance } from "node:perf_hooks";
import type { Millis, Transmit } from "@purertc/common";

/** What the loop needs from a core. */
export interface PollingCore<Ev> {
  handleTimeout(now: Millis): void;
  pollTransmit(): Transmit | undefined;
  pollEvent(): Ev | undefined;
  pollTimeout(): Millis | undefined;
}

/** Monotonic milliseconds for the cores. */
export function monotonicNow(): Millis {
  return performance.now();
}

/** Runs one core: call {@link CoreLoop.drive} after every `handle*` or API call on the core. */
export class CoreLoop<Ev> {
  readonly #core: PollingCore<Ev>;
  readonly #send: (t: Transmit) => void;
  readonly #onEvent: (ev: Ev) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt: Millis | undefined;
  #closed = false;

  constructor(core: PollingCore<Ev>, send: (t: Transmit) => void, onEvent: (ev: Ev) => void) {
    this.#core = core;
    this.#send = send;
    this.#onEvent = onEvent;
  }

  /** Drains the core and re-arms the single timer. */
  drive(): void {
    if (this.#closed) return;
    for (;;) {
      const t = this.#core.pollTransmit();
      const ev = this.#core.pollEvent();
      if (t) this.#send(t);
      if (ev !== undefined) this.#onEvent(ev);
      if (!t && ev === undefined) break;
      if (this.#closed) return;
    }
    const at = this.#core.pollTimeout();
    if (at === this.#armedAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = at;
    if (at === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#armedAt = undefined;
        this.#core.handleTimeout(monotonicNow());
        this.drive();
      },
      Math.max(0, Math.ceil(at - monotonicNow())),
    );
  }

  /** Stops the timer for good. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
