import type { OutgoingStream } from "./send-queue.js";

/**
 * Weighted fair queueing between outgoing streams (RFC 8260 §3.6; RFC 8831 §6.4 asks data
 * channels to be scheduled by their priority). Each stream with a message waiting is keyed by
 * a virtual finish time: the scheduler's virtual time when it joined plus its next message's
 * size divided by its weight. The smallest finish time is served first and becomes the virtual
 * time, so under contention a stream of weight n gets n times the bytes of a stream of weight
 * 1, every waiting stream is served eventually (no starvation), and a stream returning from
 * idle starts at the current virtual time (no credit for having been quiet). Equal weights
 * give fair capacity (RFC 8260 §3.5); equal weights and sizes give plain round-robin.
 *
 * Scheduling is per whole message: without I-DATA the fragments of a message carry consecutive
 * TSNs (RFC 9260 §6.9).
 */
export class StreamScheduler {
  /** A binary min-heap on (finish, order). */
  readonly #heap: OutgoingStream[] = [];
  #virtualTime = 0;
  #order = 0;

  get length(): number {
    return this.#heap.length;
  }

  /** Schedules `s`, whose next message is `bytes` long. */
  push(s: OutgoingStream, bytes: number): void {
    s.finish = this.#virtualTime + bytes / s.weight;
    s.order = this.#order++;
    const h = this.#heap;
    let i = h.length;
    h.push(s);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!before(s, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = s;
  }

  /** The stream to serve next (removed from the schedule), or undefined. */
  pop(): OutgoingStream | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    this.#virtualTime = top.finish;
    return top;
  }
}

function before(a: OutgoingStream, b: OutgoingStream): boolean {
  return a.finish < b.finish || (a.finish === b.finish && a.order < b.order);
}
