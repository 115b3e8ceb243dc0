import type { Fifo } from "@purertc/common";
import type { SctpEvent } from "../events.js";
import { ssnLte, tsnLte } from "../serial.js";

const FLAG_E = 1;
const FLAG_B = 2;
const FLAG_U = 4;

interface Fragment {
  readonly tsn: number;
  /** TSN for DATA, FSN for I-DATA: the fragment's position. */
  readonly pos: number;
  readonly flags: number;
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
}

/**
 * A message whose fragments are still arriving (keyed by stream and SSN or MID). Fragments that
 * arrive in order from the first one are copied straight into `run`, the message's buffer in
 * the making (one copy per byte, none left to do at the end); any other fragment waits in
 * `frags` as its own copy.
 */
interface Partial {
  readonly streamId: number;
  readonly seq: number;
  readonly unordered: boolean;
  frags: Fragment[];
  first: number;
  last: number;
  hasFirst: boolean;
  hasLast: boolean;
  bytes: number;
  minTsn: number;
  /** PPID of the first fragment (RFC 9260 §3.3.1: the same in every fragment). */
  ppid: number;
  run: Uint8Array | undefined;
  /** Bytes of `run` filled, fragments in it, and the position the run continues with. */
  runLength: number;
  runCount: number;
  runNext: number;
}

interface Complete {
  readonly ppid: number;
  readonly data: Uint8Array;
}

/** Per incoming stream: the next sequence number to deliver and completed messages waiting for it. */
class InStream {
  next = 0;
  readonly pending = new Map<number, Complete>();
}

function byPosition(a: Fragment, b: Fragment): number {
  return (a.pos - b.pos) | 0;
}

/**
 * The first buffer of a run is sized like the last message reassembled (bulk senders send
 * messages of one size, which then need no final copy), but at most this many times the first
 * fragment, and within {@link RUN_BUDGET_MESSAGES}.
 */
const RUN_GUESS_FRAGMENTS = 16;
/** Without a previous message: room for this many fragments like the first. */
const RUN_FIRST_FRAGMENTS = 4;
/**
 * Run buffers of all partial messages together may reach this many largest messages: past
 * that, a new run starts at its first fragment's size (growing, at most doubling what arrived).
 * Many partial messages at once mean loss or a hostile peer, not a bulk transfer in order.
 */
const RUN_BUDGET_MESSAGES = 4;

function concat(frags: readonly Fragment[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const f of frags) {
    out.set(f.data, o);
    o += f.data.byteLength;
  }
  return out;
}

/**
 * Reassembly and ordered delivery (RFC 9260 §6.5–§6.9, RFC 8260 §2.1 for I-DATA). Each
 * payload is copied once on arrival (the packet's bytes belong to the caller): a single-chunk
 * message into a buffer of its own, the fragments of a message that arrive in order straight
 * into the message's buffer (delivered as is when its size was guessed right), other fragments
 * into copies joined when the message completes. `bytes` is what the receive window counts.
 */
export class ReassemblyQueue {
  readonly #events: Fifo<SctpEvent>;
  readonly #streams = new Map<number, InStream>();
  readonly #partials = new Map<number, Partial>();
  /** Unordered DATA fragments by TSN (their messages are identified by TSN contiguity). */
  readonly #unordered = new Map<number, Fragment>();
  readonly #maxMessage: number;
  interleaved = false;
  /** The packet being processed when it holds only large fragments, and its copy once made. */
  #packet: Uint8Array | undefined;
  #packetCopy: Uint8Array | undefined;
  /** Size of the last message reassembled from fragments (sizes the next run buffer). */
  #lastFragmented = 0;
  /** Bytes allocated for the runs of the partial messages held. */
  #runBytes = 0;

  /**
   * Bytes allocated for the message buffers of partial messages (at least what they hold, and
   * beyond it at most the run budget plus what growth by doubling adds).
   */
  get runBytes(): number {
    return this.#runBytes;
  }
  /** Bytes held: partial messages and complete ones waiting for order. */
  bytes = 0;
  messagesDelivered = 0;
  bytesDelivered = 0;

