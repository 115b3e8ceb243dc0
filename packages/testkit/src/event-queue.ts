import type { Millis } from "@purertc/common";

/**
 * A min-heap of scheduled items ordered by time, then by insertion order, so items due at the
 * same instant come out in the order they were scheduled (the simulation stays deterministic).
 */
export class EventQueue<T> {
  #times: Millis[] = [];
  #seqs: number[] = [];
  #items: T[] = [];
  #nextSeq = 0;

  get length(): number {
    return this.#items.length;
  }

  /** Schedules `item` at `at`. */
  push(at: Millis, item: T): void {
    let i = this.#items.length;
    const seq = this.#nextSeq++;
    this.#times.push(at);
    this.#seqs.push(seq);
    this.#items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The time of the earliest item, or `undefined` when empty. */
  peekTime(): Millis | undefined {
    return this.#times[0];
  }

  /** Removes and returns the earliest item if it is due at or before `now`. */
  popDue(now: Millis): T | undefined {
    const t = this.#times[0];
    if (t === undefined || t > now) return undefined;
    return this.#pop();
  }

  #pop(): T {
    const top = this.#items[0] as T;
    const last = this.#items.length - 1;
    this.#swap(0, last);
    this.#times.pop();
    this.#seqs.pop();
    this.#items.pop();
    let i = 0;
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
    return top;
  }

  #less(a: number, b: number): boolean {
    const ta = this.#times[a]!;
    const tb = this.#times[b]!;
    return ta < tb || (ta === tb && this.#seqs[a]! < this.#seqs[b]!);
  }

  #swap(a: number, b: number): void {
    const t = this.#times[a]!;
    this.#times[a] = this.#times[b]!;
    this.#times[b] = t;
    const s = this.#seqs[a]!;
    this.#seqs[a] = this.#seqs[b]!;
    this.#seqs[b] = s;
    const it = this.#items[a]!;
    this.#items[a] = this.#items[b]!;
    this.#items[b] = it;
  }
}
