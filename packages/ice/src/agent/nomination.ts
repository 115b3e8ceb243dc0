/**
 * Nomination and selection (RFC 8445 §8): regular nomination by the controlling agent, the
 * nominated pair with the highest priority becomes the selected pair, and what selection stops.
 */
import type { Millis } from "@purertc/common";
import type { IceCandidateType } from "../candidate.js";
import type { CandidatePair } from "../candidate-pair.js";
import { startCheck } from "./checks.js";
import { consentInterval } from "./consent.js";
import type { AgentContext } from "./context.js";

/** RFC 8445 §8.1.1: regular nomination by the controlling agent. */
export function maybeNominate(ctx: AgentContext, now: Millis): void {
  if (ctx.role !== "controlling" || ctx.lite || ctx.nominating) return;
  if (ctx.selected && ctx.isCurrent(ctx.selected)) return;
  let best: CandidatePair | undefined;
  for (const p of validPairs(ctx)) if (!best || p.priority > best.priority) best = p;
  if (!best) return;
  const higherPending = ctx.checklist.pairs.some(
    (p) =>
      p.priority > best.priority &&
      (p.state === "waiting" || p.state === "in-progress" || p.state === "frozen"),
  );
  const worse = (t: IceCandidateType) => ctx.config.nominationDelayMs[t];
  const delay = Math.max(worse(best.local.candidate.type), worse(best.remote.candidate.type));
  const at = (best.validAt ?? now) + delay;
  if (higherPending && now < at) {
    ctx.timers.set("nominate", at);
    return;
  }
  ctx.timers.clear("nominate");
  ctx.nominating = best;
  startCheck(ctx, now, best, true, false);
}

/** The valid list (RFC 8445 §7.2.5.3.2): pairs whose checks succeeded. */
export function validPairs(ctx: AgentContext): CandidatePair[] {
  const out: CandidatePair[] = [];
  for (const p of ctx.checklist.pairs) {
    if (p.valid && p.state === "succeeded" && !out.includes(p)) out.push(p);
    const v = p.validPair;
    if (v?.valid && v.state === "succeeded" && !out.includes(v)) out.push(v);
  }
  return out;
}

/** A check failed: a pair being nominated gives way to the next best (RFC 8445 §7.2.5.2). */
export function pairFailed(ctx: AgentContext, now: Millis, pair: CandidatePair): void {
  pair.state = "failed";
  if (ctx.nominating === pair) {
    ctx.nominating = undefined;
    pair.valid = false;
    maybeNominate(ctx, now);
  }
}

/** Selects the highest-priority nominated valid pair (RFC 8445 §8.1.1, §8.2). */
export function selectNominated(ctx: AgentContext, now: Millis): void {
  let best: CandidatePair | undefined;
  for (const p of validPairs(ctx))
    if (p.nominated && (!best || p.priority > best.priority)) best = p;
  if (!best || best === ctx.selected) return;
  if (ctx.selected && ctx.isCurrent(ctx.selected) && ctx.selected.priority >= best.priority) return;
  ctx.selected = best;
  ctx.oldGens = [];
  ctx.lastConsentAt = now;
  ctx.lastSentOnSelected = now;
  ctx.timers.clear("checking");
  ctx.log.debug("selected pair", {
    local: best.local.candidate.type,
    remote: best.remote.candidate.type,
  });
  ctx.events.push({
    type: "selected-pair",
    local: best.local.candidate,
    remote: best.remote.candidate,
    from: best.local.base,
    to: best.remoteAddress,
    relayed: best.local.relay !== undefined,
  });
  // RFC 8445 §8.1.2: once nominated, stop checking lower-priority pairs.
  for (const p of [...ctx.checklist.pairs]) {
    if (p.state === "waiting" || p.state === "frozen") ctx.checklist.remove(p);
  }
  const stopped = ctx.txs.removeWhere(
    (tx) => !tx.consent && tx.pair.priority < best.priority && tx.pair !== best,
  );
  for (const tx of stopped) tx.pair.state = "failed";
  if (!ctx.lite) ctx.timers.set("consent", now + consentInterval(ctx));
  else ctx.timers.set("keepalive", now + ctx.config.keepaliveIntervalMs);
}
