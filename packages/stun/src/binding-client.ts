/**
 * A sans-IO Binding client (RFC 8489 §3, §7): sends Binding requests with retransmission,
 * validates the answers and reports the reflexive (mapped) address.
 */
import {
  type Datagram,
  DecodeError,
  Fifo,
  type Logger,
  type Millis,
  type Rng,
  type SocketAddress,
  secureRng,
  silentLogger,
  type Transmit,
} from "@purertc/common";
import {
  AlternateServer,
  MappedAddress,
  OtherAddress,
  ResponseOrigin,
  XorMappedAddress,
} from "./address-attributes.js";
import {
  ChangeRequest,
  type ChangeRequest as ChangeRequestValue,
  ErrorCode,
  Padding,
  ResponsePort,
  Software,
  type StunError,
  Username,
} from "./attributes.js";
import { StunErrorCode, StunMethod } from "./constants.js";
import { isStunMessage } from "./demux.js";
import { type StunIntegrityKey, verifyFingerprint, verifyMessageIntegrity } from "./integrity.js";
import type { LongTermCredentials } from "./long-term.js";
import {
  attr,
  type DecodedStunMessage,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  hasAttribute,
  type StunAttribute,
} from "./message.js";
import {
  StunClientTransactions,
  type StunTransactionConfig,
  transactionKey,
} from "./transactions.js";

/** Configuration of {@link StunBindingClient}. */
export interface StunBindingClientConfig {
  /** Retransmission parameters (RFC 8489 §6.2.1 defaults). */
  readonly transaction: Partial<StunTransactionConfig>;
  /** SOFTWARE to send (RFC 8489 §14.14); none by default. */
  readonly software: string | undefined;
  /** Whether requests carry FINGERPRINT (RFC 8489 §7.1). */
  readonly fingerprint: boolean;
  /** Source of transaction ids (RFC 8489 §6: cryptographically random). */
  readonly rng: Rng;
  readonly logger: Logger;
}

/** Defaults: RFC 8489 retransmission, FINGERPRINT on, no SOFTWARE. */
export const DEFAULT_STUN_BINDING_CLIENT_CONFIG: Omit<StunBindingClientConfig, "rng"> =
  Object.freeze({
    transaction: {},
    software: undefined,
    fingerprint: true,
    logger: silentLogger,
  });

/** Per-request options of {@link StunBindingClient.query}. */
export interface BindingQueryOptions {
  /** RFC 5780 §7.2: ask the server to answer from another IP and/or port. */
  readonly changeRequest?: ChangeRequestValue;
  /** RFC 5780 §7.5: ask for the answer on another port of ours. */
  readonly responsePort?: number;
  /** RFC 5780 §7.6: PADDING of this many bytes (fragmentation tests). */
  readonly paddingBytes?: number;
  /** Short-term credential: USERNAME + MESSAGE-INTEGRITY; the response must verify with it. */
  readonly username?: string;
  readonly integrity?: StunIntegrityKey;
  /**
   * Long-term credential (RFC 8489 §9.2): the request goes unsigned until a 401 teaches the
   * realm, nonce and password algorithm, then it is retried signed (and again after a 438 Stale
   * Nonce). Keep one object per server: later queries are signed from the start.
   */
  readonly longTerm?: LongTermCredentials;
  /** Extra attributes (e.g. ICE's PRIORITY), before the integrity trailer. */
  readonly attributes?: readonly StunAttribute[];
  /** Local socket to send from, when the caller owns several. */
  readonly from?: SocketAddress;
  readonly transport?: "udp" | "tcp";
}

/** Events of {@link StunBindingClient}. */
export type StunBindingEvent =
  | {
      readonly type: "success";
      readonly transactionId: Uint8Array;
      readonly server: SocketAddress;
      /** XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from an RFC 3489 server. */
      readonly mappedAddress: SocketAddress;
      readonly responseOrigin: SocketAddress | undefined;
      readonly otherAddress: SocketAddress | undefined;
      /** Where the response actually came from. */
      readonly from: SocketAddress;
      readonly rttMs: number;
      readonly response: DecodedStunMessage;
    }
  | {
      readonly type: "error";
      readonly transactionId: Uint8Array;
      readonly server: SocketAddress;
      readonly error: StunError;
      /** ALTERNATE-SERVER of a 300 Try Alternate that verified with our credentials (§10). */
      readonly alternateServer?: SocketAddress;
      /** Why a long-term challenge was not retried (e.g. a §9.2.5 downgrade attempt). */
      readonly authFailure?: string;
      readonly response: DecodedStunMessage;
    }
  | {
      readonly type: "timeout";
      readonly transactionId: Uint8Array;
      readonly server: SocketAddress;
    };

