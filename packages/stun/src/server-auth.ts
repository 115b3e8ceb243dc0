/**
 * Request authentication for the STUN server: short-term (RFC 8489 §9.1.3) and long-term
 * (§9.2.4) credentials, with stateless nonces bound to the source address and carrying the
 * nonce cookie (§9.2.1), password algorithm negotiation (§9.2.4, §14.11, §14.12) and USERHASH
 * (§14.4).
 */
import { type Millis, type SocketAddress, toHex, utf8Encode } from "@purertc/common";
import type { CryptoProvider, MacContext } from "@purertc/crypto";
import {
  Nonce,
  PasswordAlgorithm,
  PasswordAlgorithms,
  type PasswordAlgorithmValue,
  Realm,
  Userhash,
  Username,
} from "./attributes.js";
import { StunAttributeType, StunErrorCode } from "./constants.js";
import {
  type StunIntegrityAlgorithm,
  StunIntegrityKey,
  verifyMessageIntegrity,
} from "./integrity.js";
import {
  encodeNonceCookie,
  keyAlgorithmOf,
  NONCE_COOKIE,
  passwordAlgorithmValue,
  readNonceCookie,
  type StunKeyAlgorithm,
  StunSecurityFeature,
  samePasswordAlgorithms,
} from "./long-term.js";
import { type DecodedStunMessage, getAttribute, hasAttribute } from "./message.js";

/** Authentication of a {@link StunServer}. */
export interface StunServerAuth {
  /** Short-term (key = password, ICE style) or long-term (realm + nonce, TURN style). */
  readonly mechanism: "short-term" | "long-term";
  /** The password of a user, or `undefined` when there is no such user. */
  readonly lookup: (username: string) => string | undefined;
  /** Long-term realm (default `"purertc"`). */
  readonly realm?: string;
  /** How long a nonce stays valid before 438 Stale Nonce (default 10 minutes). */
  readonly nonceLifetimeMs?: number;
  /**
   * Long-term: the key algorithms offered in PASSWORD-ALGORITHMS, in preference order (RFC 8489
   * §9.2.4; default SHA-256 then MD5). A request without PASSWORD-ALGORITHM(S) is treated as
   * MD5, accepted only when MD5 is listed. `[]` turns negotiation off (RFC 5389 behaviour, MD5).
   */
  readonly passwordAlgorithms?: readonly StunKeyAlgorithm[];
  /**
   * Long-term: the username whose USERHASH (`stunUserhash(username, realm)`) this is, or
   * `undefined`. When given, nonces announce username anonymity and USERHASH is accepted in
   * place of USERNAME (RFC 8489 §9.2.4, §14.4).
   */
  readonly userhash?: (userhash: Uint8Array) => string | undefined;
}

/** The outcome of checking one request. */
export type AuthVerdict =
  | {
      readonly type: "accept";
      readonly key: StunIntegrityKey;
      readonly username: string;
      /** The integrity attribute to sign the response with: the one the request used. */
      readonly integrityAlgorithm: StunIntegrityAlgorithm;
    }
  | {
      readonly type: "reject";
      readonly code: number;
      readonly reason: string;
      readonly realm?: string;
      readonly nonce?: string;
      readonly passwordAlgorithms?: readonly PasswordAlgorithmValue[];
    };

const MAX_CACHED_KEYS = 1024;
/** Hex digits of the nonce's expiry and MAC after the cookie. */
const EXPIRY_DIGITS = 12;
const TAG_DIGITS = 20;

/** Checks requests against a {@link StunServerAuth} and caches the derived keys. */
export class ServerAuthenticator {
  readonly #auth: StunServerAuth;
  readonly #crypto: CryptoProvider;
  readonly #realm: string;
  readonly #nonceLifetimeMs: number;
  readonly #nonceMac: MacContext;
  readonly #keys = new Map<string, { password: string; key: StunIntegrityKey }>();
  readonly #algorithms: readonly StunKeyAlgorithm[];
  readonly #offered: readonly PasswordAlgorithmValue[] | undefined;
  readonly #cookie: string;

