/**
 * Request authentication for the STUN server: short-term (RFC 8489 §9.1.3) and long-term
 * (§9.2.4) credentials, with stateless nonces bound to the source address.
 */
import { type Millis, type SocketAddress, toHex, utf8Encode } from "@purertc/common";
import type { CryptoProvider, MacContext } from "@purertc/crypto";
import { Nonce, Realm, Username } from "./attributes.js";
import { StunAttributeType, StunErrorCode } from "./constants.js";
import { StunIntegrityKey, verifyMessageIntegrity } from "./integrity.js";
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
}

/** The outcome of checking one request. */
export type AuthVerdict =
  | { readonly type: "accept"; readonly key: StunIntegrityKey }
  | {
      readonly type: "reject";
      readonly code: number;
      readonly reason: string;
      readonly realm?: string;
      readonly nonce?: string;
    };

const MAX_CACHED_KEYS = 1024;

/** Checks requests against a {@link StunServerAuth} and caches the derived keys. */
export class ServerAuthenticator {
  readonly #auth: StunServerAuth;
  readonly #crypto: CryptoProvider;
  readonly #realm: string;
  readonly #nonceLifetimeMs: number;
  readonly #nonceMac: MacContext;
  readonly #keys = new Map<string, { password: string; key: StunIntegrityKey }>();

  constructor(auth: StunServerAuth, crypto: CryptoProvider) {
    if (auth.mechanism !== "short-term" && auth.mechanism !== "long-term") {
      throw new TypeError(`unknown STUN auth mechanism ${String(auth.mechanism)}`);
    }
    this.#auth = auth;
    this.#crypto = crypto;
    this.#realm = auth.realm ?? "purertc";
    this.#nonceLifetimeMs = auth.nonceLifetimeMs ?? 600_000;
    this.#nonceMac = crypto.createHmac("sha1", crypto.randomBytes(20));
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
    const key = this.#key(username);
    if (!key || !verifyMessageIntegrity(msg, key)) {
      return { type: "reject", code: StunErrorCode.Unauthenticated, reason: "Unauthenticated" };
    }
    return { type: "accept", key };
  }

  /** RFC 8489 §9.2.4. */
  #longTerm(now: Millis, msg: DecodedStunMessage, from: SocketAddress): AuthVerdict {
    const challenge = (code: number, reason: string): AuthVerdict => ({
      type: "reject",
      code,
      reason,
      realm: this.#realm,
      nonce: this.#nonce(now, from),
    });
    if (!hasIntegrity(msg)) return challenge(StunErrorCode.Unauthenticated, "Unauthenticated");
    const username = getAttribute(msg, Username);
    const realm = getAttribute(msg, Realm);
    const nonce = getAttribute(msg, Nonce);
    if (username === undefined || realm === undefined || nonce === undefined) {
      return { type: "reject", code: StunErrorCode.BadRequest, reason: "Bad Request" };
    }
    if (realm !== this.#realm || !this.#nonceValid(now, nonce, from)) {
      return challenge(StunErrorCode.StaleNonce, "Stale Nonce");
    }
    const key = this.#key(username);
    if (!key || !verifyMessageIntegrity(msg, key))
      return challenge(StunErrorCode.Unauthenticated, "Unauthenticated");
    return { type: "accept", key };
  }

  #key(username: string): StunIntegrityKey | undefined {
    const password = this.#auth.lookup(username);
    if (password === undefined) return undefined;
    const cached = this.#keys.get(username);
    if (cached && cached.password === password) return cached.key;
    const key =
      this.#auth.mechanism === "short-term"
        ? StunIntegrityKey.shortTerm(password, this.#crypto)
        : StunIntegrityKey.longTerm({ username, realm: this.#realm, password }, this.#crypto);
    if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.clear();
    this.#keys.set(username, { password, key });
    return key;
  }

  /** A stateless nonce: expiry (hex) and a MAC over it and the source IP. */
  #nonce(now: Millis, from: SocketAddress): string {
    const expiry = Math.floor(now + this.#nonceLifetimeMs)
      .toString(16)
      .padStart(12, "0");
    return expiry + this.#nonceTag(expiry, from);
  }

  #nonceTag(expiry: string, from: SocketAddress): string {
    return toHex(this.#nonceMac.compute(utf8Encode(`${expiry}|${from.address}`)).subarray(0, 10));
  }

  #nonceValid(now: Millis, nonce: string, from: SocketAddress): boolean {
    if (nonce.length !== 32) return false;
    const expiry = nonce.slice(0, 12);
    const at = Number.parseInt(expiry, 16);
    return Number.isFinite(at) && at > now && nonce.slice(12) === this.#nonceTag(expiry, from);
  }
}

function hasIntegrity(msg: DecodedStunMessage): boolean {
  return (
    hasAttribute(msg, StunAttributeType.MessageIntegrity) ||
    hasAttribute(msg, StunAttributeType.MessageIntegritySha256)
  );
}
