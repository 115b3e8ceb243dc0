/**
 * The sans-IO TURN client (RFC 8656): one allocation on one server, with its permissions,
 * channels and refreshes. The caller moves the bytes (see README "Transport contract"): every
 * transmit goes to the server; UDP datagrams from the server go to `handleDatagram`, stream
 * bytes (TCP/TLS) to `handleStreamData`.
 */
import {
  DecodeError,
  Fifo,
  formatSocketAddress,
  ipFamily,
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
import {
  attr,
  type DecodedStunMessage,
  decodeStunMessage,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  getAttributes,
  Nonce,
  Realm,
  Software,
  type StunAttribute,
  StunClientTransactions,
  StunIntegrityKey,
  StunMethod,
  Username,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "@purertc/stun";
import {
  AdditionalAddressFamily,
  AddressErrorCode,
  type AddressErrorCodeValue,
  ChannelNumber,
  Data,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  XorPeerAddress,
  XorRelayedAddress,
} from "./attributes.js";
import { decodeChannelData, encodeChannelData, isChannelData } from "./channel-data.js";
import {
  resolveTurnClientConfig,
  type TurnClientConfig,
  type TurnClientOptions,
} from "./client-config.js";
import { type ClientChannel, ClientPeerTable } from "./client-peers.js";
import { TransportProtocol } from "./constants.js";
import { TurnError } from "./errors.js";
import { TurnStreamFramer } from "./stream-framer.js";

/** Where the allocation is in its life. */
export type TurnClientState = "idle" | "allocating" | "allocated" | "closing" | "closed" | "failed";

/** Events of a {@link TurnClient}, drained with `pollEvent()`. */
export type TurnClientEvent =
  | {
      readonly type: "allocated";
      /** One relayed address per family granted (two for a dual-stack allocation). */
      readonly relayed: readonly SocketAddress[];
      /** XOR-MAPPED-ADDRESS: the client's server-reflexive address, if the server sent it. */
      readonly mapped: SocketAddress | undefined;
      readonly lifetimeMs: number;
      /** Set when one family of a dual-stack request was refused (RFC 8656 §7.3). */
      readonly addressError: AddressErrorCodeValue | undefined;
    }
  | { readonly type: "refreshed"; readonly lifetimeMs: number }
  /** A CreatePermission (or ChannelBind) succeeded; `refreshed` when it existed already. */
  | { readonly type: "permission-created"; readonly peerIp: string; readonly refreshed: boolean }
  | { readonly type: "permission-failed"; readonly peerIp: string; readonly error: TurnError }
  | { readonly type: "channel-bound"; readonly peer: SocketAddress; readonly channel: number }
  | { readonly type: "channel-failed"; readonly peer: SocketAddress; readonly error: TurnError }
  | {
      readonly type: "data";
      readonly peer: SocketAddress;
      /** A copy, owned by the receiver. */
      readonly data: Uint8Array;
      /** The channel it came on, or `undefined` for a Data indication. */
      readonly channel: number | undefined;
    }
  /** The allocation could not be made, or was lost (refresh refused, server gone). */
  | { readonly type: "failed"; readonly error: TurnError }
  | { readonly type: "closed" };

/** Counters of a {@link TurnClient}. */
export interface TurnClientStats {
  readonly state: TurnClientState;
  readonly requestsSent: number;
  readonly errorResponses: number;
  readonly staleNonceRetries: number;
  readonly sendIndicationsSent: number;
  readonly channelDataSent: number;
  readonly dataIndicationsReceived: number;
  readonly channelDataReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Datagrams dropped: queue full, no permission, unknown channel. */
  readonly dropped: number;
  /** Malformed or unauthenticated input ignored. */
  readonly malformed: number;
}

type RequestKind = "allocate" | "refresh" | "permission" | "channel" | "close";

interface RequestContext {
  readonly kind: RequestKind;
  readonly method: number;
  readonly attributes: readonly StunAttribute[];
  /** Whether the request carried USERNAME/REALM/NONCE and MESSAGE-INTEGRITY. */
  readonly signed: boolean;
  readonly staleRetries: number;
  readonly peers: readonly SocketAddress[];
  readonly channel: ClientChannel | undefined;
}

type ClientTimer = "allocation" | `perm:${string}` | `chan:${string}`;

const MIN_REFRESH_MS = 1000;

/**
 * A TURN client for one allocation. Call `allocate(now)`, drain, feed the server's bytes in,
 * and drive timeouts; then `sendTo(now, peer, data)` relays (ChannelData once a channel is
 * bound, Send indications otherwise) and `"data"` events deliver what peers send back.
 */
export class TurnClient {
  readonly server: SocketAddress;
  readonly config: TurnClientConfig;
  readonly #username: string;
  readonly #password: string;
  readonly #crypto: TurnClientOptions["crypto"];
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #stream: boolean;
  readonly #framer: TurnStreamFramer | undefined;
  readonly #tx: StunClientTransactions<RequestContext>;
  readonly #timers = new TimerTable<ClientTimer>();
  readonly #transmits = new Fifo<Transmit>();
  readonly #events = new Fifo<TurnClientEvent>();
  readonly #peers = new ClientPeerTable();
  readonly #outstanding = new Set<Uint8Array>();
  #state: TurnClientState = "idle";
  #realm: string | undefined;
  #nonce: string | undefined;
  #key: StunIntegrityKey | undefined;
  #relayed: SocketAddress[] = [];
  #mapped: SocketAddress | undefined;
  #expiresAt: Millis = 0;
  #s = {
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
    this.#username = options.username;
    this.#password = options.password;
    this.#crypto = options.crypto;
    this.#rng = options.rng ?? secureRng();
    this.#log = (options.logger ?? silentLogger).child("turn:client");
    this.#stream = this.config.transport !== "udp";
    this.#framer = this.#stream ? new TurnStreamFramer() : undefined;
    this.#tx = new StunClientTransactions<RequestContext>(this.config.transaction);
  }

  get state(): TurnClientState {
    return this.#state;
  }

  /** The relayed transport addresses (empty until `"allocated"`). */
  get relayedAddresses(): readonly SocketAddress[] {
    return this.#relayed;
  }

  /** The server-reflexive address the server reported in the Allocate response. */
  get mappedAddress(): SocketAddress | undefined {
    return this.#mapped;
  }

  /** When the allocation expires unless refreshed. */
  get expiresAt(): Millis | undefined {
    return this.#state === "allocated" ? this.#expiresAt : undefined;
  }

  /** The realm learnt from the server's 401. */
  get realm(): string | undefined {
    return this.#realm;
  }

  /** Starts the allocation (RFC 8656 §7.1): first without credentials, to learn realm and nonce. */
  allocate(now: Millis): void {
    if (this.#state !== "idle") throw new TypeError(`TurnClient.allocate in state ${this.#state}`);
    this.#state = "allocating";
    const attrs: StunAttribute[] = [
      attr(RequestedTransport, TransportProtocol.Udp),
      attr(Lifetime, Math.round(this.config.lifetimeMs / 1000)),
    ];
    if (this.config.addressFamily === "ipv6") attrs.push(attr(RequestedAddressFamily, 6));
    if (this.config.addressFamily === "dual") attrs.push(attr(AdditionalAddressFamily, 6));
    this.#request(now, {
      kind: "allocate",
      method: StunMethod.Allocate,
      attributes: attrs,
      signed: false,
      staleRetries: 0,
      peers: [],
      channel: undefined,
    });
  }

  /**
   * Installs permissions for peer IPs (RFC 8656 §9): one CreatePermission for all of them,
   * refreshed every `permissionRefreshMs` until `close()`. Ports are ignored.
   */
  createPermission(now: Millis, ...peers: SocketAddress[]): void {
    this.#requireAllocated("createPermission");
    const todo: SocketAddress[] = [];
    for (const peer of peers) {
      this.#checkPeerFamily(peer);
      const p = this.#peers.permission(peer.address);
      if (p.inFlight) continue;
      p.inFlight = true;
      todo.push({ address: p.ip, port: peer.port });
    }
    if (todo.length > 0) this.#sendCreatePermission(now, todo);
  }

  /**
   * Binds a channel to a peer (RFC 8656 §11) and returns its number. Data goes as ChannelData
   * once the server confirms (`"channel-bound"`); the binding (and the peer's permission) is
   * refreshed every `permissionRefreshMs`, well before the 10-minute channel lifetime.
   */
  bindChannel(now: Millis, peer: SocketAddress): number {
    this.#requireAllocated("bindChannel");
    this.#checkPeerFamily(peer);
    const existing = this.#peers.channelOf(peer);
    if (existing) return existing.number;
    const c = this.#peers.newChannel(peer);
    if (!c) throw new RangeError("TurnClient: all 4096 channel numbers are in use");
    const p = this.#peers.permission(peer.address);
    p.inFlight = true;
    this.#sendChannelBind(now, c);
    return c.number;
  }

  /** The channel number bound to a peer, if the server confirmed it. */
  channelOf(peer: SocketAddress): number | undefined {
    const c = this.#peers.channelOf(peer);
    return c?.bound ? c.number : undefined;
  }

  /** Whether the server confirmed a permission for this peer IP. */
  hasPermission(peerIp: string): boolean {
    return this.#peers.permissions.get(normalizeIp(peerIp))?.active ?? false;
  }

  /**
   * Relays `data` to `peer`: ChannelData when a channel is bound, else a Send indication. Without
   * a confirmed permission the datagram is queued and a CreatePermission is sent first. Returns
   * `false` when it was dropped (not allocated, queue full).
   */
  sendTo(now: Millis, peer: SocketAddress, data: Uint8Array): boolean {
    if (this.#state !== "allocated") {
      this.#s.dropped++;
      return false;
    }
    const c = this.#peers.channelOf(peer);
    if (c?.bound) {
      const out = encodeChannelData({ channel: c.number, data }, this.#stream);
      this.#s.channelDataSent++;
      this.#s.bytesSent += data.length;
      this.#transmits.push({ to: this.server, data: out });
      return true;
    }
    const p = this.#peers.permission(peer.address);
    if (p.active) {
      this.#sendIndication(peer, data);
      return true;
    }
    if (p.queue.length >= this.config.maxQueuedPerPeer) {
      this.#s.dropped++;
      return false;
    }
    p.queue.push({ peer, data: data.slice() });
    if (!p.inFlight) this.createPermission(now, peer);
    return true;
  }

  /** Releases the allocation (RFC 8656 §8: Refresh with LIFETIME 0), then emits `"closed"`. */
  close(now: Millis): void {
    if (this.#state === "closed" || this.#state === "closing") return;
    const wasAllocated = this.#state === "allocated";
    this.#clearAllocationState();
    if (!wasAllocated) {
      this.#finish("closed");
      return;
    }
    this.#state = "closing";
    this.#request(now, {
      kind: "close",
      method: StunMethod.Refresh,
      attributes: [attr(Lifetime, 0)],
      signed: true,
      staleRetries: 0,
      peers: [],
      channel: undefined,
    });
  }

  /**
   * Feeds one datagram from the server (UDP), or one whole frame cut by a
   * {@link TurnStreamFramer}. Returns whether it was a TURN message for this client; other
   * bytes (or other sources) are left to the caller. Never throws on remote input.
   */
  handleDatagram(
    now: Millis,
    dgram: { readonly from: SocketAddress; readonly data: Uint8Array },
  ): boolean {
    if (
      dgram.from.port !== this.server.port ||
      normalizeIp(dgram.from.address) !== this.server.address
    ) {
      return false;
    }
    return this.#handleFrame(now, dgram.data);
  }

  /** Feeds bytes received on a TCP/TLS connection to the server (framed internally). */
  handleStreamData(now: Millis, chunk: Uint8Array): void {
    const framer = this.#framer;
    if (!framer) throw new TypeError("handleStreamData needs transport tcp or tls");
    framer.push(chunk);
    for (let f = framer.next(); f; f = framer.next()) this.#handleFrame(now, f);
    if (framer.error) {
      this.#s.malformed++;
      this.#fail(new TurnError("closed", StunMethod.Allocate, 0, `stream error: ${framer.error}`));
    }
  }

  /** Tells the client its TCP/TLS connection closed: the allocation is gone with it. */
  handleTransportClosed(_now: Millis): void {
    if (this.#state === "closed" || this.#state === "failed") return;
    if (this.#state === "closing") {
      this.#clearAllocationState();
      this.#finish("closed");
      return;
    }
    this.#fail(new TurnError("closed", StunMethod.Allocate, 0, "connection to the server closed"));
  }

  handleTimeout(now: Millis): void {
    this.#tx.handleTimeout(now);
    this.#drainTransactions(now);
    for (const t of this.#timers.expire(now)) {
      if (this.#state !== "allocated") break;
      if (t === "allocation") this.#sendRefresh(now);
      else if (t.startsWith("perm:")) this.#refreshPermission(now, t.slice(5));
      else this.#refreshChannel(now, t.slice(5));
    }
  }

  pollTransmit(): Transmit | undefined {
    const own = this.#transmits.shift();
    if (own) return own;
    return this.#tx.pollTransmit();
  }

  pollEvent(): TurnClientEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    const a = this.#timers.next();
    const b = this.#tx.pollTimeout();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  stats(): TurnClientStats {
    return { state: this.#state, ...this.#s };
  }

  /** One line for test traces. */
  describe(): string {
    return `turn-client ${this.#state} relayed=${this.#relayed.map(formatSocketAddress).join(",")} perms=${this.#peers.permissions.size} channels=${this.#peers.channels.size}`;
  }

  #requireAllocated(what: string): void {
    if (this.#state !== "allocated")
      throw new TypeError(`TurnClient.${what} in state ${this.#state}`);
  }

  /** RFC 8656 §9.1: a peer of a family with no relayed address would get 443. */
  #checkPeerFamily(peer: SocketAddress): void {
    const f = ipFamily(peer.address);
    if (f === undefined)
      throw new TypeError(`TurnClient: peer is not an IP literal: ${peer.address}`);
    if (!this.#relayed.some((r) => ipFamily(r.address) === f)) {
      throw new RangeError(`TurnClient: no IPv${f} relayed address for peer ${peer.address}`);
    }
  }

  #sendIndication(peer: SocketAddress, data: Uint8Array): void {
    const msg = this.#encode(
      StunMethod.Send,
      "indication",
      [attr(XorPeerAddress, peer), attr(Data, data)],
      false,
    );
    this.#s.sendIndicationsSent++;
    this.#s.bytesSent += data.length;
    this.#transmits.push({ to: this.server, data: msg });
  }

  #sendCreatePermission(now: Millis, peers: readonly SocketAddress[], staleRetries = 0): void {
    this.#request(now, {
      kind: "permission",
      method: StunMethod.CreatePermission,
      attributes: peers.map((p) => attr(XorPeerAddress, p)),
      signed: true,
      staleRetries,
      peers,
      channel: undefined,
    });
  }

  #sendChannelBind(now: Millis, c: ClientChannel): void {
    c.inFlight = true;
    this.#request(now, {
      kind: "channel",
      method: StunMethod.ChannelBind,
      attributes: [attr(ChannelNumber, c.number), attr(XorPeerAddress, c.peer)],
      signed: true,
      staleRetries: 0,
      peers: [c.peer],
      channel: c,
    });
  }

  #sendRefresh(now: Millis): void {
    this.#request(now, {
      kind: "refresh",
      method: StunMethod.Refresh,
      attributes: [attr(Lifetime, Math.round(this.config.lifetimeMs / 1000))],
      signed: true,
      staleRetries: 0,
      peers: [],
      channel: undefined,
    });
  }

  #refreshPermission(now: Millis, ip: string): void {
    const p = this.#peers.permissions.get(ip);
    if (!p || p.inFlight) return;
    p.inFlight = true;
    this.#sendCreatePermission(now, [{ address: ip, port: 0 }]);
  }

  #refreshChannel(now: Millis, key: string): void {
    const c = this.#peers.channels.get(key);
    if (!c || c.inFlight) return;
    this.#sendChannelBind(now, c);
  }

  #encode(
    method: number,
    cls: "request" | "indication",
    attributes: readonly StunAttribute[],
    signed: boolean,
  ): Uint8Array {
    const transactionId = this.#rng.fill(new Uint8Array(12));
    const list: StunAttribute[] = [...attributes];
    if (this.config.software) list.push(attr(Software, this.config.software));
    if (signed && this.#key) {
      list.push(
        attr(Username, this.#username),
        attr(Realm, this.#realm!),
        attr(Nonce, this.#nonce!),
      );
    }
    const integrity = signed ? this.#key : undefined;
    const fingerprint = this.config.fingerprint;
    const msg = { method, class: cls, transactionId, attributes: list };
    if (!integrity && !fingerprint) return encodeStunMessage(msg);
    return encodeStunMessage(msg, integrity ? { integrity, fingerprint } : { fingerprint });
  }

  #request(now: Millis, ctx: RequestContext): void {
    const request = this.#encode(ctx.method, "request", ctx.attributes, ctx.signed);
    this.#s.requestsSent++;
    const tid = this.#tx.start(now, {
      request,
      to: this.server,
      transport: this.#stream ? "tcp" : "udp",
      context: ctx,
    });
    this.#outstanding.add(tid);
  }

  #handleFrame(now: Millis, data: Uint8Array): boolean {
    if (isChannelData(data)) {
      this.#onChannelData(data);
      return true;
    }
    let msg: DecodedStunMessage;
    try {
      msg = decodeStunMessage(data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#s.malformed++;
      return false;
    }
    try {
      if (msg.class === "indication") {
        if (msg.method === StunMethod.Data) this.#onDataIndication(msg);
        return true;
      }
      if (msg.class === "success" || msg.class === "error") {
        if (!this.#tx.has(msg.transactionId)) return true;
        if (this.#key && !this.#responseAuthentic(msg)) {
          this.#s.malformed++;
          return true;
        }
        this.#tx.handleResponse(now, msg, this.server);
        this.#drainTransactions(now);
      }
      return true;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#s.malformed++;
      return true;
    }
  }

  /**
   * RFC 8489 §9.2.5: a response to an authenticated request must carry a valid
   * MESSAGE-INTEGRITY; error responses without one (401, 438) are accepted for their challenge.
   */
  #responseAuthentic(msg: DecodedStunMessage): boolean {
    const hasMi = msg.attributes.some((a) => a.type === 0x0008 || a.type === 0x001c);
    if (!hasMi) return msg.class === "error";
    return verifyMessageIntegrity(msg, this.#key!);
  }

  #onChannelData(data: Uint8Array): void {
    let cd: ReturnType<typeof decodeChannelData>;
    try {
      cd = decodeChannelData(data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#s.malformed++;
      return;
    }
    const c = this.#peers.channelByNumber(cd.channel);
    if (!c) {
      this.#s.dropped++;
      return;
    }
    this.#s.channelDataReceived++;
    this.#s.bytesReceived += cd.data.length;
    this.#events.push({ type: "data", peer: c.peer, data: cd.data.slice(), channel: c.number });
  }

  #onDataIndication(msg: DecodedStunMessage): void {
    const peer = getAttribute(msg, XorPeerAddress);
    const data = getAttribute(msg, Data);
    if (!peer || !data) {
      this.#s.malformed++;
      return;
    }
    this.#s.dataIndicationsReceived++;
    this.#s.bytesReceived += data.length;
    this.#events.push({
      type: "data",
      peer: { address: normalizeIp(peer.address), port: peer.port },
      data: data.slice(),
      channel: undefined,
    });
  }

  #drainTransactions(now: Millis): void {
    for (let ev = this.#tx.pollEvent(); ev; ev = this.#tx.pollEvent()) {
      const ctx = ev.context;
      this.#outstanding.delete(ev.transactionId);
      const st = this.#state;
      if (st === "closed" || st === "failed" || (st === "closing" && ctx.kind !== "close"))
        continue;
      if (ev.type === "timeout") {
        this.#onFailure(
          now,
          ctx,
          new TurnError("timeout", ctx.method, 0, "no response from the TURN server"),
        );
        continue;
      }
      try {
        this.#onResponse(now, ctx, ev.response);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        this.#s.malformed++;
        this.#onFailure(now, ctx, new TurnError("bad-response", ctx.method, 0, e.message));
      }
    }
  }

  #onResponse(now: Millis, ctx: RequestContext, res: DecodedStunMessage): void {
    if (res.class === "error") {
      this.#s.errorResponses++;
      const err = getAttribute(res, ErrorCode) ?? { code: 500, reason: "missing ERROR-CODE" };
      const realm = getAttribute(res, Realm);
      const nonce = getAttribute(res, Nonce);
      // RFC 8489 §9.2.5: the first 401 carries the realm and nonce; retry with credentials.
      if (err.code === 401 && !ctx.signed && realm !== undefined && nonce !== undefined) {
        this.#realm = realm;
        this.#nonce = nonce;
        this.#key = StunIntegrityKey.longTerm(
          { username: this.#username, realm, password: this.#password },
          this.#crypto,
        );
        this.#request(now, { ...ctx, signed: true });
        return;
      }
      // RFC 8489 §9.2.5 / RFC 8656 §7.3: 438 Stale Nonce: retry with the new nonce.
      if (
        err.code === 438 &&
        nonce !== undefined &&
        this.#key &&
        ctx.staleRetries < this.config.maxStaleNonceRetries
      ) {
        if (realm !== undefined && realm !== this.#realm) {
          this.#realm = realm;
          this.#key = StunIntegrityKey.longTerm(
            { username: this.#username, realm, password: this.#password },
            this.#crypto,
          );
        }
        this.#nonce = nonce;
        this.#s.staleNonceRetries++;
        this.#request(now, { ...ctx, signed: true, staleRetries: ctx.staleRetries + 1 });
        return;
      }
      this.#onFailure(now, ctx, new TurnError("response", ctx.method, err.code, err.reason));
      return;
    }
    switch (ctx.kind) {
      case "allocate":
        this.#onAllocated(now, res);
        return;
      case "refresh": {
        const lifetimeMs = (getAttribute(res, Lifetime) ?? 0) * 1000;
        this.#scheduleRefresh(now, lifetimeMs);
        this.#events.push({ type: "refreshed", lifetimeMs });
        return;
      }
      case "permission":
        for (const peer of ctx.peers) this.#onPermissionGranted(now, peer.address);
        return;
      case "channel": {
        const c = ctx.channel!;
        c.inFlight = false;
        if (this.#peers.channels.get(c.key) !== c) return;
        const first = !c.bound;
        c.bound = true;
        this.#timers.set(`chan:${c.key}`, now + this.config.permissionRefreshMs);
        // RFC 8656 §11.2: a successful ChannelBind also installs or refreshes the permission.
        this.#onPermissionGranted(now, c.peer.address, false);
        if (first) this.#events.push({ type: "channel-bound", peer: c.peer, channel: c.number });
        return;
      }
      case "close":
        this.#finish("closed");
        return;
    }
  }

  #onAllocated(now: Millis, res: DecodedStunMessage): void {
    if (this.#state !== "allocating") return;
    const relayed = getAttributes(res, XorRelayedAddress).map((a) => ({
      address: normalizeIp(a.address),
      port: a.port,
    }));
    const lifetimeS = getAttribute(res, Lifetime);
    if (relayed.length === 0 || lifetimeS === undefined) {
      this.#fail(
        new TurnError(
          "bad-response",
          StunMethod.Allocate,
          0,
          "Allocate success without XOR-RELAYED-ADDRESS or LIFETIME",
        ),
      );
      return;
    }
    this.#relayed = relayed;
    this.#mapped = getAttribute(res, XorMappedAddress);
    this.#state = "allocated";
    const lifetimeMs = lifetimeS * 1000;
    this.#scheduleRefresh(now, lifetimeMs);
    this.#log.debug("allocated", { relayed: relayed.map(formatSocketAddress), lifetimeMs });
    this.#events.push({
      type: "allocated",
      relayed,
      mapped: this.#mapped,
      lifetimeMs,
      addressError: getAttribute(res, AddressErrorCode),
    });
  }

  /** RFC 8656 §8: refresh a minute before expiry (at half-life for short lifetimes). */
  #scheduleRefresh(now: Millis, lifetimeMs: number): void {
    this.#expiresAt = now + lifetimeMs;
    const lead = Math.min(this.config.refreshBeforeMs, lifetimeMs / 2);
    this.#timers.set("allocation", now + Math.max(MIN_REFRESH_MS, lifetimeMs - lead));
  }

  #onPermissionGranted(now: Millis, ip: string, fromCreatePermission = true): void {
    const p = this.#peers.permissions.get(normalizeIp(ip));
    if (!p) return;
    const first = !p.active;
    p.active = true;
    p.inFlight = false;
    // A peer with a channel is kept alive by its ChannelBind refreshes.
    const channelled = [...this.#peers.channels.values()].some(
      (c) => c.peer.address === p.ip && c.bound,
    );
    if (fromCreatePermission || !channelled)
      this.#timers.set(`perm:${p.ip}`, now + this.config.permissionRefreshMs);
    else this.#timers.clear(`perm:${p.ip}`);
    if (first || fromCreatePermission) {
      this.#events.push({ type: "permission-created", peerIp: p.ip, refreshed: !first });
    }
    for (const q of p.queue.splice(0)) this.sendTo(now, q.peer, q.data);
  }

  #onFailure(_now: Millis, ctx: RequestContext, error: TurnError): void {
    this.#log.debug("request failed", { kind: ctx.kind, code: error.code, reason: error.reason });
    switch (ctx.kind) {
      case "allocate":
        if (this.#state === "allocating") this.#fail(error);
        return;
      case "refresh":
        this.#fail(error);
        return;
      case "permission":
        for (const peer of ctx.peers) {
          const p = this.#peers.permissions.get(peer.address);
          if (!p) continue;
          this.#s.dropped += p.queue.length;
          this.#peers.permissions.delete(p.ip);
          this.#timers.clear(`perm:${p.ip}`);
          this.#events.push({ type: "permission-failed", peerIp: p.ip, error });
        }
        return;
      case "channel": {
        const c = ctx.channel!;
        c.inFlight = false;
        this.#peers.removeChannel(c);
        this.#timers.clear(`chan:${c.key}`);
        const p = this.#peers.permissions.get(c.peer.address);
        if (p && !p.active) {
          p.inFlight = false;
          this.#s.dropped += p.queue.length;
          this.#peers.permissions.delete(p.ip);
        } else if (p) p.inFlight = false;
        this.#events.push({ type: "channel-failed", peer: c.peer, error });
        return;
      }
      case "close":
        this.#finish("closed");
        return;
    }
  }

  #fail(error: TurnError): void {
    if (this.#state === "closed" || this.#state === "failed") return;
    this.#clearAllocationState();
    this.#finish("failed", error);
  }

  #clearAllocationState(): void {
    this.#timers.clearAll();
    this.#peers.clear();
  }

  #finish(state: "closed" | "failed", error?: TurnError): void {
    this.#state = state;
    this.#relayed = [];
    // Outstanding transactions are abandoned with the allocation: no more retransmissions.
    for (const tid of this.#outstanding) this.#tx.cancel(tid);
    this.#outstanding.clear();
    this.#events.push(state === "failed" ? { type: "failed", error: error! } : { type: "closed" });
  }
}
