import type { PayloadCodec } from "./codecs/payload-codec.js";
import { encodedLengthRtpHeader, type RtpExtensionBlock, type RtpHeader } from "./rtp-header.js";
import type { RtpPacket } from "./rtp-packet.js";

/** Settings of an {@link RtpPacketizer}. */
export interface RtpPacketizerConfig {
  readonly ssrc: number;
  readonly payloadType: number;
  /** First sequence number (RFC 3550 §5.1: "SHOULD be random"); default 0. */
  readonly sequenceNumber: number;
  /** Largest RTP packet in bytes (header included); default 1200, what browsers use. */
  readonly mtu: number;
}

export const DEFAULT_RTP_PACKETIZER_CONFIG: Omit<RtpPacketizerConfig, "ssrc" | "payloadType"> =
  Object.freeze({
    sequenceNumber: 0,
    mtu: 1200,
  });

/**
 * Turns encoded frames into RTP packets for one stream: codec payloads, consecutive sequence
 * numbers, the frame's timestamp, and the marker bit on the last packet of a video frame
 * (RFC 3551 §4.1) or the first packet of a talkspurt for audio (left to the caller).
 */
export class RtpPacketizer {
  readonly codec: PayloadCodec;
  readonly #cfg: RtpPacketizerConfig;
  #seq: number;

  constructor(
    codec: PayloadCodec,
    config: Partial<RtpPacketizerConfig> & Pick<RtpPacketizerConfig, "ssrc" | "payloadType">,
  ) {
    const cfg = { ...DEFAULT_RTP_PACKETIZER_CONFIG, ...config };
    if (!Number.isInteger(cfg.mtu) || cfg.mtu < 64)
      throw new RangeError(`RtpPacketizer: mtu ${cfg.mtu} below 64`);
    this.codec = codec;
    this.#cfg = cfg;
    this.#seq = cfg.sequenceNumber & 0xffff;
  }

  /** The sequence number the next packet gets. */
  get nextSequenceNumber(): number {
    return this.#seq;
  }

  /**
   * Takes the next sequence number for a packet the caller builds itself on this stream (RFC 4733
   * §2.1: telephone-events share the audio stream's sequence space when they share its SSRC).
   */
  takeSequenceNumber(): number {
    const v = this.#seq;
    this.#seq = (v + 1) & 0xffff;
    return v;
  }

  /**
   * Packetizes one frame. `extension` (e.g. from `buildExtensionBlock`) goes into every packet
   * and counts against the MTU.
   */
  packetize(frame: Uint8Array, timestamp: number, extension?: RtpExtensionBlock): RtpPacket[] {
    const template: RtpHeader = {
      padding: false,
      marker: false,
      payloadType: this.#cfg.payloadType,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: this.#cfg.ssrc,
      csrcs: [],
      extension,
    };
    const room = this.#cfg.mtu - encodedLengthRtpHeader(template);
    const payloads = this.codec.packetize(frame, room);
    const video = this.codec.kind === "video";
    const tpb = this.codec.ticksPerByte;
    const out: RtpPacket[] = [];
    let ts = timestamp >>> 0;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i]!;
      out.push({
        header: {
          ...template,
          marker: video && i === payloads.length - 1,
          sequenceNumber: this.#seq,
          timestamp: ts,
        },
        payload,
        paddingSize: 0,
      });
      this.#seq = (this.#seq + 1) & 0xffff;
      if (tpb !== undefined) ts = (ts + payload.byteLength * tpb) >>> 0;
    }
    return out;
  }
}
