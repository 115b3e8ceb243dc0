/**
 * Sans-IO STUN client transactions (RFC 8489 §6.2): retransmission over UDP with RTO doubling,
 * Rc transmissions and a final wait of Rm × RTO; one transmission and the Ti timeout over TCP;
 * responses matched by transaction id; timeouts reported as events.
 */
import { Fifo, type Millis, type SocketAddress, TimerTable, type Transmit } from "@purertc/common";
import type { DecodedStunMessage } from "./message.js";

/** Retransmission parameters (RFC 8489 §6.2.1). */
export interface StunTransactionConfig {
  /** Initial RTO; RFC 8489 §6.2.1: "SHOULD be greater than or equal to 500 ms". */
  readonly initialRtoMs: number;
  /** Rc: how many times a request is sent over UDP (RFC 8489 §6.2.1 default 7). */
  readonly requestCount: number;
  /** Rm: after the last request, wait Rm × RTO before failing (RFC 8489 §6.2.1 default 16). */
  readonly finalWaitFactor: number;
  /** Ti: transaction timeout over TCP/TLS (RFC 8489 §6.2.2: 39.5 s). */
  readonly tcpTimeoutMs: number;
  /**
   * Measure RTT (RFC 6298 SRTT/RTTVAR, Karn's rule) and use it, never below `initialRtoMs`, as
   * the RTO of later transactions (RFC 8489 §6.2.1 SHOULD).
   */
  readonly adaptiveRto: boolean;
}

/** RFC 8489 §6.2.1 defaults: 500 ms, Rc = 7, Rm = 16, Ti = 39.5 s. */
export const DEFAULT_STUN_TRANSACTION_CONFIG: StunTransactionConfig = Object.freeze({
  initialRtoMs: 500,
  requestCount: 7,
  finalWaitFactor: 16,
  tcpTimeoutMs: 39_500,
  adaptiveRto: true,
});

/** Validates and completes a partial transaction config. */
export function resolveTransactionConfig(
  partial?: Partial<StunTransactionConfig>,
): StunTransactionConfig {
  const c = { ...DEFAULT_STUN_TRANSACTION_CONFIG, ...partial };
  if (!(c.initialRtoMs > 0))
    throw new RangeError(`initialRtoMs must be > 0, got ${c.initialRtoMs}`);
  if (!Number.isInteger(c.requestCount) || c.requestCount < 1) {
    throw new RangeError(`requestCount must be an integer >= 1, got ${c.requestCount}`);
  }
  if (!(c.finalWaitFactor >= 0))
    throw new RangeError(`finalWaitFactor must be >= 0, got ${c.finalWaitFactor}`);
  if (!(c.tcpTimeoutMs > 0))
    throw new RangeError(`tcpTimeoutMs must be > 0, got ${c.tcpTimeoutMs}`);
  return Object.freeze(c);
}

/** What {@link StunClientTransactions.start} takes. */
export interface StartTransaction<C> {
  /** The encoded request; bytes 8-20 are its transaction id. */
  readonly request: Uint8Array;
  readonly to: SocketAddress;
  /** Local socket to send from (cores with several sockets). */
  readonly from?: SocketAddress;
  /** `"udp"` (default) retransmits; `"tcp"` sends once and waits Ti. */
  readonly transport?: "udp" | "tcp";
  /** Overrides the RTO of this transaction (ICE computes its own, RFC 8445 §14.3). */
  readonly rtoMs?: number;
  /** Caller data handed back in the transaction's event. */
  readonly context: C;
}

/** Events of {@link StunClientTransactions}. */
export type StunTransactionEvent<C> =
  | {
      readonly type: "response";
      readonly transactionId: Uint8Array;
      readonly response: DecodedStunMessage;
      readonly from: SocketAddress;
      /** Time since the first transmission. */
      readonly rttMs: number;
      /** Whether the request had been retransmitted (the RTT is then ambiguous). */
      readonly retransmitted: boolean;
      readonly context: C;
    }
  | {
      readonly type: "timeout";
      readonly transactionId: Uint8Array;
      readonly to: SocketAddress;
      readonly context: C;
    };

interface Pending<C> {
  readonly key: string;
  readonly transactionId: Uint8Array;
  readonly request: Uint8Array;
  readonly to: SocketAddress;
  readonly from: SocketAddress | undefined;
  readonly udp: boolean;
  readonly startedAt: Millis;
  readonly context: C;
  rto: number;
  readonly firstRto: number;
  sent: number;
}

/** A map key for a transaction id (12 bytes → 6 UTF-16 code units, no hex formatting). */
export function transactionKey(tid: Uint8Array, offset = 0): string {
  let s = "";
  for (let i = 0; i < 12; i += 2)
    s += String.fromCharCode((tid[offset + i]! << 8) | tid[offset + i + 1]!);
  return s;
}

/**
 * A table of outstanding client transactions. After each call, drain `pollTransmit()` and
 * `pollEvent()`, then arm one timer at `pollTimeout()`.
 */
