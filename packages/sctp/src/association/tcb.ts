import type { Fifo, Millis, TimerTable } from "@purertc/common";
import { DATA_HEADER_LENGTH, writeDataChunk } from "../chunks/data.js";
import { encodedLengthForwardTsn, encodeForwardTsnInto } from "../chunks/forward-tsn.js";
import { I_DATA_HEADER_LENGTH, writeIDataChunk } from "../chunks/i-data.js";
import { encodedLengthIForwardTsn, encodeIForwardTsnInto } from "../chunks/i-forward-tsn.js";
import { encodedLengthReConfig, encodeReConfigInto } from "../chunks/re-config.js";
import type { SctpConfig } from "../config.js";
import { pad4 } from "../constants.js";
import type { SctpEvent } from "../events.js";
import { COMMON_HEADER_LENGTH } from "../packet.js";
import { tsnLt } from "../serial.js";
import type { Capabilities } from "./capabilities.js";
import { CongestionControl } from "./congestion.js";
import { DataReceiver } from "./data-receiver.js";
import { RetransmissionQueue, SentChunk } from "./retransmission-queue.js";
import type { Rto } from "./rto.js";
import type { SendQueue } from "./send-queue.js";
import { StreamReset } from "./stream-reset.js";

/** Timers of an association (one table, RFC 9260 §6.3, §6.2, §8.3, §9.2, RFC 6525 §5.1.1). */
export type TimerName =
  | "t1-init"
  | "t1-cookie"
  | "t2-shutdown"
  | "t3-rtx"
  | "delayed-ack"
  | "heartbeat"
  | "reconfig"
  | "pmtu";

/** The negotiated parameters a TCB starts from (RFC 9260 §5.1, from INIT ACK or the cookie). */
export interface TcbParams {
  readonly localInitialTsn: number;
  readonly peerInitialTsn: number;
  readonly peerRwnd: number;
  readonly inboundStreams: number;
  readonly caps: Capabilities;
}

const FLAG_U = 4;
const FLAG_B = 2;
const FLAG_E = 1;
const FLAG_I = 8;

/**
 * The data path of an established association (the TCB of RFC 9260 §2.1 minus the handshake):
 * the receiving half ({@link DataReceiver}), applying SACKs, retransmission, congestion
 * control, PR-SCTP and stream reset, and filling outgoing packets.
 */
export class Tcb {
  readonly caps: Capabilities;
  readonly rq: RetransmissionQueue;
  readonly cc: CongestionControl;
  readonly reset: StreamReset;
  readonly rx: DataReceiver;
  readonly #sendQueue: SendQueue;
  readonly #timers: TimerTable<TimerName>;
  readonly #rto: Rto;
  readonly #dataHeader: number;

  peerRwnd: number;
  #forwardTsnPending = false;
  #fastRtxPending = false;
  dataChunksSent = 0;
  fastRetransmits = 0;
  t3Expirations = 0;

  constructor(
    config: SctpConfig,
    p: TcbParams,
    sendQueue: SendQueue,
    timers: TimerTable<TimerName>,
    rto: Rto,
    events: Fifo<SctpEvent>,
  ) {
    this.caps = p.caps;
    this.#sendQueue = sendQueue;
    this.#timers = timers;
    this.#rto = rto;
    this.#dataHeader = p.caps.iData ? I_DATA_HEADER_LENGTH : DATA_HEADER_LENGTH;
    this.rq = new RetransmissionQueue(p.localInitialTsn);
    this.cc = new CongestionControl(config.mtu, p.peerRwnd);
    this.peerRwnd = p.peerRwnd;
    this.reset = new StreamReset(p.localInitialTsn, p.peerInitialTsn);
    this.rx = new DataReceiver(
      config,
      p.peerInitialTsn,
      p.inboundStreams,
      p.caps.iData,
      this.reset,
      timers,
      events,
    );
  }

  // ---- SACK ------------------------------------------------------------------------------

