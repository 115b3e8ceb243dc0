/**
 * A line under a video saying what is being decoded, refreshed every second: frames decoded
 * and size (from the video element), audio samples received (from the receiver's stats). The
 * same figures are kept as data attributes for the end-to-end checks.
 */
import { h } from "./dom.js";

export class VideoMeter {
  readonly element = h("p", { class: "small muted meter" });
  readonly #video: HTMLVideoElement;
  #audio: RTCRtpReceiver | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(video: HTMLVideoElement) {
    this.#video = video;
  }

  /** Starts measuring; `receiver` is kept when it carries audio. */
  watch(receiver: RTCRtpReceiver, kind: string): void {
    if (kind === "audio") this.#audio = receiver;
    this.#timer ??= setInterval(() => void this.#update(), 1000);
  }

  async #update(): Promise<void> {
    const v = this.#video;
    const frames = v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    let samples = 0;
    if (this.#audio) {
      for (const s of (await this.#audio.getStats()).values())
        if (s.type === "inbound-rtp") samples = s.totalSamplesReceived ?? 0;
    }
    const e = this.element;
    e.dataset.frames = String(frames);
    e.dataset.width = String(v.videoWidth);
    e.dataset.height = String(v.videoHeight);
    e.dataset.samples = String(samples);
    e.textContent = v.videoWidth
      ? `${frames} frames decoded · ${v.videoWidth}x${v.videoHeight}${
          this.#audio ? ` · ${samples} audio samples` : ""
        }`
      : "waiting for video…";
  }
}
