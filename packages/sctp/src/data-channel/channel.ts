import { ChannelType, type DcepOpen } from "./dcep.js";

/** W3C RTCPriorityType and its RFC 8832 §5.1 encoding. */
export type DataChannelPriority = "very-low" | "low" | "medium" | "high";

export const PRIORITY_VALUE: Readonly<Record<DataChannelPriority, number>> = {
  "very-low": 128,
  low: 256,
  medium: 512,
  high: 1024,
};

export function priorityFromValue(v: number): DataChannelPriority {
  if (v <= 128) return "very-low";
  if (v <= 256) return "low";
  if (v <= 512) return "medium";
  return "high";
}

/** Options for a new channel (the W3C RTCDataChannelInit). */
export interface DataChannelInit {
  readonly label?: string;
  readonly protocol?: string;
  readonly ordered?: boolean;
  /** Retransmissions before a message is abandoned (PR-SCTP); exclusive with maxPacketLifeTime. */
  readonly maxRetransmits?: number;
  /** Milliseconds a message may be retransmitted (PR-SCTP); exclusive with maxRetransmits. */
  readonly maxPacketLifeTime?: number;
  /** Pre-agreed channel: no DCEP, both sides create it with the same `id`. */
  readonly negotiated?: boolean;
  readonly id?: number;
  readonly priority?: DataChannelPriority;
}

/** W3C RTCDataChannelState. */
export type DataChannelState = "connecting" | "open" | "closing" | "closed";

/** A read-only description of a channel. */
export interface DataChannelInfo {
  readonly id: number;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly negotiated: boolean;
  readonly priority: DataChannelPriority;
}

/** Per-channel counters (W3C RTCDataChannelStats). */
export interface DataChannelStats {
  readonly id: number;
  readonly label: string;
  readonly protocol: string;
  readonly state: DataChannelState;
  readonly messagesSent: number;
  readonly bytesSent: number;
  readonly messagesReceived: number;
  readonly bytesReceived: number;
  readonly bufferedAmount: number;
}

/** The DATA_CHANNEL_OPEN announcing a channel (RFC 8832 §5.1). */
export function openMessageFor(info: DataChannelInfo): DcepOpen {
  const unordered = info.ordered ? 0 : 0x80;
  let channelType: number = ChannelType.RELIABLE;
  let reliability = 0;
  if (info.maxRetransmits !== null) {
    channelType = ChannelType.PARTIAL_RELIABLE_REXMIT;
    reliability = info.maxRetransmits;
  } else if (info.maxPacketLifeTime !== null) {
    channelType = ChannelType.PARTIAL_RELIABLE_TIMED;
    reliability = info.maxPacketLifeTime;
  }
  return {
    kind: "open",
    channelType: channelType | unordered,
    priority: PRIORITY_VALUE[info.priority],
    reliability,
    label: info.label,
    protocol: info.protocol,
  };
}

/** The channel a peer's DATA_CHANNEL_OPEN on stream `id` describes (RFC 8832 §5.1). */
export function infoFromOpen(id: number, m: DcepOpen): DataChannelInfo {
  const t = m.channelType & 0x7f;
  return {
    id,
    label: m.label,
    protocol: m.protocol,
    ordered: (m.channelType & 0x80) === 0,
    maxRetransmits: t === ChannelType.PARTIAL_RELIABLE_REXMIT ? m.reliability : null,
    maxPacketLifeTime: t === ChannelType.PARTIAL_RELIABLE_TIMED ? m.reliability : null,
    negotiated: false,
    priority: priorityFromValue(m.priority),
  };
}

/** The mutable state of one channel inside the endpoint. */
export class Channel {
  readonly info: DataChannelInfo;
  state: DataChannelState = "connecting";
  /** We sent DATA_CHANNEL_OPEN and have seen neither the ACK nor any message (RFC 8832 §6). */
  awaitingAck = false;
  /** Our outgoing stream was reset. */
  outgoingReset = false;
  /** The peer reset its outgoing stream (our incoming side). */
  incomingReset = false;
  /** Parts of a message sent with the deprecated partial PPIDs (RFC 8831 §6.6). */
  partial: Uint8Array[] = [];
  messagesSent = 0;
  bytesSent = 0;
  messagesReceived = 0;
  bytesReceived = 0;

  constructor(info: DataChannelInfo) {
    this.info = info;
  }
}
