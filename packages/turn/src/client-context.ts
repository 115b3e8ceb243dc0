/**
 * The state one {@link TurnClient} shares between its parts (transactions, allocation
 * lifecycle, permissions and channels, data path). Internal: the client keeps it in a private
 * field, the `client-*` modules act on it.
 */

import {
  Fifo,
  type Logger,
  type Millis,
  normalizeIp,
  type Rng,
  type SocketAddress,
  secureRng,
  silentLogger,
  TimerTable,
  type Transmit,
} from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { type StunAttribute, StunClientTransactions, type StunIntegrityKey } from "@purertc/stun";
import type { TurnClientEvent, TurnClientState } from "./client.js";
import {
  resolveTurnClientConfig,
  type TurnClientConfig,
  type TurnClientOptions,
} from "./client-config.js";
import { type ClientChannel, ClientPeerTable } from "./client-peers.js";
import { TurnStreamFramer } from "./stream-framer.js";

/** What a request is for; decides how its response or failure is handled. */
export type RequestKind = "allocate" | "refresh" | "permission" | "channel" | "close";

/** The context of one client transaction, kept for retries (401, 438) and the response. */
export interface RequestContext {
  readonly kind: RequestKind;
  readonly method: number;
  readonly attributes: readonly StunAttribute[];
  /** Whether the request carried USERNAME/REALM/NONCE and MESSAGE-INTEGRITY. */
  readonly signed: boolean;
  readonly staleRetries: number;
  readonly peers: readonly SocketAddress[];
  readonly channel: ClientChannel | undefined;
}

/** The client's refresh timers: the allocation, each permission (peer IP), each channel. */
export type ClientTimer = "allocation" | `perm:${string}` | `chan:${string}`;

/** The shared state of one client. */
export class ClientContext {
  readonly server: SocketAddress;
  readonly config: TurnClientConfig;
  readonly username: string;
  readonly password: string;
  readonly crypto: CryptoProvider;
  readonly rng: Rng;
  readonly log: Logger;
  /** TCP/TLS: ChannelData is padded and bytes come through {@link framer}. */
  readonly stream: boolean;
  readonly framer: TurnStreamFramer | undefined;
  readonly tx: StunClientTransactions<RequestContext>;
  readonly timers = new TimerTable<ClientTimer>();
  readonly transmits = new Fifo<Transmit>();
  readonly events = new Fifo<TurnClientEvent>();
  readonly peers = new ClientPeerTable();
  /** Transactions in flight, cancelled when the allocation ends. */
  readonly outstanding = new Set<Uint8Array>();
  state: TurnClientState = "idle";
  realm: string | undefined;
  nonce: string | undefined;
  key: StunIntegrityKey | undefined;
  relayed: SocketAddress[] = [];
  mapped: SocketAddress | undefined;
  expiresAt: Millis = 0;
  readonly s = {
    requestsSent: 0,
    errorResponses: 0,
    staleNonceRetries: 0,
    sendIndicationsSent: 0,
    channelDataSent: 0,
    dataIndicationsReceived: 0,
    channelDataReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dropped: 0,
    malformed: 0,
  };

  constructor(options: TurnClientOptions) {
    if (!options.server || typeof options.server.address !== "string") {
      throw new TypeError("TurnClient: server address required");
    }
    if (typeof options.username !== "string" || typeof options.password !== "string") {
      throw new TypeError("TurnClient: username and password required");
    }
    this.config = resolveTurnClientConfig(options);
    this.server = { address: normalizeIp(options.server.address), port: options.server.port };
    this.username = options.username;
    this.password = options.password;
    this.crypto = options.crypto;
    this.rng = options.rng ?? secureRng();
    this.log = (options.logger ?? silentLogger).child("turn:client");
    this.stream = this.config.transport !== "udp";
    this.framer = this.stream ? new TurnStreamFramer() : undefined;
    this.tx = new StunClientTransactions<RequestContext>(this.config.transaction);
  }
}
