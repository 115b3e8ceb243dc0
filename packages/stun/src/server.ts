/**
 * A sans-IO STUN server (RFC 8489 §6.3): answers Binding requests with XOR-MAPPED-ADDRESS (and
 * MAPPED-ADDRESS for RFC 3489 clients), optionally with short- or long-term authentication
 * (§9), in RFC 5780 mode with an alternate address, and with per-source rate limiting. It never
 * answers a malformed message, a response or an indication.
 */
import {
  type Datagram,
  DecodeError,
  Fifo,
  type Logger,
  type Millis,
  normalizeIp,
  type SocketAddress,
  silentLogger,
  type Transmit,
} from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import {
  AlternateServer,
  MappedAddress,
  OtherAddress,
  ResponseOrigin,
  XorMappedAddress,
} from "./address-attributes.js";
import {
  AlternateDomain,
  ChangeRequest,
  ErrorCode,
  Nonce,
  PasswordAlgorithms,
  Realm,
  ResponsePort,
  Software,
  UnknownAttributes,
} from "./attributes.js";
import {
  isComprehensionRequired,
  STUN_HEADER_LENGTH,
  StunAttributeType,
  StunErrorCode,
  StunMethod,
} from "./constants.js";
import { isStunMessage } from "./demux.js";
import {
  hasFingerprint,
  type StunIntegrityAlgorithm,
  type StunIntegrityKey,
  verifyFingerprint,
} from "./integrity.js";
import {
  attr,
  type DecodedStunMessage,
  encodeStunMessage,
  getAttribute,
  type StunAttribute,
  viewStunMessage,
} from "./message.js";
import { type RateLimitConfig, SourceRateLimiter } from "./rate-limiter.js";
import { ServerAuthenticator, type StunServerAuth } from "./server-auth.js";

export type { StunServerAuth } from "./server-auth.js";

/** RFC 5780 §4.2 mode: the server owns two IPs and two ports. */
export interface Rfc5780Addresses {
  readonly primary: SocketAddress;
  /** Differs from `primary` in both address and port. */
  readonly alternate: SocketAddress;
}

/**
 * Where {@link StunServer} redirects authenticated requests (RFC 8489 §10): a fixed server, or a
 * choice per client (`undefined` answers the request here).
 */
export type StunRedirect =
  | { readonly server: SocketAddress; readonly domain?: string }
  | ((
      from: SocketAddress,
    ) => { readonly server: SocketAddress; readonly domain?: string } | undefined);

/** Configuration of {@link StunServer}. */
export interface StunServerConfig {
  /** `"udp"` or `"tcp"` (run one server core per transport). */
  readonly transport: "udp" | "tcp";
  /** Also send MAPPED-ADDRESS (RFC 8489 §14.1, for RFC 3489 clients). */
  readonly mappedAddress: boolean;
  /** SOFTWARE in success responses; off by default (less to reflect, nothing to fingerprint). */
  readonly software: string | undefined;
  /** Authentication; `undefined` answers anyone (a public STUN server). */
  readonly auth: StunServerAuth | undefined;
  /** RFC 5780 mode: OTHER-ADDRESS, RESPONSE-ORIGIN, CHANGE-REQUEST, RESPONSE-PORT. */
  readonly rfc5780: Rfc5780Addresses | undefined;
  /**
   * ALTERNATE-SERVER (RFC 8489 §10, §14.15): answer authenticated requests with 300 Try Alternate
   * naming this server (and ALTERNATE-DOMAIN, §14.16, for (D)TLS). Needs `auth`: a 300 is only
   * sent to an authenticated request and is signed, so it cannot be forged to steer clients.
   */
  readonly alternateServer: StunRedirect | undefined;
  /** Per-source-IP limit; `false` disables it. */
  readonly rateLimit: RateLimitConfig | false;
  /** Needed with `auth` (HMAC, nonces). */
  readonly crypto: CryptoProvider | undefined;
  readonly logger: Logger;
}

/** Defaults: MAPPED-ADDRESS on, no SOFTWARE, no auth, 20 requests/s per source with bursts of 50. */
export const DEFAULT_STUN_SERVER_CONFIG: StunServerConfig = Object.freeze({
  transport: "udp",
  mappedAddress: true,
  software: undefined,
  auth: undefined,
  rfc5780: undefined,
  alternateServer: undefined,
  rateLimit: Object.freeze({ ratePerSecond: 20, burst: 50, maxSources: 10_000 }),
  crypto: undefined,
  logger: silentLogger,
});

/** Counters of {@link StunServer.stats}. */
export interface StunServerStats {
  readonly received: number;
  readonly answered: number;
  readonly errorResponses: number;
  /** Not STUN, undecodable, or a bad FINGERPRINT: dropped silently. */
  readonly malformed: number;
  /** Responses and indications: dropped. */
  readonly ignored: number;
  readonly rateLimited: number;
  readonly unauthenticated: number;
  /** Authenticated requests answered with 300 Try Alternate. */
  readonly redirected: number;
}

