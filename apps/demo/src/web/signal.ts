/** The page's signaling connection: tokens from /api/session, the socket at /signal (same origin). */
import { SignalClient } from "@purertc/signal";

interface SessionInfo {
  readonly token: string;
  readonly signalPath: string;
}

async function session(): Promise<SessionInfo> {
  const r = await fetch("/api/session", { cache: "no-store" });
  if (!r.ok) throw new Error(`the demo server answered ${r.status} for a signaling token`);
  return (await r.json()) as SessionInfo;
}

/** A connected client; its token is refetched before every reconnection. */
export async function connectSignal(): Promise<SignalClient> {
  const first = await session();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let pending: string | undefined = first.token;
  const client = new SignalClient({
    url: `${scheme}://${location.host}${first.signalPath}`,
    token: async () => {
      const t = pending ?? (await session()).token;
      pending = undefined;
      return t;
    },
  });
  await client.connect();
  return client;
}

/** Asks the server's bot to join `room`. */
export async function inviteBot(room: string): Promise<void> {
  const r = await fetch("/api/bot/join", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ room }),
  });
  if (!r.ok) {
    const body = (await r.json().catch(() => ({}))) as { error?: string };
    throw new Error(`the bot could not join: ${body.error ?? r.statusText}`);
  }
}
