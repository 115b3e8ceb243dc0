/**
 * Browser ↔ bot: a private room with the Node bot. Chat, file transfer both ways, live stats
 * from both ends, and media (camera echo, test clip, recording) on the same connection.
 */
import type { SignalClient } from "@purertc/signal";
import { receiveFile, sendFile } from "../shared/file-transfer.js";
import type { PcLike } from "../shared/mesh-link.js";
import { type Member, RoomSession } from "../shared/room-session.js";
import { ChatUi } from "./chat-ui.js";
import { errorText, fill, h } from "./dom.js";
import { FilesUi } from "./files-ui.js";
import { checksumsAvailable, sha256 } from "./hash.js";
import { MediaPanel } from "./media.js";
import { connectSignal, inviteBot } from "./signal.js";
import { StatsView } from "./stats-view.js";

type BotMember = Member<PcLike>;

/** Fresh connections tried after a failed one before giving up. */
const MAX_RETRIES = 2;

export class BotView {
  readonly element: HTMLElement;
  readonly #status = h("div", { class: "conn-status", testid: "bot-status" });
  readonly #chat: ChatUi;
  readonly #files: FilesUi;
  readonly #stats = new StatsView();
  readonly #media = new MediaPanel(() => {
    const bot = this.#bot;
    return bot
      ? { pc: bot.link.pc as unknown as RTCPeerConnection, channel: bot.media }
      : undefined;
  });
  readonly #tracked = new WeakSet<object>();
  #mediaGeneration = -1;
  readonly #name: string;
  #session: RoomSession<PcLike> | undefined;
  #bot: BotMember | undefined;
  #watched: PcLike | undefined;
  #seen = false;
  #retries = 0;

  constructor(name: string, onSignal: (c: SignalClient) => void) {
    this.#name = name;
    this.#chat = new ChatUi(
      "Say something to the bot (try /help)",
      (t) => this.#send(t),
      "bot-chat",
    );
    this.#files = new FilesUi({
      send: (f) => void this.#upload(f),
      askBot: (n) => void this.#send(`/file ${n}`),
    });
    const card = (title: string, testid: string, ...body: Node[]) =>
      h("section", { class: `card ${testid}`, testid }, h("h2", { text: title }), ...body);
    this.element = h(
      "div",
      { class: "view bot-view" },
      this.#status,
      h(
        "div",
        { class: "grid" },
        card("Chat", "card-chat", this.#chat.element),
        card("Files", "card-files", this.#files.element),
      ),
      card("Live stats · getStats() from both ends", "card-stats", this.#stats.element),
      card("Media · tracks over the same connection", "card-media", this.#media.element),
    );
    this.#setStatus("connecting", "connecting to the signaling server…");
    void this.#start(onSignal);
  }

  async #start(onSignal: (c: SignalClient) => void): Promise<void> {
    try {
      const client = await connectSignal();
      onSignal(client);
      this.#session = new RoomSession<PcLike>({
        client,
        name: this.#name,
        kind: "tab",
        createPeerConnection: () => new RTCPeerConnection() as unknown as PcLike,
        events: {
          changed: () => this.#changed(),
          chat: (from, line, via) =>
            this.#chat.add({ from: from.name, text: line.text, at: line.at, via }),
          file: (from, ch) => void this.#download(from, ch),
          statsChannel: (_m, ch) => this.#stats.listen(ch),
          mediaChannel: (_m, ch) => this.#media.listen(ch),
          error: (_m, message) =>
            this.#chat.add({ from: "", text: message, at: Date.now(), notice: "error" }),
        },
      });
      const room = `bot-${crypto.getRandomValues(new Uint32Array(2)).join("")}`;
      await this.#session.join(room);
      this.#setStatus("connecting", "asking the bot to join…");
      await inviteBot(room);
      this.#setStatus("connecting", "the bot joined; connecting peer to peer (ICE, DTLS, SCTP)…");
    } catch (e) {
      this.#setStatus("error", `could not start: ${errorText(e)}`);
    }
  }

  #changed(): void {
    const bot = [...(this.#session?.members.values() ?? [])].find((m) => m.kind === "bot");
    this.#bot = bot;
    if (!bot) {
      if (this.#seen)
        this.#setStatus(
          "error",
          "the bot left the room (peer gone); reload the page to start again",
        );
      this.#chat.enable(false);
      this.#files.enable(false);
      this.#media.enable(false);
      return;
    }
    this.#seen = true;
    if (!this.#tracked.has(bot.link)) {
      this.#tracked.add(bot.link);
      bot.link.addEventListener("track", ((ev: RTCTrackEvent) => this.#media.track(ev)) as never);
    }
    if (this.#mediaGeneration !== bot.link.generation) {
      if (this.#mediaGeneration >= 0) this.#media.reset();
      this.#mediaGeneration = bot.link.generation;
    }
    if (this.#watched !== bot.link.pc) {
      this.#watched = bot.link.pc;
      this.#stats.watch(bot.link.pc);
    }
    const open = bot.chat?.readyState === "open";
    const { route, reason } = bot.link;
    if (route === "p2p")
      this.#setStatus(
        open ? "ok" : "connecting",
        open ? "connected to the bot peer to peer" : "connected; opening data channels…",
      );
    else if (route === "relay" && this.#retries < MAX_RETRIES && !bot.link.blocked) {
      // A failed attempt (a lost handshake flight on a busy machine...) gets a fresh connection.
      this.#retries++;
      this.#setStatus(
        "connecting",
        `${reason}; retrying with a new connection (${this.#retries}/${MAX_RETRIES})…`,
      );
      this.#session
        ?.rebuild(bot.peerId, false)
        .catch((e: unknown) => this.#setStatus("error", `retry failed: ${errorText(e)}`));
    } else if (route === "relay")
      this.#setStatus("error", `${reason} (file transfer and stats need the P2P connection)`);
    else this.#setStatus("connecting", reason);
    this.#chat.enable(route !== "connecting" || open);
    this.#files.enable(open && route === "p2p");
    this.#media.enable(route === "p2p" && bot.media?.readyState === "open");
  }

  #setStatus(kind: "ok" | "connecting" | "error", text: string): void {
    this.#status.dataset.state = kind;
    fill(this.#status, h("span", { class: "dot" }), text);
  }

  async #send(text: string): Promise<void> {
    const bot = this.#bot;
    const session = this.#session;
    if (!bot || !session) throw new Error("the bot is not connected");
    const line = { t: "chat", text, from: this.#name, at: Date.now() } as const;
    const via = await session.sendChatTo(bot, line);
    this.#chat.add({ from: "you", text, at: line.at, mine: true, via });
  }

  async #upload(file: File): Promise<void> {
    const bot = this.#bot;
    const session = this.#session;
    const row = this.#files.add("up", file.name, file.size);
    if (!bot || !session) return row.fail("the bot is not connected");
    if (!checksumsAvailable())
      return row.fail("file checksums need a secure context: open the demo as http://localhost");
    try {
      const max = bot.link.pc.sctp?.maxMessageSize ?? 65536;
      const r = await sendFile(
        session.openFileChannel(bot),
        {
          name: file.name,
          size: file.size,
          mime: file.type,
          read: async (offset, length) =>
            new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
        },
        {
          sha256,
          chunkSize: Math.min(64 * 1024, max > 0 ? max : 65536),
          onProgress: (b, s) => row.progress(b, s),
        },
      );
      row.done(r);
    } catch (e) {
      row.fail(errorText(e));
    }
  }

  async #download(from: BotMember, ch: Parameters<typeof receiveFile>[0]): Promise<void> {
    let row: ReturnType<FilesUi["add"]> | undefined;
    const parts: Uint8Array[] = [];
    let mime = "";
    try {
      const r = await receiveFile(ch, {
        sha256,
        onMeta: (meta) => {
          row = this.#files.add("down", meta.name, meta.size);
          mime = meta.mime;
          return from.kind === "bot" || undefined;
        },
        onProgress: (b, s) => row?.progress(b, s),
        onData: (bytes) => parts.push(bytes),
      });
      const blob = new Blob(parts as BlobPart[], { type: mime || "application/octet-stream" });
      row?.done(r, blob);
      if (r.ok && row) this.#media.fileArrived(r.meta.name, blob);
    } catch (e) {
      if (row) row.fail(errorText(e));
      else
        this.#chat.add({
          from: "",
          text: `incoming file failed: ${errorText(e)}`,
          at: Date.now(),
          notice: "error",
        });
    }
  }
}
