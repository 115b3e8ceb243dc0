import { DecodeError, utf8Decode, utf8Encode } from "@purertc/common";

/**
 * Typed codecs for the header extensions WebRTC negotiates with `a=extmap`. Each has a URI
 * constant, `encodeX(value): Uint8Array` and `decodeX(data)` over the element data returned by
 * `findHeaderExtension`. Decoders throw only `DecodeError`.
 */

/** `a=extmap` URIs of the typed extensions. */
export const RTP_EXTENSION_URI = Object.freeze({
  mid: "urn:ietf:params:rtp-hdrext:sdes:mid",
  rtpStreamId: "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
  repairedRtpStreamId: "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
  absSendTime: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  transportWideCc: "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  audioLevel: "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  videoOrientation: "urn:3gpp:video-orientation",
  playoutDelay: "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
  absCaptureTime: "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time",
  dependencyDescriptor:
    "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension",
} as const);

function need(data: Uint8Array, n: number, what: string): void {
  if (data.byteLength < n) {
    throw new DecodeError(
      "rtp",
      "truncated",
      data.byteLength,
      `${what} needs ${n} bytes, have ${data.byteLength}`,
    );
  }
}

// --- SDES items carried as extensions (RFC 9143 §15 mid; RFC 8852 §3 rid/repaired-rid) ---

/** Encodes a MID / RtpStreamId / RepairedRtpStreamId (UTF-8 text, 1..255 bytes). */
export function encodeSdesExtension(value: string): Uint8Array {
  const b = utf8Encode(value);
  if (b.byteLength < 1 || b.byteLength > 255)
    throw new RangeError(`SDES extension "${value}" must be 1..255 bytes`);
  return b;
}

/**
 * Decodes a MID / RID text. Trailing zero bytes are dropped (some senders pad the element with
 * zeros rather than padding the block).
 */
export function decodeSdesExtension(data: Uint8Array): string {
  need(data, 1, "SDES extension");
  let end = data.byteLength;
  while (end > 0 && data[end - 1] === 0) end--;
  return utf8Decode(data.subarray(0, end));
}

// --- abs-send-time: 24-bit, 6.18 fixed point seconds ---

/**
 * Encodes abs-send-time from a time in milliseconds: seconds in 6.18 fixed point, modulo 64 s
 * (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time).
 */
export function encodeAbsSendTime(ms: number): Uint8Array {
  const out = new Uint8Array(3);
  writeAbsSendTime(ms, out, 0);
  return out;
}

/** {@link encodeAbsSendTime} into `out[offset .. offset + 3)` (patching a prepared block). */
export function writeAbsSendTime(ms: number, out: Uint8Array, offset: number): void {
  const v = Math.round((ms * 262144) / 1000) & 0xffffff;
  out[offset] = v >>> 16;
  out[offset + 1] = (v >>> 8) & 0xff;
  out[offset + 2] = v & 0xff;
}

/** The raw 24-bit 6.18 fixed point value (units of 2^-18 s, wraps every 64 s). */
export function decodeAbsSendTime(data: Uint8Array): number {
  need(data, 3, "abs-send-time");
  return (data[0]! << 16) | (data[1]! << 8) | data[2]!;
}

// --- transport-wide-cc-01: 16-bit transport-wide sequence number ---

/** Encodes a transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2). */
export function encodeTransportWideCc(seq: number): Uint8Array {
  return new Uint8Array([(seq >>> 8) & 0xff, seq & 0xff]);
}

/** Decodes a transport-wide sequence number. */
export function decodeTransportWideCc(data: Uint8Array): number {
  need(data, 2, "transport-wide-cc");
  return (data[0]! << 8) | data[1]!;
}

// --- ssrc-audio-level (RFC 6464 §3) ---

/** Client-to-mixer audio level (RFC 6464): level in -dBov 0..127, V = voice activity. */
export interface AudioLevel {
  readonly voiceActivity: boolean;
  /** 0 (loudest, 0 dBov) .. 127 (silence, -127 dBov). */
  readonly level: number;
}

