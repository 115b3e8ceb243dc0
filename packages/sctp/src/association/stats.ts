import type { PacketCounters } from "./context.js";
import type { PathMtu, PathMtuState } from "./path-mtu.js";
import type { Rto } from "./rto.js";
import type { SendQueue } from "./send-queue.js";
import type { Tcb } from "./tcb.js";

/** A snapshot of an association's counters and transmission state. */
export interface AssociationStats {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly dataChunksSent: number;
  readonly dataChunksReceived: number;
  readonly messagesReceived: number;
  readonly bytesDelivered: number;
  readonly retransmissions: number;
  readonly fastRetransmits: number;
  readonly t3Expirations: number;
  readonly abandonedMessages: number;
  readonly duplicateTsnsReceived: number;
  readonly checksumErrors: number;
  readonly decodeErrors: number;
  readonly droppedPackets: number;
  /** Current RTO and smoothed RTT (ms). */
  readonly rtoMs: number;
  readonly srttMs: number;
  readonly cwnd: number;
  readonly ssthresh: number;
  readonly bytesInFlight: number;
  readonly peerRwnd: number;
  readonly localRwnd: number;
  readonly bufferedAmount: number;
  /** The PLPMTU: the largest SCTP packet we send now (RFC 8899). */
  readonly pmtu: number;
  readonly pmtuState: PathMtuState;
  readonly pmtuProbesSent: number;
  readonly pmtuProbesAcked: number;
  /** Times a raised PLPMTU stopped getting through and we fell back to the base. */
  readonly pmtuBlackHoles: number;
}

export function collectStats(
  c: Readonly<PacketCounters>,
  tcb: Tcb | undefined,
  rto: Rto,
  sq: SendQueue,
  pmtu: PathMtu,
): AssociationStats {
  return {
    ...c,
    dataChunksSent: tcb?.dataChunksSent ?? 0,
    dataChunksReceived: tcb?.rx.dataChunksReceived ?? 0,
    messagesReceived: tcb?.rx.reassembly.messagesDelivered ?? 0,
    bytesDelivered: tcb?.rx.reassembly.bytesDelivered ?? 0,
    retransmissions: tcb?.rq.retransmissions ?? 0,
    fastRetransmits: tcb?.fastRetransmits ?? 0,
    t3Expirations: tcb?.t3Expirations ?? 0,
    abandonedMessages: (tcb?.rq.abandonedMessages ?? 0) + sq.expiredUnsent,
    duplicateTsnsReceived: tcb?.rx.tracker.duplicatesReceived ?? 0,
    rtoMs: rto.value,
    srttMs: rto.srtt,
    cwnd: tcb?.cc.cwnd ?? 0,
    ssthresh: tcb?.cc.ssthresh ?? 0,
    bytesInFlight: tcb?.rq.flight ?? 0,
    peerRwnd: tcb?.peerRwnd ?? 0,
    localRwnd: tcb?.rx.aRwnd ?? 0,
    bufferedAmount: sq.totalBuffered,
    pmtu: pmtu.current,
    pmtuState: pmtu.state,
    pmtuProbesSent: pmtu.probesSent,
    pmtuProbesAcked: pmtu.probesAcked,
    pmtuBlackHoles: pmtu.blackHoles,
  };
}
