import { createSocket, type Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import { createLogger, type SocketAddress } from "@purertc/common";
import { debugLogSink } from "@purertc/common/node";
import type { DtlsConfig } from "../config.js";
import { DtlsEndpoint } from "../endpoint.js";
import type { DtlsEvent } from "../events.js";

/** The `connected` event. */
export type DtlsConnectedEvent = Extract<DtlsEvent, { type: "connected" }>;

/** How to open a {@link DtlsSocket}. */
export interface DtlsSocketOptions {
  /** Endpoint configuration (role and certificate required). The logger defaults to `DEBUG`. */
  readonly config: Partial<DtlsConfig> & Pick<DtlsConfig, "role" | "certificate">;
  /** Local address to bind (default `"127.0.0.1"`). */
  readonly host?: string;
  /** Local port (default 0: an ephemeral port). */
  readonly port?: number;
  /** Receives every event, in order, after the endpoint has been drained. */
  readonly onEvent?: (event: DtlsEvent) => void;
}

/**
 * A DTLS endpoint on a UDP socket: owns the `node:dgram` socket and one timer re-armed to
 * `pollTimeout()`, and runs the drain loop. Everything protocol-related is the sans-IO
 * {@link DtlsEndpoint}.
 */
export class DtlsSocket {
  readonly endpoint: DtlsEndpoint;
  readonly #socket: Socket;
  readonly #onEvent: ((event: DtlsEvent) => void) | undefined;
  readonly #origin = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #pendingSends = 0;
  #onDrained: (() => void) | undefined;
  #waiters: { resolve: (e: DtlsConnectedEvent) => void; reject: (e: Error) => void }[] = [];
  #connected: DtlsConnectedEvent | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket, options: DtlsSocketOptions) {
    this.#socket = socket;
    this.#onEvent = options.onEvent;
    const logger = options.config.logger ?? createLogger(debugLogSink(), "purertc");
    this.endpoint = new DtlsEndpoint({ ...options.config, logger });
    const log = logger.child("dtls:socket");
    socket.on("error", (e) => log.warn("udp socket error", { error: String(e) }));
    socket.on("message", (data, rinfo) => {
      if (this.#closed) return;
      const from = { address: rinfo.address, port: rinfo.port };
      this.endpoint.handleDatagram(this.#now(), {
        from,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      });
      this.#drive();
    });
  }

  /** Binds a UDP socket and wraps a new endpoint around it. */
  static open(options: DtlsSocketOptions): Promise<DtlsSocket> {
    const host = options.host ?? "127.0.0.1";
    const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port ?? 0, host, () => {
        socket.off("error", reject);
        resolve(new DtlsSocket(socket, options));
      });
    });
  }

  /** The bound local address. */
  get localAddress(): SocketAddress {
    const a = this.#socket.address();
    return { address: a.address, port: a.port };
  }

  /** Starts the handshake (a client sends its ClientHello; a server waits). */
  start(remote?: SocketAddress): void {
    if (remote) this.endpoint.setRemoteAddress(remote);
    this.endpoint.start(this.#now());
    this.#drive();
  }

  /** Resolves on `connected`, rejects on `failed` or `closed` before it. */
  connected(): Promise<DtlsConnectedEvent> {
    if (this.#connected) return Promise.resolve(this.#connected);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Sends application data in one record. */
  send(data: Uint8Array): void {
    this.endpoint.send(data);
    this.#drive();
  }

  /** Sends close_notify, then closes the socket and the timer. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.endpoint.close();
    this.#drive();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#settle(new Error("DTLS socket closed"));
    // Let queued datagrams (our close_notify) leave before the socket goes.
    return new Promise((resolve) => {
      const done = () => this.#socket.close(() => resolve());
      if (this.#pendingSends === 0) done();
      else this.#onDrained = done;
    });
  }

  #sent(): void {
    this.#pendingSends--;
    if (this.#pendingSends === 0 && this.#onDrained) {
      const f = this.#onDrained;
      this.#onDrained = undefined;
      f();
    }
  }

  #now(): number {
    return performance.now() - this.#origin;
  }

  #drive(): void {
    for (let t = this.endpoint.pollTransmit(); t; t = this.endpoint.pollTransmit()) {
      if (this.#closed) continue;
      this.#pendingSends++;
      this.#socket.send(t.data, t.to.port, t.to.address, () => this.#sent());
    }
    for (let e = this.endpoint.pollEvent(); e; e = this.endpoint.pollEvent()) {
      if (e.type === "connected") {
        this.#connected = e;
        for (const w of this.#waiters.splice(0)) w.resolve(e);
      } else if (e.type === "failed") {
        this.#settle(new Error(`DTLS failed (${e.reason}): ${e.message}`));
      } else if (e.type === "closed") {
        this.#settle(new Error("DTLS closed before connecting"));
      }
      this.#onEvent?.(e);
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const at = this.endpoint.pollTimeout();
    if (at !== undefined && !this.#closed) {
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.endpoint.handleTimeout(this.#now());
          this.#drive();
        },
        Math.max(0, Math.ceil(at - this.#now())),
      );
    }
  }

  #settle(error: Error): void {
    if (this.#connected) return;
    this.#failure ??= error;
    for (const w of this.#waiters.splice(0)) w.reject(this.#failure);
  }
}
