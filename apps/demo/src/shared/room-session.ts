/**
 * A room member's view of its room, the same code in the page and in the bot: @purertc/signal's
 * `connectRoom` builds one connection per other member (perfect negotiation), each wrapped in a
 * {@link MeshLink}; chat goes over the pair's "chat" channel when P2P is up and through the
 * signaling server otherwise; file channels and the bot's stats feed are handed to the app.
 */
import { connectRoom, type Json, type RoomConnection, type SignalClient } from "@purertc/signal";
import type { ChannelLike } from "./channel.js";
import { onMessage } from "./channel.js";
import { type LinkHooks, MeshLink, type PcLike } from "./mesh-link.js";
import {
  CHANNEL,
  type ChatLine,
  FILE_PROTOCOL,
  isChatLine,
  isReset,
  parseJson,
} from "./protocol.js";

export type MemberKind = "tab" | "bot";

/** Another member of the room. */
export interface Member<PC extends PcLike> {
  readonly peerId: string;
  readonly name: string;
  readonly kind: MemberKind;
  readonly link: MeshLink<PC>;
  /** The pair's chat channel (of the current connection), once opened. */
  chat: ChannelLike | undefined;
  /** The pair's stats channel. */
  stats: ChannelLike | undefined;
  /** The pair's media control channel. */
  media: ChannelLike | undefined;
}

export type Via = "p2p" | "relay";

export interface RoomEvents<PC extends PcLike> {
  /** Membership, a route or a channel changed. */
  changed(): void;
  chat(from: Member<PC>, line: ChatLine, via: Via): void;
  /** The member opened a file channel to us (see file-transfer.ts `receiveFile`). */
  file(from: Member<PC>, channel: ChannelLike): void;
  /** A stats channel opened (the bot feeds it; the page reads it). */
  statsChannel?(member: Member<PC>, channel: ChannelLike): void;
  /** A media control channel opened (see protocol.ts MediaRequest / MediaNotice). */
  mediaChannel?(member: Member<PC>, channel: ChannelLike): void;
  /** Something went wrong with one member, in words. */
  error(member: Member<PC> | undefined, message: string): void;
}

