/**
 * Graceful close (RFC 9260 §9.2): SHUTDOWN once our data is acknowledged, SHUTDOWN ACK once
 * the peer's is, SHUTDOWN COMPLETE, simultaneous shutdown, and T2-shutdown.
 */
import type { Millis } from "@purertc/common";
import type { AssociationContext } from "./context.js";

/** The user asked to close (§9.2): wait for outstanding data, or end a half-open association. */
export function startShutdown(ctx: AssociationContext): void {
  if (ctx.ended) return;
  if (ctx.state === "established") {
    ctx.state = "shutdown-pending";
    checkShutdown(ctx);
  } else if (
    ctx.state === "closed" ||
    ctx.state === "cookie-wait" ||
    ctx.state === "cookie-echoed"
  ) {
    ctx.end("shutdown");
  }
}

/** Moves SHUTDOWN-PENDING / SHUTDOWN-RECEIVED on once everything we sent is acknowledged. */
export function checkShutdown(ctx: AssociationContext): void {
  const tcb = ctx.tcb;
  if (!tcb || ctx.ended) return;
  if (ctx.state === "shutdown-pending" && tcb.idle) {
    ctx.state = "shutdown-sent";
    sendShutdown(ctx, ctx.now);
  } else if (ctx.state === "shutdown-received" && tcb.idle) {
    ctx.state = "shutdown-ack-sent";
    ctx.out.chunk({ kind: "shutdown-ack" });
    ctx.timers.set("t2-shutdown", ctx.now + ctx.rto.value);
  }
}

/** SHUTDOWN with our cumulative TSN ack; (re)starts T2-shutdown. */
export function sendShutdown(ctx: AssociationContext, now: Millis): void {
  const tcb = ctx.tcb;
  if (!tcb) return;
  ctx.out.chunk({ kind: "shutdown", cumulativeTsnAck: tcb.rx.tracker.cumTsn });
  ctx.timers.set("t2-shutdown", now + ctx.rto.value);
}

/** T2-shutdown expired: count an error and send SHUTDOWN or SHUTDOWN ACK again. */
export function onT2(ctx: AssociationContext): void {
  if (ctx.countError()) return;
  ctx.rto.backoff();
  ctx.state = ctx.state === "shutdown-sent" ? "shutdown-pending" : "shutdown-received";
  checkShutdown(ctx);
}

/** A SHUTDOWN: it acknowledges data cumulatively; answer with SHUTDOWN ACK when idle. */
export function onShutdown(ctx: AssociationContext, now: Millis, cum: number): void {
  const tcb = ctx.tcb;
  if (!tcb) return;
  tcb.onSack(now, cum, tcb.peerRwnd + tcb.rq.flight, []);
  if (ctx.state === "established" || ctx.state === "shutdown-pending") {
    ctx.state = "shutdown-received";
  } else if (ctx.state === "shutdown-sent") {
    // Both sides shut down at once: answer with SHUTDOWN ACK.
    ctx.state = "shutdown-ack-sent";
    ctx.out.chunk({ kind: "shutdown-ack" });
    ctx.timers.set("t2-shutdown", now + ctx.rto.value);
  }
  checkShutdown(ctx);
}

/** A SHUTDOWN ACK: answer with SHUTDOWN COMPLETE and end. Returns true when it ended. */
export function onShutdownAck(ctx: AssociationContext): boolean {
  if (ctx.state !== "shutdown-sent" && ctx.state !== "shutdown-ack-sent") return false;
  ctx.out.packet(ctx.peerTag, { kind: "shutdown-complete", reflectedTag: false });
  ctx.end("shutdown");
  return true;
}

/** A SHUTDOWN COMPLETE ends the association in SHUTDOWN-ACK-SENT. Returns true when it ended. */
export function onShutdownComplete(ctx: AssociationContext): boolean {
  if (ctx.state !== "shutdown-ack-sent") return false;
  ctx.end("shutdown");
  return true;
}