/**
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |V| level       |
 * +-+-+-+-+-+-+-+-+
 * ```
 */
export function encodeAudioLevel(a: AudioLevel): Uint8Array {
  if (a.level < 0 || a.level > 127)
    throw new RangeError(`RFC 6464: level ${a.level} outside 0..127`);
  return new Uint8Array([(a.voiceActivity ? 0x80 : 0) | a.level]);
}

/** Decodes RFC 6464 §3. */
export function decodeAudioLevel(data: Uint8Array): AudioLevel {
  need(data, 1, "ssrc-audio-level");
  const b = data[0]!;
  return { voiceActivity: (b & 0x80) !== 0, level: b & 0x7f };
}

// --- video-orientation (3GPP TS 26.114 §7.4.5) ---

/** Coordination of Video Orientation: rotation in degrees clockwise, flip, back-facing camera. */
export interface VideoOrientation {
  readonly camera: boolean;
  readonly flip: boolean;
  readonly rotation: 0 | 90 | 180 | 270;
}

/**
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |0 0 0 0 C F R R|
 * +-+-+-+-+-+-+-+-+
 * ```
 */
export function encodeVideoOrientation(v: VideoOrientation): Uint8Array {
  return new Uint8Array([(v.camera ? 8 : 0) | (v.flip ? 4 : 0) | ((v.rotation / 90) & 3)]);
}

/** Decodes a CVO byte. */
export function decodeVideoOrientation(data: Uint8Array): VideoOrientation {
  need(data, 1, "video-orientation");
  const b = data[0]!;
  return {
    camera: (b & 8) !== 0,
    flip: (b & 4) !== 0,
    rotation: ((b & 3) * 90) as VideoOrientation["rotation"],
  };
}

// --- playout-delay: two 12-bit values in 10 ms units ---

/** Playout delay limits in milliseconds (multiples of 10, at most 40950). */
export interface PlayoutDelay {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * ```
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       MIN delay       |       MAX delay       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function encodePlayoutDelay(p: PlayoutDelay): Uint8Array {
  const min = Math.round(p.minMs / 10);
  const max = Math.round(p.maxMs / 10);
  if (min < 0 || min > 0xfff || max < 0 || max > 0xfff) {
    throw new RangeError(`playout-delay: ${p.minMs}..${p.maxMs} ms outside 0..40950`);
  }
  return new Uint8Array([min >>> 4, ((min & 0xf) << 4) | (max >>> 8), max & 0xff]);
}

/** Decodes playout-delay. */
export function decodePlayoutDelay(data: Uint8Array): PlayoutDelay {
  need(data, 3, "playout-delay");
  const min = (data[0]! << 4) | (data[1]! >>> 4);
  const max = ((data[1]! & 0xf) << 8) | data[2]!;
  return { minMs: min * 10, maxMs: max * 10 };
}

// --- abs-capture-time: 64-bit NTP capture time [+ signed Q32.32 clock offset] ---

/** Absolute capture time: NTP 64-bit timestamp, optional estimated capture clock offset (Q32.32). */
export interface AbsCaptureTime {
  readonly captureNtp: bigint;
  readonly captureClockOffset?: bigint;
}

/**
 * 8 bytes (timestamp only) or 16 bytes (with the signed offset), big-endian
 * (http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time).
 */
export function encodeAbsCaptureTime(a: AbsCaptureTime): Uint8Array {
  const out = new Uint8Array(a.captureClockOffset === undefined ? 8 : 16);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt.asUintN(64, a.captureNtp));
  if (a.captureClockOffset !== undefined) v.setBigInt64(8, BigInt.asIntN(64, a.captureClockOffset));
  return out;
}

/** Decodes abs-capture-time (8 or 16 bytes). */
export function decodeAbsCaptureTime(data: Uint8Array): AbsCaptureTime {
  need(data, 8, "abs-capture-time");
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const captureNtp = v.getBigUint64(0);
  if (data.byteLength >= 16) return { captureNtp, captureClockOffset: v.getBigInt64(8) };
  return { captureNtp };
}
