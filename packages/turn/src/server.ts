/**
 * The sans-IO TURN server (RFC 8656): allocations, permissions, channels, nonces, quotas and
 * authentication. It holds no sockets: client messages come in through `handleClientMessage`,
 * peer datagrams through `handlePeerDatagram`, and relayed sockets are opened by the caller on
 * a `"relay-request"` event (answered with `relayBound` / `relayFailed`) and closed on
 * `"relay-released"`.
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
} from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  decodeStunMessage,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  getAttributes,
  isComprehensionRequired,
  isKnownStunAttribute,
  Nonce,
  Realm,
  Software,
  SourceRateLimiter,
  type StunAttribute,
  type StunIntegrityKey,
  StunMethod,
  transactionKey,
  UnknownAttributes,
  XorMappedAddress,
} from "@purertc/stun";
import { Allocation, type ClientPath, fiveTupleKey, type RelayAddress } from "./allocation.js";
import {
  AdditionalAddressFamily,
  AddressErrorCode,
  type AddressErrorCodeValue,
  ChannelNumber,
  Data,
  DontFragment,
  EvenPort,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  ReservationToken,
  type TurnAddressFamily,
  XorPeerAddress,
  XorRelayedAddress,
} from "./attributes.js";
import { decodeChannelData, encodeChannelData, isChannelData } from "./channel-data.js";
import type { TurnTransport } from "./client-config.js";
import { isAcceptableChannelNumber, TransportProtocol, TURN_REASON } from "./constants.js";
import { PeerPolicy } from "./peer-policy.js";
import { TurnAuthenticator } from "./server-auth.js";
import {
  resolveTurnServerConfig,
  type TurnServerConfig,
  type TurnServerOptions,
} from "./server-config.js";
import {
  emptyServerCounters,
  type TurnServerCounters,
  type TurnServerStats,
} from "./server-stats.js";

/** A datagram or stream frame the server wants sent. */
export interface TurnServerTransmit {
  readonly to: SocketAddress;
  /** The listener (towards a client) or the relayed address (towards a peer) to send from. */
  readonly from: SocketAddress;
  readonly data: Uint8Array;
  /** `"client"`: on the client's 5-tuple (UDP, TCP or TLS); `"peer"`: UDP from a relay socket. */
  readonly via: "client" | "peer";
  readonly transport: TurnTransport;
}

/** Events of a {@link TurnServer}. */
export type TurnServerEvent =
  /** Open a UDP socket of `family` (even port if asked) and answer `relayBound`/`relayFailed`. */
  | {
      readonly type: "relay-request";
      readonly id: number;
      readonly family: TurnAddressFamily;
      readonly evenPort: boolean;
    }
  /** Close the relay socket bound at `local`. */
  | { readonly type: "relay-released"; readonly local: SocketAddress }
  | {
      readonly type: "allocation-created";
      readonly id: number;
      readonly username: string;
      readonly client: SocketAddress;
      readonly relayed: readonly SocketAddress[];
    }
  | {
      readonly type: "allocation-deleted";
      readonly id: number;
      readonly username: string;
      readonly reason: "expired" | "refresh-0" | "connection-closed" | "revoked" | "closed";
    }
  /** A request was refused for a reason worth a log line (auth failures, quotas, denied peers). */
  | {
      readonly type: "rejected";
      readonly client: SocketAddress;
      readonly code: number;
      readonly why: string;
    };

interface PendingAllocation {
  readonly id: number;
  readonly path: ClientPath;
  readonly key: string;
  readonly transaction: Uint8Array;
  readonly username: string;
  readonly user: string;
  readonly integrity: StunIntegrityKey;
  readonly credentialExpiresAt: Millis | undefined;
  readonly lifetimeMs: number;
  readonly wanted: TurnAddressFamily[];
  /** Whether failing the second family only adds ADDRESS-ERROR-CODE (dual-stack, §7.2). */
  readonly additional: boolean;
  readonly bound: RelayAddress[];
  readonly failed: TurnAddressFamily[];
}

interface Request {
  readonly msg: DecodedStunMessage;
  readonly path: ClientPath;
}

const ALLOCATE = StunMethod.Allocate;

/**
 * A TURN server core. After each call drain `pollTransmit()` and `pollEvent()`, then arm one
 * timer at `pollTimeout()`.
 */