export class StunClientTransactions<C = undefined> {
  readonly #config: StunTransactionConfig;
  readonly #pending = new Map<string, Pending<C>>();
  readonly #timers = new TimerTable<string>();
  readonly #transmits = new Fifo<Transmit>();
  readonly #events = new Fifo<StunTransactionEvent<C>>();
  #srtt: number | undefined;
  #rttvar = 0;

  constructor(config?: Partial<StunTransactionConfig>) {
    this.#config = resolveTransactionConfig(config);
  }

  get config(): StunTransactionConfig {
    return this.#config;
  }

  /** Outstanding transactions. */
  get size(): number {
    return this.#pending.size;
  }

  /** The RTO a new UDP transaction starts with. */
  get currentRtoMs(): number {
    if (this.#srtt === undefined) return this.#config.initialRtoMs;
    return Math.max(this.#config.initialRtoMs, this.#srtt + 4 * this.#rttvar);
  }

  /** Sends a request and starts its timers. Throws `TypeError` if its id is already pending. */
  start(now: Millis, t: StartTransaction<C>): Uint8Array {
    if (t.request.length < 20) throw new RangeError("STUN request shorter than a header");
    const transactionId = t.request.slice(8, 20);
    const key = transactionKey(transactionId);
    if (this.#pending.has(key)) throw new TypeError("a STUN transaction with this id is pending");
    const udp = (t.transport ?? "udp") === "udp";
    const rto = t.rtoMs ?? this.currentRtoMs;
    if (!(rto > 0)) throw new RangeError(`rtoMs must be > 0, got ${rto}`);
    const p: Pending<C> = {
      key,
      transactionId,
      request: t.request,
      to: t.to,
      from: t.from,
      udp,
      startedAt: now,
      context: t.context,
      rto,
      firstRto: rto,
      sent: 0,
    };
    this.#pending.set(key, p);
    this.#send(now, p);
    return transactionId;
  }

  /** Forgets a transaction without an event. Returns whether it was pending. */
  cancel(transactionId: Uint8Array): boolean {
    const key = transactionKey(transactionId);
    this.#timers.clear(key);
    return this.#pending.delete(key);
  }

  /** Whether a transaction with this id is outstanding. */
  has(transactionId: Uint8Array): boolean {
    return this.#pending.has(transactionId.length === 12 ? transactionKey(transactionId) : "");
  }

  /**
   * Offers a decoded success or error response. Returns `true` and queues a `"response"` event
   * when it completes an outstanding transaction (RFC 8489 §6.3.3 matching by transaction id).
   */
  handleResponse(now: Millis, msg: DecodedStunMessage, from: SocketAddress): boolean {
    if (msg.class !== "success" && msg.class !== "error") return false;
    const key = transactionKey(msg.transactionId);
    const p = this.#pending.get(key);
    if (!p) return false;
    this.#pending.delete(key);
    this.#timers.clear(key);
    const rttMs = now - p.startedAt;
    const retransmitted = p.sent > 1;
    if (!retransmitted && p.udp) this.#sampleRtt(rttMs);
    this.#events.push({
      type: "response",
      transactionId: p.transactionId,
      response: msg,
      from,
      rttMs,
      retransmitted,
      context: p.context,
    });
    return true;
  }

  handleTimeout(now: Millis): void {
    for (const key of this.#timers.expire(now)) {
      const p = this.#pending.get(key);
      if (!p) continue;
      if (p.udp && p.sent < this.#config.requestCount) {
        p.rto *= 2;
        this.#send(now, p);
      } else {
        this.#pending.delete(key);
        this.#events.push({
          type: "timeout",
          transactionId: p.transactionId,
          to: p.to,
          context: p.context,
        });
      }
    }
  }

  pollTransmit(): Transmit | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): StunTransactionEvent<C> | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#timers.next();
  }

  #send(now: Millis, p: Pending<C>): void {
    p.sent++;
    this.#transmits.push(
      p.from ? { to: p.to, from: p.from, data: p.request } : { to: p.to, data: p.request },
    );
    let wait: number;
    if (!p.udp) wait = this.#config.tcpTimeoutMs;
    // After the last of Rc transmissions, wait Rm times the initial RTO (RFC 8489 §6.2.1).
    else if (p.sent >= this.#config.requestCount) wait = this.#config.finalWaitFactor * p.firstRto;
    else wait = p.rto;
    this.#timers.set(p.key, now + wait);
  }

  /** RFC 6298 §2: SRTT and RTTVAR from an unambiguous sample. */
  #sampleRtt(r: number): void {
    if (!this.#config.adaptiveRto) return;
    if (this.#srtt === undefined) {
      this.#srtt = r;
      this.#rttvar = r / 2;
    } else {
      this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - r);
      this.#srtt = 0.875 * this.#srtt + 0.125 * r;
    }
  }
}
