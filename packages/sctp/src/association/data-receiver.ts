import type { Fifo, Millis, TimerTable } from "@purertc/common";
import { encodeSackInto } from "../chunks/sack.js";
import type { SctpConfig } from "../config.js";
import type { SctpEvent } from "../events.js";
import { DataTracker } from "./data-tracker.js";
import { ReassemblyQueue } from "./reassembly.js";
import type { StreamReset } from "./stream-reset.js";
import type { TimerName } from "./tcb.js";

/** Held chunks for a stream whose reset waits for earlier data (RFC 6525 §5.2.2). */
interface HeldChunk {
  readonly tsn: number;
  readonly streamId: number;
  readonly seq: number;
  readonly fsn: number;
  readonly ppid: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

/**
 * The receiving half of the data path (RFC 9260 §6.2): accepting DATA / I-DATA, our advertised
 * window, when to SACK and what it says, FORWARD TSN on receive (RFC 3758 §3.6), and incoming
 * stream resets that wait for earlier TSNs (RFC 6525 §5.2.2).
 */
export class DataReceiver {
  readonly tracker: DataTracker;
  readonly reassembly: ReassemblyQueue;
  readonly #config: SctpConfig;
  readonly #timers: TimerTable<TimerName>;
  readonly #events: Fifo<SctpEvent>;
  readonly #reset: StreamReset;
  readonly #inbound: number;
  #held: HeldChunk[] = [];
  #heldBytes = 0;
  /** Set when the peer's data forces us to abort (empty DATA, oversized message). */
  abortReason: string | undefined;
  /** Streams with data for an invalid stream id, to report in an ERROR (RFC 9260 §6.5). */
  invalidStreams: number[] = [];
  dataChunksReceived = 0;

  constructor(
    config: SctpConfig,
    peerInitialTsn: number,
    inboundStreams: number,
    interleaved: boolean,
    reset: StreamReset,
    timers: TimerTable<TimerName>,
    events: Fifo<SctpEvent>,
  ) {
    this.#config = config;
    this.#timers = timers;
    this.#events = events;
    this.#reset = reset;
    this.#inbound = inboundStreams;
    this.tracker = new DataTracker(peerInitialTsn, config.maxOutOfOrderTsns);
    this.reassembly = new ReassemblyQueue(events, config.maxReceiveMessageSize);
    this.reassembly.interleaved = interleaved;
  }

  /** Our advertised receive window (RFC 9260 §6.2). */
  get aRwnd(): number {
    return Math.max(0, this.#config.receiveWindow - this.reassembly.bytes - this.#heldBytes);
  }

  /** One DATA or I-DATA chunk (§6.2); chunks without room are dropped unacknowledged. */
  onData(
    tsn: number,
    streamId: number,
    seq: number,
    fsn: number,
    ppid: number,
    flags: number,
    payload: Uint8Array,
  ): void {
    const t = this.tracker;
    this.dataChunksReceived++;
    if (payload.byteLength === 0) {
      this.abortReason = "no-user-data"; // §6.2: an empty DATA chunk aborts with "No User Data"
      return;
    }
    if (t.isDuplicate(tsn)) {
      t.duplicate(tsn);
      return;
    }
    if (!t.acceptable(tsn)) return;
    const next = tsn === (t.cumTsn + 1) >>> 0;
    if (!next && payload.byteLength > this.aRwnd) return; // §6.2: no room, drop without ack
    if (flags & 8) t.sackNow = true; // RFC 7053 I bit
    if (streamId >= this.#inbound) {
      // §6.5: acknowledge the TSN, discard the data, report the invalid stream.
      if (t.observe(tsn)) t.sackNow = true;
      if (this.invalidStreams.length < 8) this.invalidStreams.push(streamId);
      return;
    }
    if (t.observe(tsn)) t.sackNow = true;
    if (this.#reset.mustDefer(streamId, tsn)) {
      this.#held.push({ tsn, streamId, seq, fsn, ppid, flags, payload: payload.slice() });
      this.#heldBytes += payload.byteLength;
      return;
    }
    if (!this.reassembly.add(tsn, streamId, seq, fsn, ppid, flags, payload))
      this.abortReason = "message-too-large";
  }

  /** After every packet carrying DATA: decide between an immediate and a delayed SACK (§6.2). */
  afterDataPacket(now: Millis, immediate: boolean): void {
    const t = this.tracker;
    t.packetsSinceSack++;
    this.#performDeferredReset();
    if (immediate || t.packetsSinceSack >= 2 || t.hasGaps) t.sackNow = true;
    t.sackPending = true;
    if (!t.sackNow && !this.#timers.isArmed("delayed-ack")) {
      this.#timers.set("delayed-ack", now + this.#config.delayedAckMs);
    }
  }

  /** FORWARD TSN / I-FORWARD-TSN (RFC 3758 §3.6, RFC 8260 §2.3.2). */
  onForwardTsn(
    newCum: number,
    streams: readonly { streamId: number; unordered: boolean; seq: number }[],
  ): void {
    const t = this.tracker;
    t.forwardTo(newCum);
    this.reassembly.forgetUpTo(newCum);
    for (const s of streams) this.reassembly.skip(s.streamId, s.seq, s.unordered);
    this.#performDeferredReset();
    t.sackNow = true;
    t.sackPending = true;
  }

  #performDeferredReset(): void {
    const streams = this.#reset.onCumulativeTsn(this.tracker.cumTsn);
    if (!streams) return;
    this.performIncomingReset(streams);
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const h of held) {
      if (!this.reassembly.add(h.tsn, h.streamId, h.seq, h.fsn, h.ppid, h.flags, h.payload)) {
        this.abortReason = "message-too-large";
      }
    }
  }

  /** Resets incoming streams and tells the upper layer (RFC 6525 §5.2.2). */
  performIncomingReset(streams: readonly number[]): void {
    this.reassembly.resetStreams(streams);
    this.#events.push({ type: "incoming-streams-reset", streams });
  }

  /** Writes a SACK (§3.3.4) at `buf[o]` if it fits before `end`; returns the new offset. */
  writeSack(buf: Uint8Array, o: number, end: number): number {
    const t = this.tracker;
    const dups = t.takeDuplicates();
    const maxGaps = Math.max(0, Math.min(256, ((end - o - 16 - 4 * dups.length) >> 2) - 1));
    const gapBlocks = t.gapBlocks(maxGaps);
    const sack = {
      kind: "sack",
      cumulativeTsnAck: t.cumTsn,
      aRwnd: this.aRwnd,
      gapBlocks,
      duplicateTsns: dups,
    } as const;
    const len = 16 + 2 * gapBlocks.length + 4 * dups.length;
    if (o + len > end) return o;
    t.sackSent();
    this.#timers.clear("delayed-ack");
    return o + encodeSackInto(sack, buf, o);
  }
}
