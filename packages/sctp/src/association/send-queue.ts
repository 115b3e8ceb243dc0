import { Fifo, type Millis } from "@purertc/common";
import type { SctpEvent } from "../events.js";
import { StreamScheduler } from "./stream-scheduler.js";

/**
 * The send queue: user messages waiting for TSNs, one FIFO per outgoing stream, scheduled
 * between streams one whole message at a time by weighted fair queueing ({@link
 * StreamScheduler}; RFC 9260 §6.9 requires the fragments of a DATA message to carry
 * consecutive TSNs). Payloads are never copied: each fragment is a view into the message.
 */

/**
 * The weight of a stream nobody prioritised: that of the W3C default priority "low" (256 in
 * the RFC 8832 §5.1 encoding, which data channels use as their weight).
 */
const DEFAULT_STREAM_WEIGHT = 256;

/** Per-message send options (W3C RTCDataChannelInit reliability, RFC 3758). */
export interface SendOptions {
  readonly unordered?: boolean;
  /** Retransmissions allowed before the message is abandoned (PR-SCTP "rtx" policy). */
  readonly maxRetransmits?: number;
  /** Lifetime in ms from `send()` after which the message is abandoned (PR-SCTP "ttl" policy). */
  readonly lifetimeMs?: number;
  /** Protocol-internal message (DCEP): not counted in the stream's buffered amount. */
  readonly internal?: boolean;
}

/** A message being sent: its bytes and how far fragmentation has progressed. */
export class OutgoingMessage {
  readonly stream: OutgoingStream;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly unordered: boolean;
  readonly maxRetransmits: number;
  readonly expiresAt: Millis;
  /** Bytes already given a TSN. */
  offset = 0;
  /** SSN (DATA) or MID (I-DATA), assigned with the first fragment. */
  seq = 0;
  /** Next fragment sequence number (I-DATA). */
  fsn = 0;
  firstTsn = 0;
  lastTsn = 0;
  abandoned = false;
  /** Counted in the stream's buffered amount (user data, not DCEP). */
  counted = true;

  constructor(
    stream: OutgoingStream,
    ppid: number,
    data: Uint8Array,
    unordered: boolean,
    maxRtx: number,
    expiresAt: Millis,
  ) {
    this.stream = stream;
    this.ppid = ppid;
    this.data = data;
    this.unordered = unordered;
    this.maxRetransmits = maxRtx;
    this.expiresAt = expiresAt;
  }

  /** Whether PR-SCTP may abandon this message. */
  get partiallyReliable(): boolean {
    return (
      this.maxRetransmits !== Number.POSITIVE_INFINITY ||
      this.expiresAt !== Number.POSITIVE_INFINITY
    );
  }
}

/** State of one outgoing stream. */
export class OutgoingStream {
  readonly id: number;
  readonly queue = new Fifo<OutgoingMessage>();
  /** W3C bufferedAmount: bytes queued and not yet transmitted. */
  buffered = 0;
  lowThreshold = 0;
  nextSsn = 0;
  nextMidOrdered = 0;
  nextMidUnordered = 0;
  /** Scheduling weight (RFC 8260 §3.6): bytes served are proportional to it under contention. */
  weight = DEFAULT_STREAM_WEIGHT;
  /** Waiting in the scheduler. */
  scheduled = false;
  /** Virtual finish time and arrival order in the scheduler. */
  finish = 0;
  order = 0;
  /** A message of this stream is being fragmented. */
  active = false;
  /** Counters for stats. */
  messagesSent = 0;
  bytesSent = 0;

  constructor(id: number) {
    this.id = id;
  }

  /** No message of this stream waits for a TSN. */
  get drained(): boolean {
    return this.queue.length === 0 && !this.active;
  }
}

export class SendQueue {
  readonly #streams = new Map<number, OutgoingStream>();
  readonly #ready = new StreamScheduler();
  readonly #events: Fifo<SctpEvent>;
  #current: OutgoingMessage | undefined;
  /** Bytes queued over all streams. */
  totalBuffered = 0;
  /** Messages dropped by their lifetime before any fragment was sent. */
  expiredUnsent = 0;

  constructor(events: Fifo<SctpEvent>) {
    this.#events = events;
  }

