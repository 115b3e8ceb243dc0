import { utf8Encode } from "@purertc/common";

/** A track of a {@link WebmWriter}. */
export interface WebmTrack {
  readonly codec: "VP8" | "VP9" | "AV1" | "Opus";
  readonly width?: number;
  readonly height?: number;
  /** Opus channel count (default 2). */
  readonly channels?: number;
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
function opusHead(channels: number): Uint8Array {
  const h = new Uint8Array(19);
  h.set(utf8Encode("OpusHead"));
  h[8] = 1;
  h[9] = channels;
  new DataView(h.buffer).setUint16(10, 3840, true);
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
        kids.push(
          el(0x63a2, opusHead(channels)),
          uint(0x56aa, 6_500_000),
          uint(0x56bb, 80_000_000),
        );
        kids.push(el(0xe1, float(0xb5, 48000), uint(0x9f, channels)));
      } else {
        if (t.width === undefined || t.height === undefined)
          throw new RangeError("WebM: video track needs width and height");
        kids.push(el(0xe0, uint(0xb0, t.width), uint(0xba, t.height)));
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
    const head = new Uint8Array(4);
    head[0] = 0x81 + track;
    new DataView(head.buffer).setInt16(1, t - this.#clusterStart);
    head[3] = keyframe || !video ? 0x80 : 0;
    parts.push(concat([id(0xa3), vsize(4 + data.byteLength), head, data]));
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
