/**
 * The media cards of the browser ↔ bot view: camera echo, the bot's test clip and recording.
 * The page sends its camera on the bot connection (VP8 preferred, so the bot can record it to
 * WebM) and asks for a feature over the "media" channel; the bot answers with notices, sends
 * tracks under the stream ids of protocol.ts MEDIA_STREAM, and delivers recordings as files.
 */
import type { ChannelLike } from "../shared/channel.js";
import { onMessage } from "../shared/channel.js";
import {
  isMediaNotice,
  MAX_RECORDING_S,
  MEDIA_STREAM,
  type MediaFeature,
  type MediaNotice,
  type MediaRequest,
  parseJson,
} from "../shared/protocol.js";
import { errorText, fill, formatBytes, h } from "./dom.js";
import { VideoMeter } from "./video-meter.js";

/** What the panel needs of the bot connection. */
export interface MediaLink {
  readonly pc: RTCPeerConnection;
  readonly channel: ChannelLike | undefined;
}

type State = "idle" | "starting" | "on" | "error";

interface Card {
  readonly element: HTMLElement;
  readonly status: HTMLElement;
  readonly button: HTMLButtonElement;
}

function card(feature: MediaFeature, title: string, what: string, ...body: Node[]): Card {
  const status = h("p", { class: "media-status", testid: `media-${feature}-status` });
  const button = h("button", { attrs: { type: "button" }, testid: `media-${feature}-button` });
  const element = h(
    "article",
    { class: "media-card", testid: `media-${feature}` },
    h("h3", { text: title }),
    h("p", { class: "muted small", text: what }),
    ...body,
    h("div", { class: "media-actions" }, button),
    status,
  );
  return { element, status, button };
}

function video(testid: string, muted: boolean): HTMLVideoElement {
  const v = h("video", { testid, attrs: { autoplay: "", playsinline: "" } });
  v.muted = muted;
  return v;
}

