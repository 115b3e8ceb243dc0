/**
 * TURN relays over TCP and TLS for a host that runs an ICE agent (RFC 8656 §3.1): one
 * {@link TurnRelayClient} and one {@link RelayStream} per server. The host adds the client to
 * its agent, hands transmits tagged with a relay to {@link StreamRelays.write}, and feeds the
 * frames and the end of each connection back to the agent through the callbacks.
 */
import { isIP } from "node:net";
import type { Logger, Rng } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import type { IceRelayClient, IceTransmit } from "../relay.js";
import { TurnRelayClient } from "../turn-relay.js";
import type { ResolvedTurnServer } from "./ice-servers.js";
import { RelayStream, type RelayTlsOptions } from "./relay-stream.js";

/** Where frames and connection ends go (to the agent, then the host's drain). */
export interface StreamRelaySink {
  frame(relay: IceRelayClient, data: Uint8Array): void;
  closed(relay: IceRelayClient, reason: string): void;
}

/** The stream relays of one agent. */
export class StreamRelays {
  readonly #streams = new Map<IceRelayClient, RelayStream>();
  readonly #tls: RelayTlsOptions;
  readonly #connectTimeoutMs: number | undefined;
  readonly #log: Logger;
  readonly #sink: StreamRelaySink;

  /**
   * `tls` checks `turns:` certificates; `connectTimeoutMs` bounds connecting and the TLS
   * handshake (default `DEFAULT_RELAY_CONNECT_TIMEOUT_MS`, 10 s), after which the relay fails.
   */
  constructor(
    options: { tls?: RelayTlsOptions; connectTimeoutMs?: number; logger: Logger },
    sink: StreamRelaySink,
  ) {
    this.#tls = options.tls ?? {};
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#log = options.logger;
    this.#sink = sink;
  }

  /** How many connections are open or opening. */
  get size(): number {
    return this.#streams.size;
  }

  /**
   * Connects to a `turn:...?transport=tcp` or `turns:` server and returns its relay client (add
   * it to the agent). A TLS certificate is checked against the URL's host name, or its IP.
   */
  open(t: ResolvedTurnServer, crypto: CryptoProvider, rng?: Rng): TurnRelayClient {
    if (t.transport === "udp") throw new TypeError(`${t.url} is not a stream transport`);
    const relay = new TurnRelayClient({
      server: t.server,
      username: t.username,
      password: t.credential,
      crypto,
      transport: t.transport,
      url: t.url,
      logger: this.#log,
      ...(rng ? { rng } : {}),
    });
    const stream = RelayStream.open(
      t.server,
      {
        ...(t.transport === "tls" ? { tls: this.#tls } : {}),
        ...(isIP(t.host) ? {} : { servername: t.host }),
        ...(this.#connectTimeoutMs !== undefined
          ? { connectTimeoutMs: this.#connectTimeoutMs }
          : {}),
        logger: this.#log,
      },
      {
        frame: (data) => this.#sink.frame(relay, data),
        closed: (reason) => {
          this.#log.debug("TURN connection closed", { url: t.url, reason });
          this.#sink.closed(relay, reason);
        },
      },
    );
    this.#streams.set(relay, stream);
    return relay;
  }

  /** Writes a transmit tagged with one of these relays; `false` when it is not one of them. */
  write(t: IceTransmit): boolean {
    const s = t.relay && this.#streams.get(t.relay);
    if (!s) return false;
    s.write(t.data);
    return true;
  }

  /** Ends every connection once its last frames (the deallocations) have left. */
  close(): Promise<void> {
    const closing = [...this.#streams.values()].map((s) => s.close());
    this.#streams.clear();
    return Promise.all(closing).then(() => undefined);
  }
}
