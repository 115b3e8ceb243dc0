/**
 * The state one {@link IceAgent} shares between its parts (candidates, checks, nomination,
 * consent, generations, the W3C states) and the few operations all of them use. Internal: the
 * agent keeps it in a private field, the modules beside this one act on it.
 */
import {
  Fifo,
  type Logger,
  type Millis,
  type Rng,
  type SocketAddress,
  TimerTable,
} from "@purertc/common";
import { type IceAgentConfig, resolveIceAgentConfig } from "../agent-config.js";
import type { IceAgentEvent, IceConnectionState, IceGatheringState } from "../agent-events.js";
import type { IceCandidate } from "../candidate.js";
import { CandidatePair, type LocalCandidate, type RemoteCandidate } from "../candidate-pair.js";
import { CheckList } from "../check-list.js";
import type { IceRole } from "../check-messages.js";
import { CheckTransactions } from "../check-transactions.js";
import { generateCredentials } from "../credentials.js";
import { Gatherer } from "../gatherer.js";
import { MdnsResolver } from "../mdns/mdns-resolver.js";
import type { IceRelayClient, IceTransmit } from "../relay.js";
import { type Generation, newGeneration } from "./generation.js";
import { TrickleBuffer } from "./trickle-buffer.js";

/** A relay source and the relayed candidate its allocation became. */
export interface RelaySlot {
  readonly client: IceRelayClient;
  local: LocalCandidate | undefined;
  /** Allocated or failed: gathering no longer waits for it. */
  done: boolean;
}

/** The agent's own timers (checks in flight have theirs in {@link CheckTransactions}). */
export type AgentTimer = "pace" | "nominate" | "consent" | "keepalive" | "liveness" | "checking";

/** Moves the output of the agent's children (gatherer, relays, mDNS) into its queues. */
export type DrainChildren = (ctx: AgentContext, now: Millis) => void;

/** The shared state of one agent. */
export class AgentContext {
  readonly config: IceAgentConfig;
  readonly rng: Rng;
  readonly log: Logger;
  readonly transmits = new Fifo<IceTransmit>();
  readonly events = new Fifo<IceAgentEvent>();
  readonly timers = new TimerTable<AgentTimer>();
  readonly txs: CheckTransactions;
  readonly gatherer: Gatherer;
  readonly relays: RelaySlot[] = [];
  readonly mdns: MdnsResolver | undefined;
  readonly #drain: DrainChildren;

  // Candidates and pairs.
  readonly locals: LocalCandidate[] = [];
  remotes: RemoteCandidate[] = [];
  checklist: CheckList;
  /** The generation each pair was formed in (checks use its credentials). */
  readonly pairGen = new WeakMap<CandidatePair, Generation>();
  /** Remote candidates and checks waiting for their generation's credentials (RFC 8838). */
  readonly trickle = new TrickleBuffer();
  nextId = 0;

  // Roles and generations.
  role: IceRole;
  readonly tieBreaker: bigint;
  gen: Generation;
  /** Generations whose selected pair still carries data (RFC 8445 §9). */
  oldGens: Generation[] = [];
  remoteEndOfCandidates = false;

  // Gathering and the W3C states.
  gatheringStarted = false;
  gatheringState: IceGatheringState = "new";
  state: IceConnectionState = "new";
  failed = false;
  closed = false;
  /** When the current generation entered `checking` (the checking timeout counts from it). */
  checkingSince: Millis | undefined;

  // Checks, nomination, consent.
  lastCheckAt: Millis | undefined;
  selected: CandidatePair | undefined;
  nominating: CandidatePair | undefined;
  /** The last NOMINATION value sent (renomination counts up across generations, as Chromium). */
  lastNomination = 0;
  lastConsentAt: Millis = 0;
  lastSentOnSelected: Millis = 0;
  consentLost = false;

  // Counters for stats().
  dropped = 0;
  malformed = 0;
  unauthenticated = 0;
  roleConflicts = 0;
  ignoredCandidates = 0;

  constructor(partial: Partial<IceAgentConfig>, drain: DrainChildren) {
    const config = resolveIceAgentConfig(partial);
    this.config = config;
    this.rng = config.rng;
    this.log = config.logger.child("agent");
    this.#drain = drain;
    // RFC 8445 §6.1.1: "The full agent MUST take the controlling role" toward a lite one,
    // and a lite agent is controlled.
    this.role = config.lite ? "controlled" : config.role;
    this.tieBreaker =
      config.tieBreaker ?? (BigInt(this.rng.nextU32()) << 32n) | BigInt(this.rng.nextU32());
    this.gen = newGeneration(config, config.credentials ?? generateCredentials(this.rng));
    this.checklist = new CheckList(config.maxPairs);
    this.txs = new CheckTransactions(config.checkMaxRtoMs, config.checkTransmissions);
    this.gatherer = new Gatherer(config);
    if (config.mdns !== "disabled")
      this.mdns = new MdnsResolver({ rng: this.rng, logger: config.logger });
  }

  get lite(): boolean {
    return this.config.lite;
  }

  checkOpen(): void {
    if (this.closed) throw new TypeError("the ICE agent is closed");
  }

  genOf(pair: CandidatePair): Generation {
    return this.pairGen.get(pair) ?? this.gen;
  }

  isCurrent(pair: CandidatePair): boolean {
    return this.genOf(pair) === this.gen;
  }

  newPair(local: LocalCandidate, remote: RemoteCandidate): CandidatePair {
    const pair = new CandidatePair(local, remote);
    pair.updatePriority(this.role === "controlling");
    this.pairGen.set(pair, this.gen);
    return pair;
  }

  /** A local candidate as signalled: with the current ufrag (RFC 8838 §4.1). */
  withUfrag(c: IceCandidate): IceCandidate {
    return { ...c, usernameFragment: this.gen.local.ufrag };
  }

  /** Sends from a local candidate: from its base, or through its relay. */
  sendFrom(now: Millis, local: LocalCandidate, to: SocketAddress, data: Uint8Array): void {
    if (local.relay) {
      local.relay.sendToPeer(now, to, data);
      this.#drain(this, now);
    } else this.transmits.push({ from: local.base, to, data });
  }

  /** Gives the relay a permission for the pair's remote address (RFC 8656 §9), once. */
  permit(now: Millis, pair: CandidatePair): void {
    if (pair.permitted || !pair.local.relay) return;
    pair.permitted = true;
    pair.local.relay.permit(now, pair.remoteAddress);
  }

  setRole(role: IceRole): void {
    if (this.role === role) return;
    this.role = role;
    for (const p of this.checklist.pairs) {
      p.updatePriority(role === "controlling");
      p.validPair?.updatePriority(role === "controlling");
    }
    this.checklist.resort();
    this.events.push({ type: "role", role });
  }

  setGathering(state: IceGatheringState): void {
    if (this.gatheringState === state) return;
    this.gatheringState = state;
    this.events.push({ type: "gathering-state", state });
  }

  setState(state: IceConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.push({ type: "connection-state", state });
  }
}
