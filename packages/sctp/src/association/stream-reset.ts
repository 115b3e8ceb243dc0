import type { Millis } from "@purertc/common";
import type { Param } from "../params/param.js";
import type {
  OutgoingSsnResetRequestParam,
  ReconfigResponseParam,
} from "../params/reconfig-params.js";
import { ReconfigResult } from "../params/reconfig-params.js";
import { tsnLte } from "../serial.js";

/** An incoming outgoing-SSN-reset that waits for data up to its last TSN (RFC 6525 §5.2.2). */
interface DeferredReset {
  readonly seq: number;
  readonly lastTsn: number;
  readonly streams: readonly number[];
}

/** Our request in flight. */
interface InFlight {
  readonly param: OutgoingSsnResetRequestParam;
  sentAt: Millis;
}

/** What the association must do after a RE-CONFIG parameter was handled. */
export interface ResetActions {
  /** Incoming streams to reset now (sequence numbers restart). */
  performIncoming?: readonly number[];
  /** Our outgoing streams the peer reset (sequence numbers restart). */
  performedOutgoing?: readonly number[];
  /** Streams the peer asked us to reset (incoming SSN reset request, §5.2.3). */
  resetOutgoing?: readonly number[];
}

/**
 * Stream reconfiguration (RFC 6525): outgoing SSN reset requests (one in flight at a time,
 * §5.1.1; retransmitted on timeout), responses to the peer's requests, and requests deferred
 * until their last TSN arrived. Requests from both sides are independent, so both sides closing
 * the same stream at the same moment completes (each answers the other).
 */
export class StreamReset {
  /** Streams to reset once their queued data has TSNs. */
  readonly #wanted = new Set<number>();
  #inFlight: InFlight | undefined;
  #nextSeq: number;
  /** Sequence number of the last request received from the peer, and our answer to it. */
  #peerSeq: number;
  #lastResult: number = ReconfigResult.SUCCESS_PERFORMED;
  /** Requests answered "in progress", oldest first (see {@link onOutgoingRequest}). */
  #deferred: DeferredReset[] = [];
  /** Per incoming stream, the peer's last TSN its latest performed reset applied at. */
  readonly #performedAt = new Map<number, number>();
  readonly #responses: ReconfigResponseParam[] = [];
  /** The in-flight request must be (re)sent. */
  #sendRequest = false;

  constructor(localInitialTsn: number, peerInitialTsn: number) {
    // §5.1.1 / §5.2.1: request sequence numbers start at the initial TSN.
    this.#nextSeq = localInitialTsn;
    this.#peerSeq = (peerInitialTsn - 1) >>> 0;
  }

  /** Streams whose reset is wanted or in flight. */
  isResetting(streamId: number): boolean {
    return (
      this.#wanted.has(streamId) || (this.#inFlight?.param.streams.includes(streamId) ?? false)
    );
  }

  request(streams: Iterable<number>): void {
    for (const s of streams) this.#wanted.add(s);
  }

  get hasInFlight(): boolean {
    return this.#inFlight !== undefined;
  }

