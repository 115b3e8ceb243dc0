import { DecodeError, type Millis } from "@purertc/common";
import type { SctpConfig } from "../config.js";
import type { SctpEvent } from "../events.js";
import {
  COMMON_HEADER_LENGTH,
  copyOutPacket,
  writeChecksum,
  writeCommonHeader,
} from "../packet.js";
import { abortOnDataViolation, userAbort } from "./abort-error.js";
import type { Capabilities } from "./capabilities.js";
import { AssociationContext, type AssociationState } from "./context.js";
import { onDelayedAck, onT3 } from "./data-path.js";
import { handlePacket } from "./dispatch.js";
import { onT1, sendInit } from "./establishment.js";
import { NO_CAPS } from "./handshake.js";
import { onHeartbeatTimer } from "./heartbeat-monitor.js";
import { onPathMtuTimer } from "./path-mtu.js";
import { onReconfigTimer } from "./re-config-handler.js";
import type { SendOptions } from "./send-queue.js";
import { checkShutdown, onT2, startShutdown } from "./shutdown-sequence.js";
import { type AssociationStats, collectStats } from "./stats.js";
import type { TimerName } from "./tcb.js";

export type { AssociationState } from "./context.js";

let contextOf: (a: SctpAssociation) => AssociationContext;

/**
 * The buffer `pollTransmit()` builds packets in, shared by every association of the thread
 * (the call is synchronous and copies the packet out at its size, see `copyOutPacket`): a SACK
 * does not allocate and zero a 16 KiB buffer when the PLPMTU is that large, and idle
 * associations hold none.
 */
let packetBuffer = new Uint8Array(1200);

function packetBufferOf(size: number): Uint8Array {
  if (packetBuffer.byteLength < size) packetBuffer = new Uint8Array(size);
  return packetBuffer;
}

/**
 * Sets the scheduling weight of an outgoing stream (RFC 8260 §3.6 weighted fair queueing):
 * under contention it gets bytes in proportion to its weight. Package-internal: the data
 * channel layer maps each channel's priority to a weight (RFC 8831 §6.4).
 */
export function setStreamWeight(a: SctpAssociation, streamId: number, weight: number): void {
  if (!Number.isInteger(weight) || weight <= 0) throw new RangeError(`invalid weight ${weight}`);
  contextOf(a).sendQueue.stream(streamId).weight = weight;
}

/**
 * A sans-IO SCTP association (RFC 9260) over an abstract datagram pipe (DTLS in WebRTC,
 * RFC 8261): feed received packets to {@link handleDatagram}, send what {@link pollTransmit}
 * returns, handle {@link pollEvent} events, and call {@link handleTimeout} at {@link pollTimeout}.
 * Both sides may call {@link connect}; simultaneous INITs resolve per RFC 9260 §5.2.1.
 */
export class SctpAssociation {
  readonly #ctx: AssociationContext;
  #maxMessageSize: number;

  static {
    contextOf = (a) => a.#ctx;
  }

  constructor(config: Partial<SctpConfig> = {}) {
    this.#ctx = new AssociationContext(config);
    this.#maxMessageSize = this.#ctx.config.maxMessageSize;
  }

  /** The current RFC 9260 §4 state. */
  get state(): AssociationState {
    return this.#ctx.state;
  }

  /** Whether the association ended (closed event emitted). */
  get ended(): boolean {
    return this.#ctx.ended;
  }

  /** Negotiated extensions (all false before the handshake completes). */
  get capabilities(): Capabilities {
    return this.#ctx.tcb?.caps ?? NO_CAPS;
  }

  /** The peer's message size limit (its `a=max-message-size`; 0 = unlimited). */
  get maxMessageSize(): number {
    return this.#maxMessageSize;
  }

