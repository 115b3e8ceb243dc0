/**
 * Where received data-path chunks enter the TCB (RFC 9260 §6; RFC 3758; RFC 8260): DATA and
 * I-DATA, SACK, FORWARD TSN and I-FORWARD-TSN, what follows a packet that carried DATA, and
 * the data-path timers (T3-rtx, delayed SACK).
 */
import type { Millis } from "@purertc/common";
import { decodeData } from "../chunks/data.js";
import { decodeForwardTsn } from "../chunks/forward-tsn.js";
import { decodeIData } from "../chunks/i-data.js";
import { decodeIForwardTsn } from "../chunks/i-forward-tsn.js";
import { decodeSack } from "../chunks/sack.js";
import { invalidStreamCause } from "../error-causes.js";
import type { AssociationContext } from "./context.js";
import { onPathMtuLoss } from "./path-mtu.js";
import { sendShutdown } from "./shutdown-sequence.js";

/**
 * A DATA (or, when negotiated, I-DATA) chunk. Returns false when the chunk kind or the state
 * does not allow data: the rest of the packet is then dropped.
 */
export function onDataChunk(ctx: AssociationContext, chunk: Uint8Array, iData: boolean): boolean {
  const tcb = ctx.tcb;
  if (!tcb || !ctx.acceptsData || tcb.caps.iData !== iData) {
    ctx.log.debug("protocol violation", {
      detail: iData ? "unexpected I-DATA" : "unexpected DATA",
    });
    return false;
  }
  if (iData) {
    const d = decodeIData(chunk);
    tcb.rx.onData(d.tsn, d.streamId, d.mid, d.fsn, d.ppid, chunk[1]!, d.payload);
  } else {
    const d = decodeData(chunk);
    tcb.rx.onData(d.tsn, d.streamId, d.ssn, 0, d.ppid, chunk[1]!, d.payload);
  }
  return true;
}

/** After a packet that carried DATA: SACK now or later, report invalid streams (§6.5). */
export function afterDataPacket(ctx: AssociationContext, now: Millis, immediate: boolean): void {
  const tcb = ctx.tcb;
  if (!tcb || ctx.ended) return;
  const shutdownSent = ctx.state === "shutdown-sent";
  tcb.rx.afterDataPacket(now, immediate || shutdownSent);
  if (tcb.rx.invalidStreams.length > 0) {
    ctx.sendError(tcb.rx.invalidStreams.map(invalidStreamCause));
    tcb.rx.invalidStreams = [];
  }
  // §9.2: in SHUTDOWN-SENT, answer DATA with SHUTDOWN and restart T2.
  if (shutdownSent) sendShutdown(ctx, now);
}

/** A SACK (§6.2.1): new acknowledgements also reset the error count (§8.1). */
export function onSackChunk(ctx: AssociationContext, now: Millis, chunk: Uint8Array): void {
  const tcb = ctx.tcb;
  if (!tcb) return;
  const s = decodeSack(chunk);
  if (tcb.onSack(now, s.cumulativeTsnAck, s.aRwnd, s.gapBlocks)) ctx.errorCount = 0;
}

/** A FORWARD TSN (RFC 3758 §3.6), ignored unless PR-SCTP without I-DATA was negotiated. */
export function onForwardTsnChunk(ctx: AssociationContext, chunk: Uint8Array): void {
  const tcb = ctx.tcb;
  if (!tcb?.caps.forwardTsn || tcb.caps.iData) return;
  const f = decodeForwardTsn(chunk);
  tcb.rx.onForwardTsn(
    f.newCumulativeTsn,
    f.streams.map((s) => ({ streamId: s.streamId, unordered: false, seq: s.ssn })),
  );
}

/** An I-FORWARD-TSN (RFC 8260 §2.3.1), ignored unless I-DATA was negotiated. */
export function onIForwardTsnChunk(ctx: AssociationContext, chunk: Uint8Array): void {
  const tcb = ctx.tcb;
  if (!tcb?.caps.iData) return;
  const f = decodeIForwardTsn(chunk);
  tcb.rx.onForwardTsn(
    f.newCumulativeTsn,
    f.streams.map((s) => ({ streamId: s.streamId, unordered: s.unordered, seq: s.mid })),
  );
}

/** T3-rtx expired (§6.3.3): one more error toward failure, then retransmit. */
export function onT3(ctx: AssociationContext, now: Millis): void {
  const tcb = ctx.tcb;
  if (!tcb || ctx.countError()) return;
  tcb.onT3(now);
  onPathMtuLoss(ctx, now);
}

/** The delayed SACK timer expired (§6.2): acknowledge what is pending. */
export function onDelayedAck(ctx: AssociationContext): void {
  const t = ctx.tcb?.rx.tracker;
  if (t) t.sackNow = t.sackPending;
}