  constructor(auth: StunServerAuth, crypto: CryptoProvider) {
    if (auth.mechanism !== "short-term" && auth.mechanism !== "long-term") {
      throw new TypeError(`unknown STUN auth mechanism ${String(auth.mechanism)}`);
    }
    const algorithms = auth.passwordAlgorithms ?? ["sha256", "md5"];
    if (algorithms.some((a) => a !== "md5" && a !== "sha256")) {
      throw new TypeError("StunServerAuth.passwordAlgorithms: only md5 and sha256 are defined");
    }
    this.#auth = auth;
    this.#crypto = crypto;
    this.#realm = auth.realm ?? "purertc";
    this.#nonceLifetimeMs = auth.nonceLifetimeMs ?? 600_000;
    this.#nonceMac = crypto.createHmac("sha1", crypto.randomBytes(20));
    this.#algorithms = algorithms.length > 0 ? algorithms : ["md5"];
    this.#offered = algorithms.length > 0 ? algorithms.map(passwordAlgorithmValue) : undefined;
    const features =
      (this.#offered ? StunSecurityFeature.PasswordAlgorithms : 0) |
      (auth.userhash ? StunSecurityFeature.UsernameAnonymity : 0);
    this.#cookie = features ? encodeNonceCookie(features) : "";
  }

  check(now: Millis, msg: DecodedStunMessage, from: SocketAddress): AuthVerdict {
    return this.#auth.mechanism === "short-term"
      ? this.#shortTerm(msg)
      : this.#longTerm(now, msg, from);
  }

  /** RFC 8489 §9.1.3. */
  #shortTerm(msg: DecodedStunMessage): AuthVerdict {
    const username = getAttribute(msg, Username);
    if (username === undefined || !hasIntegrity(msg)) {
      return { type: "reject", code: StunErrorCode.BadRequest, reason: "Bad Request" };
    }
    const key = this.#key(username, "md5");
    if (!key || !verifyMessageIntegrity(msg, key)) {
      return { type: "reject", code: StunErrorCode.Unauthenticated, reason: "Unauthenticated" };
    }
    return { type: "accept", key, username, integrityAlgorithm: integrityOf(msg) };
  }

