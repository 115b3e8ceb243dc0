/**
 * The TCP or TLS connection of one TURN relay client (RFC 8656 §3.1, `turn:...?transport=tcp`
 * and `turns:`): the Node side of {@link IceRelayClient} stream transports. It writes the
 * agent's frames as they are and cuts what it reads into whole STUN and ChannelData frames
 * (RFC 8489 §6.2.2, RFC 8656 §12.5) with `TurnStreamFramer`.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Logger, SocketAddress } from "@purertc/common";
import { TurnStreamFramer } from "@purertc/turn";

/** TLS settings for `turns:` servers. */
export interface RelayTlsOptions {
  /** Trusted CA certificates (PEM) instead of Node's default store (e.g. a test CA). */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Verify the server's certificate (default true; turn off only for tests). */
  readonly rejectUnauthorized?: boolean;
}

/** What a {@link RelayStream} reports. */
export interface RelayStreamSink {
  /** One whole frame (a view valid during the call). */
  frame(data: Uint8Array): void;
  /** The connection ended, failed to open or carried garbage; called once. */
  closed(reason: string): void;
}

/** How long a closing stream waits for its last frames (the deallocation) to leave. */
const CLOSE_GRACE_MS = 1000;

/**
 * How long connecting (TCP, and the TLS handshake) may take by default: three SYN
 * retransmissions on Linux (1 s, 3 s, 7 s), well before the 39.5 s Ti of the Allocate.
 */
export const DEFAULT_RELAY_CONNECT_TIMEOUT_MS = 10_000;

/**
 * One connection to a TURN server. Frames written before the connection (and the TLS
 * handshake) completes are queued by Node and leave once it is up.
 */
export class RelayStream {
  readonly #socket: Socket;
  readonly #framer = new TurnStreamFramer();
  readonly #sink: RelayStreamSink;
  #ended = false;
  readonly #done: Promise<void>;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    socket: Socket,
    sink: RelayStreamSink,
    log: Logger,
    connectedEvent: "connect" | "secureConnect",
    connectTimeoutMs: number,
  ) {
    this.#socket = socket;
    this.#sink = sink;
    this.#done = new Promise((resolve) => socket.once("close", () => resolve()));
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = undefined;
      this.#end(`not connected after ${connectTimeoutMs} ms`);
      socket.destroy();
    }, connectTimeoutMs);
    socket.once(connectedEvent, () => this.#clearConnectTimer());
    socket.once("close", () => this.#clearConnectTimer());
    socket.setNoDelay(true);
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("error", (e) => {
      log.debug("TURN stream error", { error: String(e) });
      this.#end(String(e));
    });
    socket.on("close", () => this.#end("connection closed"));
  }

  /**
   * Opens a connection to `server`; `tls` makes it TLS (verified against `servername` when it
   * is a host name, else against the IP address).
   */
  static open(
    server: SocketAddress,
    options: {
      readonly tls?: RelayTlsOptions;
      readonly servername?: string;
      /** The local address to connect from (default: the system's choice). */
      readonly localAddress?: string;
      /** Connecting, and the TLS handshake, may take this long (default 10 s). */
      readonly connectTimeoutMs?: number;
      readonly logger: Logger;
    },
    sink: RelayStreamSink,
  ): RelayStream {
    const { tls } = options;
    const socket = tls
      ? tlsConnect({
          host: server.address,
          port: server.port,
          ...(options.servername ? { servername: options.servername } : {}),
          ...(tls.ca ? { ca: tls.ca as string[] } : {}),
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        })
      : netConnect({
          host: server.address,
          port: server.port,
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        });
    return new RelayStream(
      socket,
      sink,
      options.logger,
      tls ? "secureConnect" : "connect",
      options.connectTimeoutMs ?? DEFAULT_RELAY_CONNECT_TIMEOUT_MS,
    );
  }

  /** Whether the connection is over (nothing more is written or reported). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Writes one whole frame. */
  write(data: Uint8Array): void {
    if (!this.#ended && !this.#socket.destroyed) this.#socket.write(data);
  }

  /**
   * Ends the connection once what was written has left (at most a second), then destroys it;
   * resolves when the socket is closed. The sink hears nothing more.
   */
  close(): Promise<void> {
    this.#ended = true;
    const s = this.#socket;
    if (!s.destroyed) {
      const guard = setTimeout(() => s.destroy(), CLOSE_GRACE_MS);
      s.once("close", () => clearTimeout(guard));
      if (s.connecting) s.destroy();
      else s.end();
    }
    return this.#done;
  }

  #onData(chunk: Uint8Array): void {
    if (this.#ended) return;
    const f = this.#framer;
    f.push(chunk);
    for (let frame = f.next(); frame && !this.#ended; frame = f.next()) this.#sink.frame(frame);
    if (f.error) {
      this.#end(f.error);
      this.#socket.destroy();
    }
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink.closed(reason);
  }
}
