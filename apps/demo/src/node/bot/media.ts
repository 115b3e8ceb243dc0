/**
 * The bot's media features for one connection: camera echo (the page's own frames sent back,
 * forwarded without decoding), the built-in test clip, and recording to WebM. Controlled by
 * JSON requests on the "media" channel (protocol.ts); every outcome goes back as a notice, in
 * words, so the page can show it.
 */
import type { Logger } from "@purertc/common";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCEncodedFrameEvent,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "@purertc/peer";
import { type ChannelLike, onMessage } from "../../shared/channel.js";
import {
  isMediaRequest,
  MEDIA_STREAM,
  type MediaFeature,
  type MediaNotice,
  type MediaRequest,
  parseJson,
} from "../../shared/protocol.js";
import { ClipPlayer, loadClip } from "./clip.js";
import { record } from "./recording.js";

/** A track the page sends, with the codec of its first frame. */
interface Incoming {
  readonly track: EncodedMediaStreamTrack;
  readonly mime: Promise<string>;
}

interface Echo {
  on: boolean;
  readonly video: EncodedMediaStreamTrack;
}

/** How long the bot waits for the page's camera after a request that needs it. */
const CAMERA_WAIT_MS = 10_000;

export interface BotMediaOptions {
  /** Sends a finished file to the page (a file channel, see file-transfer.ts). */
  deliver(name: string, bytes: Uint8Array, mime: string): Promise<void>;
  readonly logger: Logger;
}

export class BotMedia {
  readonly #pc: RTCPeerConnection;
  readonly #options: BotMediaOptions;
  readonly #incoming = new Map<"audio" | "video", Incoming>();
  readonly #waiting = new Set<() => void>();
  #channel: ChannelLike | undefined;
  #echo: Echo | undefined;
  #clip: ClipPlayer | undefined;
  #recording = false;

  constructor(pc: RTCPeerConnection, options: BotMediaOptions) {
    this.#pc = pc;
    this.#options = options;
    pc.addEventListener("track", (ev) => this.#track(ev as RTCTrackEvent));
    pc.addEventListener("signalingstatechange", () => {
      // A renegotiation that started the echo's senders: the page needs a keyframe to decode.
      if (pc.signalingState === "stable" && this.#echo?.on)
        this.#incoming.get("video")?.track.requestKeyFrame();
    });
  }

  /** The pair's media channel (a new one after each reconnection). */
  attach(channel: ChannelLike): void {
    this.#channel = channel;
    onMessage(channel, (data) => {
      const req = parseJson(data);
      if (isMediaRequest(req)) void this.#handle(req);
    });
  }

  /** The connection was closed (a reconnection replaced it, or the page left). */
  get #gone(): boolean {
    return this.#pc.connectionState === "closed";
  }

  async #handle(req: MediaRequest): Promise<void> {
    const feature: MediaFeature = req.t === "record" ? "recording" : req.t;
    try {
      if (req.t === "echo") await this.#setEcho(req.on);
      else if (req.t === "clip") this.#setClip(req.on);
      else await this.#record(req.seconds);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.#options.logger.warn("media request failed", { feature, error: text });
      this.#notify({ t: "media", feature, state: "error", text });
    }
  }