  constructor(events: Fifo<SctpEvent>, maxMessage: number) {
    this.#events = events;
    this.#maxMessage = maxMessage;
  }

  /**
   * Announces the packet whose chunks follow, or `undefined`. When every chunk of a packet is a
   * large middle-or-end fragment (see `fragmentPacket` in dispatch.ts), its fragments share one
   * copy of the packet instead of one copy each: one allocation per packet, and the copy kept
   * alive is hardly bigger than the fragment bytes the receive window counts.
   */
  beginPacket(packet: Uint8Array | undefined): void {
    this.#packet = packet;
    this.#packetCopy = undefined;
  }

  /** Our own copy of a fragment's payload (the packet's bytes belong to the caller). */
  #own(payload: Uint8Array): Uint8Array {
    const p = this.#packet;
    if (p === undefined || payload.buffer !== p.buffer) return payload.slice();
    const at = payload.byteOffset - p.byteOffset;
    if (at < 0 || at + payload.byteLength > p.byteLength) return payload.slice();
    this.#packetCopy ??= p.slice();
    return this.#packetCopy.subarray(at, at + payload.byteLength);
  }

  #stream(id: number): InStream {
    let s = this.#streams.get(id);
    if (!s) {
      s = new InStream();
      this.#streams.set(id, s);
    }
    return s;
  }

  /**
   * Adds one received chunk. `seq` is the SSN (DATA) or MID (I-DATA), `fsn` the I-DATA FSN.
   * Returns false when the message would exceed the largest message we accept.
   */
  add(
    tsn: number,
    streamId: number,
    seq: number,
    fsn: number,
    ppid: number,
    flags: number,
    payload: Uint8Array,
  ): boolean {
    const unordered = (flags & FLAG_U) !== 0;
    if ((flags & (FLAG_B | FLAG_E)) === (FLAG_B | FLAG_E)) {
      const data = payload.slice();
      if (unordered) this.#deliver(streamId, ppid, true, data);
      else this.#ordered(streamId, seq, ppid, data);
      return true;
    }
    const pos = this.interleaved ? fsn : tsn;
    this.bytes += payload.byteLength;
    if (unordered && !this.interleaved) {
      const frag: Fragment = { tsn, pos, flags, streamId, ppid, data: this.#own(payload) };
      return this.#addUnorderedData(frag);
    }
    const key = this.interleaved
      ? streamId * 2 ** 33 + (unordered ? 2 ** 32 : 0) + seq
      : streamId * 65536 + seq;
    let p = this.#partials.get(key);
    if (!p) {
      p = {
        streamId,
        seq,
        unordered,
        frags: [],
        first: 0,
        last: 0,
        hasFirst: false,
        hasLast: false,
        bytes: 0,
        minTsn: tsn,
        ppid,
        run: undefined,
        runLength: 0,
        runCount: 0,
        runNext: 0,
      };
      this.#partials.set(key, p);
    }
    if (p.run !== undefined && pos === p.runNext) this.#append(p, payload);
    else if (p.run === undefined && flags & FLAG_B && p.frags.length === 0) {
      this.#startRun(p, pos, payload);
    } else {
      p.frags.push({ tsn, pos, flags, streamId, ppid, data: this.#own(payload) });
    }
    if (flags & FLAG_B) p.ppid = ppid;
    p.bytes += payload.byteLength;
    if (tsnLte(tsn, p.minTsn)) p.minTsn = tsn;
    if (flags & FLAG_B) {
      p.hasFirst = true;
      p.first = pos;
    }
    if (flags & FLAG_E) {
      p.hasLast = true;
      p.last = pos;
    }
    if (p.bytes > this.#maxMessage) return false;
    const count = p.runCount + p.frags.length;
    if (!p.hasFirst || !p.hasLast || ((p.last - p.first) | 0) + 1 !== count) return true;
    this.#drop(key, p);
    this.#lastFragmented = p.bytes;
    const data = this.#assemble(p);
    if (unordered) this.#deliver(streamId, p.ppid, true, data);
    else this.#ordered(streamId, seq, p.ppid, data);
    return true;
  }

  /** Forgets a partial message (complete, or skipped) and what it held. */
  #drop(key: number, p: Partial): void {
    this.#partials.delete(key);
    this.bytes -= p.bytes;
    if (p.run !== undefined) this.#runBytes -= p.run.byteLength;
  }

  /**
   * The run buffer of a message whose first fragment arrived before any other: the guessed
   * size, as far as the run budget allows (beyond it, room for this fragment only).
   */
  #startRun(p: Partial, pos: number, payload: Uint8Array): void {
    const n = payload.byteLength;
    const guess =
      this.#lastFragmented > 0
        ? Math.min(this.#lastFragmented, RUN_GUESS_FRAGMENTS * n)
        : RUN_FIRST_FRAGMENTS * n;
    const budget = Math.max(0, RUN_BUDGET_MESSAGES * this.#maxMessage - this.#runBytes);
    p.run = new Uint8Array(Math.max(n, Math.min(guess, budget, this.#maxMessage)));
    this.#runBytes += p.run.byteLength;
    p.run.set(payload, 0);
    p.runLength = n;
    p.runCount = 1;
    p.runNext = (pos + 1) >>> 0;
  }

  /** Appends the fragment that continues the run, doubling the buffer when it is full. */
  #append(p: Partial, payload: Uint8Array): void {
    let run = p.run!;
    const end = p.runLength + payload.byteLength;
    if (end > run.byteLength) {
      const grown = new Uint8Array(Math.max(end, Math.min(2 * run.byteLength, this.#maxMessage)));
      grown.set(run.subarray(0, p.runLength), 0);
      this.#runBytes += grown.byteLength - run.byteLength;
      p.run = run = grown;
    }
    run.set(payload, p.runLength);
    p.runLength = end;
    p.runCount++;
    p.runNext = (p.runNext + 1) >>> 0;
  }

  /** The bytes of a complete message: the run itself when it holds all of them at its size. */
  #assemble(p: Partial): Uint8Array {
    const run = p.run;
    if (run !== undefined && p.frags.length === 0) {
      return p.runLength === run.byteLength ? run : run.slice(0, p.runLength);
    }
    const frags = p.frags;
    if (run !== undefined) {
      frags.push({
        tsn: p.minTsn,
        pos: p.first,
        flags: FLAG_B,
        streamId: p.streamId,
        ppid: p.ppid,
        data: run.subarray(0, p.runLength),
      });
    }
    frags.sort(byPosition);
    return concat(frags, p.bytes);
  }

  #addUnorderedData(frag: Fragment): boolean {
    const m = this.#unordered;
    m.set(frag.tsn, frag);
    // Walk back to the B fragment and forward to the E fragment over consecutive TSNs.
    let first = frag.tsn;
    let size = frag.data.byteLength;
    for (let f = frag; !(f.flags & FLAG_B); ) {
      const prev = m.get((first - 1) >>> 0);
      if (!prev || prev.streamId !== frag.streamId || prev.flags & FLAG_E)
        return size <= this.#maxMessage;
      first = (first - 1) >>> 0;
      size += prev.data.byteLength;
      f = prev;
    }
    let last = frag.tsn;
    for (let f = frag; !(f.flags & FLAG_E); ) {
      const next = m.get((last + 1) >>> 0);
      if (!next || next.streamId !== frag.streamId || next.flags & FLAG_B)
        return size <= this.#maxMessage;
      last = (last + 1) >>> 0;
      size += next.data.byteLength;
      f = next;
    }
    const frags: Fragment[] = [];
    for (let t = first; ; t = (t + 1) >>> 0) {
      frags.push(m.get(t)!);
      m.delete(t);
      if (t === last) break;
    }
    this.bytes -= size;
    this.#deliver(frag.streamId, frags[0]!.ppid, true, concat(frags, size));
    return true;
  }

  #ordered(streamId: number, seq: number, ppid: number, data: Uint8Array): void {
    const s = this.#stream(streamId);
    if (seq === s.next) {
      this.#deliver(streamId, ppid, false, data);
      s.next = this.#inc(s.next);
      if (s.pending.size > 0) this.#drain(streamId, s);
      return;
    }
    s.pending.set(seq, { ppid, data });
    this.bytes += data.byteLength;
  }

  #inc(seq: number): number {
    return this.interleaved ? (seq + 1) >>> 0 : (seq + 1) & 0xffff;
  }

  #drain(streamId: number, s: InStream): void {
    for (;;) {
      const m = s.pending.get(s.next);
      if (!m) return;
      s.pending.delete(s.next);
      this.bytes -= m.data.byteLength;
      this.#deliver(streamId, m.ppid, false, m.data);
      s.next = this.#inc(s.next);
    }
  }

  #deliver(streamId: number, ppid: number, unordered: boolean, data: Uint8Array): void {
    this.messagesDelivered++;
    this.bytesDelivered += data.byteLength;
    this.#events.push({ type: "message", streamId, ppid, unordered, data });
  }

  /** Drops fragments at or below `newCum` that can no longer complete (RFC 3758 §3.6). */
  forgetUpTo(newCum: number): void {
    for (const [tsn, f] of this.#unordered) {
      if (tsnLte(tsn, newCum)) {
        this.#unordered.delete(tsn);
        this.bytes -= f.data.byteLength;
      }
    }
    for (const [key, p] of this.#partials) {
      if (tsnLte(p.minTsn, newCum)) this.#drop(key, p);
    }
  }

  /**
   * An ordered stream skips to after `seq` (FORWARD TSN / I-FORWARD-TSN): complete messages up
   * to `seq` are delivered, partial ones dropped, then delivery resumes.
   */
  skip(streamId: number, seq: number, unordered: boolean): void {
    for (const [key, p] of this.#partials) {
      if (p.streamId === streamId && p.unordered === unordered && this.#seqLte(p.seq, seq))
        this.#drop(key, p);
    }
    if (unordered) return;
    const s = this.#stream(streamId);
    if (!this.#seqLte(s.next, seq)) return;
    const sorted = [...s.pending.keys()].filter((k) => this.#seqLte(k, seq));
    sorted.sort((a, b) => (this.#seqLte(a, b) ? -1 : 1));
    for (const k of sorted) {
      const m = s.pending.get(k)!;
      s.pending.delete(k);
      this.bytes -= m.data.byteLength;
      this.#deliver(streamId, m.ppid, false, m.data);
    }
    s.next = this.#inc(seq);
    this.#drain(streamId, s);
  }

  #seqLte(a: number, b: number): boolean {
    return this.interleaved ? tsnLte(a, b) : ssnLte(a, b);
  }

  /** Incoming stream reset (RFC 6525 §5.2.2): sequence numbers restart at 0. */
  resetStreams(ids: readonly number[]): void {
    for (const id of ids) {
      const s = this.#streams.get(id);
      if (!s) continue;
      // A reset is performed once every TSN up to the peer's last one before it arrived, so
      // the old life's ordered messages were all delivered: what still waits belongs to the
      // new life (it overtook a lost RE-CONFIG) and is numbered from 0 (RFC 6525 §5.2.2).
      s.next = 0;
      this.#drain(id, s);
      if (s.pending.size === 0 && s.next === 0) this.#streams.delete(id);
    }
  }

  /** Every stream id with state (for a reset of all streams). */
  streamIds(): number[] {
    return [...this.#streams.keys()];
  }
}
