import { utf8Encode } from "@purertc/common";
import {
  encodeAv1CodecConfigurationRecord,
  findAv1SequenceHeader,
} from "../codecs/av1-sequence-header.js";
import { OPUS_DEFAULT_PRE_SKIP } from "./ogg-opus.js";

/** A track of a {@link WebmWriter}. */
export interface WebmTrack {
  readonly codec: "VP8" | "VP9" | "AV1" | "Opus";
  /** Frame size; for AV1 it defaults to the sequence header's maximum frame size. */
  readonly width?: number;
  readonly height?: number;
  /**
   * AV1 only, required: a temporal unit holding the Sequence Header OBU (normally the first
   * keyframe out of the depacketizer). The writer builds the `av1C` CodecPrivate from it, which
   * the AV1-in-Matroska mapping requires and players read the decoder setup from.
   */
  readonly av1SequenceHeader?: Uint8Array;
  /** Opus channel count (default 2). */
  readonly channels?: number;
  /**
   * Opus pre-skip in 48 kHz samples, written to OpusHead and as CodecDelay (default 3840, the
   * 80 ms RFC 7845 §5.1 recommends for streams cut from a live source; use the sender's
   * encoder delay, e.g. 312 for libopus, when the recording starts with the stream).
   */
  readonly preSkip?: number;
}

/** Bytes to overwrite once the recording ends (the Segment Info Duration). */
export interface WebmPatch {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

type Child = Uint8Array;

function id(v: number): Uint8Array {
  const n = v > 0xffffff ? 4 : v > 0xffff ? 3 : v > 0xff ? 2 : 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (v >>> (8 * (n - 1 - i))) & 0xff;
  return out;
}

/** EBML variable-size integer of the data size (RFC 8794 §4). */
function vsize(n: number): Uint8Array {
  for (let len = 1; len <= 8; len++) {
    if (n < 2 ** (7 * len) - 1) {
      const out = new Uint8Array(len);
      let v = n;
      for (let i = len - 1; i >= 0; i--) {
        out[i] = v & 0xff;
        v = Math.floor(v / 256);
      }
      out[0]! |= 0x80 >> (len - 1);
      return out;
    }
  }
  throw new RangeError("EBML: element too large");
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

function el(elementId: number, ...children: Child[]): Uint8Array {
  const body = concat(children);
  return concat([id(elementId), vsize(body.byteLength), body]);
}

function uint(elementId: number, v: number): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return el(elementId, Uint8Array.from(bytes));
}

function float(elementId: number, v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return el(elementId, b);
}

function str(elementId: number, s: string): Uint8Array {
  return el(elementId, utf8Encode(s));
}

const UNKNOWN_SIZE = Uint8Array.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const CODEC_ID = { VP8: "V_VP8", VP9: "V_VP9", AV1: "V_AV1", Opus: "A_OPUS" } as const;

/** OpusHead (RFC 7845 §5.1), the CodecPrivate of A_OPUS. */
function opusHead(channels: number, preSkip: number): Uint8Array {
  const h = new Uint8Array(19);
  h.set(utf8Encode("OpusHead"));
  h[8] = 1;
  h[9] = channels;
  new DataView(h.buffer).setUint16(10, preSkip, true);
  new DataView(h.buffer).setUint32(12, 48000, true);
  return h;
}

/**
 * WebM (Matroska subset) writer for VP8, VP9, AV1 and Opus: a live-style stream with an
 * unknown-size Segment and Clusters of SimpleBlocks, millisecond timestamps. Pure byte
 * producer: `header()`, then `frame()` per frame; `finish()` returns the Duration bytes to
 * patch in when the sink can seek (ffprobe then reports the duration without scanning).
 */
export class WebmWriter {
  readonly tracks: readonly WebmTrack[];
  #written = 0;
  #durationOffset = -1;
  #clusterStart = -1;
  #lastMs = 0;
  #firstMs: number | undefined;

  constructor(tracks: readonly WebmTrack[]) {
    if (tracks.length === 0 || tracks.length > 126) throw new RangeError("WebM: 1..126 tracks");
    for (const t of tracks) {
      if (
        t.preSkip !== undefined &&
        !(Number.isInteger(t.preSkip) && t.preSkip >= 0 && t.preSkip <= 0xffff)
      )
        throw new RangeError(`WebM: Opus pre-skip ${t.preSkip} outside 0..65535`);
    }
    this.tracks = tracks;
  }

