/**
 * A `MediaStreamTrack`-compatible track of *encoded* media (mediacapture-main §4.3 surface; Node
 * has no camera and we never decode). A local track is created with a kind (and optionally a
 * preferred codec) and fed whole encoded frames, which each sender packetizes, or ready RTP
 * packets. A remote track (`receiver.track`) yields the RTP packets and the assembled frames of
 * its receiver as events (`rtp`, `frame`) and async iterators, and asks for keyframes.
 * A remote track relayed by senders (an SFU) forwards each packet inside the connection's drain,
 * without a task; frames are assembled from the time someone reads them (a `frame` listener or
 * `frames()`, or until the `track` event has run), and `rtp` events are queued only when there
 * is an `rtp` listener or `rtpPackets()` iterator.
 *
 * ```
 *  local:   writeFrame ─┬─▶ RTCRtpSender ─▶ packetizer ─▶ SRTP ─▶ network
 *           writeRtp  ──┘   (one track may feed several senders, on several connections)
 *  remote:  network ─▶ SRTP ─▶ jitter buffer + NACK ─▶ "rtp" / "frame" events, frames()
 *           requestKeyFrame() ─▶ PLI
 * ```
 */
import { decodeRtpPacket, type PayloadCodec, type RtpPacket } from "@purertc/rtp";
import type { EventHandler } from "../event-handlers.js";
import {
  type EncodedFrameInit,
  frameBytes,
  type RTCEncodedAudioFrame,
  type RTCEncodedVideoFrame,
} from "./encoded-frame.js";

/** What a sender implements to receive a local track's media. */
export interface TrackSink {
  _sendFrame(data: Uint8Array, timestamp: number): void;
  _sendRtp(packet: RtpPacket): void;
  /** A remote track's packet, to relay with rewritten SSRC, sequence number and timestamp. */
  _forwardRtp?(packet: RtpPacket, source: EncodedMediaStreamTrack): void;
}

/** A negotiated receive codec of a remote track: its MIME type and payload format. */
interface ReceiveCodec {
  readonly mimeType: string;
  readonly payload: PayloadCodec | undefined;
}

/** Options of a local encoded track. */
export interface EncodedTrackInit {
  readonly kind: "audio" | "video";
  /** Preferred codec as a MIME type (`video/VP8`, `video/H264`, `audio/opus`); moves it first in offers. */
  readonly codec?: string;
  readonly id?: string;
  readonly label?: string;
}

export type EncodedFrame = RTCEncodedVideoFrame | RTCEncodedAudioFrame;

/** The `frame` event of a remote track. */
export class RTCEncodedFrameEvent extends Event {
  readonly frame: EncodedFrame;
  constructor(type: string, init: { frame: EncodedFrame }) {
    super(type);
    this.frame = init.frame;
  }
}

/** The `rtp` event of a remote track: one RTP packet (RTX unwrapped), before the jitter buffer. */
export class RTCRtpPacketEvent extends Event {
  readonly packet: RtpPacket;
  constructor(type: string, init: { packet: RtpPacket }) {
    super(type);
    this.packet = init.packet;
  }
}

/** Items waiting for an async iterator; the oldest are dropped past `max` (a slow reader). */
class AsyncQueue<T> {
  readonly #items: T[] = [];
  #wake: (() => void) | undefined;
  #done = false;
  dropped = 0;
  constructor(readonly max: number) {}

  push(item: T): void {
    if (this.#done) return;
    if (this.#items.length >= this.max) {
      this.#items.shift();
      this.dropped++;
    }
    this.#items.push(item);
    this.#wake?.();
  }

  end(): void {
    this.#done = true;
    this.#wake?.();
  }

  async *iterate(onReturn: () => void): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        const next = this.#items.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.#done) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
      }
    } finally {
      onReturn();
    }
  }
}

/**
 * Least time between two keyframe requests relaying senders pass to one source: however many
 * subscribers ask at once (a join wave, a loss burst), the publisher gets one PLI.
 */
const RELAY_KEYFRAME_INTERVAL_MS = 250;

