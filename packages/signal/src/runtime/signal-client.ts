import type { ClientConfig } from "../client/client-config.js";
import {
  type ClientEvent,
  type ServerNotification,
  SignalClientCore,
} from "../client/client-core.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { type Json, type JsonObject, SignalError } from "../protocol/json-rpc.js";
import type {
  JoinResult,
  MethodName,
  MethodResults,
  NotificationParams,
  PeerInfo,
} from "../protocol/methods.js";

/**
 * The runtime of the signaling client: owns the WebSocket and one timer, and drives
 * {@link SignalClientCore}. Runs in browsers, workers, Deno, Bun and Node (Node 22 has a global
 * `WebSocket`; on Node 20 the `ws` package is imported lazily, or pass `WebSocket`).
 */

/** The part of the WHATWG WebSocket this client uses. */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of {@link SignalClient}. */
export interface SignalClientOptions extends Partial<Omit<ClientConfig, "token">> {
  readonly url: string;
  /** A token, or a function fetching a fresh one before each (re)connection. */
  readonly token?: string | (() => string | Promise<string>);
  /** The WebSocket implementation (default: the global one, else the `ws` package). */
  readonly WebSocket?: WebSocketConstructor;
}

/** Events of {@link SignalClient}, by type. */
export interface SignalClientEventMap {
  connected: { readonly peerId: string; readonly resumed: boolean; readonly lost: number };
  disconnected: Extract<ClientEvent, { type: "disconnected" }>;
  closed: { readonly code: number; readonly reason: string };
  "session-lost": { readonly previousPeerId: string; readonly room: string | undefined };
  joined: JoinResult;
  "peer-joined": NotificationParams["peer-joined"];
  "peer-left": NotificationParams["peer-left"];
  offer: NotificationParams["offer"];
  answer: NotificationParams["answer"];
  candidate: NotificationParams["candidate"];
  message: NotificationParams["message"];
}

type Listener<K extends keyof SignalClientEventMap> = (ev: SignalClientEventMap[K]) => void;

const now = (): number => globalThis.performance.now();

async function resolveWebSocket(
  given: WebSocketConstructor | undefined,
): Promise<WebSocketConstructor> {
  if (given) return given;
  const g = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (g) return g;
  const name = "ws";
  const mod = (await import(/* @vite-ignore */ name)) as { WebSocket: WebSocketConstructor };
  return mod.WebSocket;
}

/** A signaling client with typed events, reconnect + resume, and promise-based requests. */
export class SignalClient {
  readonly #core: SignalClientCore;
  readonly #options: SignalClientOptions;
  readonly #listeners = new Map<string, Set<(ev: never) => void>>();
  readonly #requests = new Map<
    number,
    { resolve: (v: Json) => void; reject: (e: Error) => void }
  >();
  #ws: WebSocketLike | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #driving = false;
  #again = false;
  #connected:
    | { resolve: () => void; reject: (e: Error) => void; promise: Promise<void> }
    | undefined;