  /**
   * Starts a request for the wanted streams whose data is all assigned TSNs (`drained`), when
   * none is in flight. `lastTsn` is our last assigned TSN.
   */
  maybeStart(drained: (id: number) => boolean, lastTsn: number, now: Millis): boolean {
    if (this.#inFlight || this.#wanted.size === 0) return false;
    const streams: number[] = [];
    for (const s of this.#wanted) if (drained(s)) streams.push(s);
    if (streams.length === 0) return false;
    for (const s of streams) this.#wanted.delete(s);
    streams.sort((a, b) => a - b);
    this.#inFlight = {
      param: {
        kind: "outgoing-ssn-reset-request",
        requestSeq: this.#nextSeq,
        responseSeq: this.#peerSeq,
        senderLastTsn: lastTsn,
        streams,
      },
      sentAt: now,
    };
    this.#nextSeq = (this.#nextSeq + 1) >>> 0;
    this.#sendRequest = true;
    return true;
  }

  /** The reconfiguration timer fired: send the request again (§5.1.1). */
  retransmit(): boolean {
    if (!this.#inFlight) return false;
    this.#sendRequest = true;
    return true;
  }

  /** Whether parameters are waiting to be sent. */
  get hasOutput(): boolean {
    return this.#sendRequest || this.#responses.length > 0;
  }

  /** Up to two parameters for one RE-CONFIG chunk (§3.1): responses first, then our request. */
  takeParams(now: Millis): Param[] {
    const out: Param[] = [];
    while (out.length < 2 && this.#responses.length > 0) out.push(this.#responses.shift()!);
    if (out.length < 2 && this.#sendRequest && this.#inFlight) {
      this.#sendRequest = false;
      this.#inFlight.sentAt = now;
      out.push(this.#inFlight.param);
    }
    return out;
  }

  #respond(seq: number, result: number): void {
    this.#responses.push({ kind: "re-config-response", responseSeq: seq, result });
  }

  /**
   * Handles the peer's Outgoing SSN Reset Request (§5.2.2); `cumTsn` is our cumulative TSN.
   *
   * A reset applies at the request's Sender's Last Assigned TSN: data after it is the stream's
   * new life. A request answered "in progress" stays deferred until that TSN arrived. A peer
   * may send the same reset again under a new request number (dcSCTP does after an "in
   * progress" answer, possibly after we performed it): a stream already reset at that TSN or
   * later is not reset again, since by then it may carry new data that a second reset would
   * lose.
   */
  onOutgoingRequest(
    p: OutgoingSsnResetRequestParam,
    cumTsn: number,
    allStreams: () => number[],
  ): ResetActions {
    if (p.requestSeq === this.#peerSeq) {
      // A retransmission: answer again with the result we gave (updated if performed since).
      this.#respond(p.requestSeq, this.#lastResult);
      return {};
    }
    if (p.requestSeq !== (this.#peerSeq + 1) >>> 0) {
      this.#respond(p.requestSeq, ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER);
      return {};
    }
    this.#peerSeq = p.requestSeq;
    const streams = p.streams.length > 0 ? p.streams : allStreams();
    this.#deferred.push({ seq: p.requestSeq, lastTsn: p.senderLastTsn, streams });
    this.#lastResult = ReconfigResult.IN_PROGRESS;
    const due = this.onCumulativeTsn(cumTsn);
    if (this.#lastResult === ReconfigResult.IN_PROGRESS)
      this.#respond(p.requestSeq, this.#lastResult);
    return due ? { performIncoming: due } : {};
  }

  /** Whether a chunk of `streamId` with `tsn` must wait for a deferred reset (§5.2.2). */
  mustDefer(streamId: number, tsn: number): boolean {
    for (const d of this.#deferred)
      if (!tsnLte(tsn, d.lastTsn) && d.streams.includes(streamId)) return true;
    return false;
  }

  /** Performs the deferred resets whose last TSN arrived; returns their streams. */
  onCumulativeTsn(cumTsn: number): readonly number[] | undefined {
    if (this.#deferred.length === 0) return undefined;
    const streams = new Set<number>();
    this.#deferred = this.#deferred.filter((d) => {
      if (!tsnLte(d.lastTsn, cumTsn)) return true;
      for (const id of d.streams) {
        const at = this.#performedAt.get(id);
        if (at !== undefined && tsnLte(d.lastTsn, at)) continue;
        this.#performedAt.set(id, d.lastTsn);
        streams.add(id);
      }
      if (d.seq === this.#peerSeq) this.#lastResult = ReconfigResult.SUCCESS_PERFORMED;
      this.#respond(d.seq, ReconfigResult.SUCCESS_PERFORMED);
      return false;
    });
    return streams.size > 0 ? [...streams] : undefined;
  }

  /** Handles the peer's Incoming SSN Reset Request (§5.2.3): we reset those outgoing streams. */
  onIncomingRequest(seq: number, streams: readonly number[]): ResetActions {
    if (seq === this.#peerSeq) {
      this.#respond(seq, this.#lastResult);
      return {};
    }
    if (seq !== (this.#peerSeq + 1) >>> 0) {
      this.#respond(seq, ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER);
      return {};
    }
    this.#peerSeq = seq;
    this.#lastResult = ReconfigResult.SUCCESS_PERFORMED;
    this.#respond(seq, this.#lastResult);
    return { resetOutgoing: streams };
  }

  /** Requests we do not support (SSN/TSN reset, add streams) are denied (§5.2.4–§5.2.6). */
  onUnsupportedRequest(seq: number): void {
    if (seq === (this.#peerSeq + 1) >>> 0) {
      this.#peerSeq = seq;
      this.#lastResult = ReconfigResult.DENIED;
    }
    this.#respond(seq, ReconfigResult.DENIED);
  }

  /** Handles a response to our request (§5.2.7). */
  onResponse(p: ReconfigResponseParam): ResetActions {
    const f = this.#inFlight;
    if (!f || p.responseSeq !== f.param.requestSeq) return {};
    if (p.result === ReconfigResult.IN_PROGRESS) return {}; // retried when the timer fires
    this.#inFlight = undefined;
    this.#sendRequest = false;
    // Performed, nothing to do, or refused: either way the request is over.
    return { performedOutgoing: f.param.streams };
  }
}