/** Frames or packets a lagging iterator keeps before dropping the oldest. */
const ITERATOR_BACKLOG = 1024;

let nextTrackId = 0;

export class EncodedMediaStreamTrack extends EventTarget {
  declare onended: EventHandler<EncodedMediaStreamTrack, "MediaStreamTrack">;
  declare onmute: EventHandler<EncodedMediaStreamTrack, "MediaStreamTrack">;
  declare onunmute: EventHandler<EncodedMediaStreamTrack, "MediaStreamTrack">;
  declare onframe: ((this: EncodedMediaStreamTrack, ev: RTCEncodedFrameEvent) => unknown) | null;
  declare onrtp: ((this: EncodedMediaStreamTrack, ev: RTCRtpPacketEvent) => unknown) | null;

  readonly kind: "audio" | "video";
  readonly id: string;
  readonly label: string;
  readonly #codec: string | undefined;
  contentHint = "";
  #enabled = true;
  #muted: boolean;
  #state: "live" | "ended" = "live";
  #remote: boolean;
  /**
   * The senders fed by this track. Replaced, never mutated, on change: a send loop iterates the
   * array it started with (a sink may detach itself meanwhile) and no iterator is made per packet.
   */
  #sinks: readonly TrackSink[] = [];
  readonly #frameQueues = new Set<AsyncQueue<EncodedFrame>>();
  readonly #rtpQueues = new Set<AsyncQueue<RtpPacket>>();
  #keyFrame: (() => void) | undefined;
  #framesWritten = 0;
  #framesUnsent = 0;
  #receiveCodecs = new Map<number, ReceiveCodec>();
  #receiveExtmaps = new Map<string, number>();
  #relayRequestAt: number | undefined;
  #firstReceiveMime: string | undefined;
  /** A `frame` listener or a frames() iterator was attached once (sticky). */
  #framesWanted = false;
  /** Whether frames are assembled before anyone asked (until the `track` event has run). */
  #framesByDefault = true;
  /** An `rtp` listener or an rtpPackets() iterator was attached once (sticky). */
  #rtpWanted = false;
  /** @internal Told when frames become wanted (the connection turns frame assembly on). */
  _onFrameDemand: (() => void) | undefined;

  constructor(init: EncodedTrackInit) {
    super();
    if (init?.kind !== "audio" && init?.kind !== "video")
      throw new TypeError(`track kind must be "audio" or "video"`);
    this.kind = init.kind;
    this.id =
      init.id ?? `purertc-${init.kind}-${++nextTrackId}-${Math.random().toString(36).slice(2, 10)}`;
    this.label = init.label ?? "";
    this.#codec = init.codec;
    this.#remote = false;
    this.#muted = false;
  }

  /** @internal A receiver's track: muted until its first packet (webrtc-pc §5.3.1). */
  static _remote(kind: "audio" | "video", id: string): EncodedMediaStreamTrack {
    const t = new EncodedMediaStreamTrack({ kind, id, label: `remote ${kind}` });
    t.#remote = true;
    t.#muted = true;
    return t;
  }

  /**
   * The preferred codec (MIME type) of a local track, if any; for a remote track the first
   * negotiated one (so a sender relaying it offers that codec first).
   */
  get codec(): string | undefined {
    return this.#codec ?? this.#firstReceiveMime;
  }

  get enabled(): boolean {
    return this.#enabled;
  }
  set enabled(v: boolean) {
    this.#enabled = Boolean(v);
  }
  get muted(): boolean {
    return this.#muted;
  }
  get readyState(): "live" | "ended" {
    return this.#state;
  }
  /** Frames written and frames that no sender could send yet (not connected, not negotiated). */
  get framesWritten(): number {
    return this.#framesWritten;
  }
  get framesUnsent(): number {
    return this.#framesUnsent;
  }

