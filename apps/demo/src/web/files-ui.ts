/** File transfers: pick or drop a file for the bot, ask the bot for one, watch progress. */
import { HASH_ALGORITHM } from "../shared/block-hash.js";
import type { TransferResult } from "../shared/file-transfer.js";
import { formatBytes, h } from "./dom.js";

export interface TransferRow {
  progress(bytes: number, size: number): void;
  done(r: TransferResult, download?: Blob): void;
  fail(message: string): void;
}

export interface FilesUiOptions {
  send(file: File): void;
  askBot(megabytes: number): void;
}

export class FilesUi {
  readonly element: HTMLElement;
  readonly #list: HTMLElement;
  readonly #controls: HTMLElement[] = [];

  constructor(options: FilesUiOptions) {
    const input = h("input", { testid: "file-input", attrs: { type: "file", multiple: "" } });
    input.addEventListener("change", () => {
      for (const f of input.files ?? []) options.send(f);
      input.value = "";
    });
    const pick = h(
      "label",
      { class: "button", testid: "file-pick" },
      "Send a file to the bot…",
      input,
    );
    const drop = h(
      "div",
      { class: "dropzone", testid: "file-drop" },
      pick,
      h("span", { class: "muted", text: "or drop files here · any size" }),
    );
    drop.addEventListener("dragover", (ev) => {
      ev.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (ev) => {
      ev.preventDefault();
      drop.classList.remove("over");
      if (pick.classList.contains("disabled")) return;
      for (const f of ev.dataTransfer?.files ?? []) options.send(f);
    });
    const size = h("input", {
      testid: "ask-size",
      attrs: { type: "number", min: "1", max: "1024", value: "10", "aria-label": "megabytes" },
    });
    const ask = h("button", { text: "Get it", testid: "ask-bot", attrs: { type: "button" } });
    ask.addEventListener("click", () => {
      const n = Number(size.value);
      if (Number.isInteger(n) && n >= 1 && n <= 1024) options.askBot(n);
      else size.setCustomValidity("1 to 1024");
      size.reportValidity();
    });
    size.addEventListener("input", () => size.setCustomValidity(""));
    const askRow = h(
      "div",
      { class: "ask" },
      h("span", { text: "Ask the bot for" }),
      size,
      h("span", { text: "MB of random bytes" }),
      ask,
    );
    this.#controls.push(input, ask, size, pick);
    this.#list = h("ul", { class: "transfers", testid: "transfers" });
    this.element = h(
      "div",
      { class: "files" },
      drop,
      askRow,
      this.#list,
      h("p", {
        class: "muted small",
        text: `Checksum: ${HASH_ALGORITHM}, computed while streaming on both ends. Sending pauses whenever more than 4 MB waits in the channel (bufferedAmount).`,
      }),
    );
    this.enable(false);
  }

  enable(on: boolean): void {
    for (const c of this.#controls) {
      if (c instanceof HTMLInputElement || c instanceof HTMLButtonElement) c.disabled = !on;
      else c.classList.toggle("disabled", !on);
    }
  }

  add(direction: "up" | "down", name: string, size: number): TransferRow {
    const bar = h("progress", { attrs: { max: "1", value: "0" } });
    const status = h("span", {
      class: "status",
      text: direction === "up" ? "starting…" : "incoming…",
    });
    const extra = h("span", { class: "extra" });
    const li = h(
      "li",
      { class: "transfer", testid: "transfer" },
      h(
        "div",
        { class: "row" },
        h("span", { class: "dir", text: direction === "up" ? "↑ to bot" : "↓ from bot" }),
        h("b", { class: "name", text: name }),
        h("span", { class: "size muted", text: formatBytes(size) }),
      ),
      bar,
      h("div", { class: "row" }, status, extra),
    );
    li.dataset.direction = direction;
    li.dataset.state = "running";
    this.#list.prepend(li);
    const started = performance.now();
    return {
      progress(bytes, total) {
        bar.value = total > 0 ? bytes / total : 1;
        const s = (performance.now() - started) / 1000;
        status.textContent = `${formatBytes(bytes)} of ${formatBytes(total)} · ${s > 0.2 ? `${((bytes * 8) / 1e6 / s).toFixed(1)} Mbit/s` : "…"}`;
      },
      done(r, download) {
        bar.value = 1;
        li.dataset.state = r.ok ? "verified" : "mismatch";
        li.dataset.checksum = r.checksum;
        li.classList.add(r.ok ? "ok" : "bad");
        const speed = `${((r.bytes * 8) / 1e6 / Math.max(r.ms / 1000, 1e-3)).toFixed(1)} Mbit/s`;
        status.textContent = r.ok
          ? `✓ checksum verified by both ends · ${formatBytes(r.bytes)} in ${(r.ms / 1000).toFixed(1)} s (${speed})`
          : `✗ checksum mismatch: ${r.checksum.slice(0, 12)}… here, ${r.remoteChecksum.slice(0, 12)}… there`;
        status.title = `${HASH_ALGORITHM}: ${r.checksum}`;
        if (download) {
          const a = h("a", {
            text: "Save",
            class: "button small",
            attrs: { href: URL.createObjectURL(download), download: r.meta.name },
          });
          extra.replaceChildren(a);
        } else extra.textContent = r.checksum.slice(0, 16);
      },
      fail(message) {
        li.dataset.state = "failed";
        li.classList.add("bad");
        status.textContent = `✗ ${message}`;
      },
    };
  }
}
