/** What the bot answers to a chat line (commands start with "/"). */
import { type StatsReportLike, summarizeStats } from "../../shared/stats-summary.js";

export type BotReply =
  | { readonly kind: "none" }
  | { readonly kind: "text"; text(): Promise<string> }
  | { readonly kind: "file"; readonly megabytes: number };

export const HELP = [
  "/file N: I send you N MB of random bytes (1–1024), checksum verified",
  "/stats: my view of our connection",
  "/help: this list",
  "camera echo, test clip, recording: the Media card",
  "anything else: I echo it back",
].join(" · ");

const text = (s: string): BotReply => ({ kind: "text", text: () => Promise.resolve(s) });

export interface ReplyContext {
  /** The asker is the only other member (1:1): echo everything; in a room, answer "@bot". */
  readonly alone: boolean;
  stats(): Promise<StatsReportLike>;
}

export function botReply(input: string, ctx: ReplyContext): BotReply {
  let line = input.trim();
  if (!ctx.alone) {
    if (!/^@bot\b/i.test(line)) return { kind: "none" };
    line = line.replace(/^@bot\b\s*/i, "");
  }
  if (line === "/help") return text(HELP);
  if (line.startsWith("/file")) {
    const n = Number(line.slice(5).trim() || "10");
    if (!Number.isInteger(n) || n < 1 || n > 1024)
      return text("usage: /file N (N from 1 to 1024 MB)");
    return { kind: "file", megabytes: n };
  }
  if (line === "/stats")
    return {
      kind: "text",
      text: async () => {
        const s = summarizeStats(await ctx.stats(), null, "purertc");
        const p = s.pair;
        return p
          ? `pair ${p.local.type} ${p.local.address}:${p.local.port} ↔ ${p.remote.type} ${p.remote.address}:${p.remote.port} (${p.local.protocol}), RTT ${s.rttMs?.toFixed(2) ?? "?"} ms, DTLS ${s.dtls.cipher ?? "?"}, sent ${s.bytesSent} B, received ${s.bytesReceived} B`
          : "no selected candidate pair yet";
      },
    };
  if (/^\/(echo|clip|record)/.test(line))
    return text("media features run from the Media card's buttons (they need tracks, not chat)");
  if (line.startsWith("/")) return text(`unknown command. ${HELP}`);
  return text(`echo: ${line}`);
}