export class TurnServer {
  readonly config: TurnServerConfig;
  readonly #auth: TurnAuthenticator;
  readonly #policy: PeerPolicy;
  readonly #limiter: SourceRateLimiter;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #transmits = new Fifo<TurnServerTransmit>();
  readonly #events = new Fifo<TurnServerEvent>();
  readonly #allocations = new Map<string, Allocation>();
  readonly #byRelay = new Map<string, { alloc: Allocation; relay: RelayAddress }>();
  readonly #pending = new Map<number, PendingAllocation>();
  readonly #pendingByKey = new Map<string, PendingAllocation>();
  readonly #perUser = new Map<string, number>();
  readonly #external: { external: string; local: string | undefined }[];
  readonly #c: TurnServerCounters = emptyServerCounters();
  #nextId = 1;
  #sweepAt: Millis | undefined;
  #closed = false;

  constructor(options: TurnServerOptions) {
    if (!options?.crypto) throw new TypeError("TurnServer: a CryptoProvider is required");
    this.config = resolveTurnServerConfig(options);
    const c = this.config;
    this.#auth = new TurnAuthenticator(
      {
        realm: c.realm,
        users: c.users,
        restSecrets: c.restSecrets,
        nonceLifetimeMs: c.nonceLifetimeMs,
        epochOffsetMs: options.epochOffsetMs ?? 0,
      },
      options.crypto,
    );
    this.#policy = new PeerPolicy(c.allowedPeers, c.deniedPeers);
    this.#limiter = new SourceRateLimiter({
      ratePerSecond: c.unauthenticatedRatePerSecond,
      burst: c.unauthenticatedBurst,
      maxSources: 65_536,
    });
    this.#rng = options.rng ?? secureRng();
    this.#log = (options.logger ?? silentLogger).child("turn:server");
    this.#external = c.externalIps.map((e) => {
      const [external, local] = e.split("/");
      return {
        external: normalizeIp(external!),
        local: local === undefined ? undefined : normalizeIp(local),
      };
    });
  }

  /** Wall-clock offset for REST credential expiry: Unix ms = core time + offset. */
  set epochOffsetMs(v: number) {
    this.#auth.epochOffsetMs = v;
  }

  /** Replaces the static users; live allocations keep working until their next request fails. */
  setUsers(users: Readonly<Record<string, string>>): void {
    this.#auth.setUsers(users);
  }

  /** Deletes every allocation of a username (or of a REST user part) at once. */
  revokeUser(now: Millis, user: string): number {
    let n = 0;
    for (const a of [...this.#allocations.values()]) {
      if (a.username === user || a.user === user) {
        this.#deleteAllocation(now, a, "revoked");
        n++;
      }
    }
    return n;
  }

  /** The sans-IO Endpoint entry point: datagrams to a relayed address are peer traffic. */
  handleDatagram(
    now: Millis,
    dgram: { readonly from: SocketAddress; readonly to?: SocketAddress; readonly data: Uint8Array },
  ): void {
    const to = dgram.to;
    if (!to) throw new TypeError("TurnServer.handleDatagram needs the local address (to)");
    if (this.#byRelay.has(relayKey(to)))
      this.handlePeerDatagram(now, { from: dgram.from, to, data: dgram.data });
    else
      this.handleClientMessage(now, { from: dgram.from, to, transport: "udp", data: dgram.data });
  }

  /**
   * One message from a client: a UDP datagram, or one frame (STUN or ChannelData) of a TCP/TLS
   * connection cut by a `TurnStreamFramer`. Never throws on remote input.
   */
  handleClientMessage(
    now: Millis,
    m: {
      readonly from: SocketAddress;
      readonly to: SocketAddress;
      readonly transport: TurnTransport;
      readonly data: Uint8Array;
    },
  ): void {
    if (this.#closed) return;
    const path: ClientPath = { client: m.from, listener: m.to, transport: m.transport };
    try {
      if (isChannelData(m.data)) {
        this.#onChannelData(now, path, m.data);
        return;
      }
      const msg = decodeStunMessage(m.data);
      if (msg.class === "request") this.#onRequest(now, { msg, path });
      else if (msg.class === "indication" && msg.method === StunMethod.Send)
        this.#onSend(now, path, msg);
      else this.#c.malformed++;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#c.malformed++;
    }
    this.#armSweep(now);
  }

  /** One UDP datagram from a peer to a relayed address (`to`). */
  handlePeerDatagram(
    now: Millis,
    d: { readonly from: SocketAddress; readonly to: SocketAddress; readonly data: Uint8Array },
  ): void {
    const hit = this.#byRelay.get(relayKey(d.to));
    if (!hit) {
      this.#c.droppedNoAllocation++;
      return;
    }
    this.#deliverToClient(
      now,
      hit.alloc,
      { address: normalizeIp(d.from.address), port: d.from.port },
      d.data,
    );
  }

  /** A client's TCP/TLS connection closed: its allocation goes with it (RFC 8656 §3.1). */
  handleClientClosed(now: Millis, path: ClientPath): void {
    const key = fiveTupleKey(path);
    const a = this.#allocations.get(key);
    if (a) this.#deleteAllocation(now, a, "connection-closed");
    const p = this.#pendingByKey.get(key);
    if (p) this.#dropPending(p);
  }

  /** The caller bound the relay socket of a `"relay-request"`. */
  relayBound(now: Millis, id: number, family: TurnAddressFamily, local: SocketAddress): void {
    const p = this.#pending.get(id);
    if (!p) {
      // The client went away meanwhile: release the socket at once.
      this.#events.push({ type: "relay-released", local });
      return;
    }
    const norm = { address: normalizeIp(local.address), port: local.port };
    p.bound.push({
      family,
      local: norm,
      advertised: { address: this.#advertise(norm.address), port: norm.port },
    });
    this.#maybeCompleteAllocation(now, p);
  }

  /** The caller could not bind a relay socket of that family (no address, ports exhausted). */
  relayFailed(now: Millis, id: number, family: TurnAddressFamily): void {
    const p = this.#pending.get(id);
    if (!p) return;
    p.failed.push(family);
    this.#maybeCompleteAllocation(now, p);
  }

  handleTimeout(now: Millis): void {
    if (this.#sweepAt === undefined || now < this.#sweepAt) return;
    this.#sweepAt = undefined;
    for (const a of [...this.#allocations.values()]) {
      if (a.expiresAt <= now) {
        this.#deleteAllocation(now, a, "expired");
        continue;
      }
      const gone = a.sweep(now);
      this.#c.permissionsExpired += gone.permissions;
    }
    this.#armSweep(now);
  }

  pollTransmit(): TurnServerTransmit | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): TurnServerEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#sweepAt;
  }

  /** Deletes every allocation (graceful shutdown): their relay sockets are released. */
  close(now: Millis): void {
    for (const a of [...this.#allocations.values()]) this.#deleteAllocation(now, a, "closed");
    for (const p of [...this.#pending.values()]) this.#dropPending(p);
    this.#closed = true;
    this.#sweepAt = undefined;
  }

  /** Gauges and counters (the Node adapter renders them as Prometheus metrics). */
  stats(now?: Millis): TurnServerStats {
    let permissions = 0;
    let channels = 0;
    for (const a of this.#allocations.values()) {
      for (const at of a.permissions.values()) if (now === undefined || at > now) permissions++;
      for (const ch of a.channels.values()) if (now === undefined || ch.expiresAt > now) channels++;
    }
    return {
      allocations: this.#allocations.size,
      pendingAllocations: this.#pending.size,
      permissions,
      channels,
      ...this.#c,
    };
  }

  /** Whether a client's 5-tuple has an allocation (live or being created). */
  hasAllocation(path: ClientPath): boolean {
    const key = fiveTupleKey(path);
    return this.#allocations.has(key) || this.#pendingByKey.has(key);
  }

  /** The live allocations (read-only views, for admin tools and tests). */
  allocations(): readonly Allocation[] {
    return [...this.#allocations.values()];
  }

  /** One line for test traces. */
  describe(): string {
    return `turn-server allocations=${this.#allocations.size} pending=${this.#pending.size}`;
  }

  // --- requests -------------------------------------------------------------------------

  #onRequest(now: Millis, req: Request): void {
    const { msg, path } = req;
    this.#c.requests++;
    if (msg.method === StunMethod.Binding) {
      // RFC 8656 §4: a TURN server is a STUN server; Binding needs no credentials.
      if (!this.#limiter.allow(now, path.client.address)) {
        this.#c.rateLimited++;
        return;
      }
      this.#reply(path, msg, "success", [attr(XorMappedAddress, path.client)], undefined);
      return;
    }
    if (
      msg.method !== ALLOCATE &&
      msg.method !== StunMethod.Refresh &&
      msg.method !== StunMethod.CreatePermission &&
      msg.method !== StunMethod.ChannelBind
    ) {
      this.#rejectUnauthenticated(now, req, 400, "unknown-method");
      return;
    }
    const auth = this.#auth.check(now, msg, path.client);
    if (!auth.ok) {
      if (auth.why === "wrong-credentials" || auth.why === "expired-credentials")
        this.#c.authFailures++;
      if (auth.why === "expired-credentials") this.#c.expiredCredentials++;
      if (auth.why === "stale-nonce") this.#c.staleNonces++;
      if (auth.why === "no-integrity") this.#c.challenges++;
      this.#rejectUnauthenticated(now, req, auth.code, auth.why);
      return;
    }
    const unknown = msg.attributes
      .filter((a) => isComprehensionRequired(a.type) && !isKnownStunAttribute(a.type))
      .map((a) => a.type);
    if (unknown.length > 0) {
      this.#error(req, 420, auth.key, "unknown-attribute", [attr(UnknownAttributes, unknown)]);
      return;
    }
    const a = this.#allocations.get(fiveTupleKey(path));
    if (msg.method === ALLOCATE) {
      this.#onAllocate(now, req, auth, a);
      return;
    }
    if (!a) {
      this.#error(req, 437, auth.key, "no-allocation");
      return;
    }
    if (a.username !== auth.username) {
      // RFC 8656 §5: subsequent requests must use the allocation's username.
      this.#error(req, 441, auth.key, "wrong-credentials");
      return;
    }
    a.integrity = auth.key;
    a.credentialExpiresAt = auth.expiresAt;
    if (msg.method === StunMethod.Refresh) this.#onRefresh(now, req, a);
    else if (msg.method === StunMethod.CreatePermission) this.#onCreatePermission(now, req, a);
    else this.#onChannelBind(now, req, a);
  }

  /** RFC 8656 §7.2. */
  #onAllocate(
    now: Millis,
    req: Request,
    auth: Extract<ReturnType<TurnAuthenticator["check"]>, { ok: true }>,
    existing: Allocation | undefined,
  ): void {
    const { msg, path } = req;
    const key = auth.key;
    if (existing) {
      // A retransmission of the request that created it gets the same success (§7.2 step 2).
      if (existing.allocateTransaction === transactionKey(msg.transactionId)) {
        this.#send(path, existing.allocateResponse);
      } else this.#error(req, 437, key, "allocation-exists");
      return;
    }
    if (this.#pendingByKey.has(fiveTupleKey(path))) return;
    const transport = getAttribute(msg, RequestedTransport);
    if (transport === undefined) {
      this.#error(req, 400, key, "no-requested-transport");
      return;
    }
    if (transport !== TransportProtocol.Udp) {
      this.#error(req, 442, key, "transport");
      return;
    }
    if (getAttribute(msg, DontFragment) !== undefined) {
      // §7.2 step 4: a server that cannot set DF treats DONT-FRAGMENT as unknown.
      this.#error(req, 420, key, "dont-fragment", [attr(UnknownAttributes, [DontFragment.type])]);
      return;
    }
    if (getAttribute(msg, ReservationToken) !== undefined) {
      this.#error(req, 508, key, "reservation-token");
      return;
    }
    let requested: TurnAddressFamily | undefined;
    let additional: TurnAddressFamily | undefined;
    try {
      requested = getAttribute(msg, RequestedAddressFamily);
      additional = getAttribute(msg, AdditionalAddressFamily);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#error(req, 440, key, "address-family");
      return;
    }
    if (requested !== undefined && additional !== undefined) {
      this.#error(req, 400, key, "both-families");
      return;
    }
    if (additional !== undefined && additional !== 6) {
      this.#error(req, 400, key, "additional-not-ipv6");
      return;
    }
    const c = this.config;
    if (c.maxAllocations > 0 && this.#allocations.size + this.#pending.size >= c.maxAllocations) {
      this.#c.quotaRejections++;
      this.#error(req, 486, key, "total-quota");
      return;
    }
    const owned = this.#perUser.get(auth.user) ?? 0;
    if (c.maxAllocationsPerUser > 0 && owned >= c.maxAllocationsPerUser) {
      this.#c.quotaRejections++;
      this.#error(req, 486, key, "user-quota");
      return;
    }
    const wanted: TurnAddressFamily[] = additional ? [4, 6] : [requested ?? 4];
    let lifetimeMs = this.#lifetime(getAttribute(msg, Lifetime));
    if (auth.expiresAt !== undefined) lifetimeMs = Math.min(lifetimeMs, auth.expiresAt - now);
    const id = this.#nextId++;
    const p: PendingAllocation = {
      id,
      path,
      key: fiveTupleKey(path),
      transaction: msg.transactionId.slice(),
      username: auth.username,
      user: auth.user,
      integrity: key,
      credentialExpiresAt: auth.expiresAt,
      lifetimeMs,
      wanted,
      additional: additional !== undefined,
      bound: [],
      failed: [],
    };
    this.#pending.set(id, p);
    this.#pendingByKey.set(p.key, p);
    this.#perUser.set(auth.user, owned + 1);
    const evenPort = getAttribute(msg, EvenPort) !== undefined;
    for (const family of wanted) this.#events.push({ type: "relay-request", id, family, evenPort });
  }

  #maybeCompleteAllocation(now: Millis, p: PendingAllocation): void {
    if (p.bound.length + p.failed.length < p.wanted.length) return;
    this.#pending.delete(p.id);
    this.#pendingByKey.delete(p.key);
    const req = { transactionId: p.transaction, method: ALLOCATE };
    if (p.bound.length === 0 || (!p.additional && p.failed.length > 0)) {
      for (const r of p.bound) this.#events.push({ type: "relay-released", local: r.local });
      this.#releaseQuota(p.user);
      const code = p.failed[0] === 6 && p.wanted.length === 1 ? 440 : 508;
      this.#error(
        { msg: req as DecodedStunMessage, path: p.path },
        code,
        p.integrity,
        "relay-bind",
      );
      return;
    }
    const addressError: AddressErrorCodeValue | undefined =
      p.failed.length > 0
        ? { family: p.failed[0]!, code: 440, reason: TURN_REASON[440]! }
        : undefined;
    const attrs: StunAttribute[] = p.bound.map((r) => attr(XorRelayedAddress, r.advertised));
    attrs.push(attr(Lifetime, Math.floor(p.lifetimeMs / 1000)));
    if (addressError) attrs.push(attr(AddressErrorCode, addressError));
    attrs.push(attr(XorMappedAddress, p.path.client));
    const response = this.#encode(ALLOCATE, "success", p.transaction, attrs, p.integrity);
    const a = new Allocation({
      id: p.id,
      path: p.path,
      username: p.username,
      user: p.user,
      integrity: p.integrity,
      credentialExpiresAt: p.credentialExpiresAt,
      relays: p.bound,
      expiresAt: now + p.lifetimeMs,
      allocateTransaction: transactionKey(p.transaction),
      allocateResponse: response,
      bandwidth: this.config.maxBandwidthBytesPerSecond,
      now,
    });
    this.#allocations.set(a.key, a);
    for (const r of a.relays) {
      this.#byRelay.set(relayKey(r.local), { alloc: a, relay: r });
      if (!sameAddr(r.local, r.advertised))
        this.#byRelay.set(relayKey(r.advertised), { alloc: a, relay: r });
    }
    this.#c.allocationsCreated++;
    this.#log.info("allocation created", {
      id: a.id,
      user: a.username,
      client: formatSocketAddress(a.path.client),
      relayed: a.relays.map((r) => formatSocketAddress(r.advertised)),
    });
    this.#events.push({
      type: "allocation-created",
      id: a.id,
      username: a.username,
      client: a.path.client,
      relayed: a.relays.map((r) => r.advertised),
    });
    this.#send(p.path, response);
    this.#armSweep(now);
  }

  /** RFC 8656 §7.2 step: max(default, min(requested, max)). */
  #lifetime(requestedS: number | undefined): number {
    const c = this.config;
    if (requestedS === undefined) return c.defaultLifetimeMs;
    return Math.max(c.defaultLifetimeMs, Math.min(requestedS * 1000, c.maxLifetimeMs));
  }

  /** RFC 8656 §8. */
  #onRefresh(now: Millis, req: Request, a: Allocation): void {
    const requested = getAttribute(req.msg, Lifetime);
    let family: TurnAddressFamily | undefined;
    try {
      family = getAttribute(req.msg, RequestedAddressFamily);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#error(req, 440, a.integrity, "address-family");
      return;
    }
    if (family !== undefined && !a.relayOf(family)) {
      this.#error(req, 443, a.integrity, "family-mismatch");
      return;
    }
    if (requested === 0) {
      const key = a.integrity;
      this.#deleteAllocation(now, a, "refresh-0");
      this.#reply(req.path, req.msg, "success", [attr(Lifetime, 0)], key);
      return;
    }
    let lifetimeMs = this.#lifetime(requested);
    if (a.credentialExpiresAt !== undefined)
      lifetimeMs = Math.min(lifetimeMs, a.credentialExpiresAt - now);
    a.expiresAt = now + lifetimeMs;
    this.#reply(
      req.path,
      req.msg,
      "success",
      [attr(Lifetime, Math.floor(lifetimeMs / 1000))],
      a.integrity,
    );
  }

  /** Checks peers for CreatePermission / ChannelBind: family (443) and policy (403). */
  #checkPeers(now: Millis, req: Request, a: Allocation, peers: readonly SocketAddress[]): boolean {
    if (peers.length === 0) {
      this.#error(req, 400, a.integrity, "no-peer-address");
      return false;
    }
    for (const peer of peers) {
      const f = ipFamily(peer.address);
      if (f === undefined || !a.relayOf(f)) {
        this.#error(req, 443, a.integrity, "peer-family");
        return false;
      }
      if (!this.#isOwnRelay(peer) && !this.#policy.permits(peer.address)) {
        this.#c.deniedPeers++;
        this.#events.push({
          type: "rejected",
          client: req.path.client,
          code: 403,
          why: `denied peer ${peer.address}`,
        });
        this.#error(req, 403, a.integrity, "denied-peer");
        return false;
      }
    }
    const fresh = peers.filter((p) => !a.permissions.has(normalizeIp(p.address))).length;
    if (a.permissions.size + fresh > this.config.maxPermissionsPerAllocation) {
      this.#c.quotaRejections++;
      this.#error(req, 508, a.integrity, "permission-quota");
      return false;
    }
    void now;
    return true;
  }

  /** RFC 8656 §9.2. */
  #onCreatePermission(now: Millis, req: Request, a: Allocation): void {
    const peers = getAttributes(req.msg, XorPeerAddress);
    if (!this.#checkPeers(now, req, a, peers)) return;
    for (const peer of peers)
      a.permissions.set(normalizeIp(peer.address), now + this.config.permissionLifetimeMs);
    this.#reply(req.path, req.msg, "success", [], a.integrity);
  }

  /** RFC 8656 §11.2. */
  #onChannelBind(now: Millis, req: Request, a: Allocation): void {
    const number = getAttribute(req.msg, ChannelNumber);
    const peer = getAttribute(req.msg, XorPeerAddress);
    if (number === undefined || peer === undefined || !isAcceptableChannelNumber(number)) {
      this.#error(req, 400, a.integrity, "bad-channel-bind");
      return;
    }
    const norm = { address: normalizeIp(peer.address), port: peer.port };
    const pk = relayKey(norm);
    const byNumber = a.channels.get(number);
    const byPeer = a.channelByPeer.get(pk);
    // "The channel number is not currently bound to a different transport address" and
    // "the transport address is not currently bound to a different channel number".
    if ((byNumber && byNumber.peerKey !== pk) || (byPeer && byPeer.number !== number)) {
      this.#error(req, 400, a.integrity, "channel-in-use");
      return;
    }
    if (!this.#checkPeers(now, req, a, [norm])) return;
    const expiresAt = now + this.config.channelLifetimeMs;
    if (byNumber) byNumber.expiresAt = expiresAt;
    else {
      const ch = { number, peer: norm, peerKey: pk, expiresAt };
      a.channels.set(number, ch);
      a.channelByPeer.set(pk, ch);
    }
    a.permissions.set(norm.address, now + this.config.permissionLifetimeMs);
    this.#reply(req.path, req.msg, "success", [], a.integrity);
  }

  // --- data -----------------------------------------------------------------------------

  /** RFC 8656 §10.2: a Send indication from the client. */
  #onSend(now: Millis, path: ClientPath, msg: DecodedStunMessage): void {
    const a = this.#allocations.get(fiveTupleKey(path));
    if (!a) {
      this.#c.droppedNoAllocation++;
      return;
    }
    const peer = getAttribute(msg, XorPeerAddress);
    const data = getAttribute(msg, Data);
    if (!peer || !data) {
      this.#c.malformed++;
      return;
    }
    this.#relayToPeer(now, a, { address: normalizeIp(peer.address), port: peer.port }, data);
  }

  /** RFC 8656 §12.6: ChannelData from the client. */
  #onChannelData(now: Millis, path: ClientPath, bytes: Uint8Array): void {
    const a = this.#allocations.get(fiveTupleKey(path));
    if (!a) {
      this.#c.droppedNoAllocation++;
      return;
    }
    const cd = decodeChannelData(bytes);
    const ch = a.channels.get(cd.channel);
    if (!ch || ch.expiresAt <= now) {
      this.#c.droppedNoPermission++;
      return;
    }
    this.#relayToPeer(now, a, ch.peer, cd.data);
  }

  #relayToPeer(now: Millis, a: Allocation, peer: SocketAddress, data: Uint8Array): void {
    if (!a.permits(now, peer.address)) {
      this.#c.droppedNoPermission++;
      return;
    }
    const f = ipFamily(peer.address);
    const relay = f ? a.relayOf(f) : undefined;
    if (!relay) {
      this.#c.droppedNoPermission++;
      return;
    }
    if (!a.toPeer.take(now, data.length)) {
      this.#c.droppedBandwidth++;
      return;
    }
    a.bytesToPeer += data.length;
    this.#c.packetsToPeer++;
    this.#c.bytesToPeer += data.length;
    // Two allocations of this server talking to each other: hand over inside the core.
    const own = this.#byRelay.get(relayKey(peer));
    if (own) {
      this.#deliverToClient(now, own.alloc, relay.advertised, data);
      return;
    }
    this.#transmits.push({
      to: peer,
      from: relay.local,
      data: data.slice(),
      via: "peer",
      transport: "udp",
    });
  }

  /** RFC 8656 §11.3 / §12.6: a peer's datagram goes to the client as ChannelData or Data. */
  #deliverToClient(now: Millis, a: Allocation, peer: SocketAddress, data: Uint8Array): void {
    if (!a.permits(now, peer.address)) {
      this.#c.droppedNoPermission++;
      return;
    }
    if (!a.fromPeer.take(now, data.length)) {
      this.#c.droppedBandwidth++;
      return;
    }
    a.bytesFromPeer += data.length;
    this.#c.packetsFromPeer++;
    this.#c.bytesFromPeer += data.length;
    const ch = a.channelByPeer.get(relayKey(peer));
    let out: Uint8Array;
    if (ch && ch.expiresAt > now) {
      out = encodeChannelData({ channel: ch.number, data }, a.path.transport !== "udp");
    } else {
      const tid = this.#rng.fill(new Uint8Array(12));
      out = encodeStunMessage({
        method: StunMethod.Data,
        class: "indication",
        transactionId: tid,
        attributes: [attr(XorPeerAddress, peer), attr(Data, data)],
      });
    }
    this.#send(a.path, out);
  }

  // --- answers --------------------------------------------------------------------------

  /**
   * An answer to a request that did not authenticate: rate-limited per source IP, and only
   * what the RFC requires (ERROR-CODE, plus REALM and NONCE for 401/438).
   */
  #rejectUnauthenticated(now: Millis, req: Request, code: number, why: string): void {
    if (!this.#limiter.allow(now, req.path.client.address)) {
      this.#c.rateLimited++;
      return;
    }
    if (why !== "no-integrity")
      this.#events.push({ type: "rejected", client: req.path.client, code, why });
    const attrs: StunAttribute[] = [attr(ErrorCode, { code, reason: TURN_REASON[code] ?? "" })];
    if (code === 401 || code === 438) {
      attrs.push(
        attr(Realm, this.#auth.realm),
        attr(Nonce, this.#auth.nonce(now, req.path.client)),
      );
    }
    this.#reply(req.path, req.msg, "error", attrs, undefined);
  }

  #error(
    req: Request,
    code: number,
    key: StunIntegrityKey,
    why: string,
    extra: StunAttribute[] = [],
  ): void {
    this.#c.errorResponses++;
    this.#log.debug("request refused", { code, why, client: formatSocketAddress(req.path.client) });
    this.#events.push({ type: "rejected", client: req.path.client, code, why });
    this.#reply(
      req.path,
      req.msg,
      "error",
      [attr(ErrorCode, { code, reason: TURN_REASON[code] ?? "" }), ...extra],
      key,
    );
  }

  #reply(
    path: ClientPath,
    msg: { readonly method: number; readonly transactionId: Uint8Array },
    cls: "success" | "error",
    attrs: StunAttribute[],
    key: StunIntegrityKey | undefined,
  ): void {
    this.#send(path, this.#encode(msg.method, cls, msg.transactionId, attrs, key));
  }

  #encode(
    method: number,
    cls: "success" | "error",
    tid: Uint8Array,
    attrs: StunAttribute[],
    key: StunIntegrityKey | undefined,
  ): Uint8Array {
    const list =
      this.config.software && key ? [...attrs, attr(Software, this.config.software)] : attrs;
    const msg = { method, class: cls, transactionId: tid, attributes: list };
    return key ? encodeStunMessage(msg, { integrity: key }) : encodeStunMessage(msg);
  }

  #send(path: ClientPath, data: Uint8Array): void {
    this.#transmits.push({
      to: path.client,
      from: path.listener,
      data,
      via: "client",
      transport: path.transport,
    });
  }

  // --- bookkeeping ----------------------------------------------------------------------

  #deleteAllocation(
    now: Millis,
    a: Allocation,
    reason: "expired" | "refresh-0" | "connection-closed" | "revoked" | "closed",
  ): void {
    if (this.#allocations.get(a.key) !== a) return;
    this.#allocations.delete(a.key);
    for (const r of a.relays) {
      this.#byRelay.delete(relayKey(r.local));
      this.#byRelay.delete(relayKey(r.advertised));
      this.#events.push({ type: "relay-released", local: r.local });
    }
    this.#releaseQuota(a.user);
    this.#c.allocationsDeleted++;
    if (reason === "expired") this.#c.allocationsExpired++;
    this.#log.info("allocation deleted", { id: a.id, user: a.username, reason });
    this.#events.push({ type: "allocation-deleted", id: a.id, username: a.username, reason });
    void now;
  }

  #dropPending(p: PendingAllocation): void {
    this.#pending.delete(p.id);
    this.#pendingByKey.delete(p.key);
    for (const r of p.bound) this.#events.push({ type: "relay-released", local: r.local });
    this.#releaseQuota(p.user);
  }

  #releaseQuota(user: string): void {
    const n = (this.#perUser.get(user) ?? 1) - 1;
    if (n <= 0) this.#perUser.delete(user);
    else this.#perUser.set(user, n);
  }

  #armSweep(now: Millis): void {
    if (this.#sweepAt !== undefined || this.#allocations.size === 0) return;
    this.#sweepAt = now + this.config.sweepIntervalMs;
  }

  #isOwnRelay(peer: SocketAddress): boolean {
    return this.#byRelay.has(relayKey(peer));
  }

  /** The public address to report for a relay bound at local IP `ip` (`externalIps`). */
  #advertise(ip: string): string {
    const f = ipFamily(ip);
    for (const e of this.#external) {
      if (e.local !== undefined ? e.local === ip : ipFamily(e.external) === f) return e.external;
    }
    return ip;
  }
}

function relayKey(a: SocketAddress): string {
  return `${normalizeIp(a.address)}|${a.port}`;
}

function sameAddr(a: SocketAddress, b: SocketAddress): boolean {
  return a.port === b.port && a.address === b.address;
}
