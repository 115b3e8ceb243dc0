/**
 * Encoded frames in the shape of the W3C encoded-transform frames (webrtc-encoded-transform
 * §7, §8): `data` (an ArrayBuffer), `timestamp` (the RTP timestamp), `type` for video and
 * `getMetadata()`.
 */

/** `RTCEncodedVideoFrameType`. */
export type RTCEncodedVideoFrameType = "empty" | "key" | "delta";

/** `RTCEncodedVideoFrameMetadata` / `RTCEncodedAudioFrameMetadata` (the fields we can know). */
export interface RTCEncodedFrameMetadata {
  readonly synchronizationSource: number;
  readonly payloadType: number;
  readonly contributingSources: number[];
  readonly rtpTimestamp: number;
  readonly mimeType: string;
  /** RTP sequence number of the frame's first packet (non-standard, useful for forwarding). */
  readonly sequenceNumber?: number;
}

interface FrameInit {
  readonly data: ArrayBuffer;
  readonly timestamp: number;
  readonly metadata: RTCEncodedFrameMetadata;
}

/** A received (or hand-built) encoded video frame. */
export class RTCEncodedVideoFrame {
  /** The frame's bytes (webrtc-encoded-transform: an ArrayBuffer the app may replace). */
  data: ArrayBuffer;
  readonly type: RTCEncodedVideoFrameType;
  /** The RTP timestamp (90 kHz). */
  readonly timestamp: number;
  readonly #metadata: RTCEncodedFrameMetadata;

  constructor(init: FrameInit & { readonly type: RTCEncodedVideoFrameType }) {
    this.data = init.data;
    this.type = init.type;
    this.timestamp = init.timestamp;
    this.#metadata = init.metadata;
  }

  getMetadata(): RTCEncodedFrameMetadata {
    return { ...this.#metadata, contributingSources: [...this.#metadata.contributingSources] };
  }
}

/** A received (or hand-built) encoded audio frame. */
export class RTCEncodedAudioFrame {
  data: ArrayBuffer;
  /** The RTP timestamp (the codec's clock, 48 kHz for Opus). */
  readonly timestamp: number;
  readonly #metadata: RTCEncodedFrameMetadata;

  constructor(init: FrameInit) {
    this.data = init.data;
    this.timestamp = init.timestamp;
    this.#metadata = init.metadata;
  }

  getMetadata(): RTCEncodedFrameMetadata {
    return { ...this.#metadata, contributingSources: [...this.#metadata.contributingSources] };
  }
}

/** What `writeFrame` accepts: a frame object or its plain fields. */
export interface EncodedFrameInit {
  /** The encoded frame (a VP8/VP9/AV1 frame, an H.264 access unit in Annex B, an Opus packet). */
  readonly data: ArrayBuffer | ArrayBufferView;
  /** The RTP timestamp in the codec's clock (90 kHz video, 48 kHz Opus). */
  readonly timestamp: number;
}

/** The bytes of a frame's `data` as a Uint8Array view (no copy). */
export function frameBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("frame data must be an ArrayBuffer or a view");
}
