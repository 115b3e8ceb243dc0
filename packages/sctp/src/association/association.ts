import { DecodeError, Fifo, type Logger, type Millis, TimerTable } from "@purertc/common";
import { decodeAbort } from "../chunks/abort.js";
import { decodeCookieEcho } from "../chunks/cookie.js";
import { decodeData } from "../chunks/data.js";
import { decodeError } from "../chunks/error.js";
import { decodeForwardTsn } from "../chunks/forward-tsn.js";
import { decodeHeartbeat, decodeHeartbeatAck } from "../chunks/heartbeat.js";
import { decodeIData } from "../chunks/i-data.js";
import { decodeIForwardTsn } from "../chunks/i-forward-tsn.js";
import { decodeInit, decodeInitAck, type InitChunk } from "../chunks/init.js";
import { decodeReConfig } from "../chunks/re-config.js";
import { decodeSack } from "../chunks/sack.js";
import { decodeShutdown } from "../chunks/shutdown.js";
import { resolveSctpConfig, type SctpConfig } from "../config.js";
import { CauseCode, ChunkType, pad4 } from "../constants.js";
import {
  type ErrorCause,
  invalidStreamCause,
  noUserDataCause,
  protocolViolationCause,
  staleCookieCause,
  unrecognizedChunkCause,
  userAbortCause,
} from "../error-causes.js";
import type { CloseReason, SctpEvent } from "../events.js";
import {
  COMMON_HEADER_LENGTH,
  checksumOk,
  chunkLengthAt,
  packetTag,
  writeChecksum,
  writeCommonHeader,
} from "../packet.js";
import { type Capabilities, unrecognizedToReport } from "./capabilities.js";
import {
  buildInitChunk,
  cookieStateFor,
  heartbeatInfo,
  heartbeatSentAt,
  initValid,
  NO_CAPS,
  type Pending,
  pendingFromCookie,
  pendingFromInitAck,
} from "./handshake.js";
import { Outbox } from "./outbox.js";
import { ReConfigHandler } from "./re-config-handler.js";
import { Rto } from "./rto.js";
import { type SendOptions, SendQueue } from "./send-queue.js";
import { StateCookieSigner } from "./state-cookie.js";
import { type AssociationStats, collectStats } from "./stats.js";
import { Tcb, type TimerName } from "./tcb.js";

/** Association states (RFC 9260 §4). */
export type AssociationState =
  | "closed"
  | "cookie-wait"
  | "cookie-echoed"
  | "established"
  | "shutdown-pending"
  | "shutdown-sent"
  | "shutdown-received"
  | "shutdown-ack-sent";

/**
 * A sans-IO SCTP association (RFC 9260) over an abstract datagram pipe (DTLS in WebRTC,
 * RFC 8261): feed received packets to {@link handleDatagram}, send what {@link pollTransmit}
 * returns, handle {@link pollEvent} events, and call {@link handleTimeout} at {@link pollTimeout}.
 * Both sides may call {@link connect}; simultaneous INITs resolve per RFC 9260 §5.2.1.
 */
