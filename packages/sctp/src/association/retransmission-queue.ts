import type { Millis } from "@purertc/common";
import { tsnLt, tsnLte } from "../serial.js";
import type { OutgoingMessage } from "./send-queue.js";

/** One DATA/I-DATA chunk that has a TSN and is not yet cumulatively acknowledged. */
export class SentChunk {
  readonly tsn: number;
  readonly msg: OutgoingMessage;
  /** A view into the message: never copied. */
  readonly payload: Uint8Array;
  /** B/E/U bits. */
  readonly flags: number;
  /** SSN or MID. */
  readonly seq: number;
  readonly fsn: number;
  /** Bytes counted in flight (chunk header + payload). */
  readonly size: number;
  sentAt: Millis = 0;
  sendCount = 0;
  missIndications = 0;
  acked = false;
  needsRtx = false;
  abandoned = false;
  inFlight = false;
  fastRetransmitted = false;

  constructor(
    tsn: number,
    msg: OutgoingMessage,
    payload: Uint8Array,
    flags: number,
    seq: number,
    fsn: number,
    size: number,
  ) {
    this.tsn = tsn;
    this.msg = msg;
    this.payload = payload;
    this.flags = flags;
    this.seq = seq;
    this.fsn = fsn;
    this.size = size;
  }
}

/** What one SACK changed (fields reused between calls: no allocation per SACK). */
export interface SackOutcome {
  cumAdvanced: boolean;
  ackedBytes: number;
  /** RTT sample in ms from a chunk sent once, or -1. */
  rtt: number;
  fastRetransmit: boolean;
  abandoned: boolean;
}

/** Forward TSN stream entry (ordered DATA: ssn; I-DATA: mid and U). */
export interface SkippedStream {
  readonly streamId: number;
  readonly unordered: boolean;
  readonly seq: number;
}

/**
 * The outstanding data of RFC 9260 §6: chunks in TSN order from the cumulative ack point,
 * in a power-of-two ring so lookup by TSN, append and removal at the head are O(1).
 * It applies SACKs (§6.2.1 cumulative ack and gap blocks), counts miss indications for
 * fast retransmit (§7.2.4, HTNA), marks chunks on T3-rtx expiry (§6.3.3) and abandons
 * PR-SCTP messages (RFC 3758 §3.5).
 */
export class RetransmissionQueue {
  #items: (SentChunk | undefined)[] = new Array(64);
  #mask = 63;
  #head = 0;
  #size = 0;
  /** Last TSN acknowledged cumulatively by the peer. */
  cumAck: number;
  /** Bytes of chunks in flight (sent, not acked, not marked lost). */
  flight = 0;
  /** Chunks marked for retransmission. */
  #rtxCount = 0;
  #rtxFrom = 0;
  retransmissions = 0;
  abandonedMessages = 0;
  readonly outcome: SackOutcome = {
    cumAdvanced: false,
    ackedBytes: 0,
    rtt: -1,
    fastRetransmit: false,
    abandoned: false,
  };

  constructor(initialTsn: number) {
    this.cumAck = (initialTsn - 1) >>> 0;
  }

  get size(): number {
    return this.#size;
  }

  get hasRetransmissions(): boolean {
    return this.#rtxCount > 0;
  }

  /** The TSN the next new chunk gets. */
  get nextTsn(): number {
    return (this.cumAck + 1 + this.#size) >>> 0;
  }

  /** Whether any chunk awaits acknowledgement (including abandoned ones not yet forwarded). */
  get hasOutstanding(): boolean {
    return this.#size > 0;
  }

  at(tsn: number): SentChunk | undefined {
    const i = (tsn - this.cumAck - 1) | 0;
    if (i < 0 || i >= this.#size) return undefined;
    return this.#items[(this.#head + i) & this.#mask];
  }

  /** Appends a chunk that was just given TSN {@link nextTsn}. */
  push(c: SentChunk): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & this.#mask] = c;
    this.#size++;
  }

  /** Records a (re)transmission of `c`. */
  onSent(c: SentChunk, now: Millis): void {
    if (c.sendCount > 0) this.retransmissions++;
    c.sendCount++;
    c.sentAt = now;
    if (c.needsRtx) {
      c.needsRtx = false;
      this.#rtxCount--;
    }
    if (!c.inFlight) {
      c.inFlight = true;
      this.flight += c.size;
    }
  }

  /**
   * Applies a SACK. Returns false for a stale one (cumulative ack behind ours, §6.2.1 D i).
   * The details are left in {@link outcome}.
   */
  handleSack(cum: number, gaps: readonly number[], now: Millis): boolean {
    const o = this.outcome;
    o.cumAdvanced = false;
    o.ackedBytes = 0;
    o.rtt = -1;
    o.fastRetransmit = false;
    o.abandoned = false;
    if (tsnLt(cum, this.cumAck)) return false;
    const last = (this.nextTsn - 1) >>> 0;
    const target = tsnLt(last, cum) ? last : cum; // never past what we sent
    while (this.#size > 0 && tsnLte((this.cumAck + 1) >>> 0, target)) {
      const c = this.#shift();
      this.#ack(c, now, o);
      o.cumAdvanced = true;
    }
    // Gap blocks: offsets relative to the peer's cumulative ack.
    let htna = -1;
    for (let g = 0; g + 1 < gaps.length; g += 2) {
      const start = gaps[g]!;
      const end = gaps[g + 1]!;
      for (let off = start; off <= end; off++) {
        const c = this.at((cum + off) >>> 0);
        if (c === undefined) break;
        if (!c.acked) {
          this.#ack(c, now, o);
          htna = (cum + off) >>> 0;
        }
      }
    }
    if (htna !== -1) this.#missIndications(htna, now, o);
    return true;
  }

  #ack(c: SentChunk, now: Millis, o: SackOutcome): void {
    if (c.acked) return;
    c.acked = true;
    if (c.inFlight) {
      c.inFlight = false;
      this.flight -= c.size;
    }
    if (c.needsRtx) {
      c.needsRtx = false;
      this.#rtxCount--;
    }
    if (!c.abandoned) o.ackedBytes += c.size;
    if (c.sendCount === 1) o.rtt = now - c.sentAt;
  }