  set maxMessageSize(v: number) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`maxMessageSize: invalid ${v}`);
    this.#maxMessageSize = v;
  }

  // ---- API -------------------------------------------------------------------------------

  /** Starts the handshake by sending INIT (RFC 9260 §5.1 A). */
  connect(now: Millis): void {
    const ctx = this.#ctx;
    ctx.now = now;
    if (ctx.state !== "closed" || ctx.ended) throw new TypeError(`connect() in state ${ctx.state}`);
    ctx.state = "cookie-wait";
    ctx.initCount = 0;
    sendInit(ctx);
  }

  /**
   * Queues a message on `streamId`. Throws `RangeError` when it exceeds the peer's maximum
   * message size or is empty, `TypeError` when the association ended or the stream is being reset.
   */
  send(now: Millis, streamId: number, ppid: number, data: Uint8Array, options?: SendOptions): void {
    const ctx = this.#ctx;
    ctx.now = now;
    if (ctx.ended || ctx.closing)
      throw new TypeError(`send() in state ${ctx.ended ? "ended" : ctx.state}`);
    if (!Number.isInteger(streamId) || streamId < 0 || streamId > 65535)
      throw new RangeError(`invalid stream id ${streamId}`);
    if (data.byteLength === 0)
      throw new RangeError("SCTP cannot send an empty message (RFC 9260 §6.2)");
    if (this.#maxMessageSize > 0 && data.byteLength > this.#maxMessageSize) {
      throw new RangeError(
        `message of ${data.byteLength} bytes exceeds the maximum message size ${this.#maxMessageSize}`,
      );
    }
    if (ctx.tcb?.reset.isResetting(streamId))
      throw new TypeError(`stream ${streamId} is being reset`);
    ctx.sendQueue.enqueue(now, streamId, ppid, data, options);
  }

  /** Bytes queued on a stream and not yet transmitted (the W3C `bufferedAmount`). */
  bufferedAmount(streamId: number): number {
    return this.#ctx.sendQueue.peekStream(streamId)?.buffered ?? 0;
  }

  /** Bytes queued on every stream. */
  get totalBufferedAmount(): number {
    return this.#ctx.sendQueue.totalBuffered;
  }

  /** Sets the low-water mark of a stream: a `buffered-amount-low` event fires on crossing it. */
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`invalid threshold ${bytes}`);
    this.#ctx.sendQueue.stream(streamId).lowThreshold = bytes;
  }

  /**
   * Resets our outgoing side of `streams` (RFC 6525 §5.1.2) after their queued messages are
   * sent. Completion is reported as `outgoing-streams-reset`.
   */
  resetStreams(now: Millis, streams: readonly number[]): void {
    const ctx = this.#ctx;
    ctx.now = now;
    const tcb = ctx.tcb;
    if (!tcb) throw new TypeError(`resetStreams() in state ${ctx.state}`);
    if (!tcb.caps.reConfig)
      throw new TypeError("the peer does not support stream reconfiguration (RFC 6525)");
    tcb.reset.request(streams);
  }

  /** Graceful close (RFC 9260 §9.2): sends queued data, then the SHUTDOWN sequence. */
  shutdown(now: Millis): void {
    this.#ctx.now = now;
    startShutdown(this.#ctx);
  }

  /** Abort (RFC 9260 §9.1): sends ABORT with a User-Initiated Abort cause and ends at once. */
  abort(now: Millis, reason = ""): void {
    this.#ctx.now = now;
    userAbort(this.#ctx, reason);
  }

  // ---- sans-IO ---------------------------------------------------------------------------

  /** Feeds one received SCTP packet. Never throws on remote input. */
  handleDatagram(now: Millis, packet: Uint8Array): void {
    const ctx = this.#ctx;
    ctx.now = now;
    if (ctx.ended) return;
    ctx.counters.packetsReceived++;
    ctx.counters.bytesReceived += packet.byteLength;
    try {
      handlePacket(ctx, now, packet);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      ctx.counters.decodeErrors++;
      ctx.log.debug("dropped malformed packet", { error: e.message });
    }
    this.#afterInput();
  }

  /** Advances timers to `now`. */
  handleTimeout(now: Millis): void {
    const ctx = this.#ctx;
    ctx.now = now;
    if (ctx.ended) return;
    for (const t of ctx.timers.expire(now)) {
      if (ctx.ended) return;
      this.#onTimer(t, now);
    }
    this.#afterInput();
  }

  /** The next packet to send, or undefined. */
  pollTransmit(): Uint8Array | undefined {
    const ctx = this.#ctx;
    const out = ctx.out;
    const solo = out.solo.shift();
    if (solo !== undefined) return this.#sent(solo);
    if (ctx.ended) return undefined;
    const tcb = ctx.tcb;
    if (ctx.reconfig && tcb?.caps.reConfig) ctx.reconfig.startReady(ctx.now);
    if (out.control.length === 0 && !tcb?.wantsToSend) return undefined;
    const config = ctx.config;
    const mtu = ctx.pmtu.sendSize;
    const buf = packetBufferOf(mtu);
    let o = COMMON_HEADER_LENGTH;
    for (
      let c = out.control.peek();
      c !== undefined && o + c.byteLength <= mtu;
      c = out.control.peek()
    ) {
      buf.set(c, o);
      o += c.byteLength;
      out.control.shift();
    }
    if (tcb) o = tcb.fill(buf, o, mtu, ctx.now, ctx.dataAllowed, ctx.pmtu.chunkSize());
    if (o === COMMON_HEADER_LENGTH) return undefined;
    const packet = copyOutPacket(buf, o);
    writeCommonHeader(packet, config.localPort, config.remotePort, ctx.peerTag);
    if (!out.zeroChecksum) writeChecksum(packet);
    checkShutdown(ctx);
    return this.#sent(packet);
  }

  pollEvent(): SctpEvent | undefined {
    return this.#ctx.events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#ctx.ended ? undefined : this.#ctx.timers.next();
  }

  /** A snapshot of counters and transmission state. */
  stats(): AssociationStats {
    const ctx = this.#ctx;
    return collectStats(ctx.counters, ctx.tcb, ctx.rto, ctx.sendQueue, ctx.pmtu);
  }

  /** One line for test traces. */
  describe(): string {
    const ctx = this.#ctx;
    const t = ctx.tcb;
    return `${ctx.state}${t ? ` cwnd=${t.cc.cwnd} flight=${t.rq.flight} out=${t.rq.size} cum=${t.rx.tracker.cumTsn}` : ""}`;
  }

  // ---- internals -------------------------------------------------------------------------

  #sent(p: Uint8Array): Uint8Array {
    const counters = this.#ctx.counters;
    counters.packetsSent++;
    counters.bytesSent += p.byteLength;
    return p;
  }

  #afterInput(): void {
    const ctx = this.#ctx;
    abortOnDataViolation(ctx);
    checkShutdown(ctx);
  }

  #onTimer(t: TimerName, now: Millis): void {
    const ctx = this.#ctx;
    switch (t) {
      case "t1-init":
      case "t1-cookie":
        onT1(ctx, t);
        return;
      case "t3-rtx":
        onT3(ctx, now);
        return;
      case "delayed-ack":
        onDelayedAck(ctx);
        return;
      case "heartbeat":
        onHeartbeatTimer(ctx, now);
        return;
      case "t2-shutdown":
        onT2(ctx);
        return;
      case "reconfig":
        onReconfigTimer(ctx, now);
        return;
      case "pmtu":
        onPathMtuTimer(ctx, now);
        return;
    }
  }
}