  /** RFC 8489 §9.2.4, in its order. */
  #longTerm(now: Millis, msg: DecodedStunMessage, from: SocketAddress): AuthVerdict {
    const challenge = (code: number, reason: string): AuthVerdict => ({
      type: "reject",
      code,
      reason,
      realm: this.#realm,
      nonce: this.#nonce(now, from),
      passwordAlgorithms: this.#offered,
    });
    const bad: AuthVerdict = {
      type: "reject",
      code: StunErrorCode.BadRequest,
      reason: "Bad Request",
    };
    if (!hasIntegrity(msg)) return challenge(StunErrorCode.Unauthenticated, "Unauthenticated");
    const hash = this.#auth.userhash ? getAttribute(msg, Userhash) : undefined;
    const username = hash ? this.#auth.userhash!(hash) : getAttribute(msg, Username);
    const realm = getAttribute(msg, Realm);
    const nonce = getAttribute(msg, Nonce);
    if (realm === undefined || nonce === undefined) return bad;
    if (username === undefined) {
      // An unknown USERHASH is an unknown user; a request with neither is malformed.
      return hash ? challenge(StunErrorCode.Unauthenticated, "Unauthenticated") : bad;
    }
    if (realm !== this.#realm || !this.#nonceValid(now, nonce, from)) {
      return challenge(StunErrorCode.StaleNonce, "Stale Nonce");
    }
    const algorithm = this.#negotiated(msg);
    if (algorithm === undefined) return bad;
    const key = this.#key(username, algorithm);
    if (!key || !verifyMessageIntegrity(msg, key))
      return challenge(StunErrorCode.Unauthenticated, "Unauthenticated");
    return { type: "accept", key, username, integrityAlgorithm: integrityOf(msg) };
  }

  /**
   * The key algorithm of a request whose nonce is ours (§9.2.4): MD5 when it carries neither
   * PASSWORD-ALGORITHMS nor PASSWORD-ALGORITHM; otherwise both must be present, the list must be
   * exactly the one we sent with the nonce (else a bid-down attack rewrote it) and the choice
   * must be in it. `undefined` means 400.
   */
  #negotiated(msg: DecodedStunMessage): StunKeyAlgorithm | undefined {
    const list = getAttribute(msg, PasswordAlgorithms);
    const chosen = getAttribute(msg, PasswordAlgorithm);
    if (list === undefined && chosen === undefined) {
      return this.#algorithms.includes("md5") ? "md5" : undefined;
    }
    if (!this.#offered || list === undefined || chosen === undefined) return undefined;
    if (!samePasswordAlgorithms(list, this.#offered)) return undefined;
    const algorithm = keyAlgorithmOf(chosen);
    return algorithm !== undefined && this.#algorithms.includes(algorithm) ? algorithm : undefined;
  }

  #key(username: string, algorithm: StunKeyAlgorithm): StunIntegrityKey | undefined {
    const password = this.#auth.lookup(username);
    if (password === undefined) return undefined;
    const id = `${algorithm}:${username}`;
    const cached = this.#keys.get(id);
    if (cached && cached.password === password) return cached.key;
    const key =
      this.#auth.mechanism === "short-term"
        ? StunIntegrityKey.shortTerm(password, this.#crypto)
        : StunIntegrityKey.longTerm(
            { username, realm: this.#realm, password, passwordAlgorithm: algorithm },
            this.#crypto,
          );
    if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.clear();
    this.#keys.set(id, { password, key });
    return key;
  }

  /**
   * A stateless nonce: the cookie with our security features (when any), the expiry (hex) and a
   * MAC over both and the source IP, so neither the features nor the expiry can be edited.
   */
  #nonce(now: Millis, from: SocketAddress): string {
    const expiry = Math.floor(now + this.#nonceLifetimeMs)
      .toString(16)
      .padStart(EXPIRY_DIGITS, "0");
    const head = this.#cookie + expiry;
    return head + this.#nonceTag(head, from);
  }

  #nonceTag(head: string, from: SocketAddress): string {
    const mac = this.#nonceMac.compute(utf8Encode(`${head}|${from.address}`));
    return toHex(mac.subarray(0, TAG_DIGITS / 2));
  }

  #nonceValid(now: Millis, nonce: string, from: SocketAddress): boolean {
    const cookie = this.#cookie;
    if (nonce.length !== cookie.length + EXPIRY_DIGITS + TAG_DIGITS) return false;
    if (cookie && (!nonce.startsWith(NONCE_COOKIE) || readNonceCookie(nonce) === undefined))
      return false;
    const head = nonce.slice(0, cookie.length + EXPIRY_DIGITS);
    const at = Number.parseInt(head.slice(cookie.length), 16);
    return (
      Number.isFinite(at) && at > now && nonce.slice(head.length) === this.#nonceTag(head, from)
    );
  }
}

function hasIntegrity(msg: DecodedStunMessage): boolean {
  return (
    hasAttribute(msg, StunAttributeType.MessageIntegrity) ||
    hasAttribute(msg, StunAttributeType.MessageIntegritySha256)
  );
}

/** The integrity attribute `verifyMessageIntegrity` checked ("auto" prefers -SHA256). */
function integrityOf(msg: DecodedStunMessage): StunIntegrityAlgorithm {
  return hasAttribute(msg, StunAttributeType.MessageIntegritySha256) ? "sha256" : "sha1";
}
