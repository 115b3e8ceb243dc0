/**
 * The ICE agent (RFC 8445) as a sans-IO machine, with trickle (RFC 8838), consent freshness
 * (RFC 7675), ICE restart, ICE-lite on either side, relayed candidates from an
 * {@link IceRelayClient} and mDNS host candidates (RFC 8828). One component (RTP and RTCP muxed).
 *
 * The caller hands it the STUN datagrams of its sockets (and datagrams from relay servers and
 * mDNS), drains `pollTransmit()`/`pollEvent()`, arms one timer at `pollTimeout()`, and sends
 * application data with {@link IceAgent.send} over the selected pair.
 *
 * This class is the coordinator: the state lives in an {@link AgentContext}, the protocol in
 * the modules of `./agent/` (candidates, checks, requests, responses, nomination, consent,
 * generations, states); every input ends with {@link IceAgent} running what follows from it.
 */
import { type Millis, type SocketAddress, sameSocketAddress } from "@purertc/common";
import { isStunMessage } from "@purertc/stun";
import { addHost, arrivalCandidate } from "./agent/candidates.js";
import { pace, schedulePacing, transmitCheck } from "./agent/checks.js";
import { drainChildren } from "./agent/children.js";
import { checkLiveness, consentTick, keepalive } from "./agent/consent.js";
import { AgentContext } from "./agent/context.js";
import { handleStun } from "./agent/inbound.js";
import { maybeNominate, pairFailed } from "./agent/nomination.js";
import { restart, routeRemoteCandidate, setRemoteCredentials } from "./agent/signalling.js";
import { agentStats, describeAgent } from "./agent/snapshot.js";
import { checkingTimedOut, updateConnectionState, updateGatheringState } from "./agent/states.js";
import type { IceAgentConfig } from "./agent-config.js";
import type { IceAgentEvent, IceConnectionState, IceGatheringState } from "./agent-events.js";
import type { IceCandidate } from "./candidate.js";
import type { IceRole } from "./check-messages.js";
import type { IceCredentials } from "./credentials.js";
import type { IceDatagram, IceRelayClient, IceTransmit } from "./relay.js";
import type { IceAgentStats } from "./stats.js";

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

/** The sans-IO ICE agent. */
export class IceAgent {
  readonly #a: AgentContext;

  constructor(config: Partial<IceAgentConfig> = {}) {
    this.#a = new AgentContext(config, drainChildren);
  }

  // --- state -----------------------------------------------------------------------------

  get localCredentials(): IceCredentials {
    return this.#a.gen.local;
  }

  get remoteCredentials(): IceCredentials | undefined {
    return this.#a.gen.remote;
  }

  get role(): IceRole {
    return this.#a.role;
  }

  get lite(): boolean {
    return this.#a.lite;
  }

  get tieBreaker(): bigint {
    return this.#a.tieBreaker;
  }

  get state(): IceConnectionState {
    return this.#a.state;
  }

  get gatheringState(): IceGatheringState {
    return this.#a.gatheringState;
  }

  /** The signalled local candidates of the current generation. */
  get localCandidates(): readonly IceCandidate[] {
    return this.#a.locals.filter((l) => l.announced).map((l) => this.#a.withUfrag(l.candidate));
  }

  /** The selected pair, if any: the local and remote candidates data goes over. */
  get selectedPair(): { readonly local: IceCandidate; readonly remote: IceCandidate } | undefined {
    const p = this.#a.selected;
    return p && { local: p.local.candidate, remote: p.remote.candidate };
  }