  stop(): void {
    if (this.#state === "ended") return;
    this.#state = "ended";
    this.#sinks = [];
    for (const q of this.#frameQueues) q.end();
    for (const q of this.#rtpQueues) q.end();
  }

  /** A new local track of the same kind and codec (fed separately). */
  clone(): EncodedMediaStreamTrack {
    return new EncodedMediaStreamTrack({
      kind: this.kind,
      label: this.label,
      ...(this.codec !== undefined ? { codec: this.codec } : {}),
    });
  }

  getSettings(): Record<string, unknown> {
    return { deviceId: this.id };
  }
  getCapabilities(): Record<string, unknown> {
    return {};
  }
  getConstraints(): Record<string, unknown> {
    return {};
  }
  applyConstraints(_constraints?: unknown): Promise<void> {
    return Promise.resolve();
  }

  // --- sending --------------------------------------------------------------------------------

  /**
   * Sends one whole encoded frame on every sender this track is attached to (each packetizes it
   * with its negotiated codec). `timestamp` is the RTP timestamp in the codec's clock.
   */
  writeFrame(frame: EncodedFrameInit | EncodedFrame): void {
    if (this.#state === "ended") throw new DOMException("the track has ended", "InvalidStateError");
    if (typeof frame?.timestamp !== "number")
      throw new TypeError("frame.timestamp must be a number");
    const data = frameBytes(frame.data);
    this.#framesWritten++;
    if (!this.#enabled) return;
    if (this.#sinks.length === 0) this.#framesUnsent++;
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!._sendFrame(data, frame.timestamp >>> 0);
  }

  /**
   * Sends a ready RTP packet (bytes or a decoded packet). Sequence number, timestamp, marker and
   * payload are kept; SSRC, payload type and header extensions become the sender's.
   */
  writeRtp(packet: Uint8Array | RtpPacket): void {
    if (this.#state === "ended") throw new DOMException("the track has ended", "InvalidStateError");
    const p = packet instanceof Uint8Array ? decodeRtpPacket(packet) : packet;
    if (!this.#enabled) return;
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!._sendRtp(p);
  }

  /** @internal */
  _addSink(s: TrackSink): void {
    if (this.#state === "live" && !this.#sinks.includes(s)) this.#sinks = [...this.#sinks, s];
  }
  /** @internal */
  _removeSink(s: TrackSink): void {
    if (this.#sinks.includes(s)) this.#sinks = this.#sinks.filter((x) => x !== s);
  }

  // --- receiving ------------------------------------------------------------------------------

  /** Asks the remote sender for a keyframe (RTCP PLI, RFC 4585 §6.3.1); no-op on local tracks. */
  requestKeyFrame(): void {
    this.#keyFrame?.();
  }

  /** Assembled frames, in order, from now on (ends when the track ends). */
  frames(): AsyncGenerator<EncodedFrame, void, undefined> {
    const q = new AsyncQueue<EncodedFrame>(ITERATOR_BACKLOG);
    this.#frameQueues.add(q);
    this.#wantFrames();
    if (this.#state === "ended") q.end();
    return q.iterate(() => this.#frameQueues.delete(q));
  }

  /** RTP packets as they arrive (ends when the track ends). */
  rtpPackets(): AsyncGenerator<RtpPacket, void, undefined> {
    const q = new AsyncQueue<RtpPacket>(ITERATOR_BACKLOG);
    this.#rtpQueues.add(q);
    this.#rtpWanted = true;
    if (this.#state === "ended") q.end();
    return q.iterate(() => this.#rtpQueues.delete(q));
  }

  [Symbol.asyncIterator](): AsyncGenerator<EncodedFrame, void, undefined> {
    return this.frames();
  }

  /**
   * Listening to `frame` (or `onframe`) makes a remote track assemble frames; listening to
   * `rtp` makes it deliver packet events (see {@link EncodedMediaStreamTrack._needsFrames}).
   */
  override addEventListener(
    type: string,
    listener: Parameters<EventTarget["addEventListener"]>[1],
    options?: Parameters<EventTarget["addEventListener"]>[2],
  ): void {
    if (listener) {
      if (type === "frame") this.#wantFrames();
      else if (type === "rtp") this.#rtpWanted = true;
    }
    super.addEventListener(type, listener, options);
  }

  #wantFrames(): void {
    if (this.#framesWanted) return;
    this.#framesWanted = true;
    this._onFrameDemand?.();
  }

  /** @internal */
  _setKeyFrameRequester(fn: (() => void) | undefined): void {
    this.#keyFrame = fn;
  }

  /** @internal The receiver's negotiated codecs (payload type, MIME type, payload format). */
  _setReceiveCodecs(
    codecs: ReadonlyMap<number, ReceiveCodec>,
    firstMime: string | undefined,
  ): void {
    this.#receiveCodecs = new Map(codecs);
    this.#firstReceiveMime = firstMime;
  }

  /**
   * @internal A relaying sender wants a keyframe from this (remote) track: at most one PLI per
   * {@link RELAY_KEYFRAME_INTERVAL_MS} for all the senders relaying it.
   */
  _relayKeyFrameRequest(): void {
    const now = performance.now();
    const last = this.#relayRequestAt;
    if (last !== undefined && now - last < RELAY_KEYFRAME_INTERVAL_MS) return;
    this.#relayRequestAt = now;
    this.requestKeyFrame();
  }

  /** @internal The receiver's negotiated header extensions (URI → id). */
  _setReceiveExtmaps(extmaps: ReadonlyMap<string, number>): void {
    this.#receiveExtmaps = new Map(extmaps);
  }

  /** @internal The id a received header extension has, by URI. */
  _receiveExtmapId(uri: string): number | undefined {
    return this.#receiveExtmaps.get(uri);
  }

  /** @internal The negotiated receive codec of payload type `pt`. */
  _receiveCodec(pt: number): ReceiveCodec | undefined {
    return this.#receiveCodecs.get(pt);
  }

  /**
   * @internal Whether the receiver should assemble frames: someone asked for them (a `frame`
   * listener, `frames()`), or the `track` event has not run its course yet (a listener attached
   * in it, even after an `await`, gets the first frames).
   */
  get _needsFrames(): boolean {
    return this.#framesWanted || this.#framesByDefault;
  }

  /** @internal Whether the `track` event has not yet run its course (see `_needsFrames`). */
  get _framesByDefault(): boolean {
    return this.#framesByDefault;
  }

  /** @internal The `track` event and its microtasks ran: frames from now on only on demand. */
  _framesOnDemand(): void {
    this.#framesByDefault = false;
  }

  /**
   * @internal Whether a received packet needs a task on this track: the `unmute` it causes, an
   * `rtp` listener or an rtpPackets() iterator. A track only relayed needs none.
   */
  get _rtpTaskNeeded(): boolean {
    return this.#state === "live" && (this.#muted || this.#rtpWanted);
  }

  /**
   * @internal A received packet relayed at once (inside the connection's drain, not in a task)
   * to the senders forwarding this track: an SFU's hop costs no task, no event object.
   */
  _relayRtp(packet: RtpPacket): void {
    if (this.#state === "ended") return;
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!._forwardRtp?.(packet, this);
  }

  /** @internal A received packet, in a task: `unmute`, iterators, the `rtp` event. */
  _deliverRtp(packet: RtpPacket): void {
    if (this.#state === "ended") return;
    if (this.#muted) {
      this.#muted = false;
      this.dispatchEvent(new Event("unmute"));
    }
    if (!this.#rtpWanted) return;
    for (const q of this.#rtpQueues) q.push(packet);
    this.dispatchEvent(new RTCRtpPacketEvent("rtp", { packet }));
  }

  /** @internal */
  _deliverFrame(frame: EncodedFrame): void {
    if (this.#state === "ended") return;
    for (const q of this.#frameQueues) q.push(frame);
    this.dispatchEvent(new RTCEncodedFrameEvent("frame", { frame }));
  }

  /** @internal The remote side stopped sending (webrtc-pc §5.3.1: muted), or the transceiver stopped (ended). */
  _remoteEnded(stopped: boolean): void {
    if (stopped) {
      if (this.#state === "ended") return;
      this.stop();
      this.dispatchEvent(new Event("ended"));
    } else if (!this.#muted) {
      this.#muted = true;
      this.dispatchEvent(new Event("mute"));
    }
  }

  /** Whether this is a receiver's track. */
  get remote(): boolean {
    return this.#remote;
  }
}
