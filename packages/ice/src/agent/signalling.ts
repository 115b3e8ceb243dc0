/**
 * What signalling tells the agent: the remote credentials (a new ufrag is a new generation,
 * RFC 8445 §9), remote candidates routed to their generation (RFC 8838 §4.2), and our own
 * restart (new local credentials, candidates announced again).
 */
import type { Millis } from "@purertc/common";
import { StunIntegrityKey } from "@purertc/stun";
import type { IceCandidate } from "../candidate.js";
import { generateCredentials, type IceCredentials, validateCredentials } from "../credentials.js";
import { addRemote } from "./candidates.js";
import type { AgentContext } from "./context.js";
import { newGeneration, startGeneration } from "./generation.js";
import { onRequestPair } from "./requests.js";

/**
 * Sets the remote credentials; candidates and checks that waited for them are taken in.
 * Returns `false` when they are the ones already set.
 */
export function setRemoteCredentials(
  ctx: AgentContext,
  now: Millis,
  credentials: IceCredentials,
  remoteLite: boolean,
  remoteRenomination: boolean,
): boolean {
  validateCredentials(credentials, "remote credentials");
  const gen = ctx.gen;
  if (gen.remote && gen.remote.ufrag === credentials.ufrag && gen.remote.pwd === credentials.pwd) {
    gen.remoteRenomination = remoteRenomination;
    return false;
  }
  if (gen.remote) {
    // The peer restarted without us restarting: a new generation with our credentials.
    startGeneration(ctx, newGeneration(ctx.config, gen.local));
  }
  ctx.gen.remote = credentials;
  ctx.gen.remoteRenomination = remoteRenomination;
  ctx.gen.remoteKey = StunIntegrityKey.shortTerm(credentials.pwd, ctx.config.crypto);
  if (remoteLite && !ctx.lite && ctx.role === "controlled") {
    // RFC 8445 §6.1.1: facing a lite peer, the full agent is controlling.
    ctx.setRole("controlling");
  }
  const { candidates, checks } = ctx.trickle.release(credentials.ufrag);
  for (const c of candidates) addRemote(ctx, now, c);
  for (const e of checks) onRequestPair(ctx, now, e.local, e.from, e.priority, e.nomination);
  return true;
}

/**
 * A remote candidate goes to its generation: the current one, one whose credentials have not
 * arrived yet (kept, RFC 8838 §4.2), or an old one (dropped). Returns whether it was added now.
 */
export function routeRemoteCandidate(
  ctx: AgentContext,
  now: Millis,
  candidate: IceCandidate,
): boolean {
  const remote = ctx.gen.remote;
  if (remote === undefined) {
    if (!ctx.trickle.holdCandidate(candidate)) ctx.ignoredCandidates++;
    return false;
  }
  const ufrag = candidate.usernameFragment;
  if (ufrag !== undefined && ufrag !== remote.ufrag) {
    const old = ctx.oldGens.some((g) => g.remote?.ufrag === ufrag);
    if (old || !ctx.trickle.holdCandidate(candidate)) ctx.ignoredCandidates++;
    return false;
  }
  addRemote(ctx, now, candidate);
  return true;
}

/** ICE restart (RFC 8445 §9): a new generation with new local credentials, announced again. */
export function restart(
  ctx: AgentContext,
  credentials: IceCredentials | undefined,
): IceCredentials {
  const creds = credentials ?? generateCredentials(ctx.rng);
  validateCredentials(creds, "local credentials");
  startGeneration(ctx, newGeneration(ctx.config, creds));
  ctx.setGathering("gathering");
  for (const l of ctx.locals)
    if (l.announced) ctx.events.push({ type: "candidate", candidate: ctx.withUfrag(l.candidate) });
  return creds;
}
