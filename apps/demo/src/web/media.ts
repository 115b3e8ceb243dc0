/**
 * The media features (echo, test clip, recording) need audio/video tracks, which
 * @purertc/peer does not carry yet (issue 12: transceivers and tracks). Each card states that and
 * keeps its place: when media lands, its `mount` gets the connection and replaces the notice.
 */
import { h } from "./dom.js";

interface MediaFeature {
  readonly id: string;
  readonly title: string;
  readonly what: string;
  readonly action: string;
}

export const MEDIA_CARDS: readonly MediaFeature[] = [
  {
    id: "echo",
    title: "Camera echo",
    what: "The bot sends your camera and microphone straight back (RTP forwarding, no decoding); local and echoed video side by side.",
    action: "Start camera echo",
  },
  {
    id: "clip",
    title: "Test clip",
    what: "The bot streams a built-in VP8 + Opus clip to this page.",
    action: "Play the bot's clip",
  },
  {
    id: "recording",
    title: "Recording",
    what: "The bot records what this page sends into a WebM file you can download, with its duration.",
    action: "Record 10 s",
  },
];

export function mediaSection(): HTMLElement {
  return h(
    "div",
    { class: "media-grid" },
    ...MEDIA_CARDS.map((f) =>
      h(
        "article",
        { class: "media-card", testid: `media-${f.id}` },
        h("h3", { text: f.title }),
        h("p", { text: f.what }),
        h(
          "div",
          { class: "pending" },
          h("span", { class: "badge soon", text: "coming with media support" }),
        ),
        h("p", {
          class: "muted small",
          text: "@purertc/peer carries data channels today; audio/video tracks arrive with issue 12 (transceivers and tracks).",
        }),
        h("button", {
          text: f.action,
          attrs: { type: "button", disabled: "", "aria-disabled": "true" },
        }),
      ),
    ),
  );
}
