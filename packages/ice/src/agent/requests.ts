/**
 * Answering connectivity checks (RFC 8445 §7.3): authentication by generation, role conflicts
 * (§7.3.1.1), peer-reflexive remote candidates (§7.3.1.3), triggered checks (§7.3.1.4) and the
 * nomination a check carries (§7.3.1.5); as a lite agent, selection (§7.3.2).
 */
import { type Millis, type SocketAddress, sameSocketAddress } from "@purertc/common";
import { type DecodedStunMessage, verifyMessageIntegrity } from "@purertc/stun";
import type { LocalCandidate } from "../candidate-pair.js";
import {
  encodeCheckError,
  encodeCheckSuccess,
  type ReceivedCheck,
  ROLE_CONFLICT,
  readCheck,
} from "../check-messages.js";
import { pair as formPair } from "./candidates.js";
import type { AgentContext } from "./context.js";
import { nominate, selectNominated } from "./nomination.js";
import { MAX_REMOTE_CANDIDATES } from "./trickle-buffer.js";

/** RFC 8445 §7.3: answering a connectivity check. */
export function onRequest(
  ctx: AgentContext,
  now: Millis,
  msg: DecodedStunMessage,
  from: SocketAddress,
  local: LocalCandidate,
): void {
  const check = readCheck(msg);
  const tid = msg.transactionId;
  const colon = check.username?.indexOf(":") ?? -1;
  if (check.username === undefined || colon < 1 || check.priority === undefined) {
    // RFC 8445 §7.3: a request without USERNAME/PRIORITY/MESSAGE-INTEGRITY gets a 400.
    ctx.unauthenticated++;
    ctx.sendFrom(now, local, from, encodeCheckError(tid, 400, "Bad Request"));
    return;
  }
  const ourUfrag = check.username.slice(0, colon);
  const theirUfrag = check.username.slice(colon + 1);
  const gen = [ctx.gen, ...ctx.oldGens].find(
    (g) =>
      g.local.ufrag === ourUfrag &&
      (g.remote === undefined || g.remote.ufrag === theirUfrag || g === ctx.gen),
  );
  if (!gen || !verifyMessageIntegrity(msg, gen.localKey)) {
    ctx.unauthenticated++;
    ctx.sendFrom(now, local, from, encodeCheckError(tid, 401, "Unauthenticated"));
    return;
  }
  if (ctx.config.transportPolicy === "relay" && !local.relay) {
    ctx.dropped++;
    return;
  }
  if (!ctx.lite && gen === ctx.gen && !resolveRoleConflict(ctx, check)) {
    ctx.sendFrom(
      now,
      local,
      from,
      encodeCheckError(tid, ROLE_CONFLICT, "Role Conflict", gen.localKey),
    );
    return;
  }
  ctx.sendFrom(now, local, from, encodeCheckSuccess(tid, from, gen.localKey));
  // draft-thatcher-ice-renomination §4: NOMINATION carries the value; USE-CANDIDATE alone is 1.
  const nomination =
    ctx.role === "controlled" ? (check.nomination ?? (check.useCandidate ? 1 : 0)) : 0;
  if (gen !== ctx.gen) {
    // A consent check of the previous generation on the pair still carrying data.
    const old = ctx.selected;
    if (old && sameSocketAddress(old.remoteAddress, from) && old.local === local) {
      old.requestsReceived++;
      old.responsesSent++;
      if (ctx.lite) ctx.lastConsentAt = now;
    }
    return;
  }
  if (gen.remote === undefined || gen.remote.ufrag !== theirUfrag) {
    ctx.trickle.holdCheck({
      remoteUfrag: theirUfrag,
      local,
      from,
      priority: check.priority,
      nomination,
    });
    return;
  }
  onRequestPair(ctx, now, local, from, check.priority, nomination);
}

/**
 * RFC 8445 §7.3.1.1: when both sides claim the same role, the larger tie-breaker keeps it.
 * Returns `false` when we keep ours and the check must be answered with a 487.
 */
function resolveRoleConflict(ctx: AgentContext, check: ReceivedCheck): boolean {
  if (ctx.role === "controlling" && check.controlling !== undefined) {
    ctx.roleConflicts++;
    if (ctx.tieBreaker >= check.controlling) return false;
    ctx.setRole("controlled");
  } else if (ctx.role === "controlled" && check.controlled !== undefined) {
    ctx.roleConflicts++;
    if (ctx.tieBreaker >= check.controlled) ctx.setRole("controlling");
    else return false;
  }
  return true;
}

/** RFC 8445 §7.3.1.3-§7.3.1.5: the remote candidate, the triggered check and nomination. */
export function onRequestPair(
  ctx: AgentContext,
  now: Millis,
  local: LocalCandidate,
  from: SocketAddress,
  priority: number,
  nomination: number,
): void {
  let remote = ctx.remotes.find((r) => r.resolved && sameSocketAddress(r.resolved, from));
  if (!remote) {
    if (ctx.remotes.length >= MAX_REMOTE_CANDIDATES) return;
    // RFC 8445 §7.3.1.3: a peer-reflexive remote candidate, priority from PRIORITY.
    remote = {
      id: `R${ctx.nextId++}`,
      candidate: {
        foundation: `p${ctx.nextId}`,
        component: 1,
        transport: "udp",
        priority,
        address: from.address,
        port: from.port,
        type: "prflx",
      },
      resolved: { address: from.address, port: from.port },
    };
    ctx.remotes.push(remote);
  }
  if (ctx.lite) {
    // RFC 8445 §7.3.2 (lite): the pair of a nominated check is selected; no checks are sent.
    let pair = ctx.checklist.find(local.id, remote.id);
    if (!pair) {
      pair = ctx.newPair(local, remote);
      ctx.checklist.add(pair);
    }
    pair.requestsReceived++;
    pair.responsesSent++;
    pair.lastRequestReceivedTimestamp = now;
    pair.state = "succeeded";
    pair.valid = true;
    if (pair === ctx.selected) ctx.lastConsentAt = now;
    if (nomination > 0) {
      nominate(pair, nomination);
      selectNominated(ctx, now);
    }
    return;
  }
  const pair = formPair(ctx, now, local, remote);
  if (!pair) return;
  pair.requestsReceived++;
  pair.responsesSent++;
  pair.lastRequestReceivedTimestamp = now;
  // RFC 8445 §7.3.1.4: triggered checks.
  if (pair.state === "succeeded") {
    if (nomination > 0) {
      nominate(pair.validPair ?? pair, nomination);
      selectNominated(ctx, now);
    }
    return;
  }
  if (nomination > pair.pendingNomination) pair.pendingNomination = nomination;
  if (pair.state === "in-progress") return;
  pair.state = "waiting";
  ctx.checklist.trigger(pair);
}
