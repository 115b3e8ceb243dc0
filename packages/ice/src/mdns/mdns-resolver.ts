/**
 * A sans-IO multicast DNS core for ICE (RFC 6762, RFC 8828): resolves `.local` names of remote
 * host candidates with queries to 224.0.0.251:5353 (retransmitted 1 s, 2 s, ... apart, §5.2)
 * and answers queries for the names it publishes (§6), all as transmits and datagrams.
 */
import {
  type Datagram,
  DecodeError,
  Fifo,
  ipFamily,
  type Logger,
  type Millis,
  type Rng,
  silentLogger,
  TimerTable,
  type Transmit,
} from "@purertc/common";
import {
  addressRecord,
  DNS_CLASS_IN,
  DNS_FLAG_AUTHORITATIVE,
  DNS_FLAG_RESPONSE,
  type DnsMessage,
  type DnsRecord,
  DnsType,
  decodeDnsMessage,
  encodeDnsMessage,
  recordAddress,
} from "./dns-message.js";

/** RFC 6762 §3: the IPv4 mDNS group and port. */
export const MDNS_IPV4 = Object.freeze({ address: "224.0.0.251", port: 5353 });
/** RFC 6762 §3: the IPv6 link-local mDNS group. */
export const MDNS_IPV6 = Object.freeze({ address: "ff02::fb", port: 5353 });

export interface MdnsResolverConfig {
  /** Give up on a name after this long (reported as `"unresolved"`). */
  readonly queryTimeoutMs: number;
  /** RFC 6762 §5.2: "the interval between the first two queries MUST be at least one second". */
  readonly firstRetryMs: number;
  /** Query the IPv6 group too. */
  readonly ipv6: boolean;
  readonly rng: Rng | undefined;
  readonly logger: Logger;
}

export const DEFAULT_MDNS_RESOLVER_CONFIG: MdnsResolverConfig = Object.freeze({
  queryTimeoutMs: 10_000,
  firstRetryMs: 1000,
  ipv6: false,
  rng: undefined,
  logger: silentLogger,
});

export type MdnsEvent =
  | { readonly type: "resolved"; readonly name: string; readonly addresses: readonly string[] }
  | { readonly type: "unresolved"; readonly name: string };

interface Pending {
  readonly name: string;
  readonly deadline: Millis;
  interval: number;
}

/** Stats of {@link MdnsResolver}. */
export interface MdnsResolverStats {
  readonly queriesSent: number;
  readonly answersSent: number;
  readonly malformed: number;
}

/** The resolver and responder core. */
export class MdnsResolver {
  readonly #config: MdnsResolverConfig;
  readonly #pending = new Map<string, Pending>();
  readonly #cache = new Map<string, { addresses: string[]; expires: Millis }>();
  readonly #published = new Map<string, string>();
  readonly #timers = new TimerTable<string>();
  readonly #transmits = new Fifo<Transmit>();
  readonly #events = new Fifo<MdnsEvent>();
  #queriesSent = 0;
  #answersSent = 0;
  #malformed = 0;

