import type { Fifo, Millis, TimerTable } from "@purertc/common";
import type { ReConfigChunk } from "../chunks/re-config.js";
import type { SctpEvent } from "../events.js";
import type { AssociationContext } from "./context.js";
import type { SendQueue } from "./send-queue.js";
import type { Tcb, TimerName } from "./tcb.js";

/**
 * Routes the parameters of a received RE-CONFIG chunk (RFC 6525 §5.2) to the stream reset
 * state and applies the outcome to the send queue and reassembly.
 */
export class ReConfigHandler {
  readonly #tcb: Tcb;
  readonly #sendQueue: SendQueue;
  readonly #events: Fifo<SctpEvent>;
  readonly #timers: TimerTable<TimerName>;
  /** Whether a stream has no message waiting for a TSN (a reset may start). */
  readonly #drained: (id: number) => boolean;

  constructor(
    tcb: Tcb,
    sendQueue: SendQueue,
    events: Fifo<SctpEvent>,
    timers: TimerTable<TimerName>,
  ) {
    this.#tcb = tcb;
    this.#sendQueue = sendQueue;
    this.#events = events;
    this.#timers = timers;
    this.#drained = (id) => sendQueue.peekStream(id)?.drained ?? true;
  }

  /** Sends requested outgoing resets whose streams have sent everything (RFC 6525 §5.1.2). */
  startReady(now: Millis): void {
    const tcb = this.#tcb;
    tcb.reset.maybeStart(this.#drained, (tcb.rq.nextTsn - 1) >>> 0, now);
  }

  onChunk(chunk: ReConfigChunk): void {
    const tcb = this.#tcb;
    const reset = tcb.reset;
    for (const p of chunk.params) {
      switch (p.kind) {
        case "outgoing-ssn-reset-request": {
          const a = reset.onOutgoingRequest(p, tcb.rx.tracker.cumTsn, () =>
            tcb.rx.reassembly.streamIds(),
          );
          if (a.performIncoming) tcb.rx.performIncomingReset(a.performIncoming);
          break;
        }
        case "incoming-ssn-reset-request": {
          const a = reset.onIncomingRequest(p.requestSeq, p.streams);
          if (a.resetOutgoing) reset.request(a.resetOutgoing);
          break;
        }
        case "ssn-tsn-reset-request":
        case "add-outgoing-streams-request":
        case "add-incoming-streams-request":
          reset.onUnsupportedRequest(p.requestSeq);
          break;
        case "re-config-response": {
          const a = reset.onResponse(p);
          if (a.performedOutgoing) {
            for (const s of a.performedOutgoing) {
              this.#sendQueue.resetSequence(s);
              this.#sendQueue.delete(s);
            }
            this.#events.push({ type: "outgoing-streams-reset", streams: a.performedOutgoing });
          }
          if (!reset.hasInFlight) this.#timers.clear("reconfig");
          break;
        }
        default:
          break;
      }
    }
  }
}

/** The RE-CONFIG timer expired (RFC 6525 §5.1.1): count an error and retransmit the request. */
export function onReconfigTimer(ctx: AssociationContext, now: Millis): void {
  const tcb = ctx.tcb;
  if (!tcb || ctx.countError()) return;
  if (tcb.reset.retransmit()) ctx.timers.set("reconfig", now + ctx.rto.value);
}
