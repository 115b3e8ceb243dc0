/**
 * One incoming RTP stream: RFC 3550 reception statistics (A.1, A.3, A.8) for the receiver
 * reports, the NACK/PLI-aware jitter buffer of @purertc/rtp that assembles frames, and RTX
 * (RFC 4588) unwrapping onto the media SSRC.
 */
import type { Millis } from "@purertc/common";
import { JitterBuffer, type JitterBufferConfig, ReceiverStats } from "@purertc/rtp";
import type { Codec, Extmap } from "@purertc/sdp";
import { type MediaKind, payloadCodecFor } from "./codecs.js";
import { DtmfReceiver } from "./dtmf-receiver.js";

/** What negotiation says about one receiver. */
export interface MediaReceiveConfig {
  readonly id: number;
  readonly mid: string;
  readonly kind: MediaKind;
  /** The negotiated codecs (media and RTX payload types we accept). */
  readonly codecs: readonly Codec[];
  readonly extmaps: readonly Extmap[];
  /** Media SSRCs the peer signalled (`a=ssrc`), possibly none (then MID or payload type bind). */
  readonly ssrcs: readonly number[];
  /** RTX SSRC → media SSRC, from `a=ssrc-group:FID` (RFC 5576 §4.2, RFC 4588 §8.5). */
  readonly rtxSsrcs: ReadonlyMap<number, number>;
  /**
   * The simulcast layer (RFC 8853) this receiver takes: packets of its section whose rid or
   * repaired-rid extension (RFC 8852) names it. Each layer is a receiver with its own id.
   */
  readonly rid?: string;
  /**
   * What the peer may send on this section (bits/s: its `b=TIAS` / `b=AS`), part of the RTCP
   * session bandwidth (RFC 3550 §6.2); unset: the kind's default.
   */
  readonly bandwidthBps?: number;
  /**
   * The m= section's `b=TIAS` (RFC 3890) or `b=AS` (RFC 8866 §5.8) in bits/s: the RTCP session
   * bandwidth of the whole section (RFC 3556 §2), replacing its streams' own figures.
   */
  readonly sectionBandwidthBps?: number;
}

/** Counters of one incoming stream (W3C `RTCInboundRtpStreamStats` subset). */
export interface ReceiveStreamStats {
  readonly ssrc: number | undefined;
  readonly mid: string;
  readonly payloadType: number | undefined;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly packetsLost: number;
  readonly jitter: number;
  readonly framesReceived: number;
  readonly framesDropped: number;
  readonly retransmittedPacketsReceived: number;
  readonly nackCount: number;
  readonly pliCount: number;
  /** When the last packet arrived (core clock, ms). */
  readonly lastPacketReceivedAt: Millis | undefined;
  /** The latest Sender Report of this stream's source (W3C remote-outbound-rtp). */
  readonly remoteSender: RemoteSenderInfo | undefined;
}

/** What the peer's latest SR said about the stream (RFC 3550 §6.4.1). */
export interface RemoteSenderInfo {
  readonly packetsSent: number;
  readonly bytesSent: number;
  /** The SR's NTP time as Unix ms (the sender's wall clock). */
  readonly remoteTimestamp: number;
  readonly reportsReceived: number;
}

/** One receiver's RTP state: bound to the peer's media SSRC by the first packet we route to it. */
export class ReceiveStream {
  config: MediaReceiveConfig;
  mediaSsrc: number | undefined;
  payloadType: number | undefined;
  #stats: ReceiverStats | undefined;
  #jb: JitterBuffer | undefined;
  readonly #jbConfig: Partial<JitterBufferConfig>;
  nack: boolean;
  pli: boolean;
  packetsReceived = 0;
  bytesReceived = 0;
  rtxReceived = 0;
  nackCount = 0;
  pliCount = 0;
  lastPacketReceivedAt: Millis | undefined;
  remoteSender: RemoteSenderInfo | undefined;
  /** RFC 4733 telephone-events on this stream. */
  readonly dtmf = new DtmfReceiver();
  #framesDroppedBefore = 0;
  #assemble = true;