  constructor(config: Partial<MdnsResolverConfig> = {}) {
    this.#config = Object.freeze({ ...DEFAULT_MDNS_RESOLVER_CONFIG, ...config });
    if (!(this.#config.queryTimeoutMs > 0)) throw new RangeError("queryTimeoutMs must be > 0");
    if (!(this.#config.firstRetryMs >= 1000))
      throw new RangeError("firstRetryMs must be >= 1000 (RFC 6762 §5.2)");
  }

  /** A cached, unexpired address for `name`. */
  lookup(name: string, now?: Millis): string | undefined {
    const c = this.#cache.get(name.toLowerCase());
    if (!c || (now !== undefined && c.expires <= now)) return undefined;
    return c.addresses[0];
  }

  /** Whether `name` is being queried. */
  isPending(name: string): boolean {
    return this.#pending.has(name.toLowerCase());
  }

  /** Starts resolving `name` (a no-op while a query for it runs). */
  resolve(now: Millis, name: string): void {
    const key = name.toLowerCase();
    if (this.#pending.has(key)) return;
    this.#pending.set(key, {
      name: key,
      deadline: now + this.#config.queryTimeoutMs,
      interval: this.#config.firstRetryMs,
    });
    this.#query(now, key);
  }

  /** Answers queries for `name` with `address` (RFC 8828 §5.1). */
  publish(name: string, address: string): void {
    if (ipFamily(address) === undefined) throw new TypeError(`not an IP address: ${address}`);
    this.#published.set(name.toLowerCase(), address);
  }

  unpublish(name: string): void {
    this.#published.delete(name.toLowerCase());
  }

  /** Consumes an mDNS datagram (a query we may answer, or a response we may use). */
  handleDatagram(now: Millis, dgram: Datagram): void {
    let msg: DnsMessage;
    try {
      msg = decodeDnsMessage(dgram.data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#malformed++;
      return;
    }
    if ((msg.flags & DNS_FLAG_RESPONSE) === 0) this.#answer(msg);
    else this.#learn(now, msg);
  }

  handleTimeout(now: Millis): void {
    for (const key of this.#timers.expire(now)) {
      const p = this.#pending.get(key);
      if (!p) continue;
      if (now >= p.deadline) {
        this.#pending.delete(key);
        this.#events.push({ type: "unresolved", name: p.name });
        continue;
      }
      // RFC 6762 §5.2: "the intervals between successive queries MUST increase by at least a factor of two".
      p.interval *= 2;
      this.#query(now, key);
    }
  }

  pollTransmit(): Transmit | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): MdnsEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#timers.next();
  }

  stats(): MdnsResolverStats {
    return {
      queriesSent: this.#queriesSent,
      answersSent: this.#answersSent,
      malformed: this.#malformed,
    };
  }

  #query(now: Millis, key: string): void {
    const p = this.#pending.get(key)!;
    // RFC 6762 §18.1: multicast queries use ID 0; one question for A and one for AAAA.
    const data = encodeDnsMessage({
      id: 0,
      flags: 0,
      questions: [
        { name: key, type: DnsType.A, class: DNS_CLASS_IN, unicastResponse: false },
        { name: key, type: DnsType.AAAA, class: DNS_CLASS_IN, unicastResponse: false },
      ],
      answers: [],
      authorities: [],
      additionals: [],
    });
    this.#transmits.push({ to: MDNS_IPV4, data });
    if (this.#config.ipv6) this.#transmits.push({ to: MDNS_IPV6, data });
    this.#queriesSent++;
    this.#timers.set(key, Math.min(now + p.interval, p.deadline));
  }

  /** RFC 6762 §6: answer questions for our names, multicast, authoritative, ID 0. */
  #answer(msg: DnsMessage): void {
    const answers: DnsRecord[] = [];
    for (const q of msg.questions) {
      const address = this.#published.get(q.name.toLowerCase());
      if (address === undefined || (q.class !== DNS_CLASS_IN && q.class !== 255)) continue;
      const fam = ipFamily(address);
      const wants =
        q.type === DnsType.ANY ||
        (q.type === DnsType.A && fam === 4) ||
        (q.type === DnsType.AAAA && fam === 6);
      if (wants && !answers.some((a) => a.name === q.name.toLowerCase()))
        answers.push(addressRecord(q.name.toLowerCase(), address));
    }
    if (answers.length === 0) return;
    const data = encodeDnsMessage({
      id: 0,
      flags: DNS_FLAG_RESPONSE | DNS_FLAG_AUTHORITATIVE,
      questions: [],
      answers,
      authorities: [],
      additionals: [],
    });
    this.#transmits.push({ to: MDNS_IPV4, data });
    this.#answersSent++;
  }

  #learn(now: Millis, msg: DnsMessage): void {
    const found = new Map<string, { addresses: string[]; ttl: number }>();
    for (const r of [...msg.answers, ...msg.additionals]) {
      const address = recordAddress(r);
      if (address === undefined || r.class !== DNS_CLASS_IN) continue;
      // Chromium announces `AAAA ::` for a name without an IPv6 address: no address at all.
      if (address === "::" || address === "0.0.0.0") continue;
      const key = r.name.toLowerCase();
      const f = found.get(key) ?? { addresses: [], ttl: r.ttl };
      if (!f.addresses.includes(address)) f.addresses.push(address);
      f.ttl = Math.min(f.ttl, r.ttl);
      found.set(key, f);
    }
    for (const [key, f] of found) {
      if (f.ttl === 0) {
        // RFC 6762 §10.1: a goodbye record.
        this.#cache.delete(key);
        continue;
      }
      // RFC 6762 §10.2: a record set replaces the cached records of its own type (family) only.
      const old = this.#cache.get(key);
      const families = new Set(f.addresses.map(ipFamily));
      const kept =
        old && old.expires > now ? old.addresses.filter((a) => !families.has(ipFamily(a))) : [];
      // IPv4 first: what lookup() returns when the name has both.
      const addresses = [...f.addresses, ...kept].sort(
        (a, b) => Number(ipFamily(a) === 6) - Number(ipFamily(b) === 6),
      );
      this.#cache.set(key, { addresses, expires: now + f.ttl * 1000 });
      if (this.#pending.delete(key)) {
        this.#timers.clear(key);
        this.#events.push({ type: "resolved", name: key, addresses: f.addresses });
      }
    }
  }
}

/** A random `<uuid>.local` name (RFC 8828 §5.1: a version-4 UUID, RFC 4122 §4.4). */
export function randomMdnsName(rng: Rng): string {
  const b = rng.fill(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}.local`;
}