  /** Applies a SACK (§6.2.1, §7.2). Returns true when it acknowledged new data. */
  onSack(now: Millis, cum: number, aRwnd: number, gaps: readonly number[]): boolean {
    const rq = this.rq;
    const flightBefore = rq.flight;
    if (!rq.handleSack(cum, gaps, now)) return false;
    const o = rq.outcome;
    if (o.rtt >= 0) this.#rto.observe(o.rtt);
    if (o.cumAdvanced) this.cc.onCumulativeAck(rq.cumAck, o.ackedBytes, flightBefore);
    if (o.fastRetransmit) {
      this.fastRetransmits++;
      this.cc.onFastRetransmit((rq.nextTsn - 1) >>> 0);
      this.#fastRtxPending = true;
    }
    if (o.abandoned || tsnLt(rq.cumAck, rq.advancedPeerAckPoint())) this.#forwardTsnPending = true;
    // §6.2.1: rwnd = a_rwnd - bytes still outstanding.
    this.peerRwnd = Math.max(0, aRwnd - rq.flight);
    if (!rq.hasOutstanding) this.#timers.clear("t3-rtx");
    else if (o.cumAdvanced) this.#timers.set("t3-rtx", now + this.#rto.value); // §6.3.2 R3
    return o.cumAdvanced || o.ackedBytes > 0;
  }

  /** T3-rtx expired (§6.3.3). */
  onT3(now: Millis): void {
    this.t3Expirations++;
    this.#rto.backoff();
    this.cc.onRetransmissionTimeout();
    this.rq.markAllLost(now);
    if (tsnLt(this.rq.cumAck, this.rq.advancedPeerAckPoint())) this.#forwardTsnPending = true;
    if (this.rq.hasOutstanding) this.#timers.set("t3-rtx", now + this.#rto.value);
  }

  // ---- sending ---------------------------------------------------------------------------

  /** Whether a SACK or a control chunk of the data path waits to be sent. */
  get wantsToSend(): boolean {
    return (
      this.rx.tracker.sackNow ||
      this.#forwardTsnPending ||
      this.reset.hasOutput ||
      this.rq.hasRetransmissions ||
      (!this.#sendQueue.isEmpty && this.#canSendNew())
    );
  }

  #canSendNew(): boolean {
    const flight = this.rq.flight;
    return flight < this.cc.cwnd && (this.peerRwnd > 0 || flight === 0);
  }

  /** Whether data goes out now (a pending delayed SACK then rides along). */
  #willSendData(): boolean {
    return this.rq.hasRetransmissions || (!this.#sendQueue.isEmpty && this.#canSendNew());
  }

