/**
 * `RTCRtpSender` (webrtc-pc §5.2) of encoded media: feeds its track's frames to the core. With
 * a remote track (another connection's `receiver.track`) it relays that track's RTP packets
 * without decoding through an {@link RtpForwarder}: our SSRC, continuous sequence numbers and
 * timestamps, a PLI to the source when it takes over, and the subscriber's PLI/FIR passed
 * upstream (its NACKs are served from our send history, over RTX).
 */
import {
  findHeaderExtension,
  type HeaderExtension,
  RTP_EXTENSION_URI,
  type RtpPacket,
} from "@purertc/rtp";
import type { Codec, Extmap } from "@purertc/sdp";
import {
  capabilities,
  type MediaKind,
  type RTCRtpCapabilities,
  type RTCRtpCodecParameters,
  toRtcCodec,
} from "../../media/codecs.js";
import { RtpForwarder, type RtpForwarderStats } from "../../media/rtp-forwarder.js";
import { domError } from "../errors.js";
import type { RTCStatsReport } from "../stats.js";
import type { RTCDtlsTransport } from "../transports.js";
import type { RTCDTMFSender } from "./dtmf-sender.js";
import type { EncodedMediaStreamTrack, TrackSink } from "./encoded-track.js";
import type { MediaStream } from "./media-stream.js";
import { checkSendEncodings, SendLayer } from "./send-layer.js";

/** What a sender needs from its connection. */
export interface SenderHost {
  sendFrame(id: number, data: Uint8Array, timestamp: number): void;
  /** `carried`: a relayed packet's end-to-end header extensions, in this sender's ids. */
  sendRtp(id: number, packet: RtpPacket, carried?: readonly HeaderExtension[]): void;
  readonly cname: string;
  /** The connection's clock (ms) and randomness, for the relay's first sequence number. */
  now(): number;
  nextU32(): number;
}

/** webrtc-pc §5.2.1 `RTCRtpEncodingParameters` (the fields we honour). */
export interface RTCRtpEncodingParameters {
  active: boolean;
  rid?: string;
  maxBitrate?: number;
  scaleResolutionDownBy?: number;
  /** Non-standard: the SSRC of this encoding. */
  ssrc?: number;
}

export interface RTCRtpSendParameters {
  transactionId: string;
  encodings: RTCRtpEncodingParameters[];
  codecs: RTCRtpCodecParameters[];
  headerExtensions: { uri: string; id: number }[];
  rtcp: { cname: string; reducedSize: boolean };
}

/** Header extensions that describe the media itself, so a relay keeps them (RFC 8285 §6). */
const END_TO_END_EXTENSIONS = [
  RTP_EXTENSION_URI.audioLevel,
  RTP_EXTENSION_URI.videoOrientation,
  RTP_EXTENSION_URI.playoutDelay,
  RTP_EXTENSION_URI.absCaptureTime,
];

export class RTCRtpSender extends EventTarget implements TrackSink {
  /** @internal Set by the connection for audio senders (webrtc-pc §5.2 `dtmf`). */
  _dtmf: RTCDTMFSender | null = null;
  /** @internal The connection's `getStats()` selected to this sender. */
  _stats: (() => Promise<RTCStatsReport>) | undefined;
  /** @internal Sets the transceiver's `a=msid` stream ids (webrtc-pc §5.2 setStreams). */
  _setStreams: ((ids: string[]) => void) | undefined;
  readonly #kind: MediaKind;
  readonly #host: SenderHost;
  readonly #id: number;
  readonly #transport: RTCDtlsTransport;
  #track: EncodedMediaStreamTrack | null = null;
  #encoding: RTCRtpEncodingParameters;
  #codecs: RTCRtpCodecParameters[] = [];
  #extmaps: { uri: string; id: number }[] = [];
  #transaction = 0;
  #lastTransaction: string | undefined;
  #forwarder: RtpForwarder | undefined;
  /** Remote tracks we are attached to: the relayed one and, during a switch, the previous. */
  readonly #sources = new Set<EncodedMediaStreamTrack>();
  readonly #relayed: RtpPacket[] = [];
  #codecMismatch = 0;
  /** Simulcast encodings after the first (RFC 8853), each fed by a track of its own. */
  #layers: SendLayer[] = [];