  stream(id: number): OutgoingStream {
    let s = this.#streams.get(id);
    if (!s) {
      s = new OutgoingStream(id);
      this.#streams.set(id, s);
    }
    return s;
  }

  peekStream(id: number): OutgoingStream | undefined {
    return this.#streams.get(id);
  }

  /** Queues a message. */
  enqueue(
    now: Millis,
    streamId: number,
    ppid: number,
    data: Uint8Array,
    o: SendOptions | undefined,
  ): void {
    const s = this.stream(streamId);
    const msg = new OutgoingMessage(
      s,
      ppid,
      data,
      o?.unordered ?? false,
      o?.maxRetransmits ?? Number.POSITIVE_INFINITY,
      o?.lifetimeMs === undefined ? Number.POSITIVE_INFINITY : now + o.lifetimeMs,
    );
    s.queue.push(msg);
    if (o?.internal) msg.counted = false;
    else {
      s.buffered += data.byteLength;
      this.totalBuffered += data.byteLength;
    }
    if (!s.scheduled && !s.active) {
      s.scheduled = true;
      this.#ready.push(s, data.byteLength);
    }
  }

  /** Whether any message waits for a TSN. */
  get isEmpty(): boolean {
    return this.#current === undefined && this.#ready.length === 0;
  }

  /**
   * The message the next fragment comes from: the one being fragmented, or the head of the
   * stream the scheduler serves next. Messages whose lifetime ended before their first
   * fragment are dropped here (RFC 3758 §3.1: never sent, nothing to forward).
   */
  next(now: Millis): OutgoingMessage | undefined {
    const cur = this.#current;
    if (cur !== undefined) {
      if (!cur.abandoned) return cur;
      this.#finish(cur);
    }
    for (;;) {
      const s = this.#ready.pop();
      if (s === undefined) return undefined;
      s.scheduled = false;
      const msg = s.queue.shift();
      if (msg === undefined) continue;
      if (msg.expiresAt <= now) {
        this.expiredUnsent++;
        if (msg.counted) this.#release(s, msg.data.byteLength);
        this.#reschedule(s);
        continue;
      }
      s.active = true;
      this.#current = msg;
      return msg;
    }
  }

  /** Records that `bytes` more of the current message got a TSN. */
  consumed(msg: OutgoingMessage, bytes: number): void {
    msg.offset += bytes;
    if (msg.counted) this.#release(msg.stream, bytes);
    if (msg.offset >= msg.data.byteLength) {
      msg.stream.messagesSent++;
      this.#finish(msg);
    }
  }

  /** Abandons the message being fragmented (PR-SCTP); its unsent bytes leave the buffer. */
  abandonCurrent(msg: OutgoingMessage): void {
    msg.abandoned = true;
    if (this.#current === msg) {
      if (msg.counted) this.#release(msg.stream, msg.data.byteLength - msg.offset);
      msg.offset = msg.data.byteLength;
      this.#finish(msg);
    }
  }

  /** Resets the sequence numbers of a stream after an outgoing reset (RFC 6525 §5.2.7). */
  resetSequence(id: number): void {
    const s = this.#streams.get(id);
    if (!s) return;
    s.nextSsn = 0;
    s.nextMidOrdered = 0;
    s.nextMidUnordered = 0;
  }

  /** Forgets a stream once it is closed and drained. */
  delete(id: number): void {
    const s = this.#streams.get(id);
    if (s?.drained && !s.scheduled) this.#streams.delete(id);
  }

  #finish(msg: OutgoingMessage): void {
    if (this.#current === msg) this.#current = undefined;
    msg.stream.active = false;
    this.#reschedule(msg.stream);
  }

  #reschedule(s: OutgoingStream): void {
    const head = s.queue.peek();
    if (!s.scheduled && !s.active && head !== undefined) {
      s.scheduled = true;
      this.#ready.push(s, head.data.byteLength);
    }
  }

  #release(s: OutgoingStream, bytes: number): void {
    if (bytes <= 0) return;
    const before = s.buffered;
    s.buffered -= bytes;
    this.totalBuffered -= bytes;
    if (before > s.lowThreshold && s.buffered <= s.lowThreshold) {
      this.#events.push({ type: "buffered-amount-low", streamId: s.id });
    }
  }
}
