/**
 * Sending connectivity checks (RFC 8445 §6.1.4, §7.2.4): the pacing of one check per Ta, the
 * request and its retransmissions. Consent checks (RFC 7675) go out the same way.
 */
import type { Millis } from "@purertc/common";
import { transactionKey } from "@purertc/stun";
import { candidatePriority, TYPE_PREFERENCE } from "../candidate.js";
import type { CandidatePair } from "../candidate-pair.js";
import { encodeCheckRequest } from "../check-messages.js";
import type { CheckTransaction } from "../check-transactions.js";
import type { AgentContext } from "./context.js";

/**
 * Unfreezes pairs and keeps the pace going after any input: the next check is due one Ta after
 * the last (RFC 8445 §6.1.4.2). Full agents only, once the remote credentials are known.
 */
export function schedulePacing(ctx: AgentContext, now: Millis): void {
  if (ctx.lite || !ctx.gen.remoteKey) return;
  ctx.checklist.unfreezeInitial();
  if (ctx.checklist.hasWork() && !ctx.timers.isArmed("pace")) {
    const at = ctx.lastCheckAt === undefined ? now : ctx.lastCheckAt + ctx.config.taMs;
    if (at <= now) pace(ctx, now);
    else ctx.timers.set("pace", at);
  }
}

/** Ta: one check per tick (RFC 8445 §6.1.4.2). */
export function pace(ctx: AgentContext, now: Millis): void {
  if (ctx.lite || !ctx.gen.remoteKey) return;
  const pair = ctx.checklist.next();
  if (!pair) return;
  startCheck(ctx, now, pair, false, false);
  ctx.lastCheckAt = now;
  if (ctx.checklist.hasWork()) ctx.timers.set("pace", now + ctx.config.taMs);
}

/** Sends a check on `pair` with the credentials of the pair's generation (RFC 8445 §7.2.4). */
export function startCheck(
  ctx: AgentContext,
  now: Millis,
  pair: CandidatePair,
  useCandidate: boolean,
  consent: boolean,
  nomination = 0,
): void {
  const gen = ctx.genOf(pair);
  if (!gen?.remote || !gen.remoteKey) return;
  ctx.txs.removeWhere((tx) => tx.pair === pair && tx.consent === consent);
  const transactionId = ctx.rng.fill(new Uint8Array(12));
  const lp = Math.floor(pair.local.candidate.priority / 0x100) & 0xffff;
  // RFC 8445 §7.1.1: PRIORITY is what a peer-reflexive candidate from this base would get.
  const priority = candidatePriority("prflx", lp, 1, TYPE_PREFERENCE.prflx);
  const request = encodeCheckRequest({
    transactionId,
    username: `${gen.remote.ufrag}:${gen.local.ufrag}`,
    priority,
    role: ctx.role,
    tieBreaker: ctx.tieBreaker,
    useCandidate,
    nomination,
    key: gen.remoteKey,
  });
  const key = transactionKey(transactionId);
  // RFC 8445 §14.3: RTO = MAX(500 ms, Ta × (Waiting + In-Progress pairs)).
  const rto = consent
    ? ctx.config.checkRtoMs
    : Math.max(ctx.config.checkRtoMs, ctx.config.taMs * ctx.checklist.activeCount());
  const tx: CheckTransaction = {
    key,
    pair,
    request,
    remoteKey: gen.remoteKey,
    role: ctx.role,
    priority,
    useCandidate,
    nomination,
    consent,
    startedAt: now,
    rto: Math.min(rto, ctx.config.checkMaxRtoMs),
    sent: 0,
  };
  ctx.txs.add(tx);
  if (!consent && pair.state !== "succeeded") pair.state = "in-progress";
  if (pair.local.relay) ctx.permit(now, pair);
  transmitCheck(ctx, now, tx);
}

/** Sends (or re-sends) a check's request and arms its retransmission. */
export function transmitCheck(ctx: AgentContext, now: Millis, tx: CheckTransaction): void {
  tx.pair.requestsSent++;
  if (tx.consent) tx.pair.consentRequestsSent++;
  ctx.sendFrom(now, tx.pair.local, tx.pair.remoteAddress, tx.request);
  ctx.txs.transmitted(now, tx);
}
