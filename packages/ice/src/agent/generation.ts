/** ICE generations (RFC 8445 §9): each restart brings new credentials and a new check list. */
import { StunIntegrityKey } from "@purertc/stun";
import type { IceAgentConfig } from "../agent-config.js";
import { CheckList } from "../check-list.js";
import type { IceCredentials } from "../credentials.js";
import type { AgentContext } from "./context.js";

/** One ICE generation: credentials of both sides. */
export interface Generation {
  readonly local: IceCredentials;
  readonly localKey: StunIntegrityKey;
  remote: IceCredentials | undefined;
  remoteKey: StunIntegrityKey | undefined;
  /** The peer signalled `a=ice-options:renomination`. */
  remoteRenomination: boolean;
}

export function newGeneration(config: IceAgentConfig, local: IceCredentials): Generation {
  return {
    local,
    localKey: StunIntegrityKey.shortTerm(local.pwd, config.crypto),
    remote: undefined,
    remoteKey: undefined,
    remoteRenomination: false,
  };
}

/** Makes `gen` current; the selected pair and its generation stay until a new selection. */
export function startGeneration(ctx: AgentContext, gen: Generation): void {
  if (ctx.selected && !ctx.oldGens.includes(ctx.gen)) ctx.oldGens.push(ctx.gen);
  ctx.gen = gen;
  ctx.txs.removeWhere((tx) => tx.pair !== ctx.selected);
  ctx.checklist = new CheckList(ctx.config.maxPairs);
  ctx.remotes = [];
  ctx.nominating = undefined;
  ctx.remoteEndOfCandidates = false;
  ctx.failed = false;
  ctx.checkingSince = undefined;
  if (ctx.consentLost) {
    ctx.consentLost = false;
    ctx.selected = undefined;
  }
  ctx.timers.clear("pace");
  ctx.timers.clear("nominate");
  ctx.timers.clear("checking");
  ctx.log.debug("new ICE generation", { ufrag: gen.local.ufrag });
}
