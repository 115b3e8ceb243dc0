/**
 * A room: every tab that joins connects to every other member (full mesh of data channels and,
 * once shared, video; perfect negotiation by @purertc/signal). A pair whose P2P connection fails (or is forced to,
 * with the toggle) keeps chatting through the signaling server, and the table says so.
 */
import type { SignalClient } from "@purertc/signal";
import type { PcLike } from "../shared/mesh-link.js";
import { type Member, RoomSession } from "../shared/room-session.js";
import { ChatUi } from "./chat-ui.js";
import { errorText, fill, h } from "./dom.js";
import { RoomVideo } from "./room-video.js";
import { connectSignal, inviteBot } from "./signal.js";

interface MemberRow {
  readonly member: Member<PcLike>;
  readonly tr: HTMLElement;
  readonly route: HTMLElement;
  readonly why: HTMLElement;
  readonly box: HTMLInputElement;
}

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
  readonly #rows = new Map<string, MemberRow>();
  readonly #video = new RoomVideo();
  #session: RoomSession<PcLike> | undefined;
  #client: SignalClient | undefined;

  constructor(name: string, initialRoom: string, onSignal: (c: SignalClient | undefined) => void) {
    this.#name = name;
    this.#onSignal = onSignal;
    this.#roomInput = h("input", {
      testid: "room-name",
      attrs: {
        type: "text",
        value: initialRoom,
        maxlength: "64",
        "aria-label": "room name",
        required: "",
      },
    });
    this.#botBox = h("input", { testid: "room-bot", attrs: { type: "checkbox", checked: "" } });
    this.#joinButton = h("button", {
      text: "Join",
      testid: "room-join",
      attrs: { type: "submit" },
    });
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
    this.#chat = new ChatUi(
      "Message everyone in the room (@bot /help for the bot)",
      (t) => this.#send(t),
      "room-chat",
    );
    this.element = h(
      "div",
      { class: "view room-view" },
      h(
        "section",
        { class: "card" },
        h("h2", { text: "Room" }),
        h("p", {
          class: "muted",
          text: "Open this page in several tabs and join the same room: every pair connects directly (a full mesh of data channels, and video once you share your camera). Tick “force P2P failure” on a pair to rebuild it with every ICE candidate dropped: its chat then goes through the signaling server.",
        }),
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
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { text: "member" }),
                h("th", { text: "route" }),
                h("th", { text: "why" }),
                h("th", { text: "force failure" }),
              ),
            ),
            this.#members,
          ),
        ),
        h(
          "section",
          { class: "card", testid: "card-room-chat" },
          h("h2", { text: "Room chat" }),
          this.#chat.element,
        ),
      ),
      h(
        "section",
        { class: "card", testid: "card-room-video" },
        h("h2", { text: "Video · one connection per pair" }),
        this.#video.element,
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
          chat: (from, line, via) =>
            this.#chat.add({ from: from.name, text: line.text, at: line.at, via }),
          file: (_from, ch) => ch.close(),
          error: (m, message) => this.#notice(`${m ? `${m.name}: ` : ""}${message}`, "error"),
        },
      });
      client.on("peer-joined", (ev) =>
        this.#notice(`${String(ev.peer.metadata?.name ?? ev.peer.peerId)} joined`),
      );
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
    this.#video.clear();
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
    const via: string | undefined =
      vias.size === 0 ? undefined : vias.size === 1 ? [...vias][0] : "mixed";
    const relayed = [...routes]
      .filter(([, v]) => v === "relay")
      .map(([id]) => s.members.get(id)?.name ?? id);
    const viaText =
      via === "mixed" ? `P2P, relayed by the server to ${relayed.join(", ")}` : undefined;
    this.#chat.add({
      from: "you",
      text: routes.size === 0 ? `${text} (nobody else is here yet)` : text,
      at,
      mine: true,
      via,
      viaText,
    });
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
    this.#video.sync(members);
    for (const [id, row] of this.#rows)
      if (!this.#session?.members.has(id)) {
        row.tr.remove();
        this.#rows.delete(id);
      }
    if (members.length === 0) {
      fill(
        this.#members,
        h(
          "tr",
          {},
          h("td", {
            attrs: { colspan: "4" },
            class: "muted",
            text: this.#session
              ? "nobody else here yet: open this page in another tab and join the same room"
              : "join a room to see its members",
          }),
        ),
      );
      return;
    }
    this.#members.querySelector("td[colspan]")?.parentElement?.remove();
    // Rows are updated in place, so a toggle being clicked is never replaced under the pointer.
    for (const m of members) {
      let row = this.#rows.get(m.peerId);
      if (!row || row.member !== m) {
        row?.tr.remove();
        row = this.#row(m);
        this.#rows.set(m.peerId, row);
        this.#members.append(row.tr);
      }
      const { route, reason, blocked, dropped } = m.link;
      row.tr.dataset.route = route;
      row.route.className = `route route-${route}`;
      row.route.textContent = ROUTE_TEXT[route];
      row.why.textContent = dropped > 0 ? `${reason} · ${dropped} candidates dropped` : reason;
      row.box.checked = blocked;
      row.box.disabled = route === "connecting";
    }
  }

  #row(m: Member<PcLike>): MemberRow {
    const box = h("input", {
      testid: "force-fail",
      attrs: { type: "checkbox", "aria-label": `force P2P failure with ${m.name}` },
    });
    box.addEventListener("change", () => {
      box.disabled = true;
      this.#session
        ?.rebuild(m.peerId, box.checked)
        .catch((e: unknown) => this.#notice(`toggle failed: ${errorText(e)}`, "error"));
    });
    const route = h("span", { testid: "route" });
    const why = h("td", { class: "why", testid: "why" });
    const tr = h(
      "tr",
      { testid: "member" },
      h(
        "td",
        {},
        h("b", { text: m.name }),
        m.kind === "bot" ? h("span", { class: "badge", text: "bot" }) : null,
      ),
      h("td", {}, route),
      why,
      h(
        "td",
        {},
        h(
          "label",
          { class: "switch", title: "rebuild this pair with every ICE candidate dropped" },
          box,
          h("span", { class: "slider" }),
        ),
      ),
    );
    tr.dataset.name = m.name;
    tr.dataset.kind = m.kind;
    return { member: m, tr, route, why, box };
  }
}
