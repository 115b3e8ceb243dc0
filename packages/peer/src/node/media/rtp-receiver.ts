/**
 * `RTCRtpReceiver` (webrtc-pc §5.3) of encoded media. When the peer sends simulcast (RFC 8853,
 * `a=simulcast:send` with rids) every layer is a track of its own, listed in
 * {@link RTCRtpReceiver.encodings}; `track` is the first listed layer's.
 */
import type { Codec, Extmap } from "@purertc/sdp";
import {
  capabilities,
  type MediaKind,
  mimeTypeOf,
  payloadCodecFor,
  type RTCRtpCapabilities,
  type RTCRtpCodecParameters,
  toRtcCodec,
} from "../../media/codecs.js";
import { domError } from "../errors.js";
import type { RTCStatsReport } from "../stats.js";
import type { RTCDtlsTransport } from "../transports.js";
import { EncodedMediaStreamTrack } from "./encoded-track.js";

/** webrtc-pc §5.3.4 `RTCRtpSynchronizationSource`. */
export interface RTCRtpSynchronizationSource {
  readonly source: number;
  readonly timestamp: number;
  readonly rtpTimestamp: number;
}

/** One received encoding (non-standard): a simulcast layer's rid and its track. */
export interface RTCRtpReceiveEncoding {
  /** The layer's RTP stream id (RFC 8851); absent without simulcast. */
  readonly rid?: string;
  readonly track: EncodedMediaStreamTrack;
}

type ReceiveCodecs = Parameters<EncodedMediaStreamTrack["_setReceiveCodecs"]>;

export class RTCRtpReceiver {
  readonly track: EncodedMediaStreamTrack;
  readonly transport: RTCDtlsTransport | null;
  jitterBufferTarget: number | null = null;
  #codecs: RTCRtpCodecParameters[] = [];
  #extmaps: { uri: string; id: number }[] = [];
  readonly #ssrcs = new SourceSet();
  readonly #csrcs = new SourceSet();
  /** @internal The connection's `getStats()` selected to this receiver. */
  _stats: (() => Promise<RTCStatsReport>) | undefined;
  readonly #kind: MediaKind;
  #layers: Map<string, EncodedMediaStreamTrack> | undefined;
  #receiveCodecs: ReceiveCodecs | undefined;
  #onFrameDemand: (() => void) | undefined;

  /** @internal */
  constructor(kind: MediaKind, trackId: string, transport: RTCDtlsTransport) {
    this.track = EncodedMediaStreamTrack._remote(kind, trackId);
    this.transport = transport;
    this.#kind = kind;
  }

