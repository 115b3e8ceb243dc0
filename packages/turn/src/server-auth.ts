/**
 * Long-term credential checks of the TURN server (RFC 8489 §9.2.4, RFC 8656 §5): static users
 * and coturn-compatible time-limited REST credentials, with stateless nonces that expire (438).
 * An unknown user and a wrong password produce the same answer, in about the same time.
 */
import { type Millis, type SocketAddress, toBase64, toHex, utf8Encode } from "@purertc/common";
import type { CryptoProvider, MacContext } from "@purertc/crypto";
import {
  type DecodedStunMessage,
  getAttribute,
  hasAttribute,
  Nonce,
  Realm,
  StunAttributeType,
  StunIntegrityKey,
  Username,
  verifyMessageIntegrity,
} from "@purertc/stun";

/** The outcome of checking one request. */
export type TurnAuthResult =
  | {
      readonly ok: true;
      readonly username: string;
      /** The quota owner: the user part of a REST username, else the username. */
      readonly user: string;
      readonly key: StunIntegrityKey;
      /** REST credentials: when they expire (core time), else `undefined`. */
      readonly expiresAt: Millis | undefined;
    }
  | {
      readonly ok: false;
      /** 400, 401 or 438. */
      readonly code: number;
      /** Why, for metrics and logs (never sent to the client). */
      readonly why:
        | "no-integrity"
        | "bad-request"
        | "stale-nonce"
        | "wrong-credentials"
        | "expired-credentials";
    };

const MAX_CACHED_KEYS = 4096;

/** Verifies requests against static users and REST secrets. */
export class TurnAuthenticator {
  readonly realm: string;
  readonly #users: Map<string, string>;
  readonly #restMacs: readonly MacContext[];
  readonly #crypto: CryptoProvider;
  readonly #nonceLifetimeMs: number;
  readonly #nonceMac: MacContext;
  readonly #keys = new Map<string, { password: string; key: StunIntegrityKey }>();
  readonly #dummyKey: StunIntegrityKey;
  epochOffsetMs: number;

  constructor(
    opts: {
      realm: string;
      users: Readonly<Record<string, string>>;
      restSecrets: readonly string[];
      nonceLifetimeMs: number;
      epochOffsetMs: number;
    },
    crypto: CryptoProvider,
  ) {
    this.realm = opts.realm;
    this.#users = new Map(Object.entries(opts.users));
    this.#crypto = crypto;
    this.#restMacs = opts.restSecrets.map((s) => crypto.createHmac("sha1", utf8Encode(s)));
    this.#nonceLifetimeMs = opts.nonceLifetimeMs;
    this.#nonceMac = crypto.createHmac("sha1", crypto.randomBytes(20));
    this.#dummyKey = StunIntegrityKey.fromKey(crypto.randomBytes(16), crypto);
    this.epochOffsetMs = opts.epochOffsetMs;
  }

  /** Replaces the static users (e.g. on a configuration reload). */
  setUsers(users: Readonly<Record<string, string>>): void {
    this.#users.clear();
    for (const [u, p] of Object.entries(users)) this.#users.set(u, p);
    this.#keys.clear();
  }

  /** A fresh nonce bound to the client's IP: expiry (hex) and a MAC over it. */
  nonce(now: Millis, from: SocketAddress): string {
    const expiry = Math.floor(now + this.#nonceLifetimeMs)
      .toString(16)
      .padStart(12, "0");
    return expiry + this.#nonceTag(expiry, from);
  }

  /** RFC 8489 §9.2.4, in its order: integrity present, attributes present, nonce, user, MAC. */
  check(now: Millis, msg: DecodedStunMessage, from: SocketAddress): TurnAuthResult {
    if (
      !hasAttribute(msg, StunAttributeType.MessageIntegrity) &&
      !hasAttribute(msg, StunAttributeType.MessageIntegritySha256)
    ) {
      return { ok: false, code: 401, why: "no-integrity" };
    }
    const username = getAttribute(msg, Username);
    const realm = getAttribute(msg, Realm);
    const nonce = getAttribute(msg, Nonce);
    if (username === undefined || realm === undefined || nonce === undefined) {
      return { ok: false, code: 400, why: "bad-request" };
    }
    if (realm !== this.realm || !this.#nonceValid(now, nonce, from)) {
      return { ok: false, code: 438, why: "stale-nonce" };
    }
    const found = this.#lookup(username);
    let key: StunIntegrityKey | undefined;
    if (found) {
      for (const k of found.keys) {
        if (verifyMessageIntegrity(msg, k)) {
          key = k;
          break;
        }
      }
    } else {
      // Same work for an unknown user as for a wrong password.
      verifyMessageIntegrity(msg, this.#dummyKey);
    }
    if (!found || !key) return { ok: false, code: 401, why: "wrong-credentials" };
    if (found.expiresAt !== undefined && found.expiresAt <= now) {
      return { ok: false, code: 401, why: "expired-credentials" };
    }
    return { ok: true, username, user: found.user, key, expiresAt: found.expiresAt };
  }

  /** The candidate keys of a username: a static user's, else one per REST secret. */
  #lookup(
    username: string,
  ): { keys: StunIntegrityKey[]; user: string; expiresAt: Millis | undefined } | undefined {
    const password = this.#users.get(username);
    if (password !== undefined) {
      return { keys: [this.#key(username, password)], user: username, expiresAt: undefined };
    }
    if (this.#restMacs.length === 0) return undefined;
    // coturn's format: "<unix seconds>[:<user>]".
    const m = /^(\d{1,12})(?::(.*))?$/s.exec(username);
    if (!m) return undefined;
    const expiresAt = Number(m[1]) * 1000 - this.epochOffsetMs;
    const name = utf8Encode(username);
    const keys = this.#restMacs.map((mac, i) =>
      this.#key(`${i}\u0000${username}`, toBase64(mac.compute(name)), username),
    );
    return { keys, user: m[2] ?? username, expiresAt };
  }

  /** A cached long-term key; `cacheKey` distinguishes REST secrets. */
  #key(cacheKey: string, password: string, username = cacheKey): StunIntegrityKey {
    const cached = this.#keys.get(cacheKey);
    if (cached && cached.password === password) return cached.key;
    const key = StunIntegrityKey.longTerm({ username, realm: this.realm, password }, this.#crypto);
    if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.clear();
    this.#keys.set(cacheKey, { password, key });
    return key;
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
