/**
 * The Firefox side of the interop tests. Firefox has no DevTools-protocol driver here, so the page
 * (the same {@link PAGE_SCRIPT} the Chromium tests use, plus a few helpers) long-polls its server
 * for calls and posts their results back: `evaluate(name, arg)` plays the role of Playwright's
 * `page.evaluate`. Everything stays on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { PAGE_SCRIPT } from "./browser-page.js";

/** Helpers on top of PAGE_SCRIPT: channel options, negotiated channels, an RPC loop. */
const FIREFOX_SCRIPT = `
window.channels = [];
const wireEcho = wire;
wire = (ch) => {
  window.channels.push(ch);
  ch.received = 0;
  ch.receivedAtClose = null;
  ch.addEventListener("message", () => ch.received++);
  ch.addEventListener("close", () => { ch.receivedAtClose = ch.received; });
  wireEcho(ch);
};
const lastChannel = (label) => window.channels.filter((c) => c.label === label).pop();
const endOfCandidates = (pc) => new Promise((r) => {
  const on = (e) => { if (!e.candidate) { pc.removeEventListener("icecandidate", on); r(); } };
  pc.addEventListener("icecandidate", on);
});
const ufrag = (d) => (d && /a=ice-ufrag:(\\S+)/.exec(d.sdp) || [])[1];
window.setConfig = (c) => { window.pcConfig = c; };
window.createChannels = (specs) => { for (const s of specs) wire(window.pc.createDataChannel(s.label, s.init)); };
window.waitChannels = async ({ labels, state, ms }) => {
  const t0 = Date.now();
  for (;;) {
    const chs = labels.map(lastChannel);
    if (chs.every((c) => c && c.readyState === state)) return chs.map((c) => c.id);
    if (Date.now() - t0 > ms) throw new Error("not all " + state + ": " + JSON.stringify(window.channelInfo()));
    await new Promise((r) => setTimeout(r, 20));
  }
};
window.closeChannels = (labels) => { for (const l of labels) lastChannel(l).close(); };
window.sendThenClose = ({ labels, messages }) => {
  for (const l of labels) {
    const c = lastChannel(l);
    for (const m of messages) c.send(m);
    c.close();
  }
};
window.reoffer = async (iceRestart) => {
  const pc = window.pc;
  if (iceRestart) pc.restartIce();
  const done = endOfCandidates(pc);
  await pc.setLocalDescription();
  if (iceRestart) await done;
  return pc.localDescription.sdp;
};
window.reanswer = async ({ sdp, iceRestart }) => {
  const pc = window.pc;
  await pc.setRemoteDescription({ type: "offer", sdp });
  const done = endOfCandidates(pc);
  await pc.setLocalDescription();
  if (iceRestart) await done;
  return pc.localDescription.sdp;
};
window.pcInfo = () => ({
  connectionState: window.pc.connectionState,
  iceConnectionState: window.pc.iceConnectionState,
  signalingState: window.pc.signalingState,
  dtlsState: window.pc.sctp && window.pc.sctp.transport.state,
  localUfrag: ufrag(window.pc.localDescription),
  remoteUfrag: ufrag(window.pc.remoteDescription),
  log: window.log,
});
window.setSkipGum = (v) => { window.skipGum = v; };
window.offerChannels = async (specs) => {
  const pc = await newPc();
  for (const s of specs) wire(pc.createDataChannel(s.label, s.init));
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.addNegotiated = (s) => { wire(window.pc.createDataChannel(s.label, s.init)); };
window.channelInfo = () => window.channels.map((c) => ({
  label: c.label, id: c.id, ordered: c.ordered, maxRetransmits: c.maxRetransmits,
  maxPacketLifeTime: c.maxPacketLifeTime, negotiated: c.negotiated, readyState: c.readyState,
  received: c.received, receivedAtClose: c.receivedAtClose,
}));
window.sctpInfo = () => ({ maxMessageSize: window.pc.sctp && window.pc.sctp.maxMessageSize, log: window.log });
window.localCandidates = () => (window.pc.localDescription ? window.pc.localDescription.sdp : "");
window.closePc = () => { window.channels = []; if (window.pc) window.pc.close(); };
(async () => {
  const page = new URLSearchParams(location.search).get("page") || "main";
  for (;;) {
    let call;
    try { call = await (await fetch("/rpc/next?page=" + page)).json(); }
    catch (e) { await new Promise((r) => setTimeout(r, 200)); continue; }
    if (!call) continue;
    let reply;
    try { reply = { id: call.id, value: await window[call.name](call.arg) }; }
    catch (e) { reply = { id: call.id, error: String(e && e.stack || e) }; }
    await fetch("/rpc/reply", { method: "POST", body: JSON.stringify(reply) });
  }
})();
`;

interface Call {
  readonly id: number;
  readonly name: string;
  readonly arg: unknown;
}

interface PendingCall {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** A browser page reached through the RPC loop; one per `?page=` name. */
export interface RemotePage {
  /** Calls `window[name](arg)` in the page and resolves with its (JSON) result. */
  evaluate<T>(name: string, arg?: unknown): Promise<T>;
  /** Resolves when the page has polled once (it loaded and runs). */
  readonly ready: Promise<void>;
}

/** The HTTP server that serves the page and carries the RPC calls. */
export interface FirefoxPageServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  page(name: string): RemotePage;
  close(): Promise<void>;
}

class PageQueue implements RemotePage {
  readonly calls: Call[] = [];
  waiter: ServerResponse | undefined;
  readonly pending = new Map<number, PendingCall>();
  readonly ready: Promise<void>;
  markReady!: () => void;

  constructor(private readonly nextId: () => number) {
    this.ready = new Promise((r) => {
      this.markReady = r;
    });
  }

  evaluate<T>(name: string, arg?: unknown): Promise<T> {
    const id = this.nextId();
    const p = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.calls.push({ id, name, arg });
    this.flush();
    return p;
  }

  poll(res: ServerResponse): void {
    this.markReady();
    this.waiter?.end("null"); // a stale poll (reload): answer it with nothing
    this.waiter = res;
    this.flush();
  }

  flush(): void {
    const call = this.calls[0];
    if (!call || !this.waiter) return;
    this.calls.shift();
    const res = this.waiter;
    this.waiter = undefined;
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(call));
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Serves the Firefox page on 127.0.0.1 (a secure context) with its RPC endpoints. */
export async function serveFirefoxPage(): Promise<FirefoxPageServer> {
  let ids = 0;
  const pages = new Map<string, PageQueue>();
  const page = (name: string): PageQueue => {
    let q = pages.get(name);
    if (!q) {
      q = new PageQueue(() => ++ids);
      pages.set(name, q);
    }
    return q;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/rpc/next") {
      page(url.searchParams.get("page") ?? "main").poll(res);
    } else if (url.pathname === "/rpc/reply") {
      void body(req).then((text) => {
        res.end();
        const reply = JSON.parse(text) as { id: number; value?: unknown; error?: string };
        for (const q of pages.values()) {
          const p = q.pending.get(reply.id);
          if (!p) continue;
          q.pending.delete(reply.id);
          if (reply.error !== undefined) p.reject(new Error(`in Firefox: ${reply.error}`));
          else p.resolve(reply.value);
        }
      });
    } else if (url.pathname === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(PAGE_SCRIPT + FIREFOX_SCRIPT);
    } else if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><meta charset="utf-8"><script src="/page.js"></script>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    page,
    close: () =>
      new Promise<void>((r) => {
        for (const q of pages.values()) q.waiter?.end("null");
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