  constructor(options: SignalClientOptions) {
    const { token, WebSocket: _ws, ...config } = options;
    this.#options = options;
    this.#core = new SignalClientCore({
      ...config,
      token: typeof token === "string" ? token : undefined,
      retryUnauthorized: config.retryUnauthorized ?? typeof token === "function",
    });
  }

  get peerId(): string | undefined {
    return this.#core.peerId;
  }

  get room(): string | undefined {
    return this.#core.room;
  }

  get state(): SignalClientCore["state"] {
    return this.#core.state;
  }

  /** The other members of the joined room. */
  members(): PeerInfo[] {
    return this.#core.members();
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof SignalClientEventMap>(type: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as (ev: never) => void);
    return () => set.delete(listener as (ev: never) => void);
  }

  /** Connects; resolves once the server greeted the client (rejects if it closes for good first). */
  connect(): Promise<void> {
    if (!this.#connected) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#connected = { resolve, reject, promise };
    }
    this.#core.connect(now());
    this.#drive();
    return this.#connected.promise;
  }

  /** Joins `room`: resolves with own peer id and the members already there. */
  join(room: string, metadata?: JsonObject): Promise<JoinResult> {
    return this.request("join", metadata ? { room, metadata } : { room });
  }

  leave(): Promise<true> {
    return this.request("leave");
  }

  offer(to: string, description: JsonObject): Promise<true> {
    return this.request("offer", { to, description });
  }

  answer(to: string, description: JsonObject): Promise<true> {
    return this.request("answer", { to, description });
  }

  /** Sends an ICE candidate (`null`: end of candidates). */
  candidate(to: string, candidate: JsonObject | null): Promise<true> {
    return this.request("candidate", { to, candidate });
  }

  /** Sends app data to one peer, or to the whole room when `to` is undefined (relay fallback). */
  message(to: string | undefined, data: Json): Promise<true> {
    return this.request("message", to === undefined ? { data } : { to, data });
  }

  /** Sends any method and resolves with its result (rejects with a {@link SignalError}). */
  request<M extends MethodName>(method: M, params: JsonObject = {}): Promise<MethodResults[M]> {
    let id: number;
    try {
      id = this.#core.request(now(), method, params);
    } catch (e) {
      return Promise.reject(e);
    }
    const p = new Promise<Json>((resolve, reject) => this.#requests.set(id, { resolve, reject }));
    this.#drive();
    return p as Promise<MethodResults[M]>;
  }

  /** Closes for good. */
  close(reason?: string): void {
    this.#core.close(now(), reason);
    this.#drive();
  }

  #drive(): void {
    if (this.#driving) {
      this.#again = true;
      return;
    }
    this.#driving = true;
    try {
      do {
        this.#again = false;
        for (let o = this.#core.pollOutput(); o; o = this.#core.pollOutput()) {
          if (o.type === "send") this.#ws?.send(o.text);
          else if (o.type === "close") this.#drop(o.code, o.reason);
          else this.#openSocket(o.url);
        }
        for (let e = this.#core.pollEvent(); e; e = this.#core.pollEvent()) this.#dispatch(e);
      } while (this.#again);
    } finally {
      this.#driving = false;
    }
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const at = this.#core.pollTimeout();
    if (at === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#core.handleTimeout(now());
        this.#drive();
      },
      Math.max(0, at - now()),
    );
  }

  #drop(code: number, reason: string): void {
    const ws = this.#ws;
    this.#ws = undefined;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(code >= 4000 || code === 1000 ? code : 1000, reason);
    } catch {
      ws.close();
    }
  }

  #openSocket(url: string): void {
    const tokenSource = this.#options.token;
    void (async () => {
      let full = url;
      if (typeof tokenSource === "function") {
        const t = await tokenSource();
        full += `${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(t)}`;
      }
      const Ctor = await resolveWebSocket(this.#options.WebSocket);
      if (this.#core.state !== "connecting") return;
      const ws = new Ctor(full);
      this.#ws = ws;
      ws.onopen = () => {
        this.#core.handleOpen(now());
        this.#drive();
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data === "string") this.#core.handleMessage(now(), ev.data);
        this.#drive();
      };
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        if (this.#ws !== ws) return;
        this.#ws = undefined;
        this.#core.handleClose(now(), ev.code, ev.reason);
        this.#drive();
      };
    })().catch((e: unknown) => {
      this.#core.handleClose(now(), 1006, e instanceof Error ? e.message : String(e));
      this.#drive();
    });
  }

  #dispatch(e: ClientEvent): void {
    switch (e.type) {
      case "response": {
        const r = this.#requests.get(e.id);
        if (!r) return;
        this.#requests.delete(e.id);
        if ("error" in e) r.reject(e.error);
        else r.resolve(e.result);
        return;
      }
      case "connected":
        this.#connected?.resolve();
        {
          this.#emit("connected", e);
          return;
        }
      case "closed":
        this.#connected?.reject(new SignalError(ErrorCode.ConnectionLost, `closed: ${e.reason}`));
        this.#connected = undefined;
        if (this.#timer !== undefined) clearTimeout(this.#timer);
        {
          this.#emit("closed", e);
          return;
        }
      case "disconnected": {
        this.#emit("disconnected", e);
        return;
      }
      case "session-lost": {
        this.#emit("session-lost", e);
        return;
      }
      case "joined": {
        this.#emit("joined", e.result);
        return;
      }
      case "notification": {
        this.#notify(e.notification);
        return;
      }
    }
  }

  #notify(n: ServerNotification): void {
    this.#emit(n.method, n.params as never);
  }

  #emit<K extends keyof SignalClientEventMap>(type: K, ev: SignalClientEventMap[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<K>)(ev);
      } catch (err) {
        // A listener's bug must not break the client's drive loop; surface it asynchronously.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