export interface RoomSessionOptions<PC extends PcLike> {
  readonly client: SignalClient;
  readonly name: string;
  readonly kind: MemberKind;
  createPeerConnection(): PC;
  readonly events: RoomEvents<PC>;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class RoomSession<PC extends PcLike> {
  readonly members = new Map<string, Member<PC>>();
  readonly #options: RoomSessionOptions<PC>;
  #room: RoomConnection<MeshLink<PC>> | undefined;

  constructor(options: RoomSessionOptions<PC>) {
    this.#options = options;
  }

  get client(): SignalClient {
    return this.#options.client;
  }

  /** Joins `room` (the client must be connected) and connects to every member. */
  async join(room: string): Promise<void> {
    const { client, events } = this.#options;
    const hooks: LinkHooks<PC> = {
      setUp: (link, pc, initiator) => this.#setUp(link, pc, initiator),
      changed: () => events.changed(),
    };
    this.#room = connectRoom<MeshLink<PC>>({
      client,
      createPeerConnection: (peerId) => {
        const link = new MeshLink(peerId, () => this.#options.createPeerConnection(), hooks);
        const info = client.members().find((m) => m.peerId === peerId)?.metadata ?? {};
        this.members.set(peerId, {
          peerId,
          name: typeof info.name === "string" ? info.name : peerId.slice(0, 6),
          kind: info.kind === "bot" ? "bot" : "tab",
          link,
          chat: undefined,
          stats: undefined,
          media: undefined,
        });
        return link;
      },
      onPeer: ({ pc: link, initiator }) => {
        link.start(initiator);
        events.changed();
      },
      onPeerClosed: (peerId) => {
        this.members.delete(peerId);
        events.changed();
      },
      onMessage: (from, data) => this.#relayed(from, data),
      onError: (peerId, e) => events.error(this.members.get(peerId), describe(e)),
    });
    await client.join(room, { name: this.#options.name, kind: this.#options.kind });
  }

  /** Sends a chat line to everyone; returns how it went to each member. */
  async sendChat(text: string): Promise<Map<string, Via>> {
    const line: ChatLine = { t: "chat", text, from: this.#options.name, at: Date.now() };
    const routes = new Map<string, Via>();
    await Promise.all(
      [...this.members.values()].map(async (m) =>
        routes.set(m.peerId, await this.sendChatTo(m, line)),
      ),
    );
    return routes;
  }

  /** Sends one line to one member: over the pair's channel, else through the server. */
  async sendChatTo(m: Member<PC>, line: ChatLine): Promise<Via> {
    if (m.link.route === "p2p" && m.chat?.readyState === "open") {
      m.chat.send(JSON.stringify(line));
      return "p2p";
    }
    await this.#room?.send(m.peerId, line as unknown as Json);
    return "relay";
  }

  /**
   * Rebuilds the pair's connection: with P2P forced to fail (`blocked`: both ends drop every
   * ICE candidate), or normally (to lift the block, or after a failed attempt). The other member
   * is told through the server first; the new offer follows on the same socket, so it arrives
   * after the request to reset.
   */
  async rebuild(peerId: string, blocked: boolean): Promise<void> {
    const m = this.members.get(peerId);
    if (!m || !this.#room) return;
    const generation = m.link.generation + 1;
    const told = this.#room.send(peerId, { t: "reset", blocked, generation });
    m.chat = undefined;
    m.stats = undefined;
    m.media = undefined;
    m.link.reset(blocked, generation, true);
    await told;
  }

  /** Opens a channel for one outgoing file (see file-transfer.ts `sendFile`). */
  openFileChannel(m: Member<PC>): ChannelLike {
    return m.link.pc.createDataChannel(CHANNEL.file, { protocol: FILE_PROTOCOL, ordered: true });
  }

  /** Leaves the room and closes every connection. */
  async leave(): Promise<void> {
    this.#room?.close();
    this.#room = undefined;
    this.members.clear();
    if (this.#options.client.room !== undefined)
      await this.#options.client.leave().catch(() => true);
  }

  #setUp(link: MeshLink<PC>, pc: PC, initiator: boolean): void {
    const take = (ch: ChannelLike) => this.#channel(link, ch);
    pc.addEventListener("datachannel", ((ev: { channel: ChannelLike }) => take(ev.channel)) as (
      ev: never,
    ) => void);
    if (initiator) {
      take(pc.createDataChannel(CHANNEL.chat));
      take(pc.createDataChannel(CHANNEL.stats));
      take(pc.createDataChannel(CHANNEL.media));
    }
  }

  #channel(link: MeshLink<PC>, ch: ChannelLike): void {
    const m = this.members.get(link.peerId);
    if (!m || m.link !== link) return;
    const { events } = this.#options;
    const generation = link.generation;
    const current = () => m.link.generation === generation && this.members.get(m.peerId) === m;
    const changed = () => current() && events.changed();
    if (ch.label === CHANNEL.chat) {
      m.chat = ch;
      ch.addEventListener("open", changed);
      ch.addEventListener("close", changed);
      onMessage(ch, (data) => {
        const line = parseJson(data);
        if (isChatLine(line)) events.chat(m, line, "p2p");
      });
    } else if (ch.label === CHANNEL.stats) {
      m.stats = ch;
      events.statsChannel?.(m, ch);
    } else if (ch.label === CHANNEL.media) {
      m.media = ch;
      ch.addEventListener("open", changed);
      events.mediaChannel?.(m, ch);
    } else if (ch.label === CHANNEL.file && ch.protocol === FILE_PROTOCOL) {
      events.file(m, ch);
    } else {
      events.error(m, `unexpected data channel "${ch.label}" closed`);
      ch.close();
    }
  }

  #relayed(from: string, data: Json): void {
    const m = this.members.get(from);
    if (!m) return;
    if (isChatLine(data)) this.#options.events.chat(m, data, "relay");
    else if (isReset(data) && data.generation > m.link.generation) {
      m.chat = undefined;
      m.stats = undefined;
      m.media = undefined;
      m.link.reset(data.blocked, data.generation, false);
    }
  }
}