interface QueryContext {
  readonly server: SocketAddress;
  readonly integrity: StunIntegrityKey | undefined;
  readonly startedAt: Millis;
  /** The id {@link StunBindingClient.query} returned (a long-term retry has its own). */
  readonly queryId: Uint8Array;
  readonly options: BindingQueryOptions;
  /** Retries after 401/438 so far. */
  readonly retries: number;
}

/** RFC 8489 §9.2.5: one 401 retry, and a few 438 retries, per query. */
const MAX_AUTH_RETRIES = 3;

/** Counters of {@link StunBindingClient.stats}. */
export interface StunBindingClientStats {
  readonly requestsSent: number;
  readonly responses: number;
  readonly timeouts: number;
  /** Datagrams dropped: malformed, unmatched, bad FINGERPRINT or integrity. */
  readonly dropped: number;
}

/** The Binding client core. Drain `pollTransmit()`/`pollEvent()` after each call. */
export class StunBindingClient {
  readonly #config: StunBindingClientConfig;
  readonly #tx: StunClientTransactions<QueryContext>;
  readonly #events = new Fifo<StunBindingEvent>();
  readonly #contexts = new Map<string, QueryContext>();
  readonly #log: Logger;
  #stats = { requestsSent: 0, responses: 0, timeouts: 0, dropped: 0 };

