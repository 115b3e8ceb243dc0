/** `MediaStream` (mediacapture-main §4.2) over encoded tracks, and `RTCTrackEvent` (webrtc-pc §5.7). */
import { defineEventHandlers, type EventHandler, type EventInit } from "../event-handlers.js";
import type { EncodedMediaStreamTrack } from "./encoded-track.js";
import type { RTCRtpReceiver } from "./rtp-receiver.js";
import type { RTCRtpTransceiver } from "./rtp-transceiver.js";

let nextStreamId = 0;

/** mediacapture-main §4.3 `MediaStreamTrackEvent`: the `addtrack`/`removetrack` of a stream. */
export class MediaStreamTrackEvent extends Event {
  readonly track: EncodedMediaStreamTrack;
  constructor(type: string, init: EventInit & { track: EncodedMediaStreamTrack }) {
    super(type, init);
    if (!init?.track) throw new TypeError("MediaStreamTrackEvent needs a track");
    this.track = init.track;
  }
}

/**
 * `MediaStream`. `addtrack`/`removetrack` fire on remote streams when a negotiation adds or
 * removes one of their tracks (webrtc-pc §4.4.1.6), never for `addTrack()`/`removeTrack()`.
 */
export class MediaStream extends EventTarget {
  declare onaddtrack: EventHandler<
    MediaStream,
    "MediaStream",
    MediaStreamTrackEvent,
    "MediaStreamTrackEvent"
  >;
  declare onremovetrack: EventHandler<
    MediaStream,
    "MediaStream",
    MediaStreamTrackEvent,
    "MediaStreamTrackEvent"
  >;
  readonly id: string;
  readonly #tracks = new Set<EncodedMediaStreamTrack>();

  /** A new stream: empty, with the given tracks, or with another stream's tracks. */
  constructor(tracksOrStream?: readonly EncodedMediaStreamTrack[] | MediaStream, id?: string) {
    super();
    this.id = id ?? `purertc-stream-${++nextStreamId}-${Math.random().toString(36).slice(2, 10)}`;
    const list =
      tracksOrStream instanceof MediaStream ? tracksOrStream.getTracks() : tracksOrStream;
    for (const t of list ?? []) this.#tracks.add(t);
  }

  get active(): boolean {
    for (const t of this.#tracks) if (t.readyState === "live") return true;
    return false;
  }
  getTracks(): EncodedMediaStreamTrack[] {
    return [...this.#tracks];
  }
  getAudioTracks(): EncodedMediaStreamTrack[] {
    return this.getTracks().filter((t) => t.kind === "audio");
  }
  getVideoTracks(): EncodedMediaStreamTrack[] {
    return this.getTracks().filter((t) => t.kind === "video");
  }
  getTrackById(id: string): EncodedMediaStreamTrack | null {
    for (const t of this.#tracks) if (t.id === id) return t;
    return null;
  }
  addTrack(track: EncodedMediaStreamTrack): void {
    this.#tracks.add(track);
  }
  removeTrack(track: EncodedMediaStreamTrack): void {
    this.#tracks.delete(track);
  }
  clone(): MediaStream {
    return new MediaStream(this.getTracks().map((t) => t.clone()));
  }
}
defineEventHandlers(MediaStream.prototype, ["addtrack", "removetrack"]);

/** The `track` event: a receiver started receiving a remote track. */
export class RTCTrackEvent extends Event {
  readonly receiver: RTCRtpReceiver;
  readonly track: EncodedMediaStreamTrack;
  readonly streams: readonly MediaStream[];
  readonly transceiver: RTCRtpTransceiver;
  constructor(
    type: string,
    init: {
      receiver: RTCRtpReceiver;
      track: EncodedMediaStreamTrack;
      streams?: readonly MediaStream[];
      transceiver: RTCRtpTransceiver;
    },
  ) {
    super(type);
    this.receiver = init.receiver;
    this.track = init.track;
    this.streams = Object.freeze([...(init.streams ?? [])]);
    this.transceiver = init.transceiver;
  }
}
