import type { Millis } from "./sans-io.js";

/**
 * Every timer of one state machine as one small table: a deadline per named timer, and
 * `next()` is their minimum (what `pollTimeout()` returns).
 */
export class TimerTable<K extends string> {
  readonly #deadlines = new Map<K, Millis>();

  /** Arms (or re-arms) `timer` to fire at `at`. */
  set(timer: K, at: Millis): void {
    this.#deadlines.set(timer, at);
  }

  clear(timer: K): void {
    this.#deadlines.delete(timer);
  }

  clearAll(): void {
    this.#deadlines.clear();
  }

  get(timer: K): Millis | undefined {
    return this.#deadlines.get(timer);
  }

  isArmed(timer: K): boolean {
    return this.#deadlines.has(timer);
  }

  /** The earliest deadline, or `undefined` when nothing is armed. */
  next(): Millis | undefined {
    let min: Millis | undefined;
    for (const at of this.#deadlines.values()) if (min === undefined || at < min) min = at;
    return min;
  }

  /** Disarms and returns every timer whose deadline is at or before `now`, earliest first. */
  expire(now: Millis): K[] {
    const due: [K, Millis][] = [];
    for (const [k, at] of this.#deadlines) if (at <= now) due.push([k, at]);
    due.sort((a, b) => a[1] - b[1]);
    for (const [k] of due) this.#deadlines.delete(k);
    return due.map(([k]) => k);
  }
}
