/** Stats snapshots with W3C names (`RTCIceCandidateStats`, `RTCIceCandidatePairStats`). */

import type { IceConnectionState, IceGatheringState } from "./agent-events.js";
import type { IceCandidate, IceCandidateType, IceRelayProtocol } from "./candidate.js";
import type { CandidatePair, CandidatePairState } from "./candidate-pair.js";
import type { IceRole } from "./check-messages.js";

/** W3C `RTCIceCandidateStats` (without `timestamp`/`transportId`, which the peer adds). */
export interface IceCandidateStats {
  readonly id: string;
  readonly type: "local-candidate" | "remote-candidate";
  readonly address: string;
  readonly port: number;
  readonly protocol: "udp";
  readonly candidateType: IceCandidateType;
  readonly priority: number;
  readonly foundation: string;
  readonly usernameFragment: string | undefined;
  readonly relatedAddress: string | undefined;
  readonly relatedPort: number | undefined;
  readonly url: string | undefined;
  readonly relayProtocol: IceRelayProtocol | undefined;
}

/** W3C `RTCIceCandidatePairStats` (times in the agent's `now` milliseconds, RTTs in seconds). */
export interface IceCandidatePairStats {
  readonly id: string;
  readonly type: "candidate-pair";
  readonly localCandidateId: string;
  readonly remoteCandidateId: string;
  readonly state: CandidatePairState;
  readonly nominated: boolean;
  readonly selected: boolean;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly lastPacketSentTimestamp: number | undefined;
  readonly lastPacketReceivedTimestamp: number | undefined;
  readonly totalRoundTripTime: number;
  readonly currentRoundTripTime: number | undefined;
  readonly requestsSent: number;
  readonly requestsReceived: number;
  readonly responsesSent: number;
  readonly responsesReceived: number;
  readonly consentRequestsSent: number;
}

/** What {@link IceAgent.stats} returns. */
export interface IceAgentStats {
  readonly state: IceConnectionState;
  readonly gatheringState: IceGatheringState;
  readonly role: IceRole;
  readonly localCandidates: readonly IceCandidateStats[];
  readonly remoteCandidates: readonly IceCandidateStats[];
  readonly pairs: readonly IceCandidatePairStats[];
  readonly selectedPairId: string | undefined;
  /** Datagrams dropped: malformed STUN, bad FINGERPRINT/integrity, unknown ufrag, unmatched. */
  readonly dropped: number;
  readonly malformed: number;
  readonly unauthenticated: number;
  readonly roleConflicts: number;
  /** Remote candidates ignored (unusable, wrong ufrag, filtered by policy, unresolvable). */
  readonly ignoredCandidates: number;
}

/** The stats of one candidate. */
export function candidateStats(
  id: string,
  c: IceCandidate,
  type: IceCandidateStats["type"],
  generationUfrag: string | undefined,
): IceCandidateStats {
  return {
    id,
    type,
    address: c.address,
    port: c.port,
    protocol: "udp",
    candidateType: c.type,
    priority: c.priority,
    foundation: c.foundation,
    usernameFragment:
      type === "local-candidate" ? generationUfrag : (c.usernameFragment ?? generationUfrag),
    relatedAddress: c.relatedAddress,
    relatedPort: c.relatedPort,
    url: c.url,
    relayProtocol: c.relayProtocol,
  };
}

/** The stats of one pair (RTTs converted to seconds as W3C wants). */
export function pairStats(p: CandidatePair, selected: boolean): IceCandidatePairStats {
  return {
    id: p.id,
    type: "candidate-pair",
    localCandidateId: p.local.id,
    remoteCandidateId: p.remote.id,
    state: p.state,
    nominated: p.nominated,
    selected,
    packetsSent: p.packetsSent,
    packetsReceived: p.packetsReceived,
    bytesSent: p.bytesSent,
    bytesReceived: p.bytesReceived,
    lastPacketSentTimestamp: p.lastPacketSentTimestamp,
    lastPacketReceivedTimestamp: p.lastPacketReceivedTimestamp,
    totalRoundTripTime: p.totalRoundTripTime / 1000,
    currentRoundTripTime:
      p.currentRoundTripTime === undefined ? undefined : p.currentRoundTripTime / 1000,
    requestsSent: p.requestsSent,
    requestsReceived: p.requestsReceived,
    responsesSent: p.responsesSent,
    responsesReceived: p.responsesReceived,
    consentRequestsSent: p.consentRequestsSent,
  };
}