  constructor(config: MediaReceiveConfig, jitter: Partial<JitterBufferConfig>) {
    this.config = config;
    this.#jbConfig = jitter;
    this.nack = false;
    this.pli = false;
  }

  /** The media codec of payload type `pt`, or `undefined` when it is RTX or not negotiated. */
  mediaCodec(pt: number): Codec | undefined {
    const c = this.config.codecs.find((x) => x.payloadType === pt);
    return c && c.name.toLowerCase() !== "rtx" ? c : undefined;
  }

  /** The original payload type of an RTX payload type (`apt`), or `undefined`. */
  rtxApt(pt: number): number | undefined {
    const c = this.config.codecs.find((x) => x.payloadType === pt);
    return c && c.name.toLowerCase() === "rtx" ? Number(c.parameters.apt) : undefined;
  }

  /**
   * The jitter buffer for a packet of payload type `pt` from `ssrc`; a new SSRC or codec starts
   * a fresh buffer (the sender restarted). `undefined` when the codec has no payload format.
   */
  buffer(
    ssrc: number,
    pt: number,
    codec: Codec,
  ): { jb: JitterBuffer; stats: ReceiverStats } | undefined {
    if (this.#jb === undefined || this.mediaSsrc !== ssrc || this.payloadType !== pt) {
      const p = payloadCodecFor(codec);
      if (!p) return undefined;
      if (this.#jb) this.#framesDroppedBefore += this.#jb.stats().framesDropped;
      this.nack = codec.feedback.some((f) => f.type === "nack" && f.parameter === undefined);
      this.pli = codec.feedback.some((f) => f.type === "nack" && f.parameter === "pli");
      this.#jb = new JitterBuffer(p, {
        ...this.#jbConfig,
        assembleFrames: this.#assemble,
        // Without NACK a hole is not repaired: give it up after one frame interval's worth.
        ...(this.nack ? {} : { giveUpMs: Math.min(this.#jbConfig.giveUpMs ?? 1000, 100) }),
      });
      if (this.mediaSsrc !== ssrc || this.#stats === undefined)
        this.#stats = new ReceiverStats(ssrc, codec.clockRate);
      this.mediaSsrc = ssrc;
      this.payloadType = pt;
    }
    return { jb: this.#jb, stats: this.#stats! };
  }

  /**
   * Whether the jitter buffer assembles frames (`frame` events); off, packets are still ordered,
   * repaired (NACK) and counted. See `JitterBuffer.setAssembleFrames`.
   */
  setAssembleFrames(now: Millis, on: boolean): void {
    this.#assemble = on;
    this.#jb?.setAssembleFrames(now, on);
  }

  get assembleFrames(): boolean {
    return this.#assemble;
  }

  get jitterBuffer(): JitterBuffer | undefined {
    return this.#jb;
  }

  get receiverStats(): ReceiverStats | undefined {
    return this.#stats;
  }

  pollTimeout(): Millis | undefined {
    return this.#jb?.pollTimeout();
  }

  stats(): ReceiveStreamStats {
    const s = this.#stats?.snapshot();
    const j = this.#jb?.stats();
    return {
      ssrc: this.mediaSsrc,
      mid: this.config.mid,
      payloadType: this.payloadType,
      packetsReceived: this.packetsReceived,
      bytesReceived: this.bytesReceived,
      packetsLost: s?.packetsLost ?? 0,
      jitter: s === undefined ? 0 : s.jitter / this.#stats!.clockRate,
      framesReceived: j?.framesDelivered ?? 0,
      framesDropped: this.#framesDroppedBefore + (j?.framesDropped ?? 0),
      retransmittedPacketsReceived: this.rtxReceived,
      nackCount: this.nackCount,
      pliCount: this.pliCount,
      lastPacketReceivedAt: this.lastPacketReceivedAt,
      remoteSender: this.remoteSender,
    };
  }
}
