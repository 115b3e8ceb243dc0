/** Counters of one DTLS endpoint (a snapshot from `stats()`). */
export interface DtlsStats {
  readonly datagramsReceived: number;
  readonly datagramsSent: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  readonly recordsReceived: number;
  /** Records or datagrams that did not parse. */
  readonly malformedDropped: number;
  /** Records that failed authentication (RFC 6347 §4.1.2.7: silently discarded). */
  readonly badMacDropped: number;
  /** Records already seen (RFC 6347 §4.1.2.6). */
  readonly replayDropped: number;
  /** Records of an epoch we cannot (or no longer may) read. */
  readonly epochDropped: number;
  /** Records not allowed in the current state (e.g. application data before the handshake). */
  readonly unexpectedDropped: number;
  /** Handshake fragments dropped by reassembly (too far ahead, inconsistent, over budget). */
  readonly fragmentsDropped: number;
  /** Flight retransmissions (timer expiries and peer-triggered resends). */
  readonly retransmissions: number;
  readonly alertsSent: number;
  readonly alertsReceived: number;
}

/** Mutable counters behind {@link DtlsStats}. */
export type MutableDtlsStats = { -readonly [K in keyof DtlsStats]: DtlsStats[K] };

export function emptyDtlsStats(): MutableDtlsStats {
  return {
    datagramsReceived: 0,
    datagramsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    recordsReceived: 0,
    malformedDropped: 0,
    badMacDropped: 0,
    replayDropped: 0,
    epochDropped: 0,
    unexpectedDropped: 0,
    fragmentsDropped: 0,
    retransmissions: 0,
    alertsSent: 0,
    alertsReceived: 0,
  };
}
