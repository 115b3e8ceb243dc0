/**
 * A room: every tab that joins connects to every other member (full mesh of data channels,
 * perfect negotiation by @purertc/signal). A pair whose P2P connection fails (or is forced to,
 * with the toggle) keeps chatting through the signaling server, and the table says so.
 */
import type { SignalClient } from "@purertc/signal";
import type { PcLike } from "../shared/mesh-link.js";
import { type Member, RoomSession } from "../shared/room-session.js";
import { ChatUi } from "./chat-ui.js";
import { errorText, fill, h } from "./dom.js";
import { connectSignal, inviteBot } from "./signal.js";

const ROUTE_TEXT = { p2p: "P2P", relay: "relayed via server", connecting: "connecting" } as const;

export class RoomView {
  readonly element: HTMLElement;
  readonly #name: string;
  readonly #roomInput: HTMLInputElement;
  readonly #botBox: HTMLInputElement;
  readonly #joinButton: HTMLButtonElement;
  readonly #status = h("div", { class: "conn-status", testid: "room-status" });
  readonly #members = h("tbody", { testid: "room-members" });
  readonly #share = h("p", { class: "muted small share" });
  readonly #chat: ChatUi;
  readonly #onSignal: (c: SignalClient | undefined) => void;
  #session: RoomSession<PcLike> | undefined;
  #client: SignalClient | undefined;

