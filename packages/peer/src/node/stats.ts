/**
 * `getStats()` (webrtc-stats): one report built from the core's snapshots, with W3C ids and
 * dictionaries for `peer-connection`, `data-channel`, `transport`, `candidate-pair`,
 * `local-candidate`, `remote-candidate`, `certificate` and the media entries of
 * ./media/media-stats.ts; `select` applies the `getStats(selector)` filter.
 */
import { performance } from "node:perf_hooks";
import { type CryptoProvider, fingerprint } from "@purertc/crypto";
import type { PeerCore } from "../peer-core.js";
import type { RTCDataChannel } from "./data-channel.js";
import { addMediaStats, selectStats } from "./media/media-stats.js";
import type { RTCRtpTransceiver } from "./media/rtp-transceiver.js";

/** W3C `RTCStats`: every entry has these, plus its type's fields. */
export interface RTCStats {
  id: string;
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

/** W3C `RTCStatsReport`: a maplike of id → stats. */
export type RTCStatsReport = ReadonlyMap<string, RTCStats>;

export interface StatsInput {
  readonly core: PeerCore | undefined;
  readonly channels: readonly RTCDataChannel[];
  readonly certificate: Uint8Array;
  readonly localFingerprint: string;
  readonly crypto: CryptoProvider;
  readonly channelsOpened: number;
  readonly channelsClosed: number;
  readonly dtlsState: string;
  /** The connection's transceivers (media entries); none for a data-only connection. */
  readonly transceivers?: readonly RTCRtpTransceiver[];
  /**
   * webrtc-pc §8.5 selector: only the RTP stream of this transceiver's sender or receiver and
   * the entries it references.
   */
  readonly select?: {
    readonly transceiver: RTCRtpTransceiver;
    readonly side: "sender" | "receiver";
  };
}

const TRANSPORT_ID = "T01";

/** Agent time (performance.now) → W3C timestamp (ms since the epoch). */
function epoch(t: number | undefined): number | undefined {
  return t === undefined ? undefined : performance.timeOrigin + t;
}

function clean(o: RTCStats): RTCStats {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function buildStatsReport(input: StatsInput): RTCStatsReport {
  const report = buildFullReport(input);
  const sel = input.select;
  if (!sel) return report.all;
  const ids = report.streams.get(sel.transceiver);
  const roots = (sel.side === "sender" ? ids?.outbound : ids?.inbound) ?? [];
  return selectStats(report.all, roots);
}

function buildFullReport(input: StatsInput): {
  all: Map<string, RTCStats>;
  streams: ReturnType<typeof addMediaStats>;
} {
  const timestamp = performance.timeOrigin + performance.now();
  const report = new Map<string, RTCStats>();
  const add = (s: RTCStats) => report.set(s.id, clean(s));
  add({
    id: "P",
    type: "peer-connection",
    timestamp,
    dataChannelsOpened: input.channelsOpened,
    dataChannelsClosed: input.channelsClosed,
  });
  const localCertId = `CF${input.localFingerprint}`;
  add({
    id: localCertId,
    type: "certificate",
    timestamp,
    fingerprint: input.localFingerprint,
    fingerprintAlgorithm: "sha-256",
    base64Certificate: Buffer.from(input.certificate).toString("base64"),
  });
  const core = input.core;
  for (const ch of input.channels) {
    if (ch.id === null) continue;
    const s = core?.channelStats(ch.id);
    add({
      id: `D${ch.id}`,
      type: "data-channel",
      timestamp,
      label: ch.label,
      protocol: ch.protocol,
      dataChannelIdentifier: ch.id,
      state: ch.readyState,
      messagesSent: s?.messagesSent ?? 0,
      bytesSent: s?.bytesSent ?? 0,
      messagesReceived: s?.messagesReceived ?? 0,
      bytesReceived: s?.bytesReceived ?? 0,
    });
  }
  const streams = addMediaStats(
    { core, transceivers: input.transceivers ?? [], transportId: TRANSPORT_ID, epoch },
    timestamp,
    add,
  );
  if (!core) return { all: report, streams };
  const available = core.media.availableOutgoingBitrate(performance.now());
  const st = core.stats();
  let remoteCertId: string | undefined;
  const remote = core.remoteCertificate;
  if (remote) {
    const fp = fingerprint(input.crypto, remote, "sha-256");
    remoteCertId = `CF${fp}`;
    add({
      id: remoteCertId,
      type: "certificate",
      timestamp,
      fingerprint: fp,
      fingerprintAlgorithm: "sha-256",
      base64Certificate: Buffer.from(remote).toString("base64"),
    });
  }
  const ice = st.ice;
  for (const c of [...ice.localCandidates, ...ice.remoteCandidates]) {
    add({
      id: c.id,
      type: c.type,
      timestamp,
      transportId: TRANSPORT_ID,
      address: c.address,
      port: c.port,
      protocol: c.protocol,
      candidateType: c.candidateType,
      priority: c.priority,
      foundation: c.foundation,
      usernameFragment: c.usernameFragment,
      relatedAddress: c.relatedAddress,
      relatedPort: c.relatedPort,
      url: c.url,
      relayProtocol: c.relayProtocol,
    });
  }
  for (const p of ice.pairs) {
    add({
      id: p.id,
      type: "candidate-pair",
      timestamp,
      transportId: TRANSPORT_ID,
      localCandidateId: p.localCandidateId,
      remoteCandidateId: p.remoteCandidateId,
      state: p.state,
      nominated: p.nominated,
      packetsSent: p.packetsSent,
      packetsReceived: p.packetsReceived,
      bytesSent: p.bytesSent,
      bytesReceived: p.bytesReceived,
      lastPacketSentTimestamp: epoch(p.lastPacketSentTimestamp),
      lastPacketReceivedTimestamp: epoch(p.lastPacketReceivedTimestamp),
      totalRoundTripTime: p.totalRoundTripTime,
      currentRoundTripTime: p.currentRoundTripTime,
      requestsSent: p.requestsSent,
      requestsReceived: p.requestsReceived,
      responsesSent: p.responsesSent,
      responsesReceived: p.responsesReceived,
      consentRequestsSent: p.consentRequestsSent,
      // Media rides the selected pair only (BUNDLE, RFC 8843).
      availableOutgoingBitrate: p.id === ice.selectedPairId ? available : undefined,
    });
  }
  const sel = ice.pairs.find((p) => p.id === ice.selectedPairId);
  add({
    id: TRANSPORT_ID,
    type: "transport",
    timestamp,
    bytesSent: sel?.bytesSent ?? 0,
    bytesReceived: sel?.bytesReceived ?? 0,
    packetsSent: sel?.packetsSent ?? 0,
    packetsReceived: sel?.packetsReceived ?? 0,
    iceRole: ice.role,
    iceLocalUsernameFragment: core.localCredentials.ufrag,
    iceState: ice.state,
    dtlsState: input.dtlsState,
    dtlsRole: core.dtlsRole ?? "unknown",
    selectedCandidatePairId: ice.selectedPairId,
    localCertificateId: localCertId,
    remoteCertificateId: remoteCertId,
    tlsVersion: core.dtlsCipherSuite ? "FEFD" : undefined,
    dtlsCipher: core.dtlsCipherSuite,
    srtpCipher: core.srtpProfile,
  });
  return { all: report, streams };
}