/** Comprehension-required attributes this server understands (RFC 8489 §6.3.1, §14). */
const UNDERSTOOD = new Set<number>([
  StunAttributeType.MappedAddress,
  StunAttributeType.Username,
  StunAttributeType.MessageIntegrity,
  StunAttributeType.ErrorCode,
  StunAttributeType.UnknownAttributes,
  StunAttributeType.Realm,
  StunAttributeType.Nonce,
  StunAttributeType.MessageIntegritySha256,
  StunAttributeType.PasswordAlgorithm,
  StunAttributeType.Userhash,
  StunAttributeType.XorMappedAddress,
  StunAttributeType.Priority,
  StunAttributeType.UseCandidate,
  StunAttributeType.Padding,
]);

/** The STUN server core. Drain `pollTransmit()` after each `handleDatagram()`. */
export class StunServer {
  readonly #config: StunServerConfig;
  readonly #limiter: SourceRateLimiter | undefined;
  readonly #auth: ServerAuthenticator | undefined;
  readonly #transmits = new Fifo<Transmit>();
  readonly #log: Logger;
  readonly #stats = {
    received: 0,
    answered: 0,
    errorResponses: 0,
    malformed: 0,
    ignored: 0,
    rateLimited: 0,
    unauthenticated: 0,
    redirected: 0,
  };

  constructor(config?: Partial<StunServerConfig>) {
    const c = Object.freeze({ ...DEFAULT_STUN_SERVER_CONFIG, ...config });
    if (c.transport !== "udp" && c.transport !== "tcp")
      throw new TypeError(`bad transport ${String(c.transport)}`);
    if (c.rfc5780) {
      const { primary, alternate } = c.rfc5780;
      if (
        normalizeIp(primary.address) === normalizeIp(alternate.address) ||
        primary.port === alternate.port
      ) {
        throw new TypeError(
          "RFC 5780 mode needs an alternate address differing in both IP and port",
        );
      }
    }
    if (c.auth && !c.crypto) throw new TypeError("StunServer: auth needs a crypto provider");
    if (c.alternateServer && !c.auth) {
      throw new TypeError("StunServer: alternateServer needs auth (RFC 8489 §10: 300 is signed)");
    }
    this.#config = c;
    this.#limiter = c.rateLimit ? new SourceRateLimiter(c.rateLimit) : undefined;
    this.#auth = c.auth && c.crypto ? new ServerAuthenticator(c.auth, c.crypto) : undefined;
    this.#log = c.logger;
  }

  get config(): StunServerConfig {
    return this.#config;
  }

  /** Handles one datagram (UDP) or one framed message (TCP). Never throws on remote input. */
  handleDatagram(now: Millis, dgram: Datagram): void {
    this.#stats.received++;
    const data = dgram.data;
    if (!isStunMessage(data)) {
      this.#stats.malformed++;
      return;
    }
    let msg: DecodedStunMessage;
    try {
      msg = viewStunMessage(data);
      if (msg.class !== "request") {
        this.#stats.ignored++;
        return;
      }
      if (hasFingerprint(msg) && !verifyFingerprint(msg)) {
        this.#stats.malformed++;
        return;
      }
      if (this.#limiter && !this.#limiter.allow(now, dgram.from.address)) {
        this.#stats.rateLimited++;
        return;
      }
      this.#answer(now, msg, dgram);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.#stats.malformed++;
      this.#log.debug("malformed request dropped", { code: e.code });
    }
  }

  handleTimeout(_now: Millis): void {}

  pollTransmit(): Transmit | undefined {
    return this.#transmits.shift();
  }

  /** The server emits no events (see {@link stats}). */
  pollEvent(): undefined {
    return undefined;
  }

  /** The server has no timers. */
  pollTimeout(): Millis | undefined {
    return undefined;
  }

  stats(): StunServerStats {
    return { ...this.#stats };
  }

  #answer(now: Millis, msg: DecodedStunMessage, dgram: Datagram): void {
    const fp = hasFingerprint(msg);
    const is5780 = this.#config.rfc5780 !== undefined;
    const unknown: number[] = [];
    const raw = msg.raw;
    for (let off = STUN_HEADER_LENGTH; off < raw.length; ) {
      const type = (raw[off]! << 8) | raw[off + 1]!;
      off += 4 + ((((raw[off + 2]! << 8) | raw[off + 3]!) + 3) & ~3);
      if (!isComprehensionRequired(type) || UNDERSTOOD.has(type)) continue;
      if (
        is5780 &&
        (type === StunAttributeType.ChangeRequest || type === StunAttributeType.ResponsePort)
      ) {
        continue;
      }
      if (!unknown.includes(type)) unknown.push(type);
    }
    if (unknown.length > 0) {
      // RFC 8489 §6.3.1.1: 420 with UNKNOWN-ATTRIBUTES.
      this.#error(msg, dgram, StunErrorCode.UnknownAttribute, "Unknown Attribute", fp, [
        attr(UnknownAttributes, unknown),
      ]);
      return;
    }
    if (msg.method !== StunMethod.Binding) {
      this.#error(msg, dgram, StunErrorCode.BadRequest, "Unsupported method", fp);
      return;
    }
    let key: StunIntegrityKey | undefined;
    let mi: StunIntegrityAlgorithm = "sha1";
    let user: string | undefined;
    if (this.#auth) {
      const verdict = this.#auth.check(now, msg, dgram.from);
      if (verdict.type === "reject") {
        this.#stats.unauthenticated++;
        const extra: StunAttribute[] = [];
        if (verdict.realm !== undefined) extra.push(attr(Realm, verdict.realm));
        if (verdict.nonce !== undefined) extra.push(attr(Nonce, verdict.nonce));
        if (verdict.passwordAlgorithms)
          extra.push(attr(PasswordAlgorithms, verdict.passwordAlgorithms));
        this.#error(msg, dgram, verdict.code, verdict.reason, fp, extra);
        return;
      }
      key = verdict.key;
      mi = verdict.integrityAlgorithm;
      user = verdict.username;
    }
    const redirect = this.#redirect(dgram.from);
    if (redirect && key) {
      // RFC 8489 §10: 300 Try Alternate with ALTERNATE-SERVER, signed like the request.
      const extra: StunAttribute[] = [attr(AlternateServer, redirect.server)];
      if (redirect.domain !== undefined) extra.push(attr(AlternateDomain, redirect.domain));
      this.#stats.redirected++;
      this.#error(msg, dgram, StunErrorCode.TryAlternate, "Try Alternate", fp, extra, key, mi);
      return;
    }
    const change = getAttribute(msg, ChangeRequest);
    if (change && (change.changeIp || change.changePort) && this.#config.transport === "tcp") {
      this.#error(msg, dgram, StunErrorCode.BadRequest, "CHANGE-REQUEST over TCP", fp, [], key, mi);
      return;
    }
    const source = this.#source(dgram.to, change?.changeIp ?? false, change?.changePort ?? false);
    let to = dgram.from;
    const responsePort =
      is5780 && this.#config.transport === "udp" ? getAttribute(msg, ResponsePort) : undefined;
    if (responsePort !== undefined) to = { address: dgram.from.address, port: responsePort };
    const attributes: StunAttribute[] = [attr(XorMappedAddress, dgram.from)];
    if (this.#config.mappedAddress) attributes.push(attr(MappedAddress, dgram.from));
    if (is5780 && source) {
      attributes.push(attr(ResponseOrigin, source));
      attributes.push(attr(OtherAddress, this.#source(dgram.to, true, true)!));
    }
    if (this.#config.software !== undefined) attributes.push(attr(Software, this.#config.software));
    const data = encodeStunMessage(
      { method: msg.method, class: "success", transactionId: msg.transactionId, attributes },
      { integrity: key, integrityAlgorithm: mi, fingerprint: fp },
    );
    this.#stats.answered++;
    this.#log.debug("binding", { from: `${dgram.from.address}:${dgram.from.port}`, user });
    this.#transmits.push(source ? { to, from: source, data } : { to, data });
  }

  #redirect(from: SocketAddress): { server: SocketAddress; domain?: string } | undefined {
    const r = this.#config.alternateServer;
    return typeof r === "function" ? r(from) : r;
  }

  /** The local address to answer from: `to` with IP and/or port swapped in RFC 5780 mode. */
  #source(
    to: SocketAddress | undefined,
    changeIp: boolean,
    changePort: boolean,
  ): SocketAddress | undefined {
    const r = this.#config.rfc5780;
    if (!r) return to;
    const local = to ?? r.primary;
    const onPrimaryIp = normalizeIp(local.address) === normalizeIp(r.primary.address);
    const onPrimaryPort = local.port === r.primary.port;
    const ipPrimary = changeIp ? !onPrimaryIp : onPrimaryIp;
    const portPrimary = changePort ? !onPrimaryPort : onPrimaryPort;
    return {
      address: ipPrimary ? r.primary.address : r.alternate.address,
      port: portPrimary ? r.primary.port : r.alternate.port,
    };
  }

  #error(
    msg: DecodedStunMessage,
    dgram: Datagram,
    code: number,
    reason: string,
    fingerprint: boolean,
    extra: readonly StunAttribute[] = [],
    key?: StunIntegrityKey,
    integrityAlgorithm: StunIntegrityAlgorithm = "sha1",
  ): void {
    const data = encodeStunMessage(
      {
        method: msg.method,
        class: "error",
        transactionId: msg.transactionId,
        attributes: [attr(ErrorCode, { code, reason }), ...extra],
      },
      { integrity: key, integrityAlgorithm, fingerprint },
    );
    this.#stats.errorResponses++;
    this.#log.debug("error response", { from: `${dgram.from.address}:${dgram.from.port}`, code });
    this.#transmits.push(
      dgram.to ? { to: dgram.from, from: dgram.to, data } : { to: dgram.from, data },
    );
  }
}
