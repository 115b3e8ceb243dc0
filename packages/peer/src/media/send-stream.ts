/**
 * One outgoing RTP stream (RFC 3550 §5): the packetizer of its negotiated codec, the header
 * extensions we write (RFC 9143 §15 MID, abs-send-time), the send history that answers generic
 * NACKs (RFC 4585 §6.2.1) over RTX (RFC 4588), and the counters a Sender Report carries.
 */
import type { Millis } from "@purertc/common";
import {
  buildExtensionBlock,
  encodeAbsSendTime,
  encodeSdesExtension,
  type HeaderExtension,
  ONE_BYTE_PROFILE,
  PacketHistory,
  type PayloadCodec,
  RTP_EXTENSION_URI,
  type RtpExtensionBlock,
  type RtpPacket,
  RtpPacketizer,
  SenderReportBuilder,
  writeAbsSendTime,
} from "@purertc/rtp";
import type { Codec, Extmap } from "@purertc/sdp";
import { type MediaKind, payloadCodecFor, rtxPayloadTypeFor } from "./codecs.js";
import { DtmfSender } from "./dtmf-sender.js";

/** What negotiation says about one sender. */
export interface MediaSendConfig {
  /** The caller's handle of the stream (the W3C layer uses the transceiver's index). */
  readonly id: number;
  readonly mid: string;
  readonly kind: MediaKind;
  readonly ssrc: number;
  /** Our RTX SSRC (`a=ssrc-group:FID`), used when RTX was negotiated. */
  readonly rtxSsrc: number | undefined;
  /**
   * The simulcast layer this stream sends (RFC 8853): written in the RTP stream id extension
   * (RFC 8852 §3.1) when negotiated, so the peer tells the layers apart without `a=ssrc`.
   */
  readonly rid?: string;
  /**
   * What this stream may send (bits/s: the encoding's `maxBitrate`, else the section's `b=TIAS`
   * / `b=AS`), part of the RTCP session bandwidth (RFC 3550 §6.2); unset: the kind's default.
   */
  readonly bandwidthBps?: number;
  /**
   * The m= section's `b=TIAS` (RFC 3890) or `b=AS` (RFC 8866 §5.8) in bits/s: the RTCP session
   * bandwidth of the whole section (RFC 3556 §2), replacing its streams' own figures.
   */
  readonly sectionBandwidthBps?: number;
  /** The negotiated codecs in preference order: the first with a payload format is sent. */
  readonly codecs: readonly Codec[];
  readonly extmaps: readonly Extmap[];
}

/** Counters of one outgoing stream (W3C `RTCOutboundRtpStreamStats` subset). */
export interface SendStreamStats {
  readonly ssrc: number;
  readonly mid: string;
  readonly payloadType: number;
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly framesSent: number;
  readonly retransmittedPacketsSent: number;
  readonly nackCount: number;
  readonly pliCount: number;
  readonly firCount: number;
  /** From the latest RR about this SSRC (RFC 3550 §6.4.1), in ms. */
  readonly roundTripTime: number | undefined;
  /** Sum of every RTT measured (ms) and how many (W3C remote-inbound-rtp). */
  readonly totalRoundTripTime: number;
  readonly roundTripTimeMeasurements: number;
  readonly reportsReceived: number;
  readonly remotePacketsLost: number | undefined;
  readonly remoteFractionLost: number | undefined;
  readonly remoteJitter: number | undefined;
}

const TWCC_PLACEHOLDER = new Uint8Array(2);

function extId(extmaps: readonly Extmap[], uri: string): number | undefined {
  return extmaps.find((e) => e.uri === uri)?.id;
}

/** One sender's RTP state; survives renegotiation while its SSRC stays. */
export class SendStream {
  config: MediaSendConfig;
  readonly payloadType: number;
  readonly codec: PayloadCodec;
  readonly clockRate: number;
  readonly #packetizer: RtpPacketizer;
  readonly history: PacketHistory;
  readonly report: SenderReportBuilder;
  readonly #midId: number | undefined;
  readonly #absId: number | undefined;
  readonly #midBytes: Uint8Array;
  readonly #ridId: number | undefined;
  readonly #repairedRidId: number | undefined;
  readonly #ridBytes: Uint8Array | undefined;
  readonly #twccId: number | undefined;
  /**
   * Our own extensions (no carried ones) built once: per packet a copy with abs-send-time
   * patched in at `absAt` (-1: not negotiated); `undefined` when none is negotiated.
   */
  readonly #template: { block: RtpExtensionBlock; absAt: number } | undefined;
  /** RFC 4733 sender when telephone-event was negotiated for an audio stream. */
  readonly dtmf: { sender: DtmfSender; payloadType: number } | undefined;
  #lastTimestamp: number | undefined;
  #lastSentAt: Millis = 0;
  sentAny = false;
  /** When RTP of any kind (media, DTMF) last left: RFC 3550 §6.3.8 sender status. */
  lastRtpAt: Millis | undefined;
  packetsSent = 0;
  bytesSent = 0;
  framesSent = 0;
  nackCount = 0;
  pliCount = 0;
  firCount = 0;
  roundTripTime: number | undefined;
  totalRoundTripTime = 0;
  roundTripTimeMeasurements = 0;
  reportsReceived = 0;
  remotePacketsLost: number | undefined;
  remoteFractionLost: number | undefined;
  remoteJitter: number | undefined;

