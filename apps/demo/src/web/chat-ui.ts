/** A chat log with an input line; every line says how it travelled (P2P or via the server). */
import { fill, formatTime, h } from "./dom.js";

export interface LogLine {
  readonly from: string;
  readonly text: string;
  readonly at: number;
  readonly mine?: boolean;
  /** "p2p", "relay" (through the signaling server), or a mix for a room broadcast. */
  readonly via?: string;
  /** Overrides the label of `via`. */
  readonly viaText?: string;
  /** System notices (joins, errors) are shown apart. */
  readonly notice?: "info" | "error";
}

const VIA_TEXT: Record<string, string> = {
  p2p: "P2P data channel",
  relay: "relayed by the signaling server",
  mixed: "P2P + relayed",
};

export class ChatUi {
  readonly element: HTMLElement;
  readonly #log: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #button: HTMLButtonElement;

  constructor(placeholder: string, send: (text: string) => Promise<void>, testid: string) {
    this.#log = h("ol", {
      class: "chat-log",
      testid: `${testid}-log`,
      attrs: { "aria-live": "polite" },
    });
    this.#input = h("input", {
      testid: `${testid}-input`,
      attrs: {
        type: "text",
        placeholder,
        autocomplete: "off",
        "aria-label": "message",
        maxlength: "2000",
      },
    });
    this.#button = h("button", {
      text: "Send",
      testid: `${testid}-send`,
      attrs: { type: "submit" },
    });
    const form = h("form", { class: "chat-form" }, this.#input, this.#button);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = this.#input.value.trim();
      if (!text) return;
      this.#input.value = "";
      send(text).catch((e: unknown) =>
        this.add({
          from: "",
          text: `not sent: ${e instanceof Error ? e.message : String(e)}`,
          at: Date.now(),
          notice: "error",
        }),
      );
    });
    this.element = h("div", { class: "chat" }, this.#log, form);
    this.enable(false);
  }

  enable(on: boolean): void {
    this.#input.disabled = !on;
    this.#button.disabled = !on;
  }

  clear(): void {
    fill(this.#log);
  }

  add(line: LogLine): void {
    const cls = line.notice ? `notice ${line.notice}` : line.mine ? "mine" : "theirs";
    const li = h(
      "li",
      { class: cls },
      line.notice
        ? h("span", { class: "text", text: line.text })
        : h(
            "div",
            { class: "bubble" },
            h(
              "div",
              { class: "meta" },
              h("b", { text: line.from }),
              h("span", { text: formatTime(line.at) }),
            ),
            h("div", { class: "text", text: line.text }),
            line.via &&
              h("span", {
                class: `via via-${line.via}`,
                text: line.viaText ?? VIA_TEXT[line.via] ?? line.via,
                testid: "via",
              }),
          ),
    );
    if (line.via) li.dataset.via = line.via;
    const atBottom = this.#log.scrollHeight - this.#log.scrollTop - this.#log.clientHeight < 40;
    this.#log.append(li);
    while (this.#log.children.length > 500) this.#log.firstElementChild?.remove();
    if (atBottom || line.mine) this.#log.scrollTop = this.#log.scrollHeight;
  }
}
