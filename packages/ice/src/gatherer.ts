/**
 * Server-reflexive gathering (RFC 8445 §5.1.1.2): a STUN Binding request from each host base to
 * each STUN server of the same family; the mapped address becomes a srflx candidate.
 */
import {
  type Datagram,
  Fifo,
  ipFamily,
  type Millis,
  normalizeIp,
  type SocketAddress,
  sameSocketAddress,
  TimerTable,
  type Transmit,
} from "@purertc/common";
import { StunBindingClient, transactionKey } from "@purertc/stun";
import type { IceAgentConfig, IceStunServer } from "./agent-config.js";
import { candidateFoundation, candidatePriority, type IceCandidate } from "./candidate.js";
import type { LocalCandidate } from "./candidate-pair.js";

/** What the gatherer reports. */
export type GathererEvent =
  | { readonly type: "srflx"; readonly candidate: IceCandidate; readonly base: SocketAddress }
  | {
      readonly type: "error";
      readonly url: string;
      readonly errorCode: number;
      readonly errorText: string;
    };

interface Query {
  readonly key: string;
  readonly transactionId: Uint8Array;
  readonly host: LocalCandidate;
  readonly server: IceStunServer;
}

/** The srflx gathering machine owned by the agent. */
export class Gatherer {
  readonly #config: IceAgentConfig;
  /** The STUN client, while queries are outstanding (most peers have no STUN server). */
  #client: StunBindingClient | undefined;
  readonly #queries = new Map<string, Query>();
  readonly #timers = new TimerTable<string>();
  readonly #events = new Fifo<GathererEvent>();

  constructor(config: IceAgentConfig) {
    this.#config = config;
  }

  #stunClient(): StunBindingClient {
    this.#client ??= new StunBindingClient({
      rng: this.#config.rng,
      logger: this.#config.logger,
      // Retransmit from 500 ms (RFC 8489 §6.2.1); the overall limit is stunTimeoutMs.
      transaction: { initialRtoMs: 500, requestCount: 7, adaptiveRto: false },
    });
    return this.#client;
  }

  /** No query outstanding. */
  get idle(): boolean {
    return this.#queries.size === 0;
  }

  /** Queries every STUN server of the host candidate's family. */
  query(now: Millis, host: LocalCandidate): void {
    const fam = ipFamily(host.base.address);
    for (const server of this.#config.stunServers) {
      if (ipFamily(server.address) !== fam) continue;
      const to = { address: normalizeIp(server.address), port: server.port };
      const transactionId = this.#stunClient().query(now, to, { from: host.base });
      const key = transactionKey(transactionId);
      this.#queries.set(key, { key, transactionId, host, server });
      this.#timers.set(key, now + this.#config.stunTimeoutMs);
    }
  }

  /** Offers a datagram; returns whether it answered one of our queries. */
  handleDatagram(now: Millis, dgram: Datagram): boolean {
    if (this.#queries.size === 0) return false;
    let fromServer = false;
    for (const q of this.#queries.values()) {
      if (
        sameSocketAddress(
          { address: normalizeIp(q.server.address), port: q.server.port },
          dgram.from,
        )
      )
        fromServer = true;
    }
    if (!fromServer || !this.#client) return false;
    const consumed = this.#client.handleDatagram(now, dgram);
    this.#drain();
    return consumed;
  }

  handleTimeout(now: Millis): void {
    for (const key of this.#timers.expire(now)) {
      const q = this.#queries.get(key);
      if (!q) continue;
      this.#queries.delete(key);
      this.#client?.cancel(q.transactionId);
      this.#error(q, 701, "STUN server did not answer");
    }
    this.#client?.handleTimeout(now);
    this.#drain();
  }

  pollTransmit(): Transmit | undefined {
    const c = this.#client;
    if (!c) return undefined;
    const t = c.pollTransmit();
    // Every query answered or given up: the client goes until the next gathering.
    if (t === undefined && this.#queries.size === 0 && c.pollTimeout() === undefined)
      this.#client = undefined;
    return t;
  }

  pollEvent(): GathererEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    const a = this.#timers.next();
    const b = this.#client?.pollTimeout();
    if (a === undefined) return b;
    return b === undefined || a < b ? a : b;
  }

  #drain(): void {
    const client = this.#client;
    if (!client) return;
    for (let e = client.pollEvent(); e; e = client.pollEvent()) {
      const key = transactionKey(e.transactionId);
      const q = this.#queries.get(key);
      if (!q) continue;
      this.#queries.delete(key);
      this.#timers.clear(key);
      if (e.type === "success") {
        const h = q.host.candidate;
        const lp = Math.floor(h.priority / 0x100) & 0xffff;
        const mapped = normalizeIp(e.mappedAddress.address);
        this.#events.push({
          type: "srflx",
          base: q.host.base,
          candidate: {
            foundation: candidateFoundation("srflx", q.host.base.address, q.server.address),
            component: 1,
            transport: "udp",
            priority: candidatePriority("srflx", lp),
            address: mapped,
            port: e.mappedAddress.port,
            type: "srflx",
            // RFC 8828 §5.1: an mDNS host hides its address, so raddr/rport are zeroed.
            relatedAddress: h.address.endsWith(".local")
              ? ipFamily(mapped) === 6
                ? "::"
                : "0.0.0.0"
              : q.host.base.address,
            relatedPort: h.address.endsWith(".local") ? 0 : q.host.base.port,
            url: q.server.url ?? `stun:${q.server.address}:${q.server.port}`,
          },
        });
      } else if (e.type === "error") this.#error(q, e.error.code, e.error.reason);
      else this.#error(q, 701, "STUN server did not answer");
    }
  }

  #error(q: Query, code: number, text: string): void {
    this.#events.push({
      type: "error",
      url: q.server.url ?? `stun:${q.server.address}:${q.server.port}`,
      errorCode: code,
      errorText: text,
    });
  }
}