export class MediaPanel {
  readonly element: HTMLElement;
  readonly #link: () => MediaLink | undefined;
  readonly #localVideo = video("echo-local", true);
  readonly #echoVideo = video("echo-remote", true);
  readonly #clipVideo = video("clip-video", false);
  readonly #echoMeter = new VideoMeter(this.#echoVideo);
  readonly #clipMeter = new VideoMeter(this.#clipVideo);
  readonly #seconds = h("input", {
    testid: "record-seconds",
    attrs: { type: "number", min: "1", max: String(MAX_RECORDING_S), value: "10" },
  });
  readonly #result = h("div", { class: "recording", testid: "recording-result" });
  readonly #cards: Record<MediaFeature, Card>;
  readonly #on: Record<MediaFeature, boolean> = { echo: false, clip: false, recording: false };
  #camera: MediaStream | undefined;
  #cameraPc: RTCPeerConnection | undefined;
  #expecting: Extract<MediaNotice, { t: "recorded" }> | undefined;

  constructor(link: () => MediaLink | undefined) {
    this.#link = link;
    this.#cards = {
      echo: card(
        "echo",
        "Camera echo",
        "The bot sends your camera back: RTP forwarded, nothing decoded or re-encoded.",
        h(
          "div",
          { class: "videos" },
          labelled("you", this.#localVideo),
          labelled("echo", this.#echoVideo),
        ),
        this.#echoMeter.element,
      ),
      clip: card(
        "clip",
        "Test clip",
        "The bot streams a built-in VP8 + Opus clip (files, not an encoder).",
        labelled("from the bot", this.#clipVideo),
        this.#clipMeter.element,
      ),
      recording: card(
        "recording",
        "Recording",
        "The bot records your camera into a WebM file and sends it back for download.",
        h("label", { class: "small" }, "seconds ", this.#seconds),
        this.#result,
      ),
    };
    this.#cards.echo.button.addEventListener("click", () => void this.#toggle("echo"));
    this.#cards.clip.button.addEventListener("click", () => void this.#toggle("clip"));
    this.#cards.recording.button.addEventListener("click", () => void this.#record());
    this.element = h(
      "div",
      { class: "media-grid" },
      ...Object.values(this.#cards).map((c) => c.element),
    );
    for (const f of ["echo", "clip", "recording"] as const) this.#show(f, "idle", "");
    this.enable(false);
  }

  /** Buttons work only with an open media channel over P2P. */
  enable(on: boolean): void {
    for (const c of Object.values(this.#cards)) c.button.disabled = !on;
    this.#seconds.disabled = !on;
  }

  /** The bot's notices on a (new) media channel. */
  listen(channel: ChannelLike): void {
    onMessage(channel, (data) => {
      const n = parseJson(data);
      if (isMediaNotice(n)) this.#notice(n);
    });
  }

  /** A track from the bot: the echo or the clip, told apart by stream id. */
  track(ev: RTCTrackEvent): void {
    const stream = ev.streams[0] ?? new MediaStream([ev.track]);
    const target =
      stream.id === MEDIA_STREAM.echo
        ? this.#echoVideo
        : stream.id === MEDIA_STREAM.clip
          ? this.#clipVideo
          : undefined;
    if (!target) return;
    if (target.srcObject !== stream) target.srcObject = stream;
    void target.play().catch(() => {
      // Autoplay with sound can be refused; play muted rather than not at all.
      target.muted = true;
      return target.play().catch(() => undefined);
    });
    const meter = target === this.#echoVideo ? this.#echoMeter : this.#clipMeter;
    meter.watch(ev.receiver, ev.track.kind);
  }

  /** A file from the bot arrived; the announced recording is shown in its card. */
  fileArrived(name: string, blob: Blob): void {
    const r = this.#expecting;
    if (!r || r.name !== name) return;
    this.#expecting = undefined;
    const url = URL.createObjectURL(blob);
    const seconds = (r.durationMs / 1000).toFixed(1);
    fill(
      this.#result,
      h("video", {
        testid: "recording-video",
        attrs: { controls: "", src: url, preload: "metadata" },
      }),
      h(
        "p",
        { class: "small" },
        h("span", { testid: "recording-duration", text: `${seconds} s` }),
        ` · ${r.tracks} · ${formatBytes(r.bytes)} · `,
        h("a", {
          testid: "recording-link",
          text: "download",
          attrs: { href: url, download: name },
        }),
      ),
    );
    this.#show("recording", "idle", `recorded ${seconds} s; the file is below`);
  }

  /** The connection was rebuilt: what ran on the old one is gone. */
  reset(): void {
    for (const f of ["echo", "clip", "recording"] as const) this.#show(f, "idle", "");
    this.#echoVideo.srcObject = null;
    this.#clipVideo.srcObject = null;
  }

  async #toggle(feature: "echo" | "clip"): Promise<void> {
    const on = !this.#on[feature];
    try {
      if (on && feature === "echo") {
        this.#show(feature, "starting", "starting your camera…");
        await this.#startCamera();
      }
      this.#show(feature, "starting", on ? "asking the bot…" : "stopping…");
      this.#request({ t: feature, on });
    } catch (e) {
      this.#show(feature, "error", errorText(e));
    }
  }

  async #record(): Promise<void> {
    const seconds = Number(this.#seconds.value);
    if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= MAX_RECORDING_S)) {
      this.#show("recording", "error", `choose 1 to ${MAX_RECORDING_S} seconds`);
      return;
    }
    try {
      this.#show("recording", "starting", "starting your camera…");
      await this.#startCamera();
      this.#show("recording", "starting", "asking the bot to record…");
      fill(this.#result);
      this.#request({ t: "record", seconds });
    } catch (e) {
      this.#show("recording", "error", errorText(e));
    }
  }

  #request(req: MediaRequest): void {
    const ch = this.#link()?.channel;
    if (ch?.readyState !== "open") throw new Error("the bot's media channel is not open");
    ch.send(JSON.stringify(req));
  }

  /** Sends the camera and microphone on the bot connection (once per connection). */
  async #startCamera(): Promise<void> {
    const link = this.#link();
    if (!link) throw new Error("the bot is not connected");
    if (!this.#camera) {
      try {
        this.#camera = await navigator.mediaDevices.getUserMedia({
          video: { width: 640, height: 480 },
          audio: true,
        });
      } catch (e) {
        throw new Error(cameraError(e));
      }
      this.#localVideo.srcObject = this.#camera;
    }
    if (this.#cameraPc === link.pc) return;
    this.#cameraPc = link.pc;
    for (const track of this.#camera.getTracks()) {
      const sender = link.pc.addTrack(track, this.#camera);
      if (track.kind === "video") preferVp8(link.pc, sender);
    }
  }

  #notice(n: MediaNotice): void {
    if (n.t === "recorded") {
      this.#expecting = n;
      this.#show(
        "recording",
        "starting",
        `recorded ${(n.durationMs / 1000).toFixed(1)} s; receiving ${formatBytes(n.bytes)}…`,
      );
      return;
    }
    this.#show(n.feature, n.state === "on" ? "on" : n.state === "error" ? "error" : "idle", n.text);
  }

  #show(feature: MediaFeature, state: State, text: string): void {
    const c = this.#cards[feature];
    if (feature !== "recording") this.#on[feature] = state === "on" || state === "starting";
    c.status.dataset.state = state;
    c.status.textContent = text;
    c.element.dataset.state = state;
    c.button.textContent =
      feature === "echo"
        ? this.#on.echo
          ? "Stop echo"
          : "Start camera echo"
        : feature === "clip"
          ? this.#on.clip
            ? "Stop the clip"
            : "Play the bot's clip"
          : "Record";
  }
}

function labelled(label: string, v: HTMLVideoElement): HTMLElement {
  return h("figure", { class: "video" }, v, h("figcaption", { class: "small muted", text: label }));
}

/** Puts VP8 first in the video codec order, so the bot can record what it receives. */
function preferVp8(pc: RTCPeerConnection, sender: RTCRtpSender): void {
  const transceiver = pc.getTransceivers().find((t) => t.sender === sender);
  const caps = RTCRtpReceiver.getCapabilities("video");
  if (!transceiver?.setCodecPreferences || !caps) return;
  const rank = (c: RTCRtpCodec) => (c.mimeType.toLowerCase() === "video/vp8" ? 0 : 1);
  transceiver.setCodecPreferences([...caps.codecs].sort((a, b) => rank(a) - rank(b)));
}

function cameraError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : "";
  if (name === "NotAllowedError")
    return "camera permission denied: allow the camera and microphone for this page";
  if (name === "NotFoundError") return "no camera or microphone found";
  if (name === "NotReadableError") return "the camera is in use by another program";
  return `the camera could not start: ${errorText(e)}`;
}