export class SctpAssociation {
  readonly #config: SctpConfig;
  readonly #log: Logger;
  readonly #signer: StateCookieSigner;
  readonly #timers = new TimerTable<TimerName>();
  readonly #events = new Fifo<SctpEvent>();
  readonly #out: Outbox;
  readonly #sendQueue: SendQueue;
  readonly #rto: Rto;
  readonly #localTag: number;
  readonly #localInitialTsn: number;
  #state: AssociationState = "closed";
  #ended = false;
  #now: Millis = 0;
  #pending: Pending | undefined;
  #tcb: Tcb | undefined;
  #reconfig: ReConfigHandler | undefined;
  #peerTag = 0;
  #initCount = 0;
  #errorCount = 0;
  #heartbeatNonce = 0;
  #heartbeatOutstanding = false;
  #maxMessageSize: number;
  readonly #counters = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    checksumErrors: 0,
    decodeErrors: 0,
    droppedPackets: 0,
  };

  constructor(config: Partial<SctpConfig> = {}) {
    this.#config = resolveSctpConfig(config);
    this.#log = this.#config.logger.child("sctp:association");
    const rng = this.#config.rng;
    const key = rng.fill(new Uint8Array(32));
    this.#signer = new StateCookieSigner(this.#config.crypto.createHmac("sha256", key));
    this.#sendQueue = new SendQueue(this.#events);
    this.#out = new Outbox(this.#config.localPort, this.#config.remotePort);
    this.#rto = new Rto(this.#config.rtoInitialMs, this.#config.rtoMinMs, this.#config.rtoMaxMs);
    let tag = 0;
    while (tag === 0) tag = rng.nextU32(); // RFC 9260 §5.3.1: a non-zero random tag
    this.#localTag = tag;
    this.#localInitialTsn = rng.nextU32();
    this.#maxMessageSize = this.#config.maxMessageSize;
  }

  /** The current RFC 9260 §4 state. */
  get state(): AssociationState {
    return this.#state;
  }

  /** Whether the association ended (closed event emitted). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Negotiated extensions (all false before the handshake completes). */
  get capabilities(): Capabilities {
    return this.#tcb?.caps ?? NO_CAPS;
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
    this.#now = now;
    if (this.#state !== "closed" || this.#ended)
      throw new TypeError(`connect() in state ${this.#state}`);
    this.#state = "cookie-wait";
    this.#initCount = 0;
    this.#sendInit();
  }

  /**
   * Queues a message on `streamId`. Throws `RangeError` when it exceeds the peer's maximum
   * message size or is empty, `TypeError` when the association ended or the stream is being reset.
   */
  send(now: Millis, streamId: number, ppid: number, data: Uint8Array, options?: SendOptions): void {
    this.#now = now;
    if (
      this.#ended ||
      this.#state === "shutdown-pending" ||
      this.#state === "shutdown-sent" ||
      this.#state === "shutdown-received" ||
      this.#state === "shutdown-ack-sent"
    ) {
      throw new TypeError(`send() in state ${this.#ended ? "ended" : this.#state}`);
    }
    if (!Number.isInteger(streamId) || streamId < 0 || streamId > 65535)
      throw new RangeError(`invalid stream id ${streamId}`);
    if (data.byteLength === 0)
      throw new RangeError("SCTP cannot send an empty message (RFC 9260 §6.2)");
    if (this.#maxMessageSize > 0 && data.byteLength > this.#maxMessageSize) {
      throw new RangeError(
        `message of ${data.byteLength} bytes exceeds the maximum message size ${this.#maxMessageSize}`,
      );
    }
    if (this.#tcb?.reset.isResetting(streamId))
      throw new TypeError(`stream ${streamId} is being reset`);
    this.#sendQueue.enqueue(now, streamId, ppid, data, options);
  }

  /** Bytes queued on a stream and not yet transmitted (the W3C `bufferedAmount`). */
  bufferedAmount(streamId: number): number {
    return this.#sendQueue.peekStream(streamId)?.buffered ?? 0;
  }

  /** Bytes queued on every stream. */
  get totalBufferedAmount(): number {
    return this.#sendQueue.totalBuffered;
  }

  /** Sets the low-water mark of a stream: a `buffered-amount-low` event fires on crossing it. */
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`invalid threshold ${bytes}`);
    this.#sendQueue.stream(streamId).lowThreshold = bytes;
  }

  /**
   * Resets our outgoing side of `streams` (RFC 6525 §5.1.2) after their queued messages are
   * sent. Completion is reported as `outgoing-streams-reset`.
   */
  resetStreams(now: Millis, streams: readonly number[]): void {
    this.#now = now;
    const tcb = this.#tcb;
    if (!tcb) throw new TypeError(`resetStreams() in state ${this.#state}`);
    if (!tcb.caps.reConfig)
      throw new TypeError("the peer does not support stream reconfiguration (RFC 6525)");
    tcb.reset.request(streams);
  }

  /** Graceful close (RFC 9260 §9.2): sends queued data, then the SHUTDOWN sequence. */
  shutdown(now: Millis): void {
    this.#now = now;
    if (this.#ended) return;
    if (this.#state === "established") {
      this.#state = "shutdown-pending";
      this.#checkShutdown();
    } else if (
      this.#state === "closed" ||
      this.#state === "cookie-wait" ||
      this.#state === "cookie-echoed"
    ) {
      this.#end("shutdown");
    }
  }

  /** Abort (RFC 9260 §9.1): sends ABORT with a User-Initiated Abort cause and ends at once. */
  abort(now: Millis, reason = ""): void {
    this.#now = now;
    if (this.#ended) return;
    if (this.#state !== "closed" && this.#state !== "cookie-wait")
      this.#sendAbort([userAbortCause(reason)]);
    this.#end("local-abort");
  }

  // ---- sans-IO ---------------------------------------------------------------------------

  /** Feeds one received SCTP packet. Never throws on remote input. */
  handleDatagram(now: Millis, packet: Uint8Array): void {
    this.#now = now;
    if (this.#ended) return;
    this.#counters.packetsReceived++;
    this.#counters.bytesReceived += packet.byteLength;
    try {
      this.#handlePacket(now, packet);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#counters.decodeErrors++;
      this.#log.debug("dropped malformed packet", { error: e.message });
    }
    this.#afterInput();
  }

  /** Advances timers to `now`. */
  handleTimeout(now: Millis): void {
    this.#now = now;
    if (this.#ended) return;
    for (const t of this.#timers.expire(now)) {
      if (this.#ended) return;
      this.#onTimer(t, now);
    }
    this.#afterInput();
  }

  /** The next packet to send, or undefined. */
  pollTransmit(): Uint8Array | undefined {
    const solo = this.#out.solo.shift();
    if (solo !== undefined) return this.#sent(solo);
    if (this.#ended) return undefined;
    const tcb = this.#tcb;
    if (tcb?.caps.reConfig) {
      const sq = this.#sendQueue;
      tcb.reset.maybeStart(
        (id) => sq.peekStream(id)?.drained ?? true,
        (tcb.rq.nextTsn - 1) >>> 0,
        this.#now,
      );
    }
    if (this.#out.control.length === 0 && !tcb?.wantsToSend) return undefined;
    const mtu = this.#config.mtu;
    const buf = new Uint8Array(mtu);
    let o = COMMON_HEADER_LENGTH;
    for (
      let c = this.#out.control.peek();
      c !== undefined && o + c.byteLength <= mtu;
      c = this.#out.control.peek()
    ) {
      buf.set(c, o);
      o += c.byteLength;
      this.#out.control.shift();
    }
    if (tcb) o = tcb.fill(buf, o, mtu, this.#now, this.#dataAllowed());
    if (o === COMMON_HEADER_LENGTH) return undefined;
    const packet = buf.subarray(0, o);
    writeCommonHeader(packet, this.#config.localPort, this.#config.remotePort, this.#peerTag);
    if (!this.#out.zeroChecksum) writeChecksum(packet);
    this.#checkShutdown();
    return this.#sent(packet);
  }

  pollEvent(): SctpEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#ended ? undefined : this.#timers.next();
  }

  /** A snapshot of counters and transmission state. */
  stats(): AssociationStats {
    return collectStats(this.#counters, this.#tcb, this.#rto, this.#sendQueue);
  }

  /** One line for test traces. */
  describe(): string {
    const t = this.#tcb;
    return `${this.#state}${t ? ` cwnd=${t.cc.cwnd} flight=${t.rq.flight} out=${t.rq.size} cum=${t.tracker.cumTsn}` : ""}`;
  }

  // ---- internals -------------------------------------------------------------------------

  #sent(p: Uint8Array): Uint8Array {
    this.#counters.packetsSent++;
    this.#counters.bytesSent += p.byteLength;
    return p;
  }

  #dataAllowed(): boolean {
    const s = this.#state;
    return s === "established" || s === "shutdown-pending" || s === "shutdown-received";
  }

  #afterInput(): void {
    if (this.#ended) return;
    if (this.#tcb?.abortReason !== undefined) {
      const reason = this.#tcb.abortReason;
      const cause = reason === "no-user-data" ? noUserDataCause(0) : protocolViolationCause(reason);
      this.#sendAbort([cause]);
      this.#end("local-abort", [cause]);
      return;
    }
    this.#checkShutdown();
  }

  #sendInit(): void {
    const init = buildInitChunk("init", this.#config, this.#localTag, this.#localInitialTsn, []);
    // RFC 9653 §5.2: INIT always carries a correct CRC32c.
    this.#out.packet(0, init, true);
    this.#timers.set("t1-init", this.#now + this.#rto.value);
  }

  #sendCookieEcho(): void {
    const cookie = this.#pending?.cookie;
    if (!cookie) return;
    const c = { kind: "cookie-echo", cookie } as const;
    this.#out.chunk(c);
    this.#timers.set("t1-cookie", this.#now + this.#rto.value);
  }

  #sendAbort(causes: readonly ErrorCause[]): void {
    const c = { kind: "abort", reflectedTag: false, causes } as const;
    this.#out.packet(this.#peerTag, c);
  }

  #sendError(causes: readonly ErrorCause[]): void {
    const c = { kind: "error", causes } as const;
    this.#out.chunk(c);
  }

  #end(reason: CloseReason, causes?: readonly ErrorCause[]): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#state = "closed";
    this.#timers.clearAll();
    this.#out.clear();
    this.#log.debug("association ended", { reason });
    this.#events.push(causes ? { type: "closed", reason, causes } : { type: "closed", reason });
  }

  #fail(reason: CloseReason): void {
    if (this.#state !== "closed" && this.#state !== "cookie-wait")
      this.#sendAbort([protocolViolationCause(reason)]);
    this.#end(reason);
  }

  /** Counts one error toward Association.Max.Retrans (RFC 9260 §8.1); true when it failed. */
  #countError(): boolean {
    if (++this.#errorCount > this.#config.maxRetransmissions) {
      this.#fail("max-retransmissions");
      return true;
    }
    return false;
  }

  #onTimer(t: TimerName, now: Millis): void {
    const tcb = this.#tcb;
    switch (t) {
      case "t1-init":
      case "t1-cookie":
        if (++this.#initCount > this.#config.maxInitRetransmits) {
          this.#end("handshake-timeout");
          return;
        }
        this.#rto.backoff();
        if (t === "t1-init") this.#sendInit();
        else this.#sendCookieEcho();
        return;
      case "t3-rtx":
        if (!tcb || this.#countError()) return;
        tcb.onT3(now);
        return;
      case "delayed-ack":
        if (tcb) tcb.tracker.sackNow = tcb.tracker.sackPending;
        return;
      case "heartbeat":
        this.#onHeartbeatTimer(now);
        return;
      case "t2-shutdown":
        if (this.#countError()) return;
        this.#rto.backoff();
        this.#state = this.#state === "shutdown-sent" ? "shutdown-pending" : "shutdown-received";
        this.#checkShutdown();
        return;
      case "reconfig":
        if (!tcb || this.#countError()) return;
        if (tcb.reset.retransmit()) this.#timers.set("reconfig", now + this.#rto.value);
        return;
    }
  }

  #onHeartbeatTimer(now: Millis): void {
    const tcb = this.#tcb;
    if (!tcb || this.#config.heartbeatIntervalMs === 0) return;
    if (this.#heartbeatOutstanding) {
      // §8.3: an unanswered HEARTBEAT counts as an error and backs off the RTO.
      if (this.#countError()) return;
      this.#rto.backoff();
    } else if (tcb.rq.hasOutstanding) {
      // Data in flight: T3-rtx watches the path; stay idle.
      this.#timers.set("heartbeat", now + this.#config.heartbeatIntervalMs);
      return;
    }
    this.#heartbeatNonce = this.#config.rng.nextU32();
    const info = heartbeatInfo(now, this.#heartbeatNonce);
    const c = { kind: "heartbeat", info } as const;
    this.#out.chunk(c);
    this.#heartbeatOutstanding = true;
    this.#timers.set("heartbeat", now + this.#rto.value);
  }

  #armHeartbeat(now: Millis): void {
    const i = this.#config.heartbeatIntervalMs;
    if (i === 0) return;
    // §8.3: HB.interval plus the current RTO, jittered by ±50% of the RTO.
    const jitter = (this.#config.rng.next() - 0.5) * this.#rto.value;
    this.#timers.set("heartbeat", now + i + this.#rto.value + jitter);
  }

  #checkShutdown(): void {
    const tcb = this.#tcb;
    if (!tcb || this.#ended) return;
    if (this.#state === "shutdown-pending" && tcb.idle) {
      this.#state = "shutdown-sent";
      const cum = tcb.tracker.cumTsn;
      this.#out.chunk({ kind: "shutdown", cumulativeTsnAck: cum });
      this.#timers.set("t2-shutdown", this.#now + this.#rto.value);
    } else if (this.#state === "shutdown-received" && tcb.idle) {
      this.#state = "shutdown-ack-sent";
      this.#out.chunk({ kind: "shutdown-ack" });
      this.#timers.set("t2-shutdown", this.#now + this.#rto.value);
    }
  }

  #establish(p: Pending, localInitialTsn: number): void {
    this.#peerTag = p.peerTag;
    this.#out.zeroChecksum = p.caps.zeroChecksum;
    this.#tcb = new Tcb(
      this.#config,
      {
        localInitialTsn,
        peerInitialTsn: p.peerInitialTsn,
        peerRwnd: p.peerRwnd,
        inboundStreams: p.inbound,
        caps: p.caps,
      },
      this.#sendQueue,
      this.#timers,
      this.#rto,
      this.#events,
    );
    this.#reconfig = new ReConfigHandler(this.#tcb, this.#sendQueue, this.#events, this.#timers);
    this.#pending = undefined;
    this.#state = "established";
    this.#errorCount = 0;
    this.#timers.clear("t1-init");
    this.#timers.clear("t1-cookie");
    this.#armHeartbeat(this.#now);
    this.#events.push({ type: "connected" });
  }

  #handlePacket(now: Millis, packet: Uint8Array): void {
    if (packet.byteLength < COMMON_HEADER_LENGTH + 4) {
      this.#counters.droppedPackets++;
      return;
    }
    if (!checksumOk(packet, this.#config.zeroChecksum)) {
      this.#counters.checksumErrors++;
      return;
    }
    const tag = packetTag(packet);
    const firstType = packet[COMMON_HEADER_LENGTH]!;
    if (firstType === ChunkType.INIT) {
      // §8.5.1 A: INIT travels alone with a zero tag.
      const len = chunkLengthAt(packet, COMMON_HEADER_LENGTH);
      if (tag !== 0 || pad4(len) + COMMON_HEADER_LENGTH < packet.byteLength) {
        this.#counters.droppedPackets++;
        return;
      }
      this.#onInit(decodeInit(packet.subarray(COMMON_HEADER_LENGTH, COMMON_HEADER_LENGTH + len)));
      return;
    }
    let dataPacket = false;
    let immediate = false;
    let o = COMMON_HEADER_LENGTH;
    while (o < packet.byteLength && !this.#ended) {
      const len = chunkLengthAt(packet, o);
      const type = packet[o]!;
      const chunk = packet.subarray(o, o + len);
      if (!this.#tagOk(type, chunk, tag)) {
        this.#counters.droppedPackets++;
        return;
      }
      const r = this.#onChunk(now, type, chunk);
      if (r === STOP) break;
      if (r === DATA) {
        dataPacket = true;
        if (packet[o + 1]! & 8) immediate = true;
      }
      o += pad4(len);
    }
    const tcb = this.#tcb;
    if (dataPacket && tcb && !this.#ended) {
      tcb.afterDataPacket(now, immediate || this.#state === "shutdown-sent");
      if (tcb.invalidStreams.length > 0) {
        this.#sendError(tcb.invalidStreams.map(invalidStreamCause));
        tcb.invalidStreams = [];
      }
      // §9.2: in SHUTDOWN-SENT, answer DATA with SHUTDOWN and restart T2.
      if (this.#state === "shutdown-sent") {
        const cum = tcb.tracker.cumTsn;
        this.#out.chunk({ kind: "shutdown", cumulativeTsnAck: cum });
        this.#timers.set("t2-shutdown", now + this.#rto.value);
      }
    }
  }

  /** Verification tag rules of RFC 9260 §8.5 and §8.5.1. */
  #tagOk(type: number, chunk: Uint8Array, tag: number): boolean {
    if (type === ChunkType.ABORT || type === ChunkType.SHUTDOWN_COMPLETE) {
      const reflected = (chunk[1]! & 1) !== 0;
      return reflected ? tag === this.#peerTag && this.#peerTag !== 0 : tag === this.#localTag;
    }
    if (type === ChunkType.COOKIE_ECHO) return true; // checked against the cookie (§5.1.5)
    return tag === this.#localTag;
  }

  #onChunk(now: Millis, type: number, chunk: Uint8Array): number {
    const tcb = this.#tcb;
    switch (type) {
      case ChunkType.DATA: {
        if (!tcb || !this.#acceptsData() || tcb.caps.iData)
          return this.#protocolViolation("unexpected DATA");
        const d = decodeData(chunk);
        tcb.onData(d.tsn, d.streamId, d.ssn, 0, d.ppid, chunk[1]!, d.payload);
        return DATA;
      }
      case ChunkType.I_DATA: {
        if (!tcb || !this.#acceptsData() || !tcb.caps.iData)
          return this.#protocolViolation("unexpected I-DATA");
        const d = decodeIData(chunk);
        tcb.onData(d.tsn, d.streamId, d.mid, d.fsn, d.ppid, chunk[1]!, d.payload);
        return DATA;
      }
      case ChunkType.SACK: {
        if (!tcb) return CONTINUE;
        const s = decodeSack(chunk);
        if (tcb.onSack(now, s.cumulativeTsnAck, s.aRwnd, s.gapBlocks)) this.#errorCount = 0;
        return CONTINUE;
      }
      case ChunkType.INIT_ACK:
        this.#onInitAck(decodeInitAck(chunk));
        return CONTINUE;
      case ChunkType.COOKIE_ECHO:
        this.#onCookieEcho(now, decodeCookieEcho(chunk).cookie);
        return CONTINUE;
      case ChunkType.COOKIE_ACK:
        if (this.#state === "cookie-echoed" && this.#pending)
          this.#establish(this.#pending, this.#localInitialTsn);
        return CONTINUE;
      case ChunkType.HEARTBEAT: {
        const hb = decodeHeartbeat(chunk);
        const c = { kind: "heartbeat-ack", info: hb.info.slice() } as const;
        this.#out.chunk(c);
        return CONTINUE;
      }
      case ChunkType.HEARTBEAT_ACK:
        this.#onHeartbeatAck(now, decodeHeartbeatAck(chunk).info);
        return CONTINUE;
      case ChunkType.ABORT: {
        const a = decodeAbort(chunk);
        this.#end("peer-abort", a.causes);
        return STOP;
      }
      case ChunkType.ERROR: {
        const causes = decodeError(chunk).causes.map((c) => ({
          code: c.code,
          info: c.info.slice(),
        }));
        if (
          this.#state === "cookie-echoed" &&
          causes.some((c) => c.code === CauseCode.STALE_COOKIE)
        ) {
          // §5.2.6: a stale cookie sends us back to COOKIE-WAIT with a fresh INIT.
          this.#timers.clear("t1-cookie");
          this.#pending = undefined;
          this.#state = "cookie-wait";
          this.#sendInit();
          return STOP;
        }
        this.#events.push({ type: "error", causes });
        return CONTINUE;
      }
      case ChunkType.SHUTDOWN:
        this.#onShutdown(now, decodeShutdown(chunk).cumulativeTsnAck);
        return CONTINUE;
      case ChunkType.SHUTDOWN_ACK:
        if (this.#state === "shutdown-sent" || this.#state === "shutdown-ack-sent") {
          // §9.2: answer with SHUTDOWN COMPLETE and end.
          this.#out.packet(this.#peerTag, { kind: "shutdown-complete", reflectedTag: false });
          this.#end("shutdown");
          return STOP;
        }
        return CONTINUE;
      case ChunkType.SHUTDOWN_COMPLETE:
        if (this.#state === "shutdown-ack-sent") {
          this.#end("shutdown");
          return STOP;
        }
        return CONTINUE;
      case ChunkType.FORWARD_TSN: {
        if (!tcb?.caps.forwardTsn || tcb.caps.iData) return CONTINUE;
        const f = decodeForwardTsn(chunk);
        tcb.onForwardTsn(
          f.newCumulativeTsn,
          f.streams.map((s) => ({ streamId: s.streamId, unordered: false, seq: s.ssn })),
        );
        return CONTINUE;
      }
      case ChunkType.I_FORWARD_TSN: {
        if (!tcb?.caps.iData) return CONTINUE;
        const f = decodeIForwardTsn(chunk);
        tcb.onForwardTsn(
          f.newCumulativeTsn,
          f.streams.map((s) => ({ streamId: s.streamId, unordered: s.unordered, seq: s.mid })),
        );
        return CONTINUE;
      }
      case ChunkType.RE_CONFIG:
        if (this.#reconfig && tcb?.caps.reConfig) this.#reconfig.onChunk(decodeReConfig(chunk));
        return CONTINUE;
      default:
        return this.#onUnknownChunk(type, chunk);
    }
  }

  /** RFC 9260 §3.2: the upper two bits of an unknown chunk type say what to do. */
  #onUnknownChunk(type: number, chunk: Uint8Array): number {
    const action = type >>> 6;
    if (action === 1 || action === 3) this.#sendError([unrecognizedChunkCause(chunk)]);
    return action === 0 || action === 1 ? STOP : CONTINUE;
  }

  #protocolViolation(detail: string): number {
    this.#log.debug("protocol violation", { detail });
    return STOP;
  }

  #acceptsData(): boolean {
    const s = this.#state;
    return s === "established" || s === "shutdown-pending" || s === "shutdown-sent";
  }

  #onInit(init: InitChunk): void {
    if (!initValid(init)) {
      // §3.3.2: a zero tag or stream count is invalid: ABORT (tag reflected from the INIT).
      const causes = [protocolViolationCause("invalid INIT")];
      const c = { kind: "abort", reflectedTag: false, causes } as const;
      this.#out.packet(init.initiateTag, c);
      return;
    }
    if (this.#state === "shutdown-ack-sent") return;
    const state = cookieStateFor(
      init,
      this.#config,
      this.#localTag,
      this.#localInitialTsn,
      this.#now,
    );
    const cookie = this.#signer.sign(state);
    const extra = [{ kind: "state-cookie", cookie } as const, ...unrecognizedToReport(init)];
    const ack = buildInitChunk(
      "init-ack",
      this.#config,
      this.#localTag,
      this.#localInitialTsn,
      extra,
    );
    // §5.2.1: the INIT ACK carries the INIT's initiate tag as verification tag.
    this.#out.packet(init.initiateTag, ack, true);
  }

  #onInitAck(ack: InitChunk): void {
    if (this.#state !== "cookie-wait" || !initValid(ack)) return; // §5.2.3: discard otherwise
    const pending = pendingFromInitAck(ack, this.#config);
    if (!pending) {
      this.#fail("local-abort");
      return;
    }
    this.#timers.clear("t1-init");
    this.#pending = pending;
    this.#peerTag = ack.initiateTag;
    this.#state = "cookie-echoed";
    this.#initCount = 0;
    this.#sendCookieEcho();
  }

  #onCookieEcho(now: Millis, cookie: Uint8Array): void {
    const check = this.#signer.verify(cookie, now, this.#config.cookieLifetimeMs);
    if (check === undefined) return; // §5.1.5 step 2: not ours, discard silently
    const s = check.state;
    if (s.localTag !== this.#localTag) return;
    if (this.#tcb) {
      // §5.2.4 action D: tags match an existing association: just acknowledge again.
      if (s.peerTag === this.#peerTag) this.#queueCookieAck();
      return;
    }
    if (check.staleMs > 0) {
      this.#sendError([staleCookieCause(check.staleMs * 1000)]);
      return;
    }
    if (this.#state === "cookie-echoed" && this.#pending?.peerTag !== s.peerTag) return;
    this.#peerTag = s.peerTag;
    this.#establish(pendingFromCookie(s), s.localInitialTsn);
    this.#queueCookieAck();
  }

  #queueCookieAck(): void {
    this.#out.chunk({ kind: "cookie-ack" });
  }

  #onHeartbeatAck(now: Millis, info: Uint8Array): void {
    const sentAt = heartbeatSentAt(info, this.#heartbeatNonce);
    if (sentAt === undefined || !this.#heartbeatOutstanding) return;
    this.#heartbeatOutstanding = false;
    this.#errorCount = 0;
    this.#rto.observe(now - sentAt);
    this.#armHeartbeat(now);
  }

  #onShutdown(now: Millis, cum: number): void {
    const tcb = this.#tcb;
    if (!tcb) return;
    // §9.2: SHUTDOWN acknowledges data cumulatively.
    tcb.onSack(now, cum, tcb.peerRwnd + tcb.rq.flight, []);
    if (this.#state === "established" || this.#state === "shutdown-pending") {
      this.#state = "shutdown-received";
    } else if (this.#state === "shutdown-sent") {
      // §9.2: both sides shut down at once: answer with SHUTDOWN ACK.
      this.#state = "shutdown-ack-sent";
      this.#out.chunk({ kind: "shutdown-ack" });
      this.#timers.set("t2-shutdown", now + this.#rto.value);
    }
    this.#checkShutdown();
  }
}

const CONTINUE = 0;
const STOP = 1;
const DATA = 2;
