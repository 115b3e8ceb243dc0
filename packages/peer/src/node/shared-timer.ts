/**
 * One Node timer for every peer runner of the process, and one check-phase callback per
 * event-loop turn for all of them. An idle process with 1,000 peers re-arms a deadline ~600
 * times a second (consent checks every 5 s ±20 % on each side, RFC 7675 §5.1, and their
 * responses); a `setTimeout`/`clearTimeout` and a `setImmediate` each time showed as a good part
 * of its CPU. Deadlines stay exact: each slot fires at the first timer turn at or after its own
 * deadline, as with a timer of its own.
 */
import { performance } from "node:perf_hooks";

/** A runner's place in the shared timer. */
export interface TimerSlot {
  /** The armed deadline (`performance.now()` milliseconds), or +Infinity when disarmed. */
  at: number;
  /** Position in the heap, -1 when not in it. */
  index: number;
  /** Called once the deadline has passed (the slot is disarmed first). */
  readonly fire: () => void;
}

/** A new, disarmed slot. */
export function timerSlot(fire: () => void): TimerSlot {
  return { at: Number.POSITIVE_INFINITY, index: -1, fire };
}

/** A binary min-heap of slots by deadline, with one `setTimeout` at its minimum. */
class SharedTimer {
  readonly #heap: TimerSlot[] = [];
  #timeout: ReturnType<typeof setTimeout> | undefined;
  #timeoutAt = Number.POSITIVE_INFINITY;
  #running = false;

  /** Arms (or moves) `slot` to `at`. */
  schedule(slot: TimerSlot, at: number): void {
    if (slot.index < 0) {
      slot.at = at;
      slot.index = this.#heap.length;
      this.#heap.push(slot);
      this.#up(slot.index);
    } else if (at !== slot.at) {
      const earlier = at < slot.at;
      slot.at = at;
      if (earlier) this.#up(slot.index);
      else this.#down(slot.index);
    }
    this.#rearm();
  }

  /** Disarms `slot`. */
  cancel(slot: TimerSlot): void {
    const i = slot.index;
    if (i < 0) return;
    const last = this.#heap.pop()!;
    slot.index = -1;
    slot.at = Number.POSITIVE_INFINITY;
    if (last !== slot) {
      this.#heap[i] = last;
      last.index = i;
      this.#down(i);
      this.#up(last.index);
    }
    this.#rearm();
  }

  /** Slots armed (for tests: nothing stays armed after every runner closed). */
  get size(): number {
    return this.#heap.length;
  }

  /**
   * The Node timer follows the earliest deadline when it moves earlier; when it moves later
   * (the earliest slot re-armed further out) the timer fires early once and re-arms, which
   * costs less than a clearTimeout/setTimeout per change.
   */
  #rearm(): void {
    if (this.#running) return;
    const first = this.#heap[0];
    if (first === undefined) {
      if (this.#timeout) clearTimeout(this.#timeout);
      this.#timeout = undefined;
      this.#timeoutAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.#timeout && this.#timeoutAt <= first.at) return;
    if (this.#timeout) clearTimeout(this.#timeout);
    this.#timeoutAt = first.at;
    this.#timeout = setTimeout(this.#run, Math.max(0, Math.ceil(first.at - performance.now())));
  }

  /**
   * Fires every slot due now. They are taken out first and fired after: a slot re-armed at or
   * before `now` by its own handler waits for the next timer turn instead of looping here.
   */
  readonly #run = (): void => {
    this.#timeout = undefined;
    this.#timeoutAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: TimerSlot[] = [];
    const heap = this.#heap;
    // No Node timer is armed until every due slot has run (one re-arm at the end).
    this.#running = true;
    while (heap.length > 0 && heap[0]!.at <= now) {
      const s = heap[0]!;
      this.cancel(s);
      due.push(s);
    }
    // A handler that throws must not strand the other slots, which are already disarmed.
    let failure: unknown;
    for (const s of due) {
      try {
        s.fire();
      } catch (e) {
        failure ??= e;
      }
    }
    this.#running = false;
    this.#rearm();
    if (failure !== undefined) throw failure;
  };

  #up(i: number): void {
    const heap = this.#heap;
    const s = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (parent.at <= s.at) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = s;
    s.index = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const s = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r]!.at < heap[l]!.at ? r : l;
      const child = heap[c]!;
      if (child.at >= s.at) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = s;
    s.index = i;
  }
}

/** The process-wide timer of the peer runners. */
export const sharedTimer = new SharedTimer();

const checkQueue: (() => void)[] = [];
let checkQueued = false;

function runCheckQueue(): void {
  checkQueued = false;
  const n = checkQueue.length;
  let i = 0;
  try {
    // Callbacks queued while these run wait for the next turn, as a setImmediate would.
    for (; i < n; i++) checkQueue[i]!();
  } finally {
    // After a throw, the callbacks not yet run get the next turn. Shifted in place: `splice`
    // would allocate the array of removed callbacks on every turn.
    const done = i < n ? i + 1 : n;
    if (done === checkQueue.length) checkQueue.length = 0;
    else {
      checkQueue.copyWithin(0, done);
      checkQueue.length -= done;
    }
    if (checkQueue.length > 0 && !checkQueued) {
      checkQueued = true;
      setImmediate(runCheckQueue);
    }
  }
}

/**
 * Runs `f` in the check phase of this event-loop turn (one `setImmediate` for every runner).
 * The caller keeps its own "already queued" flag.
 */
export function inCheckPhase(f: () => void): void {
  checkQueue.push(f);
  if (checkQueued) return;
  checkQueued = true;
  setImmediate(runCheckQueue);
}
