/** Stats snapshots with W3C names (`RTCIceCandidateStats`, `RTCIceCandidatePairStats`). */

import type { IceConnectionState, IceGatheringState } from "./agent-events.js";
import type { IceCandidateType, IceRelayProtocol } from "./candidate.js";
import type { CandidatePairState } from "./candidate-pair.js";
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
