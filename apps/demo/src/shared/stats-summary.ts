/**
 * A compact, JSON-safe digest of one `getStats()` report (webrtc-stats dictionaries), made the
 * same way on both ends: the page summarises its own report, the bot summarises its report and
 * sends it over the "stats" channel. Media entries (inbound/outbound-rtp) are summed into
 * {@link MediaInfo}.
 */

/** RTP totals over every inbound-rtp / outbound-rtp entry of a report. */
export interface MediaInfo {
  readonly inboundStreams: number;
  readonly outboundStreams: number;
  /** Received video frames (framesReceived, else framesDecoded). */
  readonly framesReceived: number;
  readonly framesSent: number;
  /** Cumulative packets lost as the receiver reports them (RFC 3550 §6.4.1). */
  readonly packetsLost: number;
  /** NACKs we sent for what we receive, and NACKs we received for what we send. */
  readonly nacksSent: number;
  readonly nacksReceived: number;
  /** Packets we retransmitted (RTX) for what we send. */
  readonly retransmittedPackets: number;
}

/** One ICE candidate, as shown. */
export interface CandidateInfo {
  readonly type: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: string;
}

export interface ChannelInfo {
  readonly label: string;
  readonly state: string;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

export interface StatsSummary {
  /** The report's timestamp (ms since the epoch). */
  readonly at: number;
  /** Transport totals (the selected pair's). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** Selected pair's current round-trip time, ms. */
  readonly rttMs: number | undefined;
  readonly pair:
    | { readonly local: CandidateInfo; readonly remote: CandidateInfo; readonly state: string }
    | undefined;
  readonly iceRole: string | undefined;
  readonly iceState: string | undefined;
  readonly dtls: {
    readonly state: string | undefined;
    readonly role: string | undefined;
    readonly cipher: string | undefined;
    readonly tlsVersion: string | undefined;
    readonly srtpCipher: string | undefined;
  };
  readonly sctp:
    | { readonly state: string; readonly maxMessageSize: number; readonly maxChannels: number }
    | undefined;
  readonly channels: readonly ChannelInfo[];
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly media: MediaInfo;
  /** Which software produced it ("Chromium", "purertc"...). */
  readonly agent: string;
}

type Entry = Readonly<Record<string, unknown>>;

/** Anything with the maplike `values()` of `RTCStatsReport`. */
export interface StatsReportLike {
  values(): IterableIterator<unknown>;
}

/** The `RTCSctpTransport` fields shown (not part of getStats). */
export interface SctpLike {
  readonly state: string;
  readonly maxMessageSize: number;
  readonly maxChannels: number | null;
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function candidate(e: Entry | undefined): CandidateInfo {
  return {
    type: str(e?.candidateType) ?? "?",
    address: str(e?.address) ?? str(e?.ip) ?? "?",
    port: num(e?.port),
    protocol: str(e?.protocol) ?? "?",
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function addInbound(m: Mutable<MediaInfo>, e: Entry): void {
  m.inboundStreams++;
  m.framesReceived += num(e.framesReceived ?? e.framesDecoded);
  m.packetsLost += Math.max(0, num(e.packetsLost));
  m.nacksSent += num(e.nackCount);
}

function addOutbound(m: Mutable<MediaInfo>, e: Entry): void {
  m.outboundStreams++;
  m.framesSent += num(e.framesSent ?? e.framesEncoded);
  m.nacksReceived += num(e.nackCount);
  m.retransmittedPackets += num(e.retransmittedPacketsSent);
}

export function summarizeStats(
  report: StatsReportLike,
  sctp: SctpLike | null,
  agent: string,
): StatsSummary {
  const byId = new Map<string, Entry>();
  let transport: Entry | undefined;
  let at = 0;
  const channels: ChannelInfo[] = [];
  const media = {
    inboundStreams: 0,
    outboundStreams: 0,
    framesReceived: 0,
    framesSent: 0,
    packetsLost: 0,
    nacksSent: 0,
    nacksReceived: 0,
    retransmittedPackets: 0,
  };
  for (const raw of report.values()) {
    const e = raw as Entry;
    const id = str(e.id);
    if (id) byId.set(id, e);
    at = Math.max(at, num(e.timestamp));
    if (e.type === "transport" && !transport) transport = e;
    if (e.type === "inbound-rtp") addInbound(media, e);
    if (e.type === "outbound-rtp") addOutbound(media, e);
    if (e.type === "data-channel")
      channels.push({
        label: str(e.label) ?? "",
        state: str(e.state) ?? "",
        messagesSent: num(e.messagesSent),
        messagesReceived: num(e.messagesReceived),
        bytesSent: num(e.bytesSent),
        bytesReceived: num(e.bytesReceived),
      });
  }
  const pairId = str(transport?.selectedCandidatePairId);
  let pairEntry = pairId ? byId.get(pairId) : undefined;
  if (!pairEntry)
    for (const e of byId.values())
      if (e.type === "candidate-pair" && (e.selected === true || e.nominated === true)) {
        pairEntry = e;
        break;
      }
  const rtt = pairEntry?.currentRoundTripTime;
  return {
    at,
    bytesSent: num(transport?.bytesSent ?? pairEntry?.bytesSent),
    bytesReceived: num(transport?.bytesReceived ?? pairEntry?.bytesReceived),
    packetsSent: num(transport?.packetsSent ?? pairEntry?.packetsSent),
    packetsReceived: num(transport?.packetsReceived ?? pairEntry?.packetsReceived),
    rttMs: typeof rtt === "number" ? rtt * 1000 : undefined,
    pair: pairEntry
      ? {
          local: candidate(byId.get(str(pairEntry.localCandidateId) ?? "")),
          remote: candidate(byId.get(str(pairEntry.remoteCandidateId) ?? "")),
          state: str(pairEntry.state) ?? "?",
        }
      : undefined,
    iceRole: str(transport?.iceRole),
    iceState: str(transport?.iceState),
    dtls: {
      state: str(transport?.dtlsState),
      role: str(transport?.dtlsRole),
      cipher: str(transport?.dtlsCipher),
      tlsVersion: str(transport?.tlsVersion),
      srtpCipher: str(transport?.srtpCipher),
    },
    sctp: sctp
      ? {
          state: sctp.state,
          maxMessageSize: sctp.maxMessageSize,
          maxChannels: sctp.maxChannels ?? 0,
        }
      : undefined,
    channels,
    messagesSent: channels.reduce((a, c) => a + c.messagesSent, 0),
    messagesReceived: channels.reduce((a, c) => a + c.messagesReceived, 0),
    media,
    agent,
  };
}
