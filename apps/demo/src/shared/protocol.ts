/**
 * What the page and the bot say to each other. Every feature owns one data-channel label, so a
 * new feature (the media ones: echo, clip, recording) adds a label and a handler without touching
 * the others. Control messages are JSON text; file data is binary.
 */

/** Data-channel labels, one per feature. */
export const CHANNEL = {
  /** Chat lines (JSON {@link ChatLine}), both ways. */
  chat: "chat",
  /** The bot's getStats() summaries (JSON {@link StatsMessage}), bot → page. */
  stats: "stats",
  /** One channel per file transfer, opened by the sender (see file-transfer.ts). */
  file: "file",
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

/** Feature names shown in the UI; media ones arrive with @purertc/peer part 2 (issue 12). */
export const MEDIA_FEATURES = ["echo", "clip", "recording"] as const;

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