  /** Throws `TypeError` when no negotiated codec has a payload format. */
  constructor(config: MediaSendConfig, firstSequenceNumber: number) {
    this.config = config;
    let chosen: { c: Codec; p: PayloadCodec } | undefined;
    for (const c of config.codecs) {
      const p = payloadCodecFor(c);
      if (p) {
        chosen = { c, p };
        break;
      }
    }
    if (!chosen) throw new TypeError(`mid ${config.mid}: no negotiated codec we can send`);
    this.payloadType = chosen.c.payloadType;
    this.codec = chosen.p;
    this.clockRate = chosen.c.clockRate;
    this.#packetizer = new RtpPacketizer(chosen.p, {
      ssrc: config.ssrc,
      payloadType: this.payloadType,
      sequenceNumber: firstSequenceNumber,
    });
    const rtxPt = rtxPayloadTypeFor(config.codecs, this.payloadType);
    const nack = chosen.c.feedback.some((f) => f.type === "nack" && f.parameter === undefined);
    this.history = new PacketHistory(
      {
        capacity: config.kind === "video" && nack ? 1024 : 1,
        rtxSsrc: rtxPt === undefined ? undefined : config.rtxSsrc,
        rtxPayloadType: config.rtxSsrc === undefined ? undefined : rtxPt,
      },
      firstSequenceNumber ^ 0x5a5a,
    );
    this.report = new SenderReportBuilder(config.ssrc, this.clockRate);
    this.#midId = extId(config.extmaps, RTP_EXTENSION_URI.mid);
    this.#absId = extId(config.extmaps, RTP_EXTENSION_URI.absSendTime);
    this.#midBytes = encodeSdesExtension(config.mid);
    this.#ridBytes = config.rid === undefined ? undefined : encodeSdesExtension(config.rid);
    this.#repairedRidId =
      config.rid === undefined
        ? undefined
        : extId(config.extmaps, RTP_EXTENSION_URI.repairedRtpStreamId);
    this.#ridId =
      config.rid === undefined ? undefined : extId(config.extmaps, RTP_EXTENSION_URI.rtpStreamId);
    this.#twccId = extId(config.extmaps, RTP_EXTENSION_URI.transportWideCc);
    this.#template = this.#buildTemplate();
    const te = config.codecs.filter((c) => c.name.toLowerCase() === "telephone-event");
    const dtmfCodec = te.find((c) => c.clockRate === this.clockRate) ?? te[0];
    this.dtmf =
      config.kind === "audio" && dtmfCodec
        ? { sender: new DtmfSender(dtmfCodec.clockRate), payloadType: dtmfCodec.payloadType }
        : undefined;
  }

  /** The transport-cc extension id when negotiated (the sequence number is stamped at send). */
  get twccId(): number | undefined {
    return this.#twccId;
  }

  /** The stream's RTP timestamp at `now`, extrapolated from the last packet sent. */
  rtpTimestampAt(now: Millis): number {
    const base = this.#lastTimestamp ?? this.config.ssrc;
    return (base + Math.round(((now - this.#lastSentAt) * this.clockRate) / 1000)) >>> 0;
  }

  /** A telephone-event packet on this stream's SSRC and sequence space (RFC 4733 §2.1). */
  dtmfPacket(payload: Uint8Array, marker: boolean, timestamp: number, now: Millis): RtpPacket {
    return {
      header: {
        padding: false,
        marker,
        payloadType: this.dtmf!.payloadType,
        sequenceNumber: this.#packetizer.takeSequenceNumber(),
        timestamp,
        ssrc: this.ssrc,
        csrcs: [],
        extension: this.extension(now),
      },
      payload,
      paddingSize: 0,
    };
  }

  get ssrc(): number {
    return this.config.ssrc;
  }

  /**
   * The extension block for packets sent at `now` (MID, rid, abs-send-time, transport-cc when
   * negotiated), plus `carried` ones (a relayed packet's end-to-end extensions, in our ids).
   */
  extension(now: Millis, carried?: readonly HeaderExtension[]): RtpExtensionBlock | undefined {
    const t = this.#template;
    if (carried === undefined || carried.length === 0) {
      if (t === undefined) return undefined;
      const data = t.block.data.slice();
      if (t.absAt >= 0) writeAbsSendTime(now, data, t.absAt);
      return { profile: t.block.profile, data };
    }
    const list: HeaderExtension[] = [...carried];
    if (this.#midId !== undefined) list.push({ id: this.#midId, data: this.#midBytes });
    if (this.#ridId !== undefined) list.push({ id: this.#ridId, data: this.#ridBytes! });
    if (this.#absId !== undefined) list.push({ id: this.#absId, data: encodeAbsSendTime(now) });
    // A placeholder: the session stamps the transport-wide sequence number when the packet leaves.
    if (this.#twccId !== undefined) list.push({ id: this.#twccId, data: TWCC_PLACEHOLDER });
    return list.length === 0 ? undefined : buildExtensionBlock(list);
  }

  /** {@link extension}'s block without carried extensions, and where abs-send-time goes in it. */
  #buildTemplate(): { block: RtpExtensionBlock; absAt: number } | undefined {
    const list: HeaderExtension[] = [];
    if (this.#midId !== undefined) list.push({ id: this.#midId, data: this.#midBytes });
    if (this.#ridId !== undefined) list.push({ id: this.#ridId, data: this.#ridBytes! });
    const absAt = list.length;
    if (this.#absId !== undefined) list.push({ id: this.#absId, data: new Uint8Array(3) });
    if (this.#twccId !== undefined) list.push({ id: this.#twccId, data: TWCC_PLACEHOLDER });
    if (list.length === 0) return undefined;
    const block = buildExtensionBlock(list);
    if (this.#absId === undefined) return { block, absAt: -1 };
    // RFC 8285 §4.2/§4.3: each element is its header (1 byte, or 2 in the two-byte form), then data.
    const head = block.profile === ONE_BYTE_PROFILE ? 1 : 2;
    let at = 0;
    for (let i = 0; i < absAt; i++) at += head + list[i]!.data.byteLength;
    return { block, absAt: at + head };
  }

  /**
   * A retransmission as it leaves: the RTX packet of a simulcast layer names its layer with the
   * repaired RTP stream id (RFC 8852 §3.2) where the media packet had the rid; others as they are.
   */
  repair(now: Millis, r: RtpPacket): RtpPacket {
    if (this.#repairedRidId === undefined || r.header.ssrc === this.ssrc) return r;
    const list: HeaderExtension[] = [];
    if (this.#midId !== undefined) list.push({ id: this.#midId, data: this.#midBytes });
    list.push({ id: this.#repairedRidId, data: this.#ridBytes! });
    if (this.#absId !== undefined) list.push({ id: this.#absId, data: encodeAbsSendTime(now) });
    if (this.#twccId !== undefined) list.push({ id: this.#twccId, data: TWCC_PLACEHOLDER });
    return { ...r, header: { ...r.header, extension: buildExtensionBlock(list) } };
  }

  /** Packetizes one encoded frame with RTP timestamp `timestamp`. */
  packetizeFrame(now: Millis, frame: Uint8Array, timestamp: number): RtpPacket[] {
    this.framesSent++;
    return this.#packetizer.packetize(frame, timestamp, this.extension(now));
  }

  /** A caller's ready packet restamped for this stream: our SSRC, payload type and extensions. */
  restamp(now: Millis, p: RtpPacket, carried?: readonly HeaderExtension[]): RtpPacket {
    const h = p.header;
    if (h.marker || this.codec.kind === "audio") this.framesSent++;
    return {
      header: {
        padding: h.padding,
        marker: h.marker,
        payloadType: this.payloadType,
        sequenceNumber: h.sequenceNumber,
        timestamp: h.timestamp,
        ssrc: this.config.ssrc,
        csrcs: h.csrcs,
        extension: this.extension(now, carried),
      },
      payload: p.payload,
      paddingSize: p.paddingSize,
    };
  }

  /** Records a media packet that left (not a retransmission). */
  noteSent(now: Millis, p: RtpPacket, wireBytes: number): void {
    this.sentAny = true;
    this.packetsSent++;
    this.bytesSent += wireBytes;
    this.history.handleSent(now, p);
    this.report.handleSent(now, p);
    this.#lastTimestamp = p.header.timestamp;
    this.#lastSentAt = now;
    this.lastRtpAt = now;
  }

  /** Records a telephone-event packet that left (counted, not kept for NACK or SR timing). */
  noteDtmfSent(now: Millis, wireBytes: number): void {
    this.sentAny = true;
    this.lastRtpAt = now;
    this.packetsSent++;
    this.bytesSent += wireBytes;
  }

  stats(): SendStreamStats {
    return {
      ssrc: this.ssrc,
      mid: this.config.mid,
      payloadType: this.payloadType,
      packetsSent: this.packetsSent,
      bytesSent: this.bytesSent,
      framesSent: this.framesSent,
      retransmittedPacketsSent: this.history.packetsResent,
      nackCount: this.nackCount,
      pliCount: this.pliCount,
      firCount: this.firCount,
      roundTripTime: this.roundTripTime,
      totalRoundTripTime: this.totalRoundTripTime,
      roundTripTimeMeasurements: this.roundTripTimeMeasurements,
      reportsReceived: this.reportsReceived,
      remotePacketsLost: this.remotePacketsLost,
      remoteFractionLost: this.remoteFractionLost,
      remoteJitter: this.remoteJitter,
    };
  }
}