  /**
   * Fills `buf[offset..end)` with the data path's chunks: SACK, FORWARD TSN, RE-CONFIG,
   * retransmissions, then new data under cwnd and the peer's window. Returns the new offset.
   */
  fill(
    buf: Uint8Array,
    offset: number,
    end: number,
    now: Millis,
    allowData: boolean,
    chunkSize: number,
  ): number {
    let o = offset;
    const t = this.rx.tracker;
    if (t.sackNow || (t.sackPending && allowData && this.#willSendData()))
      o = this.rx.writeSack(buf, o, end);
    if (this.#forwardTsnPending) o = this.#writeForwardTsn(buf, o, end);
    if (this.reset.hasOutput) {
      const params = this.reset.takeParams(now);
      const chunk = { kind: "re-config", params } as const;
      if (o + pad4(encodedLengthReConfig(chunk)) <= end) {
        o += encodeReConfigInto(chunk, buf, o);
        if (this.reset.hasInFlight) this.#timers.set("reconfig", now + this.#rto.value);
      }
    }
    if (!allowData) return o;
    this.cc.beforeSend(now, this.#rto.value, this.rq.flight);
    const before = o;
    o = this.#writeRetransmissions(buf, o, end, now);
    o = this.#writeNewData(buf, o, end, now, chunkSize - this.#dataHeader);
    if (o !== before) {
      this.cc.onSent(now);
      if (!this.#timers.isArmed("t3-rtx")) this.#timers.set("t3-rtx", now + this.#rto.value);
    }
    return o;
  }

  #writeForwardTsn(buf: Uint8Array, o: number, end: number): number {
    const rq = this.rq;
    const point = rq.advancedPeerAckPoint();
    this.#forwardTsnPending = false;
    if (!tsnLt(rq.cumAck, point)) return o;
    const skipped = rq.skippedStreams(point, this.caps.iData);
    if (this.caps.iData) {
      const c = {
        kind: "i-forward-tsn",
        newCumulativeTsn: point,
        streams: skipped.map((s) => ({ streamId: s.streamId, unordered: s.unordered, mid: s.seq })),
      } as const;
      if (o + encodedLengthIForwardTsn(c) > end) return o;
      return o + encodeIForwardTsnInto(c, buf, o);
    }
    const c = {
      kind: "forward-tsn",
      newCumulativeTsn: point,
      streams: skipped.map((s) => ({ streamId: s.streamId, ssn: s.seq })),
    } as const;
    if (o + encodedLengthForwardTsn(c) > end) return o;
    return o + encodeForwardTsnInto(c, buf, o);
  }

  #writeChunk(buf: Uint8Array, o: number, c: SentChunk): number {
    const m = c.msg;
    if (this.caps.iData) {
      const field = c.flags & FLAG_B ? m.ppid : c.fsn;
      return o + writeIDataChunk(buf, o, c.flags, c.tsn, m.stream.id, c.seq, field, c.payload);
    }
    return o + writeDataChunk(buf, o, c.flags, c.tsn, m.stream.id, c.seq, m.ppid, c.payload);
  }

  #writeRetransmissions(buf: Uint8Array, o: number, end: number, now: Millis): number {
    const rq = this.rq;
    const fast = this.#fastRtxPending;
    this.#fastRtxPending = false;
    for (let c = rq.nextRetransmit(); c !== undefined; c = rq.nextRetransmit()) {
      if (rq.expire(c, now)) {
        this.#forwardTsnPending = true;
        continue;
      }
      // §7.2.4 step 3: the first fast-retransmit packet ignores cwnd.
      if (!fast && rq.flight >= this.cc.cwnd) break;
      if (o + pad4(c.size) > end) break;
      o = this.#writeChunk(buf, o, c);
      rq.onSent(c, now);
    }
    return o;
  }

  /** New DATA, each chunk's payload at most `maxPayload` (see `PathMtu.chunkSize`). */
  #writeNewData(buf: Uint8Array, o: number, end: number, now: Millis, maxPayload: number): number {
    const rq = this.rq;
    const sq = this.#sendQueue;
    const header = this.#dataHeader;
    let last = -1;
    let bytes = 0;
    while (this.#canSendNew()) {
      const m = sq.next(now);
      if (m === undefined) break;
      if (m.offset > 0 && m.partiallyReliable && m.expiresAt <= now) {
        rq.abandon(m);
        sq.abandonCurrent(m);
        this.#forwardTsnPending = true;
        continue;
      }
      const room = end - o - header;
      const remaining = m.data.byteLength - m.offset;
      // Do not cut a message into a sliver to fill the end of a packet.
      if (room <= 0 || (remaining > room && room < 256 && o > COMMON_HEADER_LENGTH)) break;
      const n = Math.min(remaining, room, maxPayload);
      const beginning = m.offset === 0;
      const ending = n === remaining;
      const tsn = rq.nextTsn;
      const st = m.stream;
      if (beginning) {
        if (this.caps.iData) {
          m.seq = m.unordered ? st.nextMidUnordered++ >>> 0 : st.nextMidOrdered++ >>> 0;
        } else if (!m.unordered) {
          m.seq = st.nextSsn;
          st.nextSsn = (st.nextSsn + 1) & 0xffff;
        }
        m.firstTsn = tsn;
      }
      m.lastTsn = tsn;
      const flags = (m.unordered ? FLAG_U : 0) | (beginning ? FLAG_B : 0) | (ending ? FLAG_E : 0);
      const c = new SentChunk(
        tsn,
        m,
        m.data.subarray(m.offset, m.offset + n),
        flags,
        m.seq,
        m.fsn++,
        header + n,
      );
      rq.push(c);
      last = o;
      bytes += c.size;
      o = this.#writeChunk(buf, o, c);
      rq.onSent(c, now);
      sq.consumed(m, n);
      st.bytesSent += n;
      this.peerRwnd = Math.max(0, this.peerRwnd - n);
      this.dataChunksSent++;
    }
    // RFC 7053 §4.2: when the queue runs dry with earlier packets still in flight (a burst's
    // tail), the last chunk asks for an immediate SACK (I bit, same place in DATA and I-DATA).
    // Otherwise the peer holds it for its delayed-ack timer (200 ms), which races our T3-rtx at
    // RTO.Min: a spurious timeout collapses cwnd to one MTU. A lone packet is left alone: its
    // SACK usually rides on the reply (request/response), and an I bit would cost a packet.
    // Unless the window stops the rest of the queue behind it: a lone packet is then all the
    // peer gets until it acknowledges (a cwnd smaller than two packets, as right after path MTU
    // discovery raised the packet size above what the initial cwnd holds).
    if (last >= 0 && (sq.isEmpty ? rq.flight > bytes : rq.flight === bytes && !this.#canSendNew()))
      buf[last + 1]! |= FLAG_I;
    return o;
  }

  /** Whether every queued message was sent and acknowledged (SHUTDOWN may proceed, §9.2). */
  get idle(): boolean {
    return this.#sendQueue.isEmpty && !this.rq.hasOutstanding;
  }
}
