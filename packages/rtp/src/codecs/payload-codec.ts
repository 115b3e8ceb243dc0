/**
 * What every RTP payload format implements: split an encoded frame into payloads that fit an
 * MTU, tell where frames start, detect keyframes, and rebuild a frame from its payloads.
 * Depacketizing throws only `DecodeError` (layer `"rtp"`) on malformed payloads.
 */
export interface PayloadCodec {
  /** Encoding name as in SDP `a=rtpmap` (`"VP8"`, `"H264"`, `"opus"`, ...). */
  readonly encodingName: string;
  readonly kind: "audio" | "video";
  /** RTP timestamp clock rate in Hz. */
  readonly clockRate: number;
  /**
   * Splits one encoded frame into RTP payloads of at most `maxPayloadSize` bytes. The last
   * payload carries the marker bit for video. Throws `RangeError` when the format cannot split
   * the frame that small.
   */
  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[];
  /** Whether this payload is the first of a frame. Throws `DecodeError` when malformed. */
  isFrameStart(payload: Uint8Array): boolean;
  /**
   * Whether this payload shows that its frame is a keyframe (decodable on its own); a frame is
   * a keyframe when any of its payloads says so (H.264 may open with SEI before the IDR slice).
   */
  isKeyframe(payload: Uint8Array): boolean;
  /** Rebuilds a frame from the payloads of one frame, in sequence order. */
  depacketize(payloads: readonly Uint8Array[]): Uint8Array;
  /**
   * For sample-based audio (G.711, G.722) the RTP timestamp advances by this many ticks per
   * payload byte, so a long frame split over several packets gets increasing timestamps.
   */
  readonly ticksPerByte?: number;
}

/** @internal Concatenates slices into one new array. */
export function joinPayloads(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** @internal Checks an MTU-derived size. */
export function checkMaxPayload(maxPayloadSize: number, min: number, what: string): void {
  if (!Number.isInteger(maxPayloadSize) || maxPayloadSize < min) {
    throw new RangeError(`${what}: max payload size ${maxPayloadSize} below ${min}`);
  }
}