  /** §7.2.4: every unacked chunk below the highest newly acked TSN gets a miss indication. */
  #missIndications(htna: number, now: Millis, o: SackOutcome): void {
    const n = Math.min(this.#size, ((htna - this.cumAck) | 0) - 1);
    for (let i = 0; i < n; i++) {
      const c = this.#items[(this.#head + i) & this.#mask]!;
      if (c.acked || c.abandoned || c.needsRtx || !c.inFlight) continue;
      if (++c.missIndications >= 3 && !c.fastRetransmitted) {
        c.fastRetransmitted = true;
        if (this.#markLost(c, now)) o.abandoned = true;
        else o.fastRetransmit = true;
      }
    }
  }

  /** §6.3.3 E3: on T3-rtx expiry every unacked chunk is marked for retransmission. */
  markAllLost(now: Millis): boolean {
    let abandoned = false;
    for (let i = 0; i < this.#size; i++) {
      const c = this.#items[(this.#head + i) & this.#mask]!;
      if (c.acked || c.abandoned || c.needsRtx) continue;
      if (this.#markLost(c, now)) abandoned = true;
    }
    return abandoned;
  }

  /** Marks `c` for retransmission, or abandons its message when its PR-SCTP policy says so. */
  #markLost(c: SentChunk, now: Millis): boolean {
    if (c.inFlight) {
      c.inFlight = false;
      this.flight -= c.size;
    }
    const m = c.msg;
    if (m.partiallyReliable && (c.sendCount > m.maxRetransmits || now >= m.expiresAt)) {
      this.abandon(m);
      return true;
    }
    c.needsRtx = true;
    this.#rtxCount++;
    if (tsnLt(c.tsn, this.#rtxFrom) || this.#rtxCount === 1) this.#rtxFrom = c.tsn;
    return false;
  }

  /** Abandons every outstanding chunk of `m` (RFC 3758 §3.5 A1–A3). */
  abandon(m: OutgoingMessage): void {
    if (!m.abandoned) this.abandonedMessages++;
    m.abandoned = true;
    for (let tsn = m.firstTsn; ; tsn = (tsn + 1) >>> 0) {
      const c = this.at(tsn);
      if (c !== undefined && c.msg === m && !c.abandoned) {
        c.abandoned = true;
        if (c.inFlight) {
          c.inFlight = false;
          this.flight -= c.size;
        }
        if (c.needsRtx) {
          c.needsRtx = false;
          this.#rtxCount--;
        }
      }
      if (tsn === m.lastTsn || tsnLt(m.lastTsn, tsn)) break;
    }
  }

  /** The next chunk marked for retransmission, in TSN order, or undefined. */
  nextRetransmit(): SentChunk | undefined {
    if (this.#rtxCount === 0) return undefined;
    let i = Math.max(0, (this.#rtxFrom - this.cumAck - 1) | 0);
    for (; i < this.#size; i++) {
      const c = this.#items[(this.#head + i) & this.#mask]!;
      if (c.needsRtx) {
        this.#rtxFrom = c.tsn;
        return c;
      }
    }
    return undefined;
  }

  /** Chunks whose lifetime ended are abandoned before a retransmission is attempted. */
  expire(c: SentChunk, now: Millis): boolean {
    const m = c.msg;
    if (m.partiallyReliable && (now >= m.expiresAt || c.sendCount > m.maxRetransmits)) {
      this.abandon(m);
      return true;
    }
    return false;
  }

  /**
   * RFC 3758 §3.5 C1–C2: the Advanced.Peer.Ack.Point, moved over abandoned chunks from the
   * cumulative ack. Equal to {@link cumAck} when nothing is to be forwarded.
   */
  advancedPeerAckPoint(): number {
    let i = 0;
    while (i < this.#size) {
      const c = this.#items[(this.#head + i) & this.#mask]!;
      if (!c.abandoned) break;
      i++;
    }
    return (this.cumAck + i) >>> 0;
  }

  /** The streams and largest sequence numbers skipped up to `point` (for FORWARD TSN). */
  skippedStreams(point: number, interleaved: boolean): SkippedStream[] {
    const best = new Map<number, SkippedStream>();
    const n = (point - this.cumAck) | 0;
    for (let i = 0; i < n && i < this.#size; i++) {
      const c = this.#items[(this.#head + i) & this.#mask]!;
      const unordered = (c.flags & 4) !== 0;
      if (unordered && !interleaved) continue; // RFC 3758: unordered streams are not listed
      const key = c.msg.stream.id * 2 + (unordered ? 1 : 0);
      best.set(key, { streamId: c.msg.stream.id, unordered, seq: c.seq });
    }
    return [...best.values()];
  }

  #shift(): SentChunk {
    const c = this.#items[this.#head]!;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    this.cumAck = (this.cumAck + 1) >>> 0;
    return c;
  }

  #grow(): void {
    const next: (SentChunk | undefined)[] = new Array(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++) next[i] = this.#items[(this.#head + i) & this.#mask];
    this.#items = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}