  #track(ev: RTCTrackEvent): void {
    const track = ev.track;
    const mime = new Promise<string>((resolve) => {
      const first = (e: Event) => {
        track.removeEventListener("frame", first);
        resolve((e as RTCEncodedFrameEvent).frame.getMetadata().mimeType);
      };
      track.addEventListener("frame", first);
    });
    this.#incoming.set(track.kind, { track, mime });
    for (const wake of [...this.#waiting]) wake();
  }

  /** The page's track of `kind` and its codec, waiting for them up to `ms`. */
  async #camera(kind: "audio" | "video", ms: number): Promise<Incoming & { codec: string }> {
    const deadline = performance.now() + ms;
    while (!this.#incoming.has(kind)) {
      const left = deadline - performance.now();
      if (left <= 0 || this.#gone)
        throw new Error(`no ${kind} from your camera arrived in ${ms / 1000} s`);
      await this.#wait(left);
    }
    const got = this.#incoming.get(kind) as Incoming;
    const codec = await within(got.mime, deadline - performance.now());
    if (codec === undefined)
      throw new Error(`your ${kind} track sends no frames (is the camera covered or in use?)`);
    return { ...got, codec };
  }

  /** Resolves on the next incoming track, on close, or after `ms`. */
  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiting.add(done);
    });
  }

  async #setEcho(on: boolean): Promise<void> {
    if (!on) {
      if (this.#echo) this.#echo.on = false;
      this.#notify({ t: "media", feature: "echo", state: "off", text: "echo stopped" });
      return;
    }
    const video = await this.#camera("video", CAMERA_WAIT_MS);
    const audio = await this.#camera("audio", 2000).catch(() => undefined);
    if (!this.#echo) this.#echo = this.#startEcho(video, audio);
    this.#echo.on = true;
    video.track.requestKeyFrame();
    const what = `${short(video.codec)}${audio ? ` + ${short(audio.codec)}` : ""}`;
    this.#notify({
      t: "media",
      feature: "echo",
      state: "on",
      text: `echoing your ${what} back: RTP forwarded, nothing decoded`,
    });
  }

  /** Senders for the echo, fed with the page's own frames while `on`. */
  #startEcho(
    video: Incoming & { codec: string },
    audio: (Incoming & { codec: string }) | undefined,
  ): Echo {
    const outVideo = new EncodedMediaStreamTrack({ kind: "video", codec: video.codec });
    const tracks = [outVideo];
    const echo: Echo = { on: false, video: outVideo };
    forward(video.track, outVideo, echo);
    outVideo.addEventListener("keyframerequest", () => video.track.requestKeyFrame());
    if (audio) {
      const outAudio = new EncodedMediaStreamTrack({ kind: "audio", codec: audio.codec });
      forward(audio.track, outAudio, echo);
      tracks.push(outAudio);
    }
    const stream = new MediaStream(tracks, MEDIA_STREAM.echo);
    for (const t of tracks) this.#pc.addTrack(t, stream);
    return echo;
  }

  #setClip(on: boolean): void {
    if (!on) {
      this.#clip?.stop();
      this.#notify({ t: "media", feature: "clip", state: "off", text: "clip stopped" });
      return;
    }
    if (!this.#clip) {
      const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
      const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
      const stream = new MediaStream([video, audio], MEDIA_STREAM.clip);
      this.#pc.addTrack(video, stream);
      this.#pc.addTrack(audio, stream);
      this.#clip = new ClipPlayer(loadClip(), video, audio, () => !this.#gone);
    }
    this.#clip.start();
    this.#notify({
      t: "media",
      feature: "clip",
      state: "on",
      text: "streaming the test clip (VP8 640x360 30 fps + Opus, read from files, not encoded here)",
    });
  }

  async #record(seconds: number): Promise<void> {
    if (this.#recording) throw new Error("a recording is already running");
    const video = await this.#camera("video", CAMERA_WAIT_MS);
    const audio = await this.#camera("audio", 2000).catch(() => undefined);
    this.#recording = true;
    this.#notify({
      t: "media",
      feature: "recording",
      state: "on",
      text: `recording ${seconds} s of your camera…`,
    });
    try {
      const r = await record(
        { video: video.track, videoMime: video.codec, ...(audio ? { audio: audio.track } : {}) },
        seconds,
      );
      const name = `purertc-recording-${new Date().toISOString().replace(/[:.]/g, "-")}.webm`;
      this.#notify({
        t: "recorded",
        name,
        bytes: r.bytes.byteLength,
        durationMs: r.durationMs,
        tracks: r.tracks,
      });
      await this.#options.deliver(name, r.bytes, "video/webm");
    } finally {
      this.#recording = false;
    }
  }

  #notify(notice: MediaNotice): void {
    if (this.#channel?.readyState === "open") this.#channel.send(JSON.stringify(notice));
  }
}

/** Writes each frame of `from` into `to` while the echo is on. */
function forward(from: EncodedMediaStreamTrack, to: EncodedMediaStreamTrack, echo: Echo): void {
  from.addEventListener("frame", (e) => {
    if (echo.on) to.writeFrame((e as RTCEncodedFrameEvent).frame);
  });
}

function short(mime: string): string {
  return mime.split("/")[1] ?? mime;
}

/** `p`'s value, or undefined if it takes longer than `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    void p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}
