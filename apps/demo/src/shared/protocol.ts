/**
 * What the page and the bot say to each other. Every feature owns one data-channel label, so a
 * new feature adds a label and a handler without touching the others. Control messages are JSON text; file data is binary.
 */

/** Data-channel labels, one per feature. */
export const CHANNEL = {
  /** Chat lines (JSON {@link ChatLine}), both ways. */
  chat: "chat",
  /** The bot's getStats() summaries (JSON {@link StatsMessage}), bot → page. */
  stats: "stats",
  /** One channel per file transfer, opened by the sender (see file-transfer.ts). */
  file: "file",
  /** Media control (JSON {@link MediaRequest} page → bot, {@link MediaNotice} bot → page). */
  media: "media",
} as const;

/** The data-channel `protocol` of file channels (lets a receiver refuse anything else). */
export const FILE_PROTOCOL = "purertc-demo/file/1";

/** One chat line. */
export interface ChatLine {
  readonly t: "chat";
  readonly text: string;
  /** Who wrote it (display name). */
  readonly from: string;
  /** Sender's wall clock, ms since the epoch. */
  readonly at: number;
}

/** Messages relayed through the signaling server (`room.send`) between room members. */
export type RelayMessage =
  | ChatLine
  /** Rebuild the pair's connection; `blocked`: drop every ICE candidate so P2P must fail. */
  | { readonly t: "reset"; readonly blocked: boolean; readonly generation: number };

/** The media features; each is a card in the page and a handler in the bot. */
export const MEDIA_FEATURES = ["echo", "clip", "recording"] as const;
export type MediaFeature = (typeof MEDIA_FEATURES)[number];

/** MediaStream ids the bot sends under, so the page knows which video is which. */
export const MEDIA_STREAM = { echo: "purertc-echo", clip: "purertc-clip" } as const;

/** Longest recording the bot makes. */
export const MAX_RECORDING_S = 60;

/** Page → bot over the media channel. */
export type MediaRequest =
  | { readonly t: "echo"; readonly on: boolean }
  | { readonly t: "clip"; readonly on: boolean }
  | { readonly t: "record"; readonly seconds: number };

/** Bot → page over the media channel. */
export type MediaNotice =
  /** A feature's state changed; `text` says what happened, in words. */
  | {
      readonly t: "media";
      readonly feature: MediaFeature;
      readonly state: "on" | "off" | "error";
      readonly text: string;
    }
  /** A recording is done; its bytes follow on a file channel named `name`. */
  | {
      readonly t: "recorded";
      readonly name: string;
      readonly bytes: number;
      readonly durationMs: number;
      readonly tracks: string;
    };

export function isMediaRequest(v: unknown): v is MediaRequest {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o.t === "echo" || o.t === "clip") return typeof o.on === "boolean";
  return (
    o.t === "record" &&
    typeof o.seconds === "number" &&
    Number.isFinite(o.seconds) &&
    o.seconds >= 1 &&
    o.seconds <= MAX_RECORDING_S
  );
}

export function isMediaNotice(v: unknown): v is MediaNotice {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o.t === "media")
    return (
      MEDIA_FEATURES.includes(o.feature as MediaFeature) &&
      (o.state === "on" || o.state === "off" || o.state === "error") &&
      typeof o.text === "string"
    );
  return (
    o.t === "recorded" &&
    typeof o.name === "string" &&
    typeof o.bytes === "number" &&
    typeof o.durationMs === "number" &&
    typeof o.tracks === "string"
  );
}

export function isChatLine(v: unknown): v is ChatLine {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.t === "chat" &&
    typeof o.text === "string" &&
    typeof o.from === "string" &&
    typeof o.at === "number"
  );
}

export function isReset(v: unknown): v is Extract<RelayMessage, { t: "reset" }> {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.t === "reset" && typeof o.blocked === "boolean" && typeof o.generation === "number";
}

/** Parses a JSON text message; `undefined` for anything that is not JSON. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
