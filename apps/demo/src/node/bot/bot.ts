/**
 * The Node bot: a room member made of @purertc/peer connections. It joins a room when a page
 * asks (POST /api/bot/join), answers chat, receives files (hashing them, keeping nothing),
 * sends generated files on request (`/file 10`) and feeds its own getStats() summaries to each
 * page over the "stats" channel, and runs the media features (echo, clip, recording: media.ts)
 * on each connection.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "@purertc/common";
import { createWebRtc, type RTCPeerConnection } from "@purertc/peer";
import { SignalClient } from "@purertc/signal";
import { onMessage } from "../../shared/channel.js";
import { receiveFile, sendFile } from "../../shared/file-transfer.js";
import type { PcLike } from "../../shared/mesh-link.js";
import type { ChatLine } from "../../shared/protocol.js";
import { type Member, RoomSession } from "../../shared/room-session.js";
import { summarizeStats } from "../../shared/stats-summary.js";
import { sha256 } from "../hash.js";
import { BotMedia } from "./media.js";
import { botReply } from "./replies.js";

export const BOT_NAME = "purertc bot";
/** Largest file the bot generates on request. */
export const MAX_GENERATED_MB = 1024;

export interface BotOptions {
  /** Where the bot reaches the signaling server (in-process, loopback). */
  readonly signalUrl: string;
  /** A fresh token for one connection. */
  token(): string;
  readonly logger: Logger;
  /** Leave a room this long after its last other member left. */
  readonly idleLeaveMs?: number;
}

type BotMember = Member<PcLike>;

export class Bot {
  readonly #options: BotOptions;
  readonly #rooms = new Map<string, RoomSession<PcLike>>();
  readonly #webrtc = createWebRtc({ interfaces: { includeLoopback: true } });
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  readonly #media = new WeakMap<PcLike, BotMedia>();

  constructor(options: BotOptions) {
    this.#options = options;
  }

  /** Rooms the bot is in. */
  get rooms(): string[] {
    return [...this.#rooms.keys()];
  }

  /** Joins `room` (no-op if already there). */
  async join(room: string): Promise<void> {
    if (this.#rooms.has(room)) return;
    const log = this.#options.logger;
    const client = new SignalClient({ url: this.#options.signalUrl, token: this.#options.token });
    const session: RoomSession<PcLike> = new RoomSession<PcLike>({
      client,
      name: BOT_NAME,
      kind: "bot",
      createPeerConnection: () => this.#createPeerConnection(session),
      events: {
        changed: () => this.#maybeLeave(room, session),
        chat: (from, line) => void this.#chat(session, from, line),
        file: (from, ch) => {
          receiveFile(ch, { sha256 }).then(
            (r) =>
              void this.#say(
                session,
                from,
                `received "${r.meta.name}" (${mb(r.bytes)}) in ${(r.ms / 1000).toFixed(1)} s: ${
                  r.ok ? "checksum verified ✓" : "CHECKSUM MISMATCH ✗"
                }`,
              ),
            (e: unknown) => log.warn("file receive failed", { error: String(e) }),
          );
        },
        statsChannel: (m, ch) => this.#feedStats(m, ch),
        mediaChannel: (m, ch) => this.#media.get(m.link.pc)?.attach(ch),
        error: (m, message) => log.warn("room error", { room, peer: m?.peerId, message }),
      },
    });
    this.#rooms.set(room, session);
    try {
      await client.connect();
      await session.join(room);
      log.info("bot joined", { room });
    } catch (e) {
      this.#rooms.delete(room);
      client.close();
      throw e;
    }
  }

  /** A connection with its media features (the page's tracks arrive on it). */
  #createPeerConnection(session: RoomSession<PcLike>): PcLike {
    const pc: RTCPeerConnection = new this.#webrtc.RTCPeerConnection();
    const like = pc as unknown as PcLike;
    const media = new BotMedia(pc, {
      logger: this.#options.logger,
      deliver: async (name, bytes, mime) => {
        const member = [...session.members.values()].find((m) => m.link.pc === like);
        if (!member) throw new Error("the page left before its recording was sent");
        await sendFile(
          session.openFileChannel(member),
          { name, size: bytes.byteLength, mime, read: async (o, n) => bytes.subarray(o, o + n) },
          { sha256, chunkSize: chunkFor(member) },
        );
      },
    });
    this.#media.set(like, media);
    return like;
  }

  /** Leaves every room. */
  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await Promise.all(
      [...this.#rooms.values()].map(async (s) => {
        await s.leave();
        s.client.close();
      }),
    );
    this.#rooms.clear();
  }

  #maybeLeave(room: string, session: RoomSession<PcLike>): void {
    if (session.members.size > 0) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (session.members.size > 0 || this.#rooms.get(room) !== session) return;
      this.#rooms.delete(room);
      void session.leave().finally(() => session.client.close());
      this.#options.logger.info("bot left", { room });
    }, this.#options.idleLeaveMs ?? 5000);
    this.#timers.add(t);
  }

  async #say(session: RoomSession<PcLike>, to: BotMember, text: string): Promise<void> {
    const line: ChatLine = { t: "chat", text, from: BOT_NAME, at: Date.now() };
    await session.sendChatTo(to, line).catch(() => "relay");
  }

  async #chat(session: RoomSession<PcLike>, from: BotMember, line: ChatLine): Promise<void> {
    const alone = session.members.size === 1;
    const reply = botReply(line.text, { alone, stats: () => from.link.pc.getStats() });
    if (reply.kind === "none") return;
    if (reply.kind === "text") return this.#say(session, from, await reply.text());
    if (reply.kind === "file") {
      const size = reply.megabytes * 1024 * 1024;
      await this.#say(session, from, `sending you ${reply.megabytes} MB of random bytes…`);
      try {
        const ch = session.openFileChannel(from);
        const r = await sendFile(
          ch,
          {
            name: `purertc-bot-${reply.megabytes}MB.bin`,
            size,
            mime: "application/octet-stream",
            read: async (_offset, length) => new Uint8Array(randomBytes(length)),
          },
          { sha256, chunkSize: chunkFor(from) },
        );
        await this.#say(
          session,
          from,
          `${r.meta.name} delivered in ${(r.ms / 1000).toFixed(1)} s (${rate(r.bytes, r.ms)}): ${
            r.ok ? "your checksum matches mine ✓" : "checksums differ ✗"
          }`,
        );
      } catch (e) {
        await this.#say(session, from, `the file transfer failed: ${String(e)}`);
      }
    }
  }

  #feedStats(m: BotMember, ch: BotMember["stats"] & object): void {
    const pc = m.link.pc;
    const t = setInterval(() => {
      if (ch.readyState !== "open") return;
      pc.getStats().then(
        (report) => {
          if (ch.readyState !== "open") return;
          const summary = summarizeStats(report, pc.sctp, `purertc ${process.version}`);
          ch.send(JSON.stringify({ t: "stats", summary }));
        },
        () => undefined,
      );
    }, 1000);
    this.#timers.add(t);
    ch.addEventListener("close", () => {
      clearInterval(t);
      this.#timers.delete(t);
    });
    onMessage(ch, () => undefined);
  }
}

function chunkFor(m: BotMember): number {
  const max = m.link.pc.sctp?.maxMessageSize ?? 65536;
  return Math.min(64 * 1024, max > 0 ? max : 65536);
}

export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function rate(bytes: number, ms: number): string {
  return `${((bytes * 8) / 1e6 / Math.max(ms / 1000, 1e-3)).toFixed(1)} Mbit/s`;
}