  /** EBML header, Segment start, Info and Tracks. */
  header(): Uint8Array {
    const ebml = el(
      0x1a45dfa3,
      uint(0x4286, 1),
      uint(0x42f7, 1),
      uint(0x42f2, 4),
      uint(0x42f3, 8),
      str(0x4282, "webm"),
      uint(0x4287, 4),
      uint(0x4285, 2),
    );
    const segmentHead = concat([id(0x18538067), UNKNOWN_SIZE]);
    const infoBody = [uint(0x2ad7b1, 1_000_000), str(0x4d80, "purertc"), str(0x5741, "purertc")];
    const infoPrefix = concat([ebml, segmentHead, id(0x1549a966)]);
    const infoBodyBytes = concat([...infoBody, float(0x4489, 0)]);
    const info = concat([infoPrefix, vsize(infoBodyBytes.byteLength), infoBodyBytes]);
    // The Duration float is the last 8 bytes of Info.
    this.#durationOffset = info.byteLength - 8;
    const entries = this.tracks.map((t, i) => {
      const kids: Uint8Array[] = [
        uint(0xd7, i + 1),
        uint(0x73c5, i + 1),
        uint(0x83, t.codec === "Opus" ? 2 : 1),
        str(0x86, CODEC_ID[t.codec]),
      ];
      if (t.codec === "Opus") {
        const channels = t.channels ?? 2;
        const preSkip = t.preSkip ?? OPUS_DEFAULT_PRE_SKIP;
        // CodecDelay (ns) equals the pre-skip; SeekPreRoll is the 80 ms RFC 7845 §4.6 asks for.
        kids.push(
          el(0x63a2, opusHead(channels, preSkip)),
          uint(0x56aa, Math.round((preSkip * 1e9) / 48000)),
          uint(0x56bb, 80_000_000),
        );
        kids.push(el(0xe1, float(0xb5, 48000), uint(0x9f, channels)));
      } else {
        let width = t.width;
        let height = t.height;
        if (t.codec === "AV1") {
          const seq = t.av1SequenceHeader && findAv1SequenceHeader(t.av1SequenceHeader);
          if (!seq) throw new RangeError("WebM: AV1 track needs a Sequence Header OBU");
          kids.push(el(0x63a2, encodeAv1CodecConfigurationRecord(seq)));
          width ??= seq.header.maxFrameWidth;
          height ??= seq.header.maxFrameHeight;
        }
        if (width === undefined || height === undefined)
          throw new RangeError("WebM: video track needs width and height");
        kids.push(el(0xe0, uint(0xb0, width), uint(0xba, height)));
      }
      return el(0xae, ...kids);
    });
    const out = concat([info, el(0x1654ae6b, ...entries)]);
    this.#written += out.byteLength;
    return out;
  }

  /**
   * One SimpleBlock (and a new Cluster first when needed: at a video keyframe, or when the
   * 16-bit relative timestamp would overflow). `timeMs` must not decrease.
   */
  frame(track: number, data: Uint8Array, timeMs: number, keyframe: boolean): Uint8Array {
    if (track < 0 || track >= this.tracks.length) throw new RangeError(`WebM: no track ${track}`);
    const t = Math.max(0, Math.round(timeMs));
    this.#firstMs ??= t;
    const parts: Uint8Array[] = [];
    const video = this.tracks[track]!.codec !== "Opus";
    if (
      this.#clusterStart < 0 ||
      t - this.#clusterStart > 30_000 ||
      (video && keyframe && t > this.#clusterStart)
    ) {
      this.#clusterStart = t;
      parts.push(concat([id(0x1f43b675), UNKNOWN_SIZE]), uint(0xe7, t));
    }
    // Matroska AV1 blocks carry no temporal delimiter (IVF and raw OBU streams do).
    const body =
      this.tracks[track]!.codec === "AV1" && data[0] === 0x12 && data[1] === 0
        ? data.subarray(2)
        : data;
    const head = new Uint8Array(4);
    head[0] = 0x81 + track;
    new DataView(head.buffer).setInt16(1, t - this.#clusterStart);
    head[3] = keyframe || !video ? 0x80 : 0;
    parts.push(concat([id(0xa3), vsize(4 + body.byteLength), head, body]));
    this.#lastMs = Math.max(this.#lastMs, t);
    const out = concat(parts);
    this.#written += out.byteLength;
    return out;
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  /** The Duration to write at its offset once the last frame is in (`frameDurationMs` added). */
  finish(frameDurationMs = 0): WebmPatch {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, this.#lastMs - (this.#firstMs ?? 0) + frameDurationMs);
    return { offset: this.#durationOffset, bytes: b };
  }
}
