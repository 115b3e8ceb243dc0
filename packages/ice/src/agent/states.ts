/** The W3C `RTCIceTransportState` and `RTCIceGathererState` of the agent, from its facts. */
import type { Millis } from "@purertc/common";
import type { IceConnectionState } from "../agent-events.js";
import type { AgentContext } from "./context.js";
import { validPairs } from "./nomination.js";

/** `complete` once every STUN server and relay has answered, failed or timed out. */
export function updateGatheringState(ctx: AgentContext): void {
  if (ctx.gatheringState === "gathering" && ctx.gatherer.idle && ctx.relays.every((r) => r.done))
    ctx.setGathering("complete");
}

export function updateConnectionState(ctx: AgentContext, now: Millis): void {
  ctx.setState(connectionState(ctx, now));
}

function connectionState(ctx: AgentContext, now: Millis): IceConnectionState {
  if (ctx.consentLost) return "failed";
  const sel = ctx.selected;
  if (sel) {
    const disconnectAt = ctx.lastConsentAt + ctx.config.disconnectedTimeoutMs;
    if (now >= disconnectAt) {
      ctx.timers.set("liveness", ctx.lastConsentAt + ctx.config.consentTimeoutMs);
      return "disconnected";
    }
    ctx.timers.set("liveness", disconnectAt);
    const done =
      ctx.isCurrent(sel) &&
      ctx.gatheringState === "complete" &&
      (ctx.lite || (ctx.remoteEndOfCandidates && !ctx.checklist.isRunning()));
    return done ? "completed" : "connected";
  }
  if (ctx.failed) return "failed";
  if (
    !ctx.lite &&
    ctx.gen.remote &&
    ctx.remoteEndOfCandidates &&
    ctx.gatheringState === "complete" &&
    !ctx.checklist.isRunning() &&
    validPairs(ctx).length === 0 &&
    !ctx.nominating &&
    ctx.remotes.every((r) => r.resolved || ctx.mdns?.isPending(r.candidate.address) !== true)
  ) {
    ctx.failed = true;
    return "failed";
  }
  const checking = ctx.gen.remote && (ctx.remotes.length > 0 || ctx.checklist.size > 0);
  if (!checking) return "new";
  if (ctx.checkingSince === undefined) {
    ctx.checkingSince = now;
    ctx.timers.set("checking", now + ctx.config.checkingTimeoutMs);
  }
  return "checking";
}

/**
 * The checking timeout expired: without a selected pair or any pair that succeeded, the agent
 * fails without waiting for the peer's end-of-candidates. A pair that succeeds later still
 * connects it, as in browsers.
 */
export function checkingTimedOut(ctx: AgentContext): void {
  if (ctx.selected || validPairs(ctx).length > 0) return;
  ctx.failed = true;
  ctx.log.info("no candidate pair succeeded in time", {
    timeoutMs: ctx.config.checkingTimeoutMs,
  });
}
