/**
 * Nomination and selection (RFC 8445 §8): regular nomination by the controlling agent, the
 * nominated pair with the highest priority becomes the selected pair, and what selection stops.
 * With renomination (draft-thatcher-ice-renomination) the controlling agent may nominate a
 * better pair again with a higher NOMINATION value, and the nominated pair with the highest
 * value wins over priority.
 */
import type { Millis } from "@purertc/common";
import type { IceCandidateType } from "../candidate.js";
import type { CandidatePair } from "../candidate-pair.js";
import { startCheck } from "./checks.js";
import { nextConsentAt } from "./consent.js";
import type { AgentContext } from "./context.js";

/**
 * Renomination is in use: we enabled it and the peer signalled it (as the controlling agent,
 * both are needed, RFC 8445 §8.1.2 applies otherwise); as the controlled agent, our setting.
 */
export function renominating(ctx: AgentContext): boolean {
  if (!ctx.config.renomination) return false;
  return ctx.role === "controlled" || ctx.gen.remoteRenomination;
}

/**
 * RFC 8445 §8.1.1: regular nomination by the controlling agent, once per generation; with
 * renomination, again whenever a valid pair better than the selected one exists.
 */
export function maybeNominate(ctx: AgentContext, now: Millis): void {
  if (ctx.role !== "controlling" || ctx.lite || ctx.nominating) return;
  const renominate = renominating(ctx);
  const selected = ctx.selected && ctx.isCurrent(ctx.selected) ? ctx.selected : undefined;
  if (selected && !renominate) return;
  let best: CandidatePair | undefined;
  for (const p of validPairs(ctx)) if (!best || p.priority > best.priority) best = p;
  if (!best || (selected && best.priority <= selected.priority)) return;
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
  // draft-thatcher-ice-renomination §4: each nomination carries a larger value than the last.
  const nomination = renominate ? ++ctx.lastNomination : 0;
  startCheck(ctx, now, best, true, false, nomination);
}

/** Marks a pair nominated with a nomination value (kept if lower than one seen before). */
export function nominate(pair: CandidatePair, nomination: number): void {
  pair.nominated = true;
  if (nomination > pair.nomination) pair.nomination = nomination;
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

/** Which of two nominated pairs wins: the higher nomination value, then the higher priority. */
function better(a: CandidatePair, b: CandidatePair): boolean {
  if (a.nomination !== b.nomination) return a.nomination > b.nomination;
  return a.priority > b.priority;
}

/**
 * Selects the nominated valid pair with the highest nomination value, then the highest priority
 * (RFC 8445 §8.1.1, §8.2; draft-thatcher-ice-renomination §3: "the controlled agent ... MUST
 * select the candidate pair with the highest nomination value").
 */
export function selectNominated(ctx: AgentContext, now: Millis): void {
  let best: CandidatePair | undefined;
  for (const p of validPairs(ctx)) if (p.nominated && (!best || better(p, best))) best = p;
  if (!best || best === ctx.selected) return;
  if (ctx.selected && ctx.isCurrent(ctx.selected) && !better(best, ctx.selected)) return;
  ctx.selected = best;
  ctx.oldGens = [];
  ctx.lastConsentAt = now;
  ctx.lastSentOnSelected = now;
  ctx.timers.clear("checking");
  ctx.log.debug("selected pair", {
    local: best.local.candidate.type,
    remote: best.remote.candidate.type,
    nomination: best.nomination,
  });
  ctx.events.push({
    type: "selected-pair",
    local: best.local.candidate,
    remote: best.remote.candidate,
    from: best.local.base,
    to: best.remoteAddress,
    relayed: best.local.relay !== undefined,
  });
  // RFC 8445 §8.1.2: once nominated, stop checking lower-priority pairs (all waiting pairs
  // without renomination; with it, better pairs keep being checked for a later renomination).
  const keepBetter = renominating(ctx);
  for (const p of [...ctx.checklist.pairs]) {
    if (keepBetter && p.priority > best.priority) continue;
    if (p.state === "waiting" || p.state === "frozen") ctx.checklist.remove(p);
  }
  const stopped = ctx.txs.removeWhere(
    (tx) => !tx.consent && tx.pair.priority < best.priority && tx.pair !== best,
  );
  for (const tx of stopped) tx.pair.state = "failed";
  if (!ctx.lite) ctx.timers.set("consent", nextConsentAt(ctx, now));
  else ctx.timers.set("keepalive", now + ctx.config.keepaliveIntervalMs);
}