  /** @internal */
  constructor(
    kind: MediaKind,
    id: number,
    ssrc: number,
    host: SenderHost,
    transport: RTCDtlsTransport,
  ) {
    super();
    this.#kind = kind;
    this.#id = id;
    this.#host = host;
    this.#transport = transport;
    this.#encoding = { active: true, ssrc };
  }

  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return capabilities(kind);
  }

  get track(): EncodedMediaStreamTrack | null {
    return this.#track;
  }
  get transport(): RTCDtlsTransport | null {
    return this.#transport;
  }
  /** webrtc-pc §5.2: the `RTCDTMFSender` of an audio sender (RFC 4733), `null` for video. */
  get dtmf(): RTCDTMFSender | null {
    return this._dtmf;
  }

  /**
   * webrtc-encoded-transform: always null, no script transform runs here (the encoded frames
   * are the track's own API: `EncodedMediaStreamTrack.frames()`/`writeFrame()`); setting one
   * throws NotSupportedError.
   */
  get transform(): null {
    return null;
  }
  set transform(value: null) {
    if (value !== null)
      throw domError("NotSupportedError", "RTCRtpScriptTransform is not supported");
  }

  /**
   * webrtc-pc §5.2 setStreams: the streams (`a=msid`) the remote side associates the track with
   * from the next negotiation on (negotiationneeded fires); InvalidStateError once closed.
   */
  setStreams(...streams: MediaStream[]): void {
    this._setStreams?.([...new Set(streams.map((st) => st.id))]);
  }

  /** webrtc-pc §5.2 getStats: the connection's stats selected to this sender's stream. */
  getStats(): Promise<RTCStatsReport> {
    return this._stats?.() ?? Promise.resolve(new Map());
  }

  /** webrtc-pc §5.2 replaceTrack: no renegotiation; the new track feeds this sender. */
  replaceTrack(track: EncodedMediaStreamTrack | null): Promise<void> {
    if (track !== null && track.kind !== this.#kind)
      return Promise.reject(
        new TypeError(`cannot replace a ${this.#kind} track with a ${track.kind} one`),
      );
    this._setTrack(track);
    return Promise.resolve();
  }

  getParameters(): RTCRtpSendParameters {
    this.#lastTransaction = String(++this.#transaction);
    return {
      transactionId: this.#lastTransaction,
      encodings: [{ ...this.#encoding }, ...this.#layers.map((l) => l.parameters)],
      codecs: this.#codecs.map((c) => ({ ...c })),
      headerExtensions: this.#extmaps.map((e) => ({ ...e })),
      rtcp: { cname: this.#host.cname, reducedSize: true },
    };
  }

  /**
   * webrtc-pc §5.2 setParameters: `active` pauses an encoding (a simulcast layer); the number
   * of encodings and their rids cannot change (`InvalidModificationError`).
   */
  setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (parameters?.transactionId !== this.#lastTransaction)
      return Promise.reject(domError("InvalidModificationError", "stale or missing transactionId"));
    const enc = parameters.encodings;
    const rids = [this.#encoding.rid, ...this.#layers.map((l) => l.rid)];
    if (!Array.isArray(enc) || enc.length !== rids.length || enc.some((e, i) => e?.rid !== rids[i]))
      return Promise.reject(
        domError("InvalidModificationError", "the encodings and their rids cannot change"),
      );
    this.#encoding = { ...enc[0]!, active: enc[0]!.active !== false, ssrc: this.#encoding.ssrc! };
    for (const [i, l] of this.#layers.entries()) l.parameters = enc[i + 1]!;
    this.#lastTransaction = undefined;
    return Promise.resolve();
  }

  /**
   * Non-standard: counters of the packet relay when the track is a remote one (`undefined`
   * before the first). `codecMismatch` counts packets dropped because the source's codec is
   * not the one this sender negotiated.
   */
  get forwardingStats(): (RtpForwarderStats & { codecMismatch: number }) | undefined {
    const f = this.#forwarder;
    return f && { ...f.stats(), codecMismatch: this.#codecMismatch };
  }

  /**
   * Non-standard: feeds the simulcast encoding `rid` from a local encoded track (the first
   * encoding is `track`'s, as `replaceTrack`). Throws `RangeError` for an unknown rid.
   */
  setEncodingTrack(rid: string, track: EncodedMediaStreamTrack | null): void {
    if (track !== null && track.kind !== this.#kind)
      throw new TypeError(`cannot feed a ${this.#kind} encoding with a ${track.kind} track`);
    if (rid === this.#encoding.rid) {
      this._setTrack(track);
      return;
    }
    const layer = this.#layers.find((l) => l.rid === rid);
    if (!layer) throw new RangeError(`no encoding with rid ${rid}`);
    layer.setTrack(track);
  }

  /** Non-standard: the track feeding encoding `rid` (`track` for the first). */
  getEncodingTrack(rid: string): EncodedMediaStreamTrack | null {
    if (rid === this.#encoding.rid) return this.#track;
    return this.#layers.find((l) => l.rid === rid)?.track ?? null;
  }

  /**
   * @internal `sendEncodings` of addTransceiver: one encoding, or simulcast layers with rids
   * (`layerId(i)` is the core stream id of encoding i > 0).
   */
  _setSendEncodings(
    encodings: readonly RTCRtpEncodingParameters[],
    layerId: (i: number) => number,
  ): void {
    if (encodings.length === 0) return;
    if (encodings.length > 1) checkSendEncodings(encodings);
    const first = encodings[0]!;
    this.#encoding = { ...first, active: first.active !== false, ssrc: this.#encoding.ssrc! };
    this.#layers = encodings
      .slice(1)
      .map((e, i) => new SendLayer({ ...e, rid: e.rid! }, layerId(i + 1), this.#host));
  }

  /** @internal Every encoding's rid, SSRCs and stream id when simulcast (else empty). */
  _simulcast(id: number, ssrc: number, rtxSsrc: number) {
    if (this.#layers.length === 0 || this.#encoding.rid === undefined) return [];
    return [
      { rid: this.#encoding.rid, id, ssrc, rtxSsrc },
      ...this.#layers.map((l) => ({ rid: l.rid, id: l.id, ssrc: l.ssrc, rtxSsrc: l.rtxSsrc })),
    ];
  }

  /** @internal The track feeding the encoding with core stream id `id`. */
  _trackOf(id: number): EncodedMediaStreamTrack | null {
    return this.#layers.find((l) => l.id === id)?.track ?? this.#track;
  }

  /** @internal */
  _setTrack(track: EncodedMediaStreamTrack | null): void {
    const prev = this.#track;
    this.#track = track;
    if (prev && !prev.remote) prev._removeSink(this);
    if (track?.remote) {
      this.#forwarder ??= new RtpForwarder({
        clockRate: this.#codecs[0]?.clockRate ?? (this.#kind === "video" ? 90000 : 48000),
        waitForKeyframe: this.#kind === "video",
        initialSequenceNumber: this.#host.nextU32() & 0xffff,
        initialTimestamp: this.#host.nextU32(),
      });
      // The previous source keeps flowing until the new one's keyframe (RtpForwarder).
      this.#forwarder.switchTo(track);
      this.#sources.add(track);
      track._addSink(this);
      this.#requestUpstream(false);
      return;
    }
    this.#forwarder?.switchTo(undefined);
    for (const s of this.#sources) s._removeSink(this);
    this.#sources.clear();
    track?._addSink(this);
  }

  /** @internal The peer asked for a keyframe (PLI/FIR): a relayed source is asked in turn. */
  _keyFrameRequested(): void {
    this.#requestUpstream(true);
  }

  #requestUpstream(demand: boolean): void {
    const f = this.#forwarder;
    if (!f) return;
    const target = (f.pending ?? f.current) as EncodedMediaStreamTrack | undefined;
    if (target && f.keyFrameRequestDue(this.#host.now(), demand)) target._relayKeyFrameRequest();
  }

  /** @internal A relayed remote track's packet. */
  _forwardRtp(packet: RtpPacket, source: EncodedMediaStreamTrack): void {
    const f = this.#forwarder;
    if (!f || (source !== f.current && source !== f.pending)) {
      source._removeSink(this);
      this.#sources.delete(source);
      return;
    }
    if (!this.#encoding.active) return;
    const codec = source._receiveCodec(packet.header.payloadType);
    const sending = this.#codecs[0]?.mimeType;
    if (
      !codec ||
      (sending !== undefined && codec.mimeType.toLowerCase() !== sending.toLowerCase())
    ) {
      this.#codecMismatch++;
      return;
    }
    const out = this.#relayed;
    out.length = 0;
    f.forward(this.#host.now(), source, packet, codec.payload, out);
    const carried = this.#carried(source, packet);
    for (const p of out) this.#host.sendRtp(this.#id, p, carried);
    if (f.pending !== undefined) this.#requestUpstream(false);
    else if (this.#sources.size > 1) this.#detachStale(f);
  }

  /** After a switch: let go of sources that are neither current nor pending (the old one). */
  #detachStale(f: RtpForwarder): void {
    for (const s of this.#sources) {
      if (s === f.current || s === f.pending) continue;
      s._removeSink(this);
      this.#sources.delete(s);
    }
  }

  /**
   * The source packet's end-to-end header extensions (audio level, video orientation, playout
   * delay, capture time) renumbered from the source's negotiated ids to ours (RFC 8285 §6: ids
   * are per session); hop-by-hop ones (MID, rid, abs-send-time, transport-cc) are our own.
   */
  #carried(source: EncodedMediaStreamTrack, packet: RtpPacket): HeaderExtension[] | undefined {
    const block = packet.header.extension;
    if (block === undefined) return undefined;
    const out: HeaderExtension[] = [];
    for (const uri of END_TO_END_EXTENSIONS) {
      const from = source._receiveExtmapId(uri);
      const to = this.#extmaps.find((e) => e.uri === uri)?.id;
      if (from === undefined || to === undefined) continue;
      const data = findHeaderExtension(block, from);
      if (data !== undefined) out.push({ id: to, data });
    }
    return out.length === 0 ? undefined : out;
  }

  /** @internal */
  _negotiated(codecs: readonly Codec[], extmaps: readonly Extmap[]): void {
    this.#codecs = codecs.map((c) => toRtcCodec(this.#kind, c));
    this.#extmaps = extmaps.map((e) => ({ uri: e.uri, id: e.id }));
  }

  /** @internal */
  _sendFrame(data: Uint8Array, timestamp: number): void {
    if (this.#encoding.active) this.#host.sendFrame(this.#id, data, timestamp);
  }

  /** @internal */
  _sendRtp(packet: RtpPacket): void {
    if (this.#encoding.active) this.#host.sendRtp(this.#id, packet);
  }
}
