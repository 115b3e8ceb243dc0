/**
 * Path heartbeat (RFC 9260 §8.3): HEARTBEAT on an idle path every HB.interval, RTT samples from
 * HEARTBEAT ACK, unanswered heartbeats counted toward association failure, and answering the
 * peer's HEARTBEAT.
 */
import type { Millis } from "@purertc/common";
import type { AssociationContext } from "./context.js";
import { onPathMtuProbeAck } from "./path-mtu.js";

/** HEARTBEAT info we send: the send time and a nonce, so an ACK proves a round trip. */
function heartbeatInfo(now: Millis, nonce: number): Uint8Array {
  const info = new Uint8Array(12);
  const v = new DataView(info.buffer);
  v.setFloat64(0, now);
  v.setUint32(8, nonce);
  return info;
}

/** The send time in a HEARTBEAT ACK's info if its nonce is `nonce`. */
function heartbeatSentAt(info: Uint8Array, nonce: number): Millis | undefined {
  if (info.byteLength !== 12) return undefined;
  const v = new DataView(info.buffer, info.byteOffset, 12);
  return v.getUint32(8) === nonce ? v.getFloat64(0) : undefined;
}

/**
 * Heartbeats fall on multiples of this many ms of the caller's clock, inside their jittered
 * range: the idle associations of one process then send (and answer) their heartbeats in the
 * same event-loop turns instead of waking the process once each.
 */
const HEARTBEAT_GRID_MS = 100;

/**
 * Arms the heartbeat timer (RFC 9260 §8.3): HB.interval plus the current RTO, jittered by ±50%
 * of the RTO, then moved onto the heartbeat grid within that range (the range is one RTO wide,
 * at least RTO.Min, so it always holds a grid point).
 */
export function armHeartbeat(ctx: AssociationContext, now: Millis): void {
  const i = ctx.config.heartbeatIntervalMs;
  if (i === 0) return;
  const rto = ctx.rto.value;
  const at = now + i + rto + (ctx.config.rng.next() - 0.5) * rto;
  const up = Math.ceil(at / HEARTBEAT_GRID_MS) * HEARTBEAT_GRID_MS;
  const down = up - HEARTBEAT_GRID_MS;
  const lo = now + i + rto / 2;
  const hi = now + i + rto * 1.5;
  ctx.timers.set("heartbeat", up <= hi ? up : down >= lo ? down : at);
}

/** The heartbeat timer expired. */
export function onHeartbeatTimer(ctx: AssociationContext, now: Millis): void {
  const tcb = ctx.tcb;
  if (!tcb || ctx.config.heartbeatIntervalMs === 0) return;
  if (ctx.heartbeatOutstanding) {
    // An unanswered HEARTBEAT counts as an error and backs off the RTO.
    if (ctx.countError()) return;
    ctx.rto.backoff();
  } else if (tcb.rq.hasOutstanding) {
    // Data in flight: T3-rtx watches the path; stay idle.
    ctx.timers.set("heartbeat", now + ctx.config.heartbeatIntervalMs);
    return;
  }
  ctx.heartbeatNonce = ctx.config.rng.nextU32();
  ctx.out.chunk({ kind: "heartbeat", info: heartbeatInfo(now, ctx.heartbeatNonce) });
  ctx.heartbeatOutstanding = true;
  ctx.timers.set("heartbeat", now + ctx.rto.value);
}

/** The peer's HEARTBEAT: echo its info unchanged in a HEARTBEAT ACK. */
export function onHeartbeat(ctx: AssociationContext, info: Uint8Array): void {
  ctx.out.chunk({ kind: "heartbeat-ack", info: info.slice() });
}

/** A HEARTBEAT ACK: the path is alive; take an RTT sample and re-arm. */
export function onHeartbeatAck(ctx: AssociationContext, now: Millis, info: Uint8Array): void {
  if (onPathMtuProbeAck(ctx, now, info)) return;
  const sentAt = heartbeatSentAt(info, ctx.heartbeatNonce);
  if (sentAt === undefined || !ctx.heartbeatOutstanding) return;
  ctx.heartbeatOutstanding = false;
  ctx.errorCount = 0;
  ctx.rto.observe(now - sentAt);
  armHeartbeat(ctx, now);
}
