/** The demo page: two views (browser ↔ bot, room) and the signaling status in the header. */
import type { SignalClient } from "@purertc/signal";
import { BotView } from "./bot-view.js";
import { fill, h } from "./dom.js";
import { RoomView } from "./room-view.js";

const name = `tab-${Math.random().toString(36).slice(2, 6)}`;
const pill = document.getElementById("signal-status") as HTMLElement;
const banner = document.getElementById("banner") as HTMLElement;
const clients = new Map<string, SignalClient>();
const problems = new Map<string, string>();

function showSignal(): void {
  const problem = [...problems.values()][0];
  pill.dataset.state = problem ? "error" : clients.size > 0 ? "ok" : "connecting";
  fill(
    pill,
    h("span", { class: "dot" }),
    problem
      ? "signaling: down"
      : clients.size > 0
        ? "signaling: connected"
        : "signaling: connecting",
  );
  banner.hidden = !problem;
  banner.textContent = problem ?? "";
}

function track(key: string, client: SignalClient | undefined): void {
  if (!client) {
    clients.delete(key);
    problems.delete(key);
    showSignal();
    return;
  }
  clients.set(key, client);
  client.on("connected", () => {
    problems.delete(key);
    showSignal();
  });
  client.on("disconnected", (ev) => {
    problems.set(
      key,
      ev.willReconnect
        ? `The signaling server is unreachable (${ev.reason || `code ${ev.code}`}); retrying in ${(ev.retryInMs / 1000).toFixed(1)} s. Existing peer-to-peer connections keep working.`
        : `The signaling connection closed (${ev.reason || `code ${ev.code}`}). Reload the page to reconnect.`,
    );
    showSignal();
  });
  client.on("session-lost", () => {
    problems.set(key, "The signaling session was lost; rejoining the room with a new id.");
    showSignal();
  });
  showSignal();
}

const botView = new BotView(name, (c) => track("bot", c));
const initialRoom = /^#room=(.+)$/.exec(location.hash)?.[1];
const roomView = new RoomView(name, initialRoom ? decodeURIComponent(initialRoom) : "lobby", (c) =>
  track("room", c),
);

const main = document.getElementById("main") as HTMLElement;
const tabs = document.querySelectorAll<HTMLButtonElement>("nav [data-view]");
function show(view: "bot" | "room"): void {
  fill(main, view === "bot" ? botView.element : roomView.element);
  for (const t of tabs)
    if (t.dataset.view === view) t.setAttribute("aria-current", "page");
    else t.removeAttribute("aria-current");
}
for (const t of tabs)
  t.addEventListener("click", () => show(t.dataset.view === "room" ? "room" : "bot"));
(document.getElementById("me") as HTMLElement).textContent = `you are ${name}`;
show(initialRoom ? "room" : "bot");
showSignal();
window.addEventListener("pagehide", () => {
  void roomView.leave();
});
