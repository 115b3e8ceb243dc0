export * from "./agent.js";
export * from "./agent-config.js";
export * from "./agent-events.js";
export * from "./candidate.js";
export * from "./candidate-codec.js";
export {
  CandidatePair,
  type CandidatePairState,
  type LocalCandidate,
  pairPriority,
  type RemoteCandidate,
} from "./candidate-pair.js";
export { CheckList, DEFAULT_MAX_PAIRS } from "./check-list.js";
export * from "./check-messages.js";
export * from "./credentials.js";
export * from "./mdns/dns-message.js";
export * from "./mdns/mdns-resolver.js";
export * from "./relay.js";
export * from "./stats.js";
export * from "./turn-relay.js";
