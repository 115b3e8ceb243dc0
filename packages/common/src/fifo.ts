/**
 * The ring of every empty, never-used Fifo: a connection holds a dozen queues (each core's
 * transmits and events) that stay empty while idle, and 16 preallocated slots each showed in
 * heap snapshots of idle peers. It is never written: `push` grows it first.
 */
const NONE: readonly undefined[] = Object.freeze([]);

/** Slots of a ring's first allocation; it doubles when full. */
const FIRST_CAPACITY = 4;

/**
 * A first-in first-out queue with O(1) push and shift (a growable ring buffer), for the
 * transmit and event queues that cores drain through `poll*`. It allocates at the first push
 * and keeps its ring afterwards (no allocation per push/drain cycle).
 */
export class Fifo<T> {
  #items: (T | undefined)[] = NONE as (T | undefined)[];
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) % this.#items.length] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  clear(): void {
    this.#items = NONE as (T | undefined)[];
    this.#head = 0;
    this.#size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++)
      yield this.#items[(this.#head + i) % this.#items.length] as T;
  }

  #grow(): void {
    const next: (T | undefined)[] = new Array(Math.max(FIRST_CAPACITY, this.#items.length * 2));
    for (let i = 0; i < this.#size; i++)
      next[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = next;
    this.#head = 0;
  }
}
