/**
 * The ICE agent (RFC 8445) as a sans-IO machine, with trickle (RFC 8838), consent freshness
 * (RFC 7675), ICE restart, ICE-lite on either side, relayed candidates from an
 * {@link IceRelayClient} and mDNS host candidates (RFC 8828). One component (RTP and RTCP muxed).
 *
 * The caller hands it the STUN datagrams of its sockets (and datagrams from relay servers and
 * mDNS), drains `pollTransmit()`/`pollEvent()`, arms one timer at `pollTimeout()`, and sends
 * application data with {@link IceAgent.send} over the selected pair.
 */
import {
  type Datagram,
  DecodeError,
  Fifo,
  ipFamily,
  type Logger,
  type Millis,
  normalizeIp,
  type Rng,
  type SocketAddress,
  sameSocketAddress,
  TimerTable,
  type Transmit,
} from "@purertc/common";
import {
  type DecodedStunMessage,
  decodeStunMessage,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  isStunMessage,
  StunIntegrityKey,
  StunMethod,
  transactionKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "@purertc/stun";
import { type IceAgentConfig, resolveIceAgentConfig } from "./agent-config.js";
import type { IceAgentEvent, IceConnectionState, IceGatheringState } from "./agent-events.js";
import {
  candidateFoundation,
  candidatePriority,
  type IceCandidate,
  type IceCandidateType,
  isMdnsName,
  localPreference,
  TYPE_PREFERENCE,
} from "./candidate.js";
import { CandidatePair, type LocalCandidate, type RemoteCandidate } from "./candidate-pair.js";
import { CheckList } from "./check-list.js";
import {
  encodeCheckError,
  encodeCheckRequest,
  encodeCheckSuccess,
  type IceRole,
  ROLE_CONFLICT,
  readCheck,
} from "./check-messages.js";
import { type CheckTransaction, CheckTransactions } from "./check-transactions.js";
import { generateCredentials, type IceCredentials, validateCredentials } from "./credentials.js";
import { Gatherer } from "./gatherer.js";
import { MdnsResolver, randomMdnsName } from "./mdns/mdns-resolver.js";
import type { IceRelayClient } from "./relay.js";
import { candidateStats, type IceAgentStats, pairStats } from "./stats.js";

/** One ICE generation: credentials of both sides (RFC 8445 §9: a restart starts a new one). */
interface Generation {
  readonly local: IceCredentials;
  readonly localKey: StunIntegrityKey;
  remote: IceCredentials | undefined;
  remoteKey: StunIntegrityKey | undefined;
}

/** A check that arrived before the remote credentials of its generation (RFC 8838 §10). */
interface EarlyCheck {
  readonly remoteUfrag: string;
  readonly local: LocalCandidate;
  readonly from: SocketAddress;
  readonly priority: number;
  readonly useCandidate: boolean;
}

/** Options of {@link IceAgent.addHostCandidate}. */
export interface HostCandidateOptions {
  /** The socket address (the candidate's base). */
  readonly address: string;
  readonly port: number;
  /** 0 for the most preferred interface (RFC 8445 §5.1.2.1 local preference). */
  readonly interfaceRank?: number;
  /** 1:1 NAT: announce this public IP instead of the socket's address. */
  readonly announcedAddress?: string;
}

const MAX_EARLY_CHECKS = 64;
const MAX_REMOTE_CANDIDATES = 256;

/** The sans-IO ICE agent. */
export class IceAgent {
  readonly #config: IceAgentConfig;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #transmits = new Fifo<Transmit>();
  readonly #events = new Fifo<IceAgentEvent>();
  readonly #timers = new TimerTable<string>();
  readonly #txs: CheckTransactions;
  /** The generation each pair was formed in (checks use its credentials). */
  readonly #pairGen = new WeakMap<CandidatePair, Generation>();
  readonly #locals: LocalCandidate[] = [];
  #remotes: RemoteCandidate[] = [];
  #pendingRemotes: IceCandidate[] = [];
  #early: EarlyCheck[] = [];
  #checklist: CheckList;
  readonly #gatherer: Gatherer;
  readonly #relays: { client: IceRelayClient; local: LocalCandidate | undefined; done: boolean }[] =
    [];
  readonly #mdns: MdnsResolver | undefined;
  #role: IceRole;
  readonly #tieBreaker: bigint;
  #gen: Generation;
  #oldGens: Generation[] = [];
  #remoteLite = false;
  #remoteEndOfCandidates = false;
  #gatheringStarted = false;
  #gatheringState: IceGatheringState = "new";
  #state: IceConnectionState = "new";
  #selected: CandidatePair | undefined;
  #nominating: CandidatePair | undefined;
  #lastConsentAt: Millis = 0;
  #lastSentOnSelected: Millis = 0;
  #consentLost = false;
  #failed = false;
  #closed = false;
  #lastCheckAt: Millis | undefined;
  #nextId = 0;
  #dropped = 0;
  #malformed = 0;
  #unauthenticated = 0;
  #roleConflicts = 0;
  #ignoredCandidates = 0;

  constructor(config: Partial<IceAgentConfig> = {}) {
    this.#config = resolveIceAgentConfig(config);
    this.#rng = this.#config.rng;
    this.#log = this.#config.logger.child("agent");
    // RFC 8445 §6.1.1: "The full agent MUST take the controlling role" toward a lite one,
    // and a lite agent is controlled.
    this.#role = this.#config.lite ? "controlled" : this.#config.role;
    this.#tieBreaker =
      this.#config.tieBreaker ?? (BigInt(this.#rng.nextU32()) << 32n) | BigInt(this.#rng.nextU32());
    this.#gen = this.#newGeneration(this.#config.credentials ?? generateCredentials(this.#rng));
    this.#checklist = new CheckList(this.#config.maxPairs);
    this.#txs = new CheckTransactions(this.#config.checkMaxRtoMs, this.#config.checkTransmissions);
    this.#gatherer = new Gatherer(this.#config);
    if (this.#config.mdns !== "disabled")
      this.#mdns = new MdnsResolver({ rng: this.#rng, logger: this.#config.logger });
  }

  // --- state -----------------------------------------------------------------------------

  get localCredentials(): IceCredentials {
    return this.#gen.local;
  }

  get remoteCredentials(): IceCredentials | undefined {
    return this.#gen.remote;
  }

  get role(): IceRole {
    return this.#role;
  }

  get lite(): boolean {
    return this.#config.lite;
  }

  get tieBreaker(): bigint {
    return this.#tieBreaker;
  }

  get state(): IceConnectionState {
    return this.#state;
  }

  get gatheringState(): IceGatheringState {
    return this.#gatheringState;
  }

  /** The signalled local candidates of the current generation. */
  get localCandidates(): readonly IceCandidate[] {
    return this.#locals.filter((l) => l.announced).map((l) => this.#withUfrag(l.candidate));
  }

  /** The selected pair, if any: the local and remote candidates data goes over. */
  get selectedPair(): { readonly local: IceCandidate; readonly remote: IceCandidate } | undefined {
    const p = this.#selected;
    return p && { local: p.local.candidate, remote: p.remote.candidate };
  }

  /** A one-line summary for test traces. */
  describe(): string {
    const counts: Record<string, number> = {};
    for (const p of this.#checklist.pairs) counts[p.state] = (counts[p.state] ?? 0) + 1;
    const sel = this.#selected;
    return `${this.#role}${this.lite ? " lite" : ""} ${this.#state} gathering=${this.#gatheringState} pairs=${JSON.stringify(counts)} selected=${sel ? `${sel.local.candidate.type}->${sel.remote.candidate.type}` : "none"}`;
  }

  // --- configuration by signalling --------------------------------------------------------

  /**
   * Sets the remote ufrag/pwd (`a=ice-ufrag`, `a=ice-pwd`) and whether the peer is lite
   * (`a=ice-lite`). A new ufrag after a restart starts a new generation; the old selected pair
   * keeps carrying data until a new one is selected.
   */
  setRemoteCredentials(
    now: Millis,
    credentials: IceCredentials,
    options: { lite?: boolean } = {},
  ): void {
    this.#checkOpen();
    validateCredentials(credentials, "remote credentials");
    const gen = this.#gen;
    if (gen.remote && gen.remote.ufrag === credentials.ufrag && gen.remote.pwd === credentials.pwd)
      return;
    if (gen.remote) {
      // The peer restarted without us restarting: a new generation with our credentials.
      this.#startGeneration(this.#newGeneration(gen.local));
    }
    this.#gen.remote = credentials;
    this.#gen.remoteKey = StunIntegrityKey.shortTerm(credentials.pwd, this.#config.crypto);
    this.#remoteLite = options.lite === true;
    if (this.#remoteLite && !this.lite && this.#role === "controlled") {
      // RFC 8445 §6.1.1: facing a lite peer, the full agent is controlling.
      this.#setRole("controlling");
    }
    const pending = this.#pendingRemotes;
    this.#pendingRemotes = [];
    for (const c of pending) {
      const u = c.usernameFragment;
      if (u === undefined || u === credentials.ufrag) this.#addRemote(now, c);
    }
    const early = this.#early.filter((e) => e.remoteUfrag === credentials.ufrag);
    this.#early = [];
    for (const e of early) this.#onRequestPair(now, e.local, e.from, e.priority, e.useCandidate);
    this.#after(now);
  }

  /**
   * Adds a remote candidate (trickled or from the SDP). Unusable candidates (other transports,
   * wrong generation, `.local` names with mDNS disabled) are ignored and counted.
   */
  addRemoteCandidate(now: Millis, candidate: IceCandidate): void {
    this.#checkOpen();
    const ufrag = candidate.usernameFragment;
    if (this.#gen.remote === undefined) {
      if (this.#pendingRemotes.length < MAX_REMOTE_CANDIDATES) this.#pendingRemotes.push(candidate);
      else this.#ignoredCandidates++;
      return;
    }
    if (ufrag !== undefined && ufrag !== this.#gen.remote.ufrag) {
      // RFC 8838 §4.2: a candidate of a generation whose credentials have not arrived yet is
      // kept for them; one of an old generation is dropped.
      const old = this.#oldGens.some((g) => g.remote?.ufrag === ufrag);
      if (!old && this.#pendingRemotes.length < MAX_REMOTE_CANDIDATES)
        this.#pendingRemotes.push(candidate);
      else this.#ignoredCandidates++;
      return;
    }
    this.#addRemote(now, candidate);
    this.#after(now);
  }

  /** RFC 8838 §8.2: the peer has no more candidates for this generation. */
  addRemoteEndOfCandidates(now: Millis): void {
    this.#checkOpen();
    this.#remoteEndOfCandidates = true;
    this.#after(now);
  }

  // --- gathering --------------------------------------------------------------------------

  /**
   * Adds a host candidate for one of the caller's sockets (its base, RFC 8445 §5.1.1.1) and
   * signals it. Call before or after {@link gather}; each is announced once.
   */
  addHostCandidate(now: Millis, options: HostCandidateOptions): IceCandidate {
    this.#checkOpen();
    const address = normalizeIp(options.address);
    const family = ipFamily(address);
    if (family === undefined) throw new TypeError(`not an IP address: ${options.address}`);
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
      throw new RangeError(`port must be 1..65535, got ${options.port}`);
    const base = { address, port: options.port };
    const existing = this.#locals.find(
      (l) => l.candidate.type === "host" && sameSocketAddress(l.base, base),
    );
    if (existing) return existing.candidate;
    let shown = options.announcedAddress ? normalizeIp(options.announcedAddress) : address;
    if (this.#config.mdns === "query-and-gather" && !options.announcedAddress && this.#mdns) {
      shown = randomMdnsName(this.#rng);
      this.#mdns.publish(shown, address);
    }
    const candidate: IceCandidate = {
      foundation: candidateFoundation("host", address),
      component: 1,
      transport: "udp",
      priority: candidatePriority("host", localPreference(family, options.interfaceRank ?? 0)),
      address: shown,
      port: options.port,
      type: "host",
    };
    const local = this.#addLocal(
      now,
      candidate,
      base,
      undefined,
      this.#config.transportPolicy === "all",
    );
    if (this.#gatheringStarted) this.#gatherer.query(now, local);
    this.#after(now);
    return local.candidate;
  }

  /**
   * Adds a relay source (a TURN client) whose allocation becomes a relayed candidate. Started at
   * once when gathering has begun, else by {@link gather}.
   */
  addRelay(now: Millis, client: IceRelayClient): void {
    this.#checkOpen();
    this.#relays.push({ client, local: undefined, done: false });
    if (this.#gatheringStarted) client.start(now);
    this.#gatheringState === "complete" && this.#setGathering("gathering");
    this.#after(now);
  }

  /**
   * Starts gathering: server-reflexive candidates from every host candidate to each STUN server
   * of the same family, and the relay allocations. Gathering completes when all have answered,
   * failed or timed out (W3C `gatheringstatechange` → `complete`).
   */
  gather(now: Millis): void {
    this.#checkOpen();
    if (this.#gatheringStarted) return;
    this.#gatheringStarted = true;
    this.#setGathering("gathering");
    if (!this.lite && this.#config.transportPolicy === "all") {
      for (const l of this.#locals) if (l.candidate.type === "host") this.#gatherer.query(now, l);
    }
    for (const r of this.#relays) r.client.start(now);
    this.#after(now);
  }

  /**
   * ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1): new local credentials (random unless
   * given). Local candidates are announced again with the new ufrag. The current selected pair
   * keeps carrying data (and answering with the old credentials) until a new pair is selected.
   */
  restart(now: Millis, credentials?: IceCredentials): IceCredentials {
    this.#checkOpen();
    const creds = credentials ?? generateCredentials(this.#rng);
    validateCredentials(creds, "local credentials");
    this.#startGeneration(this.#newGeneration(creds));
    this.#setGathering("gathering");
    for (const l of this.#locals)
      if (l.announced)
        this.#events.push({ type: "candidate", candidate: this.#withUfrag(l.candidate) });
    this.#after(now);
    return creds;
  }

  // --- data -------------------------------------------------------------------------------

  /**
   * Sends application data (DTLS, SRTP...) over the selected pair: from its local base to its
   * remote address, or through its relay. Returns `false` when there is no usable pair (none
   * selected yet, consent lost, closed).
   */
  send(now: Millis, data: Uint8Array): boolean {
    const p = this.#selected;
    if (!p || this.#consentLost || this.#closed) return false;
    p.packetsSent++;
    p.bytesSent += data.byteLength;
    p.lastPacketSentTimestamp = now;
    this.#lastSentOnSelected = now;
    this.#sendFrom(now, p.local, p.remoteAddress, data);
    return true;
  }

  /** Counts application data the caller received from `from` on the selected pair (stats). */
  noteReceived(now: Millis, from: SocketAddress, bytes: number): void {
    const p = this.#selected;
    if (p && sameSocketAddress(p.remoteAddress, from)) {
      p.packetsReceived++;
      p.bytesReceived += bytes;
      p.lastPacketReceivedTimestamp = now;
    }
  }

  /** Stops everything, releases relays; the state becomes `closed`. */
  close(now: Millis): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#relays) r.client.close(now);
    this.#drainChildren(now);
    this.#timers.clearAll();
    this.#txs.clear();
    this.#setState("closed");
  }

  // --- Endpoint ---------------------------------------------------------------------------

  /**
   * Feeds a datagram: a STUN message for this agent, anything from a relay server, or an mDNS
   * answer. `to` should be the local socket address it arrived on. Never throws on remote input.
   */
  handleDatagram(now: Millis, dgram: Datagram): void {
    if (this.#closed) return;
    for (const r of this.#relays) {
      if (sameSocketAddress(r.client.server, dgram.from) && r.client.handleDatagram(now, dgram)) {
        this.#after(now);
        return;
      }
    }
    if (this.#mdns && (dgram.from.port === 5353 || dgram.to?.port === 5353)) {
      this.#mdns.handleDatagram(now, dgram);
      this.#after(now);
      return;
    }
    if (!isStunMessage(dgram.data)) {
      this.#dropped++;
      return;
    }
    if (this.#gatherer.handleDatagram(now, dgram)) {
      this.#after(now);
      return;
    }
    const local = this.#arrivalCandidate(dgram);
    if (!local) {
      this.#dropped++;
      return;
    }
    this.#handleStun(now, dgram.data, dgram.from, local);
    this.#after(now);
  }

  handleTimeout(now: Millis): void {
    if (this.#closed) return;
    for (const t of this.#timers.expire(now)) {
      if (t === "pace") this.#pace(now);
      else if (t === "nominate") this.#maybeNominate(now);
      else if (t === "consent") this.#consentTick(now);
      else if (t === "keepalive") this.#keepalive(now);
      else this.#liveness(now);
    }
    this.#txs.expire(
      now,
      (tx) => this.#transmitCheck(now, tx),
      (tx) => {
        if (!tx.consent) this.#pairFailed(now, tx.pair);
      },
    );
    const due = (d: Millis | undefined) => d !== undefined && d <= now;
    if (due(this.#gatherer.pollTimeout())) this.#gatherer.handleTimeout(now);
    for (const r of this.#relays) if (due(r.client.pollTimeout())) r.client.handleTimeout(now);
    if (this.#mdns && due(this.#mdns.pollTimeout())) this.#mdns.handleTimeout(now);
    this.#after(now);
  }

  pollTransmit(): Transmit | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): IceAgentEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.#closed) return undefined;
    let t = this.#timers.next();
    const min = (d: Millis | undefined) => {
      if (d !== undefined && (t === undefined || d < t)) t = d;
    };
    min(this.#txs.nextTimeout());
    min(this.#gatherer.pollTimeout());
    for (const r of this.#relays) min(r.client.pollTimeout());
    if (this.#mdns) min(this.#mdns.pollTimeout());
    return t;
  }

  /** A snapshot with W3C names. */
  stats(): IceAgentStats {
    const pairs = [...this.#checklist.pairs];
    for (const p of this.#checklist.pairs)
      if (p.validPair && !pairs.includes(p.validPair)) pairs.push(p.validPair);
    if (this.#selected && !pairs.includes(this.#selected)) pairs.push(this.#selected);
    return {
      state: this.#state,
      gatheringState: this.#gatheringState,
      role: this.#role,
      localCandidates: this.#locals.map((l) =>
        candidateStats(l.id, l.candidate, "local-candidate", this.#gen.local.ufrag),
      ),
      remoteCandidates: this.#remotes.map((r) =>
        candidateStats(r.id, r.candidate, "remote-candidate", this.#gen.remote?.ufrag),
      ),
      pairs: pairs.map((p) => pairStats(p, p === this.#selected)),
      selectedPairId: this.#selected?.id,
      dropped: this.#dropped,
      malformed: this.#malformed,
      unauthenticated: this.#unauthenticated,
      roleConflicts: this.#roleConflicts,
      ignoredCandidates: this.#ignoredCandidates,
    };
  }

  // --- candidates -------------------------------------------------------------------------

  #newGeneration(local: IceCredentials): Generation {
    return {
      local,
      localKey: StunIntegrityKey.shortTerm(local.pwd, this.#config.crypto),
      remote: undefined,
      remoteKey: undefined,
    };
  }

  /** Makes `gen` current; the selected pair and its generation stay until a new selection. */
  #startGeneration(gen: Generation): void {
    if (this.#selected && !this.#oldGens.includes(this.#gen)) this.#oldGens.push(this.#gen);
    this.#gen = gen;
    this.#txs.removeWhere((tx) => tx.pair !== this.#selected);
    this.#checklist = new CheckList(this.#config.maxPairs);
    this.#remotes = [];
    this.#nominating = undefined;
    this.#remoteEndOfCandidates = false;
    this.#failed = false;
    if (this.#consentLost) {
      this.#consentLost = false;
      this.#selected = undefined;
    }
    this.#timers.clear("pace");
    this.#timers.clear("nominate");
    this.#log.debug("new ICE generation", { ufrag: gen.local.ufrag });
  }

  #addLocal(
    now: Millis,
    candidate: IceCandidate,
    base: SocketAddress,
    relay: IceRelayClient | undefined,
    announce: boolean,
  ): LocalCandidate {
    const local: LocalCandidate = {
      id: `L${this.#nextId++}`,
      candidate,
      base,
      relay,
      announced: announce,
    };
    this.#locals.push(local);
    if (announce) this.#events.push({ type: "candidate", candidate: this.#withUfrag(candidate) });
    if (announce && candidate.type !== "srflx" && this.#gen.remote) {
      for (const r of this.#remotes) this.#pair(now, local, r);
    }
    return local;
  }

  #withUfrag(c: IceCandidate): IceCandidate {
    return { ...c, usernameFragment: this.#gen.local.ufrag };
  }

  #addRemote(now: Millis, candidate: IceCandidate): void {
    if (candidate.component !== 1 || this.#remotes.length >= MAX_REMOTE_CANDIDATES) {
      this.#ignoredCandidates++;
      return;
    }
    const mdnsName = isMdnsName(candidate.address);
    if (mdnsName && !this.#mdns) {
      this.#ignoredCandidates++;
      return;
    }
    const known = this.#remotes.find(
      (r) => r.candidate.address === candidate.address && r.candidate.port === candidate.port,
    );
    if (known) {
      if (known.candidate.type === "prflx") {
        // RFC 8838 §11.4: a signalled candidate replaces a peer-reflexive one with its address.
        (known as { candidate: IceCandidate }).candidate = candidate;
      }
      return;
    }
    const remote: RemoteCandidate = {
      id: `R${this.#nextId++}`,
      candidate,
      resolved: mdnsName ? undefined : { address: candidate.address, port: candidate.port },
    };
    this.#remotes.push(remote);
    if (mdnsName) {
      const ip = this.#mdns!.lookup(candidate.address);
      if (ip) remote.resolved = { address: ip, port: candidate.port };
      else this.#mdns!.resolve(now, candidate.address);
    }
    if (remote.resolved) this.#pairRemote(now, remote);
  }

  #pairRemote(now: Millis, remote: RemoteCandidate): void {
    for (const l of this.#locals)
      if (l.announced && l.candidate.type !== "srflx") this.#pair(now, l, remote);
  }

  /** Forms and lists the pair of `local` and `remote` when they can talk (RFC 8445 §6.1.2.2). */
  #pair(now: Millis, local: LocalCandidate, remote: RemoteCandidate): CandidatePair | undefined {
    if (this.lite || !remote.resolved) return undefined;
    if (ipFamily(local.base.address) !== ipFamily(remote.resolved.address)) return undefined;
    if (this.#config.transportPolicy === "relay" && !local.relay) return undefined;
    const existing = this.#checklist.find(local.id, remote.id);
    if (existing) return existing;
    const pair = this.#newPair(local, remote);
    const kept = this.#checklist.add(pair);
    if (kept === pair && local.relay) this.#permit(now, pair);
    return kept;
  }

  #permit(now: Millis, pair: CandidatePair): void {
    if (pair.permitted || !pair.local.relay) return;
    pair.permitted = true;
    pair.local.relay.permit(now, pair.remoteAddress);
  }

  /** The local candidate a datagram arrived on: the host candidate whose base is `to`. */
  #arrivalCandidate(dgram: Datagram): LocalCandidate | undefined {
    const to = dgram.to;
    let fallback: LocalCandidate | undefined;
    const fam = ipFamily(dgram.from.address);
    for (const l of this.#locals) {
      if (l.candidate.type !== "host") continue;
      if (to && sameSocketAddress(l.base, { address: normalizeIp(to.address), port: to.port }))
        return l;
      if (!to && fallback === undefined && ipFamily(l.base.address) === fam) fallback = l;
    }
    return fallback;
  }

  #sendFrom(now: Millis, local: LocalCandidate, to: SocketAddress, data: Uint8Array): void {
    if (local.relay) {
      local.relay.sendToPeer(now, to, data);
      this.#drainChildren(now);
    } else this.#transmits.push({ from: local.base, to, data });
  }

  // --- STUN in ----------------------------------------------------------------------------

  #handleStun(now: Millis, data: Uint8Array, from: SocketAddress, local: LocalCandidate): void {
    let msg: DecodedStunMessage;
    try {
      msg = decodeStunMessage(data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#malformed++;
      return;
    }
    // RFC 8445 §7.2.2 / §7.3: checks and their responses carry FINGERPRINT.
    if (msg.method !== StunMethod.Binding || !verifyFingerprint(msg)) {
      if (msg.method === StunMethod.Binding && msg.class === "indication") return;
      this.#dropped++;
      return;
    }
    try {
      if (msg.class === "request") this.#onRequest(now, msg, from, local);
      else if (msg.class === "success" || msg.class === "error")
        this.#onResponse(now, msg, from, local);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#malformed++;
    }
  }

  /** RFC 8445 §7.3: answering a connectivity check. */
  #onRequest(
    now: Millis,
    msg: DecodedStunMessage,
    from: SocketAddress,
    local: LocalCandidate,
  ): void {
    const check = readCheck(msg);
    const tid = msg.transactionId;
    const colon = check.username?.indexOf(":") ?? -1;
    if (check.username === undefined || colon < 1 || check.priority === undefined) {
      // RFC 8445 §7.3: a request without USERNAME/PRIORITY/MESSAGE-INTEGRITY gets a 400.
      this.#unauthenticated++;
      this.#respond(now, local, from, encodeCheckError(tid, 400, "Bad Request"));
      return;
    }
    const ourUfrag = check.username.slice(0, colon);
    const theirUfrag = check.username.slice(colon + 1);
    const gen = [this.#gen, ...this.#oldGens].find(
      (g) =>
        g.local.ufrag === ourUfrag &&
        (g.remote === undefined || g.remote.ufrag === theirUfrag || g === this.#gen),
    );
    if (!gen || !verifyMessageIntegrity(msg, gen.localKey)) {
      this.#unauthenticated++;
      this.#respond(now, local, from, encodeCheckError(tid, 401, "Unauthenticated"));
      return;
    }
    if (this.#config.transportPolicy === "relay" && !local.relay) {
      this.#dropped++;
      return;
    }
    // RFC 8445 §7.3.1.1: role conflict.
    if (!this.lite && gen === this.#gen) {
      if (this.#role === "controlling" && check.controlling !== undefined) {
        this.#roleConflicts++;
        if (this.#tieBreaker >= check.controlling) {
          this.#respond(
            now,
            local,
            from,
            encodeCheckError(tid, ROLE_CONFLICT, "Role Conflict", gen.localKey),
          );
          return;
        }
        this.#setRole("controlled");
      } else if (this.#role === "controlled" && check.controlled !== undefined) {
        this.#roleConflicts++;
        if (this.#tieBreaker >= check.controlled) this.#setRole("controlling");
        else {
          this.#respond(
            now,
            local,
            from,
            encodeCheckError(tid, ROLE_CONFLICT, "Role Conflict", gen.localKey),
          );
          return;
        }
      }
    }
    this.#respond(now, local, from, encodeCheckSuccess(tid, from, gen.localKey));
    const useCandidate = check.useCandidate && this.#role === "controlled";
    if (gen !== this.#gen) {
      // A consent check of the previous generation on the pair still carrying data.
      const old = this.#selected;
      if (old && sameSocketAddress(old.remoteAddress, from) && old.local === local) {
        old.requestsReceived++;
        old.responsesSent++;
        if (this.lite) this.#lastConsentAt = now;
      }
      return;
    }
    if (gen.remote === undefined || gen.remote.ufrag !== theirUfrag) {
      if (this.#early.length < MAX_EARLY_CHECKS)
        this.#early.push({
          remoteUfrag: theirUfrag,
          local,
          from,
          priority: check.priority,
          useCandidate,
        });
      return;
    }
    this.#onRequestPair(now, local, from, check.priority, useCandidate);
  }

  /** RFC 8445 §7.3.1.3-§7.3.1.5: the remote candidate, the triggered check and nomination. */
  #onRequestPair(
    now: Millis,
    local: LocalCandidate,
    from: SocketAddress,
    priority: number,
    useCandidate: boolean,
  ): void {
    let remote = this.#remotes.find((r) => r.resolved && sameSocketAddress(r.resolved, from));
    if (!remote) {
      if (this.#remotes.length >= MAX_REMOTE_CANDIDATES) return;
      // RFC 8445 §7.3.1.3: a peer-reflexive remote candidate, priority from PRIORITY.
      remote = {
        id: `R${this.#nextId++}`,
        candidate: {
          foundation: `p${this.#nextId}`,
          component: 1,
          transport: "udp",
          priority,
          address: from.address,
          port: from.port,
          type: "prflx",
        },
        resolved: { address: from.address, port: from.port },
      };
      this.#remotes.push(remote);
    }
    if (this.lite) {
      // RFC 8445 §7.3.2 (lite): the pair of a nominated check is selected; no checks are sent.
      let pair = this.#checklist.find(local.id, remote.id);
      if (!pair) {
        pair = this.#newPair(local, remote);
        this.#checklist.add(pair);
      }
      pair.requestsReceived++;
      pair.responsesSent++;
      pair.lastRequestReceivedTimestamp = now;
      pair.state = "succeeded";
      pair.valid = true;
      if (pair === this.#selected) this.#lastConsentAt = now;
      if (useCandidate) {
        pair.nominated = true;
        this.#selectNominated(now);
      }
      return;
    }
    const pair = this.#pair(now, local, remote);
    if (!pair) return;
    pair.requestsReceived++;
    pair.responsesSent++;
    pair.lastRequestReceivedTimestamp = now;
    // RFC 8445 §7.3.1.4: triggered checks.
    if (pair.state === "succeeded") {
      if (useCandidate) {
        const v = pair.validPair ?? pair;
        v.nominated = true;
        this.#selectNominated(now);
      }
      return;
    }
    if (useCandidate) pair.nominateOnSuccess = true;
    if (pair.state === "in-progress") return;
    pair.state = "waiting";
    this.#checklist.trigger(pair);
  }

  /** RFC 8445 §7.2.5: processing the response to a check. */
  #onResponse(
    now: Millis,
    msg: DecodedStunMessage,
    from: SocketAddress,
    local: LocalCandidate,
  ): void {
    const key = transactionKey(msg.transactionId);
    const tx = this.#txs.get(key);
    if (!tx) {
      this.#dropped++;
      return;
    }
    // RFC 8445 §7.2.5.2.1 needs an authenticated response before anything else.
    if (!verifyMessageIntegrity(msg, tx.remoteKey)) {
      this.#unauthenticated++;
      return;
    }
    this.#txs.remove(key);
    const pair = tx.pair;
    pair.responsesReceived++;
    pair.lastResponseReceivedTimestamp = now;
    // RFC 8445 §7.2.5.2.1: non-symmetric transport addresses make the check fail.
    if (
      !sameSocketAddress(from, pair.remoteAddress) ||
      !sameSocketAddress(local.base, pair.local.base) ||
      local.relay !== pair.local.relay
    ) {
      if (!tx.consent) this.#pairFailed(now, pair);
      return;
    }
    if (msg.class === "error") {
      const err = getAttribute(msg, ErrorCode);
      if (err?.code === ROLE_CONFLICT && !tx.consent) {
        // RFC 8445 §7.2.5.1: switch role if we still have the role the request carried.
        if (tx.role === this.#role)
          this.#setRole(tx.role === "controlling" ? "controlled" : "controlling");
        pair.state = "waiting";
        this.#checklist.trigger(pair);
        return;
      }
      if (!tx.consent) this.#pairFailed(now, pair);
      return;
    }
    const mapped = getAttribute(msg, XorMappedAddress);
    if (!mapped) {
      if (!tx.consent) this.#pairFailed(now, pair);
      return;
    }
    const rtt = now - tx.startedAt;
    if (tx.sent === 1) pair.addRtt(rtt);
    if (tx.consent || pair === this.#selected) {
      if (pair === this.#selected) this.#lastConsentAt = now;
      if (tx.consent) return;
    }
    this.#checkSucceeded(now, tx, pair, mapped);
  }

  /** RFC 8445 §7.2.5.3: a successful check makes a valid pair. */
  #checkSucceeded(
    now: Millis,
    tx: CheckTransaction,
    pair: CandidatePair,
    mapped: SocketAddress,
  ): void {
    const m = { address: normalizeIp(mapped.address), port: mapped.port };
    const base = pair.local.base;
    // The local candidate whose transport address is the mapped address, on the same base.
    let validLocal = this.#locals.find(
      (l) =>
        l.relay === pair.local.relay &&
        sameSocketAddress(l.base, base) &&
        (sameSocketAddress(l.base, m) ||
          (l.candidate.address === m.address && l.candidate.port === m.port)),
    );
    if (!validLocal) {
      // RFC 8445 §7.2.5.3.1: a local peer-reflexive candidate, with the PRIORITY we sent.
      const addr = m.address;
      validLocal = this.#addLocal(
        now,
        {
          foundation: candidateFoundation("prflx", pair.local.base.address),
          component: 1,
          transport: "udp",
          priority: tx.priority,
          address: addr,
          port: mapped.port,
          type: "prflx",
          relatedAddress: pair.local.base.address,
          relatedPort: pair.local.base.port,
        },
        pair.local.base,
        pair.local.relay,
        false,
      );
    }
    let valid = pair;
    if (validLocal !== pair.local) {
      valid =
        this.#checklist.find(validLocal.id, pair.remote.id) ??
        this.#newPair(validLocal, pair.remote);
      valid.state = "succeeded";
    }
    pair.state = "succeeded";
    pair.validPair = valid;
    if (!valid.valid) {
      valid.valid = true;
      valid.validAt = now;
    }
    this.#checklist.unfreezeFoundation(pair.foundation);
    if (tx.useCandidate || pair.nominateOnSuccess) {
      valid.nominated = true;
      pair.nominateOnSuccess = false;
      if (this.#nominating === pair) this.#nominating = undefined;
      this.#selectNominated(now);
    } else this.#maybeNominate(now);
  }

  #pairFailed(now: Millis, pair: CandidatePair): void {
    pair.state = "failed";
    if (this.#nominating === pair) {
      this.#nominating = undefined;
      pair.valid = false;
      this.#maybeNominate(now);
    }
  }

  // --- STUN out ---------------------------------------------------------------------------

  #respond(now: Millis, local: LocalCandidate, to: SocketAddress, data: Uint8Array): void {
    this.#sendFrom(now, local, to, data);
  }

  /** Ta: one check per tick (RFC 8445 §6.1.4.2). */
  #pace(now: Millis): void {
    if (this.lite || !this.#gen.remoteKey) return;
    const pair = this.#checklist.next();
    if (!pair) return;
    this.#startCheck(now, pair, false, false);
    this.#lastCheckAt = now;
    if (this.#checklist.hasWork()) this.#timers.set("pace", now + this.#config.taMs);
  }

  #startCheck(now: Millis, pair: CandidatePair, useCandidate: boolean, consent: boolean): void {
    const gen = this.#genOf(pair);
    if (!gen?.remote || !gen.remoteKey) return;
    this.#txs.removeWhere((tx) => tx.pair === pair && tx.consent === consent);
    const transactionId = this.#rng.fill(new Uint8Array(12));
    const lp = Math.floor(pair.local.candidate.priority / 0x100) & 0xffff;
    // RFC 8445 §7.1.1: PRIORITY is what a peer-reflexive candidate from this base would get.
    const priority = candidatePriority("prflx", lp, 1, TYPE_PREFERENCE.prflx);
    const request = encodeCheckRequest({
      transactionId,
      username: `${gen.remote.ufrag}:${gen.local.ufrag}`,
      priority,
      role: this.#role,
      tieBreaker: this.#tieBreaker,
      useCandidate,
      key: gen.remoteKey,
    });
    const key = transactionKey(transactionId);
    // RFC 8445 §14.3: RTO = MAX(500 ms, Ta × (Waiting + In-Progress pairs)).
    const rto = consent
      ? this.#config.checkRtoMs
      : Math.max(this.#config.checkRtoMs, this.#config.taMs * this.#checklist.activeCount());
    const tx: CheckTransaction = {
      key,
      pair,
      request,
      remoteKey: gen.remoteKey,
      role: this.#role,
      priority,
      useCandidate,
      consent,
      startedAt: now,
      rto: Math.min(rto, this.#config.checkMaxRtoMs),
      sent: 0,
    };
    this.#txs.add(tx);
    if (!consent && pair.state !== "succeeded") pair.state = "in-progress";
    if (pair.local.relay) this.#permit(now, pair);
    this.#transmitCheck(now, tx);
  }

  #transmitCheck(now: Millis, tx: CheckTransaction): void {
    tx.pair.requestsSent++;
    if (tx.consent) tx.pair.consentRequestsSent++;
    this.#sendFrom(now, tx.pair.local, tx.pair.remoteAddress, tx.request);
    this.#txs.transmitted(now, tx);
  }

  #genOf(pair: CandidatePair): Generation {
    return this.#pairGen.get(pair) ?? this.#gen;
  }

  #isCurrent(pair: CandidatePair): boolean {
    return this.#genOf(pair) === this.#gen;
  }

  #newPair(local: LocalCandidate, remote: RemoteCandidate): CandidatePair {
    const pair = new CandidatePair(local, remote);
    pair.updatePriority(this.#role === "controlling");
    this.#pairGen.set(pair, this.#gen);
    return pair;
  }

  // --- nomination and selection -----------------------------------------------------------

  /** RFC 8445 §8.1.1: regular nomination by the controlling agent. */
  #maybeNominate(now: Millis): void {
    if (this.#role !== "controlling" || this.lite || this.#nominating) return;
    if (this.#selected && this.#isCurrent(this.#selected)) return;
    let best: CandidatePair | undefined;
    for (const p of this.#validPairs()) if (!best || p.priority > best.priority) best = p;
    if (!best) return;
    const higherPending = this.#checklist.pairs.some(
      (p) =>
        p.priority > best.priority &&
        (p.state === "waiting" || p.state === "in-progress" || p.state === "frozen"),
    );
    const worse = (t: IceCandidateType) => this.#config.nominationDelayMs[t];
    const delay = Math.max(worse(best.local.candidate.type), worse(best.remote.candidate.type));
    const at = (best.validAt ?? now) + delay;
    if (higherPending && now < at) {
      this.#timers.set("nominate", at);
      return;
    }
    this.#timers.clear("nominate");
    this.#nominating = best;
    this.#startCheck(now, best, true, false);
  }

  #validPairs(): CandidatePair[] {
    const out: CandidatePair[] = [];
    for (const p of this.#checklist.pairs) {
      if (p.valid && p.state === "succeeded" && !out.includes(p)) out.push(p);
      const v = p.validPair;
      if (v?.valid && v.state === "succeeded" && !out.includes(v)) out.push(v);
    }
    return out;
  }

  /** Selects the highest-priority nominated valid pair (RFC 8445 §8.1.1, §8.2). */
  #selectNominated(now: Millis): void {
    let best: CandidatePair | undefined;
    for (const p of this.#validPairs())
      if (p.nominated && (!best || p.priority > best.priority)) best = p;
    if (!best || best === this.#selected) return;
    if (
      this.#selected &&
      this.#isCurrent(this.#selected) &&
      this.#selected.priority >= best.priority
    )
      return;
    this.#selected = best;
    this.#oldGens = [];
    this.#lastConsentAt = now;
    this.#lastSentOnSelected = now;
    this.#log.debug("selected pair", {
      local: best.local.candidate.type,
      remote: best.remote.candidate.type,
    });
    this.#events.push({
      type: "selected-pair",
      local: best.local.candidate,
      remote: best.remote.candidate,
      from: best.local.base,
      to: best.remoteAddress,
      relayed: best.local.relay !== undefined,
    });
    // RFC 8445 §8.1.2: once nominated, stop checking lower-priority pairs.
    for (const p of [...this.#checklist.pairs]) {
      if (p.state === "waiting" || p.state === "frozen") this.#checklist.remove(p);
    }
    const stopped = this.#txs.removeWhere(
      (tx) => !tx.consent && tx.pair.priority < best.priority && tx.pair !== best,
    );
    for (const tx of stopped) tx.pair.state = "failed";
    if (!this.lite) this.#timers.set("consent", now + this.#consentInterval());
    else this.#timers.set("keepalive", now + this.#config.keepaliveIntervalMs);
  }

  // --- consent freshness and keepalives ---------------------------------------------------

  #consentInterval(): number {
    const j = this.#config.consentJitter;
    return this.#config.consentIntervalMs * (1 - j + 2 * j * this.#rng.next());
  }

  /** RFC 7675 §5.1: a consent check on the selected pair; consent expires after 30 s. */
  #consentTick(now: Millis): void {
    const p = this.#selected;
    if (!p || this.#consentLost) return;
    this.#startCheck(now, p, false, true);
    this.#timers.set("consent", now + this.#consentInterval());
  }

  /** RFC 7675 §5.1: no consent response for 30 s ends the session (and W3C `failed`). */
  #liveness(now: Millis): void {
    if (
      this.#selected &&
      !this.#consentLost &&
      now - this.#lastConsentAt >= this.#config.consentTimeoutMs
    )
      this.#loseConsent();
  }

  /** Lite agents send no checks: Binding indications keep NAT bindings (RFC 8445 §11). */
  #keepalive(now: Millis): void {
    const p = this.#selected;
    if (!p || this.#consentLost) return;
    if (now - this.#lastSentOnSelected >= this.#config.keepaliveIntervalMs) {
      const ind = encodeStunMessage(
        {
          method: StunMethod.Binding,
          class: "indication",
          transactionId: this.#rng.fill(new Uint8Array(12)),
          attributes: [],
        },
        { fingerprint: true },
      );
      this.#sendFrom(now, p.local, p.remoteAddress, ind);
      this.#lastSentOnSelected = now;
    }
    this.#timers.set("keepalive", this.#lastSentOnSelected + this.#config.keepaliveIntervalMs);
  }

  #loseConsent(): void {
    // RFC 7675 §5.1: "the endpoint MUST cease transmission on that 5-tuple".
    this.#consentLost = true;
    this.#timers.clear("consent");
    this.#timers.clear("keepalive");
    this.#timers.clear("liveness");
    this.#txs.clear();
    this.#log.info("consent lost");
  }

  // --- roles, states, children ------------------------------------------------------------

  #setRole(role: IceRole): void {
    if (this.#role === role) return;
    this.#role = role;
    for (const p of this.#checklist.pairs) {
      p.updatePriority(role === "controlling");
      p.validPair?.updatePriority(role === "controlling");
    }
    this.#checklist.resort();
    this.#events.push({ type: "role", role });
  }

  #setGathering(state: IceGatheringState): void {
    if (this.#gatheringState === state) return;
    this.#gatheringState = state;
    this.#events.push({ type: "gathering-state", state });
  }

  #setState(state: IceConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#events.push({ type: "connection-state", state });
  }

  #checkOpen(): void {
    if (this.#closed) throw new TypeError("the ICE agent is closed");
  }

  /** After every input: children's output, pacing, nomination, the W3C states. */
  #after(now: Millis): void {
    this.#drainChildren(now);
    if (this.#closed) return;
    if (!this.lite && this.#gen.remoteKey) {
      this.#checklist.unfreezeInitial();
      if (this.#checklist.hasWork() && !this.#timers.isArmed("pace")) {
        const at = this.#lastCheckAt === undefined ? now : this.#lastCheckAt + this.#config.taMs;
        if (at <= now) this.#pace(now);
        else this.#timers.set("pace", at);
      }
    }
    if (
      this.#gatheringState === "gathering" &&
      this.#gatherer.idle &&
      this.#relays.every((r) => r.done)
    )
      this.#setGathering("complete");
    this.#updateState(now);
  }

  #drainChildren(now: Millis): void {
    for (let t = this.#gatherer.pollTransmit(); t; t = this.#gatherer.pollTransmit())
      this.#transmits.push(t);
    for (let e = this.#gatherer.pollEvent(); e; e = this.#gatherer.pollEvent()) {
      if (e.type === "srflx") {
        const dup = this.#locals.some(
          (l) =>
            l.candidate.address === e.candidate.address && l.candidate.port === e.candidate.port,
        );
        if (!dup) this.#addLocal(now, e.candidate, e.base, undefined, true);
      } else
        this.#events.push({
          type: "candidate-error",
          url: e.url,
          errorCode: e.errorCode,
          errorText: e.errorText,
        });
    }
    for (const r of this.#relays) {
      const c = r.client;
      for (let t = c.pollTransmit(); t; t = c.pollTransmit()) this.#transmits.push(t);
      for (let e = c.pollEvent(); e; e = c.pollEvent()) {
        if (e.type === "allocated" && !r.local) {
          r.done = true;
          const fam = ipFamily(e.relayed.address) ?? 4;
          const relayed = { address: normalizeIp(e.relayed.address), port: e.relayed.port };
          r.local = this.#addLocal(
            now,
            {
              foundation: candidateFoundation("relay", relayed.address, c.server.address),
              component: 1,
              transport: "udp",
              priority: candidatePriority("relay", localPreference(fam, 0, c.protocol)),
              address: relayed.address,
              port: relayed.port,
              type: "relay",
              ...(e.mapped
                ? { relatedAddress: normalizeIp(e.mapped.address), relatedPort: e.mapped.port }
                : {}),
              url: c.url,
              relayProtocol: c.protocol,
            },
            relayed,
            c,
            true,
          );
        } else if (e.type === "data" && r.local) {
          if (isStunMessage(e.data)) this.#handleStun(now, e.data, e.peer, r.local);
          else this.#events.push({ type: "data", from: e.peer, data: e.data });
        } else if (e.type === "failed") {
          r.done = true;
          this.#events.push({
            type: "candidate-error",
            url: c.url,
            errorCode: e.code ?? 701,
            errorText: e.reason,
          });
        }
      }
    }
    const m = this.#mdns;
    if (m) {
      for (let t = m.pollTransmit(); t; t = m.pollTransmit()) this.#transmits.push(t);
      for (let e = m.pollEvent(); e; e = m.pollEvent()) {
        for (const r of [...this.#remotes]) {
          if (r.resolved || r.candidate.address !== e.name) continue;
          if (e.type !== "resolved") continue;
          const fam = ipFamily(r.candidate.relatedAddress ?? "");
          const ip =
            e.addresses.find((a) => fam === undefined || ipFamily(a) === fam) ?? e.addresses[0]!;
          r.resolved = { address: normalizeIp(ip), port: r.candidate.port };
          const prflx = this.#remotes.find(
            (x) =>
              x !== r &&
              x.candidate.type === "prflx" &&
              x.resolved &&
              sameSocketAddress(x.resolved, r.resolved!),
          );
          if (prflx) {
            // RFC 8838 §11.4: the signalled candidate takes over the peer-reflexive one.
            (prflx as { candidate: IceCandidate }).candidate = r.candidate;
            this.#remotes.splice(this.#remotes.indexOf(r), 1);
          } else this.#pairRemote(now, r);
        }
      }
    }
  }

  /** W3C `RTCIceTransportState` from the agent's facts. */
  #updateState(now: Millis): void {
    this.#setState(this.#computeState(now));
  }

  #computeState(now: Millis): IceConnectionState {
    if (this.#consentLost) return "failed";
    const sel = this.#selected;
    if (sel) {
      const disconnectAt = this.#lastConsentAt + this.#config.disconnectedTimeoutMs;
      if (now >= disconnectAt) {
        this.#timers.set("liveness", this.#lastConsentAt + this.#config.consentTimeoutMs);
        return "disconnected";
      }
      this.#timers.set("liveness", disconnectAt);
      const done =
        this.#isCurrent(sel) &&
        this.#gatheringState === "complete" &&
        (this.lite || (this.#remoteEndOfCandidates && !this.#checklist.isRunning()));
      return done ? "completed" : "connected";
    }
    if (this.#failed) return "failed";
    if (
      !this.lite &&
      this.#gen.remote &&
      this.#remoteEndOfCandidates &&
      this.#gatheringState === "complete" &&
      !this.#checklist.isRunning() &&
      this.#validPairs().length === 0 &&
      !this.#nominating &&
      this.#remotes.every((r) => r.resolved || this.#mdns?.isPending(r.candidate.address) !== true)
    ) {
      this.#failed = true;
      return "failed";
    }
    const checking = this.#gen.remote && (this.#remotes.length > 0 || this.#checklist.size > 0);
    return checking ? "checking" : "new";
  }
}
