/**
 * Where protect/unprotect outputs live: consecutive views of one shared 16 KiB `ArrayBuffer`
 * (a new one when it is full), as Node's `Buffer` pool does. A view costs no allocation of its
 * own backing store (no zero-filled `calloc`, no external memory for the GC to track per
 * packet), which at media rates is a large part of the per-packet cost. Outputs stay valid and
 * are never reused; one kept for long keeps its slab alive (copy it with `slice()` to keep it).
 * One slab serves the whole process ({@link takeOutput}), not one per context: a thousand idle
 * sessions do not each hold 16 KiB.
 */
const SLAB = 16384;
/** Larger outputs get an array of their own (a slab holds at least 4 packets of this size). */
const MAX_SHARED = SLAB >> 2;

export class OutputSlab {
  #buf = new ArrayBuffer(0);
  #off = 0;

  /** A fresh view of `length` bytes (zeroed only when it needs a new slab). */
  take(length: number): Uint8Array {
    if (length > MAX_SHARED) return new Uint8Array(length);
    if (this.#off + length > this.#buf.byteLength) {
      this.#buf = new ArrayBuffer(SLAB);
      this.#off = 0;
    }
    const out = new Uint8Array(this.#buf, this.#off, length);
    // 8-byte alignment keeps every view's offset aligned for DataView/typed reads.
    this.#off += (length + 7) & ~7;
    return out;
  }
}

const shared = new OutputSlab();

/** A fresh output view from the process-wide slab (see {@link OutputSlab}). */
export function takeOutput(length: number): Uint8Array {
  return shared.take(length);
}
