import { isDecodeError } from "@purertc/common";
import type { PayloadCodec } from "./codecs/payload-codec.js";
import type { RtpPacket } from "./rtp-packet.js";

/** A frame rebuilt from RTP packets. */
export interface AssembledFrame {
  readonly timestamp: number;
  readonly data: Uint8Array;
  readonly keyframe: boolean;
  /** Sequence numbers of the first and last packet of the frame. */
  readonly firstSequenceNumber: number;
  readonly lastSequenceNumber: number;
}

/** Counters of a {@link FrameAssembler}. */
export interface FrameAssemblerStats {
  readonly framesAssembled: number;
  /** Frames dropped because a packet was missing or the payloads were malformed. */
  readonly framesDropped: number;
}

/**
 * Rebuilds frames from packets that arrive in sequence order (after a jitter buffer, or from a
 * capture). Video frames end at the marker bit (RFC 3551 §4.1: "the marker bit is set on the
 * last packet of a frame"); audio packets are frames by themselves. A frame with a sequence gap,
 * no start or malformed payloads is dropped and counted, never half-delivered.
 */
export class FrameAssembler {
  readonly codec: PayloadCodec;
  #payloads: Uint8Array[] = [];
  #timestamp = 0;
  #first = 0;
  #last = -1;
  #broken = false;
  #assembled = 0;
  #dropped = 0;

  constructor(codec: PayloadCodec) {
    this.codec = codec;
  }

  /** Feeds the next packet; returns the frame it completes, if any. */
  push(packet: RtpPacket): AssembledFrame | undefined {
    const h = packet.header;
    if (this.codec.kind === "audio") {
      return this.#emit([packet.payload], h.timestamp, h.sequenceNumber, h.sequenceNumber);
    }
    if (this.#payloads.length > 0) {
      if (h.timestamp !== this.#timestamp) {
        this.#dropped++;
        this.#payloads = [];
      } else if (((this.#last + 1) & 0xffff) !== h.sequenceNumber) {
        this.#broken = true;
      }
    }
    if (this.#payloads.length === 0) {
      this.#timestamp = h.timestamp;
      this.#first = h.sequenceNumber;
      this.#broken = !this.#startsFrame(packet.payload);
    }
    this.#payloads.push(packet.payload);
    this.#last = h.sequenceNumber;
    if (!h.marker) return undefined;
    const payloads = this.#payloads;
    this.#payloads = [];
    if (this.#broken) {
      this.#dropped++;
      return undefined;
    }
    return this.#emit(payloads, h.timestamp, this.#first, h.sequenceNumber);
  }

  stats(): FrameAssemblerStats {
    return { framesAssembled: this.#assembled, framesDropped: this.#dropped };
  }

  #startsFrame(payload: Uint8Array): boolean {
    try {
      return this.codec.isFrameStart(payload);
    } catch (e) {
      if (isDecodeError(e)) return false;
      throw e;
    }
  }

  #emit(
    payloads: Uint8Array[],
    timestamp: number,
    first: number,
    last: number,
  ): AssembledFrame | undefined {
    try {
      const data = this.codec.depacketize(payloads);
      const keyframe = payloads.some((p) => this.codec.isKeyframe(p));
      this.#assembled++;
      return { timestamp, data, keyframe, firstSequenceNumber: first, lastSequenceNumber: last };
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      this.#dropped++;
      return undefined;
    }
  }
}