  /** A one-line summary for test traces. */
  describe(): string {
    return describeAgent(this.#a);
  }

  // --- configuration by signalling --------------------------------------------------------

  /**
   * Sets the remote ufrag/pwd (`a=ice-ufrag`, `a=ice-pwd`) and whether the peer is lite
   * (`a=ice-lite`), and whether it supports renomination (`a=ice-options:renomination`). A new
   * ufrag after a restart starts a new generation; the old selected pair keeps carrying data
   * until a new one is selected.
   */
  setRemoteCredentials(
    now: Millis,
    credentials: IceCredentials,
    options: { lite?: boolean; renomination?: boolean } = {},
  ): void {
    const a = this.#a;
    a.checkOpen();
    const lite = options.lite === true;
    if (setRemoteCredentials(a, now, credentials, lite, options.renomination === true))
      this.#after(now);
  }

  /**
   * Adds a remote candidate (trickled or from the SDP). Unusable candidates (other transports,
   * wrong generation, `.local` names with mDNS disabled) are ignored and counted.
   */
  addRemoteCandidate(now: Millis, candidate: IceCandidate): void {
    this.#a.checkOpen();
    if (routeRemoteCandidate(this.#a, now, candidate)) this.#after(now);
  }

  /** RFC 8838 §8.2: the peer has no more candidates for this generation. */
  addRemoteEndOfCandidates(now: Millis): void {
    this.#a.checkOpen();
    this.#a.remoteEndOfCandidates = true;
    this.#after(now);
  }

  // --- gathering --------------------------------------------------------------------------

  /**
   * Adds a host candidate for one of the caller's sockets (its base, RFC 8445 §5.1.1.1) and
   * signals it. Call before or after {@link gather}; each is announced once.
   */
  addHostCandidate(now: Millis, options: HostCandidateOptions): IceCandidate {
    this.#a.checkOpen();
    const { local, added } = addHost(this.#a, now, options);
    if (added) this.#after(now);
    return local.candidate;
  }

  /**
   * Adds a relay source (a TURN client) whose allocation becomes a relayed candidate. Started at
   * once when gathering has begun, else by {@link gather}.
   */
  addRelay(now: Millis, client: IceRelayClient): void {
    const a = this.#a;
    a.checkOpen();
    a.relays.push({ client, local: undefined, done: false });
    if (a.gatheringStarted) client.start(now);
    if (a.gatheringState === "complete") a.setGathering("gathering");
    this.#after(now);
  }

  /**
   * Starts gathering: server-reflexive candidates from every host candidate to each STUN server
   * of the same family, and the relay allocations. Gathering completes when all have answered,
   * failed or timed out (W3C `gatheringstatechange` → `complete`).
   */
  gather(now: Millis): void {
    const a = this.#a;
    a.checkOpen();
    if (a.gatheringStarted) return;
    a.gatheringStarted = true;
    a.setGathering("gathering");
    if (!a.lite && a.config.transportPolicy === "all") {
      for (const l of a.locals) if (l.candidate.type === "host") a.gatherer.query(now, l);
    }
    for (const r of a.relays) r.client.start(now);
    this.#after(now);
  }

  /**
   * ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1): new local credentials (random unless
   * given). Local candidates are announced again with the new ufrag. The current selected pair
   * keeps carrying data (and answering with the old credentials) until a new pair is selected.
   */
  restart(now: Millis, credentials?: IceCredentials): IceCredentials {
    this.#a.checkOpen();
    const creds = restart(this.#a, credentials);
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
    const a = this.#a;
    const p = a.selected;
    if (!p || a.consentLost || a.closed) return false;
    p.packetsSent++;
    p.bytesSent += data.byteLength;
    p.lastPacketSentTimestamp = now;
    a.lastSentOnSelected = now;
    a.sendFrom(now, p.local, p.remoteAddress, data);
    return true;
  }

  /** Counts application data the caller received from `from` on the selected pair (stats). */
  noteReceived(now: Millis, from: SocketAddress, bytes: number): void {
    const p = this.#a.selected;
    if (p && sameSocketAddress(p.remoteAddress, from)) {
      p.packetsReceived++;
      p.bytesReceived += bytes;
      p.lastPacketReceivedTimestamp = now;
    }
  }

  /** Stops everything, releases relays; the state becomes `closed`. */
  close(now: Millis): void {
    const a = this.#a;
    if (a.closed) return;
    a.closed = true;
    for (const r of a.relays) r.client.close(now);
    drainChildren(a, now);
    a.timers.clearAll();
    a.txs.clear();
    a.setState("closed");
  }

  // --- Endpoint ---------------------------------------------------------------------------

  /**
   * Feeds a datagram: a STUN message for this agent, anything from a relay server, or an mDNS
   * answer. `to` should be the local socket address it arrived on. A frame read from a relay's
   * TCP/TLS connection carries that relay in `relay`. Never throws on remote input.
   */
  handleDatagram(now: Millis, dgram: IceDatagram): void {
    const a = this.#a;
    if (a.closed) return;
    if (dgram.relay) {
      const r = a.relays.find((x) => x.client === dgram.relay);
      if (r?.client.handleDatagram(now, dgram)) this.#after(now);
      else a.dropped++;
      return;
    }
    for (const r of a.relays) {
      if (
        r.client.protocol === "udp" &&
        sameSocketAddress(r.client.server, dgram.from) &&
        r.client.handleDatagram(now, dgram)
      ) {
        this.#after(now);
        return;
      }
    }
    if (a.mdns && (dgram.from.port === 5353 || dgram.to?.port === 5353)) {
      a.mdns.handleDatagram(now, dgram);
      this.#after(now);
      return;
    }
    if (!isStunMessage(dgram.data)) {
      a.dropped++;
      return;
    }
    if (a.gatherer.handleDatagram(now, dgram)) {
      this.#after(now);
      return;
    }
    const local = arrivalCandidate(a, dgram);
    if (!local) {
      a.dropped++;
      return;
    }
    handleStun(a, now, dgram.data, dgram.from, local);
    this.#after(now);
  }

  /**
   * The TCP/TLS connection of a relay client closed, or could not be opened: its allocation is
   * gone (RFC 8656 §3.1); the relayed candidate fails (`candidate-error`) unless it was closing.
   */
  handleRelayClosed(now: Millis, relay: IceRelayClient): void {
    const a = this.#a;
    if (a.closed || !a.relays.some((r) => r.client === relay)) return;
    relay.handleTransportClosed?.(now);
    this.#after(now);
  }

  handleTimeout(now: Millis): void {
    const a = this.#a;
    if (a.closed) return;
    for (const t of a.timers.expire(now)) {
      if (t === "pace") pace(a, now);
      else if (t === "nominate") maybeNominate(a, now);
      else if (t === "consent") consentTick(a, now);
      else if (t === "keepalive") keepalive(a, now);
      else if (t === "liveness") checkLiveness(a, now);
      else checkingTimedOut(a);
    }
    a.txs.expire(
      now,
      (tx) => transmitCheck(a, now, tx),
      (tx) => {
        if (!tx.consent) pairFailed(a, now, tx.pair);
      },
    );
    const due = (d: Millis | undefined) => d !== undefined && d <= now;
    if (due(a.gatherer.pollTimeout())) a.gatherer.handleTimeout(now);
    for (const r of a.relays) if (due(r.client.pollTimeout())) r.client.handleTimeout(now);
    if (a.mdns && due(a.mdns.pollTimeout())) a.mdns.handleTimeout(now);
    this.#after(now);
  }

  /** The next datagram to send; `relay` set means: write it on that relay's connection. */
  pollTransmit(): IceTransmit | undefined {
    return this.#a.transmits.shift();
  }

  pollEvent(): IceAgentEvent | undefined {
    return this.#a.events.shift();
  }

  pollTimeout(): Millis | undefined {
    const a = this.#a;
    if (a.closed) return undefined;
    let t = a.timers.next();
    const min = (d: Millis | undefined) => {
      if (d !== undefined && (t === undefined || d < t)) t = d;
    };
    min(a.txs.nextTimeout());
    min(a.gatherer.pollTimeout());
    for (const r of a.relays) min(r.client.pollTimeout());
    if (a.mdns) min(a.mdns.pollTimeout());
    return t;
  }

  /** A snapshot with W3C names. */
  stats(): IceAgentStats {
    return agentStats(this.#a);
  }

  /** After every input: children's output, pacing, nomination, the W3C states. */
  #after(now: Millis): void {
    const a = this.#a;
    drainChildren(a, now);
    if (a.closed) return;
    schedulePacing(a, now);
    updateGatheringState(a);
    updateConnectionState(a, now);
  }
}
