/**
 * Responses to our checks (RFC 8445 §7.2.5): authentication, the symmetric-address rule, role
 * conflicts (487), and what a success makes: a valid pair, maybe a local peer-reflexive
 * candidate, nomination and selection.
 */
import { type Millis, normalizeIp, type SocketAddress, sameSocketAddress } from "@purertc/common";
import {
  type DecodedStunMessage,
  ErrorCode,
  getAttribute,
  transactionKey,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "@purertc/stun";
import { candidateFoundation } from "../candidate.js";
import type { CandidatePair, LocalCandidate } from "../candidate-pair.js";
import { ROLE_CONFLICT } from "../check-messages.js";
import type { CheckTransaction } from "../check-transactions.js";
import { addLocal } from "./candidates.js";
import type { AgentContext } from "./context.js";
import { maybeNominate, nominate, pairFailed, selectNominated } from "./nomination.js";

/** RFC 8445 §7.2.5: processing the response to a check. */
export function onResponse(
  ctx: AgentContext,
  now: Millis,
  msg: DecodedStunMessage,
  from: SocketAddress,
  local: LocalCandidate,
): void {
  const key = transactionKey(msg.transactionId);
  const tx = ctx.txs.get(key);
  if (!tx) {
    ctx.dropped++;
    return;
  }
  // RFC 8445 §7.2.5.2.1 needs an authenticated response before anything else.
  if (!verifyMessageIntegrity(msg, tx.remoteKey)) {
    ctx.unauthenticated++;
    return;
  }
  ctx.txs.remove(key);
  const pair = tx.pair;
  pair.responsesReceived++;
  pair.lastResponseReceivedTimestamp = now;
  // RFC 8445 §7.2.5.2.1: non-symmetric transport addresses make the check fail.
  if (
    !sameSocketAddress(from, pair.remoteAddress) ||
    !sameSocketAddress(local.base, pair.local.base) ||
    local.relay !== pair.local.relay
  ) {
    if (!tx.consent) pairFailed(ctx, now, pair);
    return;
  }
  if (msg.class === "error") {
    const err = getAttribute(msg, ErrorCode);
    if (err?.code === ROLE_CONFLICT && !tx.consent) {
      // RFC 8445 §7.2.5.1: switch role if we still have the role the request carried.
      if (tx.role === ctx.role)
        ctx.setRole(tx.role === "controlling" ? "controlled" : "controlling");
      pair.state = "waiting";
      ctx.checklist.trigger(pair);
      return;
    }
    if (!tx.consent) pairFailed(ctx, now, pair);
    return;
  }
  const mapped = getAttribute(msg, XorMappedAddress);
  if (!mapped) {
    if (!tx.consent) pairFailed(ctx, now, pair);
    return;
  }
  const rtt = now - tx.startedAt;
  if (tx.sent === 1) pair.addRtt(rtt);
  if (tx.consent || pair === ctx.selected) {
    if (pair === ctx.selected) ctx.lastConsentAt = now;
    if (tx.consent) return;
  }
  checkSucceeded(ctx, now, tx, pair, mapped);
}

/** RFC 8445 §7.2.5.3: a successful check makes a valid pair. */
function checkSucceeded(
  ctx: AgentContext,
  now: Millis,
  tx: CheckTransaction,
  pair: CandidatePair,
  mapped: SocketAddress,
): void {
  const m = { address: normalizeIp(mapped.address), port: mapped.port };
  const base = pair.local.base;
  // The local candidate whose transport address is the mapped address, on the same base.
  let validLocal = ctx.locals.find(
    (l) =>
      l.relay === pair.local.relay &&
      sameSocketAddress(l.base, base) &&
      (sameSocketAddress(l.base, m) ||
        (l.candidate.address === m.address && l.candidate.port === m.port)),
  );
  if (!validLocal) {
    // RFC 8445 §7.2.5.3.1: a local peer-reflexive candidate, with the PRIORITY we sent.
    validLocal = addLocal(
      ctx,
      now,
      {
        foundation: candidateFoundation("prflx", pair.local.base.address),
        component: 1,
        transport: "udp",
        priority: tx.priority,
        address: m.address,
        port: mapped.port,
        type: "prflx",
        relatedAddress: pair.local.base.address,
        relatedPort: pair.local.base.port,
      },
      pair.local.base,
      pair.local.relay,
      false,
    );
  }
  let valid = pair;
  if (validLocal !== pair.local) {
    valid =
      ctx.checklist.find(validLocal.id, pair.remote.id) ?? ctx.newPair(validLocal, pair.remote);
    valid.state = "succeeded";
  }
  pair.state = "succeeded";
  pair.validPair = valid;
  if (!valid.valid) {
    valid.valid = true;
    valid.validAt = now;
  }
  ctx.checklist.unfreezeFoundation(pair.foundation);
  if (tx.useCandidate || pair.pendingNomination > 0) {
    nominate(valid, Math.max(tx.nomination, pair.pendingNomination));
    pair.pendingNomination = 0;
    if (ctx.nominating === pair) ctx.nominating = undefined;
    selectNominated(ctx, now);
  } else maybeNominate(ctx, now);
}