  constructor(config?: Partial<StunBindingClientConfig>) {
    this.#config = Object.freeze({
      ...DEFAULT_STUN_BINDING_CLIENT_CONFIG,
      rng: config?.rng ?? secureRng(),
      ...config,
    });
    this.#tx = new StunClientTransactions(this.#config.transaction);
    this.#log = this.#config.logger;
  }

  /** Sends a Binding request to `server`; returns its transaction id. */
  query(now: Millis, server: SocketAddress, options: BindingQueryOptions = {}): Uint8Array {
    return this.#send(now, server, options, undefined, 0);
  }

  #send(
    now: Millis,
    server: SocketAddress,
    options: BindingQueryOptions,
    queryId: Uint8Array | undefined,
    retries: number,
  ): Uint8Array {
    const transactionId = this.#config.rng.fill(new Uint8Array(12));
    const attributes: StunAttribute[] = [];
    if (options.username !== undefined) attributes.push(attr(Username, options.username));
    if (options.changeRequest) attributes.push(attr(ChangeRequest, options.changeRequest));
    if (options.responsePort !== undefined)
      attributes.push(attr(ResponsePort, options.responsePort));
    if (options.paddingBytes) attributes.push(attr(Padding, new Uint8Array(options.paddingBytes)));
    if (this.#config.software !== undefined) attributes.push(attr(Software, this.#config.software));
    if (options.attributes) attributes.push(...options.attributes);
    let integrity = options.integrity;
    if (options.longTerm) {
      attributes.push(...options.longTerm.attributes());
      integrity = options.longTerm.key;
    }
    const request = encodeStunMessage(
      { method: StunMethod.Binding, class: "request", transactionId, attributes },
      { integrity, fingerprint: this.#config.fingerprint },
    );
    const context: QueryContext = {
      server,
      integrity,
      startedAt: now,
      queryId: queryId ?? transactionId,
      options,
      retries,
    };
    this.#contexts.set(transactionKey(transactionId), context);
    this.#tx.start(now, {
      request,
      to: server,
      from: options.from,
      transport: options.transport,
      context,
    });
    this.#stats.requestsSent++;
    this.#log.debug("binding request", { server: `${server.address}:${server.port}` });
    return transactionId;
  }

  /** Forgets an outstanding query. */
  cancel(transactionId: Uint8Array): void {
    this.#contexts.delete(transactionKey(transactionId));
    this.#tx.cancel(transactionId);
  }

  /** Outstanding queries. */
  get pending(): number {
    return this.#tx.size;
  }

  /**
   * Offers a received datagram; returns whether it was a response to one of our queries. Never
   * throws on remote input.
   */
  handleDatagram(now: Millis, dgram: Datagram): boolean {
    if (!isStunMessage(dgram.data)) return false;
    let msg: DecodedStunMessage;
    try {
      msg = decodeStunMessage(dgram.data);
    } catch (e) {
      if (e instanceof DecodeError) return this.#drop();
      throw e;
    }
    return this.handleMessage(now, msg, dgram.from);
  }

  /** Like {@link handleDatagram} for an already decoded message. */
  handleMessage(now: Millis, msg: DecodedStunMessage, from: SocketAddress): boolean {
    if (msg.method !== StunMethod.Binding || (msg.class !== "success" && msg.class !== "error"))
      return false;
    const key = transactionKey(msg.transactionId);
    const ctx = this.#contexts.get(key);
    if (!ctx) return false;
    // RFC 8489 §7.3: a FINGERPRINT that does not verify, or a response that fails the integrity
    // check of an authenticated request, is discarded as if never received.
    if (hasAttribute(msg, 0x8028) && !verifyFingerprint(msg)) return this.#drop();
    // RFC 8489 §9.1.4/§9.2.5: a signed response must verify; an error response may come unsigned
    // (the server could not authenticate us), a success response may not.
    if (ctx.integrity) {
      const signed = hasAttribute(msg, 0x0008) || hasAttribute(msg, 0x001c);
      if (signed ? !verifyMessageIntegrity(msg, ctx.integrity) : msg.class === "success")
        return this.#drop();
    }
    let event: StunBindingEvent;
    try {
      event = this.#toEvent(msg, ctx, from, now);
    } catch (e) {
      if (e instanceof DecodeError) return this.#drop();
      throw e;
    }
    this.#tx.handleResponse(now, msg, from);
    this.#tx.pollEvent();
    this.#contexts.delete(key);
    this.#stats.responses++;
    if (event.type === "error" && ctx.options.longTerm) {
      const code = event.error.code;
      if (code === StunErrorCode.Unauthenticated || code === StunErrorCode.StaleNonce) {
        const outcome = ctx.options.longTerm.handleChallenge(msg, ctx.integrity !== undefined);
        if (outcome.retry && ctx.retries < MAX_AUTH_RETRIES) {
          this.#send(now, ctx.server, ctx.options, ctx.queryId, ctx.retries + 1);
          return true;
        }
        if (!outcome.retry) event = { ...event, authFailure: outcome.reason };
      }
    }
    this.#events.push(event);
    return true;
  }

  handleTimeout(now: Millis): void {
    this.#tx.handleTimeout(now);
    for (let ev = this.#tx.pollEvent(); ev; ev = this.#tx.pollEvent()) {
      if (ev.type !== "timeout") continue;
      this.#contexts.delete(transactionKey(ev.transactionId));
      this.#stats.timeouts++;
      this.#events.push({
        type: "timeout",
        transactionId: ev.context.queryId,
        server: ev.context.server,
      });
    }
  }

  pollTransmit(): Transmit | undefined {
    return this.#tx.pollTransmit();
  }

  pollEvent(): StunBindingEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#tx.pollTimeout();
  }

  stats(): StunBindingClientStats {
    return { ...this.#stats };
  }

  #toEvent(
    msg: DecodedStunMessage,
    ctx: QueryContext,
    from: SocketAddress,
    now: Millis,
  ): StunBindingEvent {
    const transactionId = ctx.queryId.slice();
    if (msg.class === "error") {
      const error = getAttribute(msg, ErrorCode) ?? {
        code: 500,
        reason: "error response without ERROR-CODE",
      };
      // RFC 8489 §10: ALTERNATE-SERVER counts only from a signed 300 to a signed request (a
      // signed response to a signed request has verified to get here).
      const verified =
        ctx.integrity !== undefined && (hasAttribute(msg, 0x0008) || hasAttribute(msg, 0x001c));
      const alternate =
        error.code === StunErrorCode.TryAlternate && verified
          ? getAttribute(msg, AlternateServer)
          : undefined;
      return alternate
        ? {
            type: "error",
            transactionId,
            server: ctx.server,
            error,
            alternateServer: alternate,
            response: msg,
          }
        : { type: "error", transactionId, server: ctx.server, error, response: msg };
    }
    const mapped = getAttribute(msg, XorMappedAddress) ?? getAttribute(msg, MappedAddress);
    if (!mapped)
      throw new DecodeError("stun", "no-mapped-address", 0, "Binding success without an address");
    return {
      type: "success",
      transactionId,
      server: ctx.server,
      mappedAddress: mapped,
      responseOrigin: getAttribute(msg, ResponseOrigin),
      otherAddress: getAttribute(msg, OtherAddress),
      from,
      rttMs: now - ctx.startedAt,
      response: msg,
    };
  }

  #drop(): false {
    this.#stats.dropped++;
    return false;
  }
}
