import { DecodeError } from "@purertc/common";
import { checkMaxPayload, joinPayloads, type PayloadCodec } from "./payload-codec.js";

/**
 * Opus (RFC 7587 §4.2): one Opus packet per RTP payload, never fragmented ("The RTP payload
 * ... MUST NOT be fragmented"), 48 kHz RTP clock whatever the coded bandwidth.
 */
export class OpusCodec implements PayloadCodec {
  readonly encodingName = "opus";
  readonly kind = "audio";
  readonly clockRate = 48000;

  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[] {
    if (frame.byteLength > maxPayloadSize) {
      throw new RangeError(
        `Opus: a ${frame.byteLength}-byte packet cannot be split (RFC 7587 §4.2)`,
      );
    }
    return [frame];
  }

  isFrameStart(): boolean {
    return true;
  }

  /** Every Opus packet decodes on its own. */
  isKeyframe(): boolean {
    return true;
  }

  depacketize(payloads: readonly Uint8Array[]): Uint8Array {
    if (payloads.length !== 1)
      throw new DecodeError("rtp", "bad-frame", 0, "an Opus frame is one payload");
    return payloads[0]!;
  }
}

/**
 * Sample-based audio where one byte is one RTP clock tick: G.711 μ-law/A-law (RFC 3551 §4.5.14,
 * PCMU PT 0, PCMA PT 8) and G.722 (RFC 3551 §4.5.2: 8000 Hz RTP clock "even though the actual
 * sampling rate ... is 16,000 Hz"). A frame larger than the MTU is split at byte boundaries;
 * each payload then has its own timestamp (`ticksPerByte`).
 */
export class SampleAudioCodec implements PayloadCodec {
  readonly kind = "audio";
  readonly clockRate = 8000;
  readonly ticksPerByte = 1;
  readonly encodingName: "PCMU" | "PCMA" | "G722";

  constructor(encodingName: "PCMU" | "PCMA" | "G722") {
    this.encodingName = encodingName;
  }

  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[] {
    checkMaxPayload(maxPayloadSize, 1, this.encodingName);
    const out: Uint8Array[] = [];
    for (let o = 0; o < frame.byteLength; o += maxPayloadSize) {
      out.push(frame.subarray(o, Math.min(o + maxPayloadSize, frame.byteLength)));
    }
    return out;
  }

  isFrameStart(): boolean {
    return true;
  }

  isKeyframe(): boolean {
    return true;
  }

  depacketize(payloads: readonly Uint8Array[]): Uint8Array {
    if (payloads.length === 1) return payloads[0]!;
    let n = 0;
    for (const p of payloads) n += p.byteLength;
    return joinPayloads(payloads, n);
  }
}
