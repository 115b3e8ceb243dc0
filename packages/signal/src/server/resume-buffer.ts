import { Fifo } from "@purertc/common";

/**
 * The bounded buffer of sequenced notifications a session keeps so that a client resuming
 * after a drop gets each notification once: it acknowledges the last `seq` it saw and the
 * buffer replays what follows. Bounded by count and bytes; evictions are counted so the
 * client learns how many it lost.
 */
export class ResumeBuffer {
  readonly #maxCount: number;
  readonly #maxBytes: number;
  readonly #items = new Fifo<{ readonly seq: number; readonly text: string }>();
  #bytes = 0;
  #nextSeq = 1;
  #evictedUpTo = 0;

  constructor(maxCount: number, maxBytes: number) {
    this.#maxCount = maxCount;
    this.#maxBytes = maxBytes;
  }

  /** The seq the next notification gets. */
  nextSeq(): number {
    return this.#nextSeq++;
  }

  /** Keeps `text` (sent or to be sent with `seq`), evicting the oldest beyond the bounds. */
  push(seq: number, text: string): void {
    if (this.#maxCount === 0) {
      this.#evictedUpTo = seq;
      return;
    }
    this.#items.push({ seq, text });
    this.#bytes += text.length;
    while (this.#items.length > this.#maxCount || this.#bytes > this.#maxBytes) {
      const old = this.#items.shift()!;
      this.#bytes -= old.text.length;
      this.#evictedUpTo = old.seq;
    }
  }

  /**
   * What to replay to a client that saw everything up to `ack`: the kept notifications after
   * it, and how many it can no longer get.
   */
  replay(ack: number): { readonly texts: string[]; readonly lost: number } {
    const texts: string[] = [];
    for (const i of this.#items) if (i.seq > ack) texts.push(i.text);
    const lost = Math.max(0, this.#evictedUpTo - Math.max(ack, 0));
    return { texts, lost };
  }

  /** Drops what the client acknowledged. */
  acknowledge(ack: number): void {
    while ((this.#items.peek()?.seq ?? Number.POSITIVE_INFINITY) <= ack)
      this.#bytes -= this.#items.shift()!.text.length;
  }

  get length(): number {
    return this.#items.length;
  }

  get bytes(): number {
    return this.#bytes;
  }
}