  /**
   * Non-standard: what the peer sends on this receiver — one entry with `track`, or one per
   * simulcast layer (in `a=simulcast` order, `track` first), each a track that yields that
   * layer's frames, asks for its keyframes, and can be relayed with `addTrack`/`replaceTrack`
   * (switching layers at a keyframe).
   */
  get encodings(): RTCRtpReceiveEncoding[] {
    if (!this.#layers) return [{ track: this.track }];
    return [...this.#layers].map(([rid, track]) => ({ rid, track }));
  }

  /** webrtc-encoded-transform: always null (see `RTCRtpSender.transform`). */
  get transform(): null {
    return null;
  }
  set transform(value: null) {
    if (value !== null)
      throw domError("NotSupportedError", "RTCRtpScriptTransform is not supported");
  }

  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return capabilities(kind);
  }

  getParameters(): {
    codecs: RTCRtpCodecParameters[];
    headerExtensions: { uri: string; id: number }[];
    rtcp: { reducedSize: boolean };
  } {
    return {
      codecs: this.#codecs.map((c) => ({ ...c })),
      headerExtensions: this.#extmaps.map((e) => ({ ...e })),
      rtcp: { reducedSize: true },
    };
  }

  /** @internal Called when one of this receiver's tracks gets its first frame reader. */
  set _onFrameDemand(fn: (() => void) | undefined) {
    this.#onFrameDemand = fn;
    for (const e of this.encodings) e.track._onFrameDemand = fn;
  }

  /** @internal The negotiated MIME type of payload type `pt` (`""` when unknown). */
  _mimeType(pt: number): string {
    for (const c of this.#codecs) if (c.payloadType === pt) return c.mimeType;
    return "";
  }

  /** webrtc-pc §5.3 getStats: the connection's stats selected to this receiver's stream. */
  getStats(): Promise<RTCStatsReport> {
    return this._stats?.() ?? Promise.resolve(new Map());
  }

  /** webrtc-pc §5.3.1: the CSRCs of packets received in the last 10 s, most recent first. */
  getContributingSources(): RTCRtpSynchronizationSource[] {
    return this.#csrcs.recent();
  }

  /** webrtc-pc §5.3.1: the SSRC of the packets received in the last 10 s. */
  getSynchronizationSources(): RTCRtpSynchronizationSource[] {
    return this.#ssrcs.recent();
  }

  /** @internal The negotiated codecs and header extensions. */
  _negotiated(kind: MediaKind, codecs: readonly Codec[], extmaps: readonly Extmap[]): void {
    this.#codecs = codecs.map((c) => toRtcCodec(kind, c));
    this.#extmaps = extmaps.map((e) => ({ uri: e.uri, id: e.id }));
    const media = codecs.filter((c) => c.name.toLowerCase() !== "rtx");
    this.#receiveCodecs = [
      new Map(
        media.map((c) => [
          c.payloadType,
          { mimeType: mimeTypeOf(kind, c.name), payload: payloadCodecFor(c) },
        ]),
      ),
      media[0] === undefined ? undefined : mimeTypeOf(kind, media[0].name),
    ];
    const ids = new Map(extmaps.map((e) => [e.uri, e.id]));
    for (const e of this.encodings) {
      e.track._setReceiveCodecs(...this.#receiveCodecs);
      e.track._setReceiveExtmaps(ids);
    }
  }

  /** @internal The peer's simulcast rids (empty: none); the first layer keeps `track`. */
  _setLayers(rids: readonly string[]): void {
    if (rids.length === 0) {
      this.#layers = undefined;
      return;
    }
    const old = this.#layers;
    this.#layers = new Map();
    rids.forEach((rid, i) => {
      const t =
        i === 0
          ? this.track
          : (old?.get(rid) ??
            EncodedMediaStreamTrack._remote(this.#kind, `${this.track.id}-${rid}`));
      if (this.#receiveCodecs) t._setReceiveCodecs(...this.#receiveCodecs);
      t._onFrameDemand = this.#onFrameDemand;
      if (!this.track._framesByDefault) t._framesOnDemand();
      t._setReceiveExtmaps(new Map(this.#extmaps.map((e) => [e.uri, e.id])));
      this.#layers!.set(rid, t);
    });
  }

  /** @internal The track of a simulcast layer (`track` for an unknown rid). */
  _layerTrack(rid: string): EncodedMediaStreamTrack {
    return this.#layers?.get(rid) ?? this.track;
  }

  /** @internal A packet arrived: its SSRC and CSRCs (RFC 3550 §5.1) are the sources seen now. */
  _noteSource(ssrc: number, csrcs: readonly number[], rtpTimestamp: number): void {
    const timestamp = performance.timeOrigin + performance.now();
    this.#ssrcs.note(ssrc, timestamp, rtpTimestamp);
    for (const c of csrcs) this.#csrcs.note(c, timestamp, rtpTimestamp);
  }
}

/** webrtc-pc §5.3.1: sources are kept for 10 s after their last packet. */
const SOURCE_LIFETIME_MS = 10_000;

/** A source as kept: mutable, so the newest one is updated in place (no object per packet). */
type Source = {
  -readonly [K in keyof RTCRtpSynchronizationSource]: RTCRtpSynchronizationSource[K];
};

/** The sources seen in the last 10 s (webrtc-pc §5.3.1), oldest first (Map insertion order). */
class SourceSet {
  readonly #map = new Map<number, Source>();
  #newest: Source | undefined;

  note(source: number, timestamp: number, rtpTimestamp: number): void {
    const n = this.#newest;
    if (n !== undefined && n.source === source) {
      n.timestamp = timestamp;
      n.rtpTimestamp = rtpTimestamp;
      return;
    }
    const e = { source, timestamp, rtpTimestamp };
    this.#map.delete(source);
    this.#map.set(source, e);
    this.#newest = e;
    // A bounded sweep from the oldest keeps it small.
    for (const [k, v] of this.#map) {
      if (timestamp - v.timestamp <= SOURCE_LIFETIME_MS) break;
      this.#map.delete(k);
    }
  }

  /** Copies (what we keep changes), most recent first. */
  recent(): RTCRtpSynchronizationSource[] {
    const now = performance.timeOrigin + performance.now();
    const out: RTCRtpSynchronizationSource[] = [];
    for (const s of this.#map.values())
      if (now - s.timestamp <= SOURCE_LIFETIME_MS) out.push({ ...s });
    return out.reverse();
  }
}
