/** Stats (W3C names) and a one-line summary of the agent. */
import { candidateStats, type IceAgentStats, pairStats } from "../stats.js";
import type { AgentContext } from "./context.js";

/** A stats snapshot: every candidate, every listed and valid pair, the counters. */
export function agentStats(ctx: AgentContext): IceAgentStats {
  const pairs = [...ctx.checklist.pairs];
  for (const p of ctx.checklist.pairs)
    if (p.validPair && !pairs.includes(p.validPair)) pairs.push(p.validPair);
  if (ctx.selected && !pairs.includes(ctx.selected)) pairs.push(ctx.selected);
  return {
    state: ctx.state,
    gatheringState: ctx.gatheringState,
    role: ctx.role,
    localCandidates: ctx.locals.map((l) =>
      candidateStats(l.id, l.candidate, "local-candidate", ctx.gen.local.ufrag),
    ),
    remoteCandidates: ctx.remotes.map((r) =>
      candidateStats(r.id, r.candidate, "remote-candidate", ctx.gen.remote?.ufrag),
    ),
    pairs: pairs.map((p) => pairStats(p, p === ctx.selected)),
    selectedPairId: ctx.selected?.id,
    dropped: ctx.dropped,
    malformed: ctx.malformed,
    unauthenticated: ctx.unauthenticated,
    roleConflicts: ctx.roleConflicts,
    ignoredCandidates: ctx.ignoredCandidates,
  };
}

/** A one-line summary for test traces. */
export function describeAgent(ctx: AgentContext): string {
  const counts: Record<string, number> = {};
  for (const p of ctx.checklist.pairs) counts[p.state] = (counts[p.state] ?? 0) + 1;
  const sel = ctx.selected;
  return `${ctx.role}${ctx.lite ? " lite" : ""} ${ctx.state} gathering=${ctx.gatheringState} pairs=${JSON.stringify(counts)} selected=${sel ? `${sel.local.candidate.type}->${sel.remote.candidate.type}` : "none"}`;
}
