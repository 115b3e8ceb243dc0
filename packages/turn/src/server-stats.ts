/**
 * Counters of the TURN server core: what `/metrics` exposes (allocations, permissions,
 * channels, relayed traffic, authentication failures, rejected input).
 */

/** Monotonic counters. */
export interface TurnServerCounters {
  /** Requests received (any method). */
  requests: number;
  allocationsCreated: number;
  allocationsDeleted: number;
  allocationsExpired: number;
  permissionsExpired: number;
  /** 401 challenges to requests without credentials (the normal first step). */
  challenges: number;
  /** Wrong credentials, unknown users and expired REST credentials (401). */
  authFailures: number;
  /** Of which: expired REST credentials. */
  expiredCredentials: number;
  /** 438 answers. */
  staleNonces: number;
  /** Error responses to authenticated requests (403, 437, 441, 486, ...). */
  errorResponses: number;
  /** Requests refused because the peer address is denied (403). */
  deniedPeers: number;
  /** 486 (allocation quotas) and 508 (permission quota). */
  quotaRejections: number;
  /** Unauthenticated answers suppressed by the per-source rate limit. */
  rateLimited: number;
  /** Undecodable STUN/ChannelData or unexpected message classes. */
  malformed: number;
  droppedNoAllocation: number;
  droppedNoPermission: number;
  droppedBandwidth: number;
  packetsToPeer: number;
  bytesToPeer: number;
  packetsFromPeer: number;
  bytesFromPeer: number;
}

/** A snapshot: gauges plus counters. */
export interface TurnServerStats extends Readonly<TurnServerCounters> {
  readonly allocations: number;
  readonly pendingAllocations: number;
  readonly permissions: number;
  readonly channels: number;
}

/** All counters at zero. */
export function emptyServerCounters(): TurnServerCounters {
  return {
    requests: 0,
    allocationsCreated: 0,
    allocationsDeleted: 0,
    allocationsExpired: 0,
    permissionsExpired: 0,
    challenges: 0,
    authFailures: 0,
    expiredCredentials: 0,
    staleNonces: 0,
    errorResponses: 0,
    deniedPeers: 0,
    quotaRejections: 0,
    rateLimited: 0,
    malformed: 0,
    droppedNoAllocation: 0,
    droppedNoPermission: 0,
    droppedBandwidth: 0,
    packetsToPeer: 0,
    bytesToPeer: 0,
    packetsFromPeer: 0,
    bytesFromPeer: 0,
  };
}
