/**
 * Candidate pairs (RFC 8445 §6.1.2): the pair priority, the pair states and the per-pair
 * counters that become W3C `RTCIceCandidatePairStats`.
 */
import type { Millis, SocketAddress } from "@purertc/common";
import type { IceCandidate } from "./candidate.js";
import type { IceRelayClient } from "./relay.js";

/** RFC 8445 §6.1.2.6 pair states (W3C `RTCStatsIceCandidatePairState`). */
export type CandidatePairState = "frozen" | "waiting" | "in-progress" | "succeeded" | "failed";

/** A local candidate with what the agent needs to send from it. */
export interface LocalCandidate {
  readonly id: string;
  readonly candidate: IceCandidate;
  /** RFC 8445 §5.1.1.1: the transport address checks are sent from. A relayed candidate is its own base. */
  readonly base: SocketAddress;
  /** Set for relayed candidates: the client that carries their datagrams. */
  readonly relay: IceRelayClient | undefined;
  /** Whether the candidate was signalled (prflx candidates never are). */
  readonly announced: boolean;
}

/** A remote candidate; `resolved` is its IP address (an mDNS name resolves later). */
export interface RemoteCandidate {
  readonly id: string;
  readonly candidate: IceCandidate;
  resolved: SocketAddress | undefined;
}

/**
 * RFC 8445 §6.1.2.3: `2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)`, G the controlling agent's
 * candidate priority and D the controlled agent's. A bigint: the value needs 64 bits.
 */
export function pairPriority(controlling: number, controlled: number): bigint {
  const g = BigInt(controlling);
  const d = BigInt(controlled);
  const [min, max] = g < d ? [g, d] : [d, g];
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}

/** A candidate pair with its state and counters. Owned and mutated by the agent only. */
export class CandidatePair {
  readonly id: string;
  readonly local: LocalCandidate;
  readonly remote: RemoteCandidate;
  /** RFC 8445 §6.1.3: the pair foundation is the local and remote foundations joined. */
  readonly foundation: string;
  priority = 0n;
  state: CandidatePairState = "frozen";
  /** In the valid list (RFC 8445 §7.2.5.3.2). */
  valid = false;
  /** When the pair became valid. */
  validAt: Millis | undefined;
  /** RFC 8445 §7.2.5.3.4 / §7.3.1.5: the nominated flag. */
  nominated = false;
  /**
   * The highest nomination value of the pair (draft-thatcher-ice-renomination): NOMINATION as
   * received (controlled) or sent (controlling); a plain USE-CANDIDATE counts 1 when received.
   * Among nominated pairs the highest value is selected, then the highest priority.
   */
  nomination = 0;
  /**
   * Controlled side: the nomination value a check carried while the pair's own check was in
   * progress (0: none); it takes effect when that check succeeds.
   */
  pendingNomination = 0;
  /** The valid pair a successful check on this pair produced (§7.2.5.3.2). */
  validPair: CandidatePair | undefined;
  /** Whether the remote candidate's address has been given to the relay as a permission. */
  permitted = false;
  // W3C RTCIceCandidatePairStats counters.
  requestsSent = 0;
  requestsReceived = 0;
  responsesSent = 0;
  responsesReceived = 0;
  consentRequestsSent = 0;
  packetsSent = 0;
  packetsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  totalRoundTripTime = 0;
  roundTripTimeMeasurements = 0;
  currentRoundTripTime: number | undefined;
  lastPacketSentTimestamp: Millis | undefined;
  lastPacketReceivedTimestamp: Millis | undefined;
  lastRequestReceivedTimestamp: Millis | undefined;
  lastResponseReceivedTimestamp: Millis | undefined;

  constructor(local: LocalCandidate, remote: RemoteCandidate) {
    this.id = `CP${local.id}_${remote.id}`;
    this.local = local;
    this.remote = remote;
    this.foundation = `${local.candidate.foundation}:${remote.candidate.foundation}`;
  }

  /** The remote transport address (the resolved one for mDNS names). */
  get remoteAddress(): SocketAddress {
    return this.remote.resolved ?? this.remote.candidate;
  }

  /** Recomputes the priority for our role (RFC 8445 §6.1.2.3; again after a role switch). */
  updatePriority(controlling: boolean): void {
    const l = this.local.candidate.priority;
    const r = this.remote.candidate.priority;
    this.priority = controlling ? pairPriority(l, r) : pairPriority(r, l);
  }

  /** Records a round-trip time sample in milliseconds. */
  addRtt(ms: number): void {
    this.currentRoundTripTime = ms;
    this.totalRoundTripTime += ms;
    this.roundTripTimeMeasurements++;
  }
}