  constructor(name: string, initialRoom: string, onSignal: (c: SignalClient | undefined) => void) {
    this.#name = name;
    this.#onSignal = onSignal;
    this.#roomInput = h("input", {
      testid: "room-name",
      attrs: { type: "text", value: initialRoom, maxlength: "64", "aria-label": "room name", required: "" },
    });
    this.#botBox = h("input", { testid: "room-bot", attrs: { type: "checkbox", checked: "" } });
    this.#joinButton = h("button", { text: "Join", testid: "room-join", attrs: { type: "submit" } });
    const form = h(
      "form",
      { class: "room-form" },
      h("label", {}, "Room ", this.#roomInput),
      h("label", { class: "check" }, this.#botBox, "invite the bot"),
      this.#joinButton,
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void (this.#session ? this.leave() : this.#join(this.#roomInput.value.trim()));
    });
    this.#chat = new ChatUi("Message everyone in the room (@bot /help for the bot)", (t) => this.#send(t), "room-chat");
    this.element = h(
      "div",
      { class: "view room-view" },
      h(
        "section",
        { class: "card" },
        h("h2", { text: "Room" }),
        h("p", { class: "muted", text: "Open this page in several tabs and join the same room: every pair connects directly (a full mesh of data channels). Tick “force P2P failure” on a pair to rebuild it with every ICE candidate dropped: its chat then goes through the signaling server." }),
        form,
        this.#share,
        this.#status,
      ),
      h(
        "div",
        { class: "grid" },
        h(
          "section",
          { class: "card", testid: "card-members" },
          h("h2", { text: "Members" }),
          h(
            "table",
            { class: "members" },
            h("thead", {}, h("tr", {}, h("th", { text: "member" }), h("th", { text: "route" }), h("th", { text: "why" }), h("th", { text: "force P2P failure" }))),
            this.#members,
          ),
        ),
        h("section", { class: "card", testid: "card-room-chat" }, h("h2", { text: "Room chat" }), this.#chat.element),
      ),
    );
    this.#setStatus("idle", "not in a room");
    this.#render();
  }

  async #join(room: string): Promise<void> {
    if (!room) return;
    this.#joinButton.disabled = true;
    this.#setStatus("connecting", "connecting to the signaling server…");
    try {
      const client = await connectSignal();
      this.#client = client;
      this.#onSignal(client);
      this.#session = new RoomSession<PcLike>({
        client,
        name: this.#name,
        kind: "tab",
        createPeerConnection: () => new RTCPeerConnection() as unknown as PcLike,
        events: {
          changed: () => this.#render(),
          chat: (from, line, via) => this.#chat.add({ from: from.name, text: line.text, at: line.at, via }),
          file: (_from, ch) => ch.close(),
          error: (m, message) => this.#notice(`${m ? `${m.name}: ` : ""}${message}`, "error"),
        },
      });
      client.on("peer-joined", (ev) => this.#notice(`${String(ev.peer.metadata?.name ?? ev.peer.peerId)} joined`));
      client.on("peer-left", (ev) => this.#notice(`${ev.peerId.slice(0, 6)} left (peer gone)`));
      await this.#session.join(room);
      history.replaceState(null, "", `#room=${encodeURIComponent(room)}`);
      this.#share.textContent = `Others join with: ${location.href}`;
      this.#setStatus("ok", `in room “${room}” as ${this.#name}`);
      this.#roomInput.disabled = true;
      this.#joinButton.textContent = "Leave";
      this.#chat.enable(true);
      if (this.#botBox.checked) await inviteBot(room);
    } catch (e) {
      this.#setStatus("error", `could not join: ${errorText(e)}`);
      if (!this.#session) this.#client?.close();
    } finally {
      this.#joinButton.disabled = false;
      this.#render();
    }
  }

  async leave(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    await s?.leave();
    this.#client?.close();
    this.#client = undefined;
    this.#onSignal(undefined);
    this.#roomInput.disabled = false;
    this.#joinButton.textContent = "Join";
    this.#chat.enable(false);
    this.#share.textContent = "";
    this.#setStatus("idle", "not in a room");
    this.#render();
  }

  async #send(text: string): Promise<void> {
    const s = this.#session;
    if (!s) throw new Error("not in a room");
    const at = Date.now();
    const routes = await s.sendChat(text);
    const vias = new Set(routes.values());
    const via: string | undefined = vias.size === 0 ? undefined : vias.size === 1 ? [...vias][0] : "mixed";
    this.#chat.add({ from: "you", text: routes.size === 0 ? `${text} (nobody else is here yet)` : text, at, mine: true, via });
  }

  #notice(text: string, kind: "info" | "error" = "info"): void {
    this.#chat.add({ from: "", text, at: Date.now(), notice: kind });
  }

  #setStatus(kind: "ok" | "connecting" | "error" | "idle", text: string): void {
    this.#status.dataset.state = kind;
    fill(this.#status, h("span", { class: "dot" }), text);
  }

  #render(): void {
    const members = [...(this.#session?.members.values() ?? [])];
    if (members.length === 0) {
      fill(this.#members, h("tr", {}, h("td", { attrs: { colspan: "4" }, class: "muted", text: this.#session ? "nobody else here yet: open this page in another tab and join the same room" : "join a room to see its members" })));
      return;
    }
    fill(this.#members, ...members.map((m) => this.#row(m)));
  }

  #row(m: Member<PcLike>): HTMLElement {
    const { route, reason, blocked } = m.link;
    const box = h("input", { testid: "force-fail", attrs: { type: "checkbox", "aria-label": `force P2P failure with ${m.name}` } });
    box.checked = blocked;
    box.addEventListener("change", () => {
      box.disabled = true;
      this.#session?.forceFailure(m.peerId, box.checked).catch((e: unknown) => this.#notice(`toggle failed: ${errorText(e)}`, "error"));
    });
    const why = m.link.dropped > 0 ? `${reason} · ${m.link.dropped} candidates dropped` : reason;
    const tr = h(
      "tr",
      { testid: "member" },
      h("td", {}, h("b", { text: m.name }), m.kind === "bot" ? h("span", { class: "badge", text: "bot" }) : null),
      h("td", {}, h("span", { class: `route route-${route}`, text: ROUTE_TEXT[route], testid: "route" })),
      h("td", { class: "why", text: why, testid: "why" }),
      h("td", {}, h("label", { class: "switch" }, box, h("span", { class: "slider" }))),
    );
    tr.dataset.name = m.name;
    tr.dataset.kind = m.kind;
    tr.dataset.route = route;
    return tr;
  }
}
