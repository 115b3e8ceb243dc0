import type { HandshakeFragment } from "./header.js";

/** A whole handshake message, reassembled; `body` is owned (copied out of the records). */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

/** What became of one fragment handed to {@link Reassembler.add}. */
export type FragmentOutcome =
  /** Stored (or already complete): part of the current or an upcoming message. */
  | "accepted"
  /** message_seq below the next expected: a retransmission of a message we already have. */
  | "old"
  /** Dropped: too far ahead, inconsistent with earlier fragments, or over the memory budget. */
  | "dropped";

interface Partial {
  readonly msgType: number;
  readonly body: Uint8Array;
  /** Received byte ranges as sorted, disjoint [start, end) pairs, flattened. */
  ranges: number[];
}

/**
 * Reassembles handshake messages from fragments that arrive in any order, duplicated or
 * overlapping (RFC 6347 §4.2.3), and releases them strictly in message_seq order (§4.2.2).
 * Memory is bounded: only messages within `maxAhead` of the next expected one are buffered and
 * the total buffered body bytes never exceed `maxBufferedBytes`.
 */
export class Reassembler {
  readonly #maxBufferedBytes: number;
  readonly #maxAhead: number;
  readonly #pending = new Map<number, Partial>();
  #next = 0;
  #buffered = 0;

  constructor(maxBufferedBytes: number, maxAhead = 8) {
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#maxAhead = maxAhead;
  }

  /** The message_seq of the next message to be released. */
  get nextSeq(): number {
    return this.#next;
  }

  /** Forgets everything and expects `seq` next (used when a HelloVerifyRequest restarts the exchange). */
  reset(seq: number): void {
    this.#pending.clear();
    this.#buffered = 0;
    this.#next = seq;
  }

  add(f: HandshakeFragment): FragmentOutcome {
    if (f.messageSeq < this.#next) return "old";
    if (f.messageSeq >= this.#next + this.#maxAhead) return "dropped";
    let p = this.#pending.get(f.messageSeq);
    if (p === undefined) {
      if (this.#buffered + f.length > this.#maxBufferedBytes) return "dropped";
      p = { msgType: f.msgType, body: new Uint8Array(f.length), ranges: [] };
      this.#pending.set(f.messageSeq, p);
      this.#buffered += f.length;
    } else if (p.msgType !== f.msgType || p.body.byteLength !== f.length) {
      return "dropped";
    }
    const start = f.fragmentOffset;
    const end = start + f.body.byteLength;
    if (end > start) {
      p.body.set(f.body, start);
      p.ranges = mergeRange(p.ranges, start, end);
    }
    return "accepted";
  }

  /** The next message in order, once all of its bytes have arrived. */
  pop(): HandshakeMessage | undefined {
    const p = this.#pending.get(this.#next);
    if (p === undefined) return undefined;
    const len = p.body.byteLength;
    const complete =
      len === 0 || (p.ranges.length === 2 && p.ranges[0] === 0 && p.ranges[1] === len);
    if (!complete) return undefined;
    this.#pending.delete(this.#next);
    this.#buffered -= len;
    const msg = { msgType: p.msgType, messageSeq: this.#next, body: p.body };
    this.#next++;
    return msg;
  }
}

/** Inserts [start, end) into sorted disjoint flattened ranges, merging overlaps and neighbours. */
function mergeRange(ranges: number[], start: number, end: number): number[] {
  const out: number[] = [];
  let s = start;
  let e = end;
  let placed = false;
  for (let i = 0; i < ranges.length; i += 2) {
    const rs = ranges[i]!;
    const re = ranges[i + 1]!;
    if (re < s) {
      out.push(rs, re);
    } else if (rs > e) {
      if (!placed) {
        out.push(s, e);
        placed = true;
      }
      out.push(rs, re);
    } else {
      s = Math.min(s, rs);
      e = Math.max(e, re);
    }
  }
  if (!placed) out.push(s, e);
  return out;
}
