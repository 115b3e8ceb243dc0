/**
 * The bot's built-in test clip: 4 s of VP8 (640x360, 30 fps, a keyframe every second) and Opus
 * (20 ms packets), made with ffmpeg (see assets/*.provenance.json), played in a loop in real
 * time into two encoded tracks. Nothing is decoded or re-encoded.
 */
import { readFileSync } from "node:fs";
import type { EncodedMediaStreamTrack } from "@purertc/peer";
import { type IvfFile, type OggOpusFile, readIvf, readOggOpus } from "@purertc/rtp";

export interface Clip {
  readonly video: IvfFile;
  readonly audio: OggOpusFile;
}

const ASSETS = new URL("../../../assets/", import.meta.url);
const VIDEO_FRAME_MS = 1000 / 30;
const AUDIO_PACKET_MS = 20;
/** RTP clock ticks per frame/packet: 90 kHz video at 30 fps, 48 kHz Opus at 20 ms. */
const VIDEO_TICKS = 3000;
const AUDIO_TICKS = 960;
const TICK_MS = 10;

let cached: Clip | undefined;

/** Reads (once) the clip from the demo's assets. */
export function loadClip(): Clip {
  cached ??= {
    video: readIvf(readFileSync(new URL("clip-vp8-640x360.ivf", ASSETS))),
    audio: readOggOpus(readFileSync(new URL("clip-opus-48k.ogg", ASSETS))),
  };
  return cached;
}

/**
 * Writes the clip's frames into `video` and `audio` at their real-time pace. Stopping and
 * starting again restarts the clip at its first (key)frame; RTP timestamps keep increasing.
 */
export class ClipPlayer {
  readonly #clip: Clip;
  readonly #video: EncodedMediaStreamTrack;
  readonly #audio: EncodedMediaStreamTrack;
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedAt = 0;
  #videoSent = 0;
  #audioSent = 0;
  #videoTs = 0;
  #audioTs = 0;

  readonly #alive: () => boolean;

  /** `alive`: checked on every tick; the player stops itself once it returns false. */
  constructor(
    clip: Clip,
    video: EncodedMediaStreamTrack,
    audio: EncodedMediaStreamTrack,
    alive: () => boolean,
  ) {
    this.#clip = clip;
    this.#video = video;
    this.#audio = audio;
    this.#alive = alive;
  }

  get playing(): boolean {
    return this.#timer !== undefined;
  }

  /** Video frames written since the player was created. */
  get framesWritten(): number {
    return this.#video.framesWritten;
  }

  start(): void {
    if (this.#timer) return;
    this.#startedAt = performance.now();
    this.#videoSent = 0;
    this.#audioSent = 0;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#tick();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (!this.#alive()) {
      this.stop();
      return;
    }
    const elapsed = performance.now() - this.#startedAt;
    const { video, audio } = this.#clip;
    while (this.#videoSent * VIDEO_FRAME_MS <= elapsed) {
      const frame = video.frames[this.#videoSent % video.frames.length]!;
      this.#video.writeFrame({ data: frame.data, timestamp: this.#videoTs });
      this.#videoTs = (this.#videoTs + VIDEO_TICKS) >>> 0;
      this.#videoSent++;
    }
    while (this.#audioSent * AUDIO_PACKET_MS <= elapsed) {
      const packet = audio.packets[this.#audioSent % audio.packets.length]!;
      this.#audio.writeFrame({ data: packet, timestamp: this.#audioTs });
      this.#audioTs = (this.#audioTs + AUDIO_TICKS) >>> 0;
      this.#audioSent++;
    }
  }
}
