/**
 * Long-term credential mechanism (RFC 8489 §9.2) pieces shared by servers and clients: the
 * nonce cookie with the STUN security feature set (§9.2.1, §18.1), USERHASH (§14.4), password
 * algorithm negotiation (§9.2.3-§9.2.5, §14.11, §14.12) and the client's credential state
 * ({@link LongTermCredentials}) that answers 401 and 438 challenges.
 */
import { DecodeError, fromBase64, toBase64, utf8Encode } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import {
  ErrorCode,
  Nonce,
  PasswordAlgorithm,
  PasswordAlgorithms,
  type PasswordAlgorithmValue,
  Realm,
  Userhash,
  Username,
} from "./attributes.js";
import { StunPasswordAlgorithm } from "./constants.js";
import { preparePassword, StunIntegrityKey, type StunPasswordPreparation } from "./integrity.js";
import { attr, type DecodedStunMessage, getAttribute, type StunAttribute } from "./message.js";

/** RFC 8489 §9.2.1: a NONCE starting with this announces the server's security features. */
export const NONCE_COOKIE = "obMatJos2";

/**
 * The STUN Security Features (RFC 8489 §18.1), bits of the 24-bit set that follows the nonce
 * cookie; bit 0 is the most significant.
 */
export const StunSecurityFeature = {
  /** Bit 0: the server negotiates password algorithms (PASSWORD-ALGORITHMS). */
  PasswordAlgorithms: 0x800000,
  /** Bit 1: the server accepts USERHASH in place of USERNAME. */
  UsernameAnonymity: 0x400000,
} as const;

/** The key derivation a long-term credential uses (RFC 8489 §18.5). */
export type StunKeyAlgorithm = "md5" | "sha256";

const ALGORITHM_NUMBER: Readonly<Record<StunKeyAlgorithm, number>> = {
  md5: StunPasswordAlgorithm.Md5,
  sha256: StunPasswordAlgorithm.Sha256,
};

/** The PASSWORD-ALGORITHM entry of a key algorithm (MD5 and SHA-256 take no parameters). */
export function passwordAlgorithmValue(algorithm: StunKeyAlgorithm): PasswordAlgorithmValue {
  return { algorithm: ALGORITHM_NUMBER[algorithm], parameters: new Uint8Array(0) };
}

/** The key algorithm of a PASSWORD-ALGORITHM entry, or `undefined` when not MD5/SHA-256. */
export function keyAlgorithmOf(value: PasswordAlgorithmValue): StunKeyAlgorithm | undefined {
  if (value.parameters.length !== 0) return undefined;
  if (value.algorithm === StunPasswordAlgorithm.Md5) return "md5";
  if (value.algorithm === StunPasswordAlgorithm.Sha256) return "sha256";
  return undefined;
}

/** Whether two PASSWORD-ALGORITHMS lists are identical (order and parameters included). */
export function samePasswordAlgorithms(
  a: readonly PasswordAlgorithmValue[],
  b: readonly PasswordAlgorithmValue[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.algorithm !== y.algorithm || x.parameters.length !== y.parameters.length) return false;
    for (let j = 0; j < x.parameters.length; j++)
      if (x.parameters[j] !== y.parameters[j]) return false;
  }
  return true;
}

/** `"obMatJos2"` followed by the 24 feature bits as 4 base64 characters (RFC 8489 §9.2.1). */
export function encodeNonceCookie(features: number): string {
  const f = features & 0xffffff;
  return NONCE_COOKIE + toBase64(Uint8Array.of(f >>> 16, (f >>> 8) & 0xff, f & 0xff));
}

/**
 * The security feature bits of a NONCE that starts with the nonce cookie, or `undefined` when it
 * does not (an RFC 5389 server, or a cookie whose 4 characters are not base64).
 */
export function readNonceCookie(nonce: string): number | undefined {
  if (nonce.length < NONCE_COOKIE.length + 4 || !nonce.startsWith(NONCE_COOKIE)) return undefined;
  const chars = nonce.slice(NONCE_COOKIE.length, NONCE_COOKIE.length + 4);
  if (!/^[A-Za-z0-9+/]{4}$/.test(chars)) return undefined;
  const b = fromBase64(chars);
  return (b[0]! << 16) | (b[1]! << 8) | b[2]!;
}

/**
 * USERHASH (RFC 8489 §14.4): SHA-256(OpaqueString(username) ":" OpaqueString(realm)), 32 bytes,
 * sent instead of USERNAME when the server announces username anonymity.
 */
export function stunUserhash(
  username: string,
  realm: string,
  crypto: CryptoProvider,
  preparation: StunPasswordPreparation = "opaque-string",
): Uint8Array {
  const text = `${preparePassword(username, preparation)}:${preparePassword(realm, preparation)}`;
  return crypto.hash("sha256", utf8Encode(text));
}

/** Options of {@link LongTermCredentials}. */
export interface LongTermCredentialsOptions {
  readonly username: string;
  readonly password: string;
  readonly crypto: CryptoProvider;
  /** Key algorithms this client accepts, in its preference order; default SHA-256, MD5. */
  readonly algorithms?: readonly StunKeyAlgorithm[];
  /** Send USERHASH instead of USERNAME when the server allows it (§9.2.3.1); default true. */
  readonly userhash?: boolean;
  readonly preparation?: StunPasswordPreparation;
}

/** What {@link LongTermCredentials.handleChallenge} decided about an error response. */
export type LongTermChallengeOutcome =
  | { readonly retry: true }
  | { readonly retry: false; readonly reason: string };

/**
 * A client's long-term credential state (RFC 8489 §9.2.3, §9.2.5): realm, nonce and the
 * negotiated password algorithm learnt from 401/438 responses, the derived key, and the
 * attributes to put in each request. Keep one per server and reuse it across requests.
 */
export class LongTermCredentials {
  readonly #opts: LongTermCredentialsOptions;
  readonly #algorithms: readonly StunKeyAlgorithm[];
  #realm: string | undefined;
  #nonce: string | undefined;
  #offered: readonly PasswordAlgorithmValue[] | undefined;
  #algorithm: StunKeyAlgorithm = "md5";
  /** USERHASH to send instead of USERNAME, when the server announced username anonymity. */
  #userhash: Uint8Array | undefined;
  #key: StunIntegrityKey | undefined;

  constructor(opts: LongTermCredentialsOptions) {
    const algorithms = opts.algorithms ?? ["sha256", "md5"];
    if (algorithms.length === 0 || algorithms.some((a) => a !== "md5" && a !== "sha256")) {
      throw new TypeError("LongTermCredentials: algorithms must list md5 and/or sha256");
    }
    this.#opts = opts;
    this.#algorithms = algorithms;
  }

  /** The integrity key once a challenge was answered, else `undefined` (send unsigned). */
  get key(): StunIntegrityKey | undefined {
    return this.#key;
  }

  /** The negotiated key algorithm (MD5 unless the server offered PASSWORD-ALGORITHMS). */
  get algorithm(): StunKeyAlgorithm {
    return this.#algorithm;
  }

  get realm(): string | undefined {
    return this.#realm;
  }

  /**
   * The credential attributes of a request (RFC 8489 §9.2.3.2): USERNAME or USERHASH, REALM,
   * NONCE and, when the server negotiates algorithms, PASSWORD-ALGORITHMS (echoed unchanged) and
   * PASSWORD-ALGORITHM. Empty before the first challenge.
   */
  attributes(): StunAttribute[] {
    if (!this.#key || this.#realm === undefined || this.#nonce === undefined) return [];
    const o = this.#opts;
    const list: StunAttribute[] = [
      this.#userhash ? attr(Userhash, this.#userhash) : attr(Username, o.username),
      attr(Realm, this.#realm),
      attr(Nonce, this.#nonce),
    ];
    if (this.#offered) {
      list.push(attr(PasswordAlgorithms, this.#offered));
      list.push(attr(PasswordAlgorithm, passwordAlgorithmValue(this.#algorithm)));
    }
    return list;
  }

  /**
   * Learns from an error response to a request sent with {@link attributes} (`signed` when it
   * carried them): 401 (with REALM and NONCE) and 438 (with NONCE) lead to a retry, anything else
   * or a second 401 to a signed request does not. A 401 whose nonce announces password
   * algorithms but lacks PASSWORD-ALGORITHMS, or offers none this client accepts, is refused
   * (§9.2.5: a bid-down attack removed it). Never throws on a malformed response.
   */
  handleChallenge(response: DecodedStunMessage, signed: boolean): LongTermChallengeOutcome {
    try {
      return this.#challenge(response, signed);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return { retry: false, reason: `malformed challenge (${e.code})` };
    }
  }

  #challenge(response: DecodedStunMessage, signed: boolean): LongTermChallengeOutcome {
    const code = getAttribute(response, ErrorCode)?.code;
    const realm = getAttribute(response, Realm);
    const nonce = getAttribute(response, Nonce);
    if (code === 438 && nonce !== undefined && this.#key) {
      return this.#learn(realm ?? this.#realm!, nonce, response);
    }
    if (code !== 401) return { retry: false, reason: `error ${code ?? "without ERROR-CODE"}` };
    if (signed) return { retry: false, reason: "credentials rejected (401)" };
    if (realm === undefined || nonce === undefined)
      return { retry: false, reason: "401 without REALM and NONCE" };
    return this.#learn(realm, nonce, response);
  }

  #learn(realm: string, nonce: string, response: DecodedStunMessage): LongTermChallengeOutcome {
    const features = readNonceCookie(nonce) ?? 0;
    let algorithm: StunKeyAlgorithm = "md5";
    let offered: readonly PasswordAlgorithmValue[] | undefined;
    if (features & StunSecurityFeature.PasswordAlgorithms) {
      offered = getAttribute(response, PasswordAlgorithms);
      if (!offered || offered.length === 0) {
        return { retry: false, reason: "PASSWORD-ALGORITHMS missing (possible downgrade attack)" };
      }
      // §9.2.4: the first algorithm in the server's list that the client supports.
      const usable = offered
        .map(keyAlgorithmOf)
        .find((a): a is StunKeyAlgorithm => a !== undefined && this.#algorithms.includes(a));
      if (!usable) return { retry: false, reason: "no common password algorithm" };
      algorithm = usable;
    } else if (!this.#algorithms.includes("md5")) {
      return { retry: false, reason: "server offers only MD5 keys" };
    }
    const o = this.#opts;
    if (!this.#key || realm !== this.#realm || algorithm !== this.#algorithm) {
      try {
        this.#key = StunIntegrityKey.longTerm(
          {
            username: o.username,
            realm,
            password: o.password,
            passwordAlgorithm: algorithm,
            preparation: o.preparation,
          },
          o.crypto,
        );
      } catch (e) {
        // OpaqueString refuses the realm (remote input) or our password (control characters).
        if (!(e instanceof TypeError)) throw e;
        return { retry: false, reason: `cannot derive the key: ${e.message}` };
      }
    }
    this.#realm = realm;
    this.#nonce = nonce;
    this.#offered = offered;
    this.#algorithm = algorithm;
    const anonymous =
      (o.userhash ?? true) && (features & StunSecurityFeature.UsernameAnonymity) !== 0;
    this.#userhash = anonymous
      ? stunUserhash(o.username, realm, o.crypto, o.preparation)
      : undefined;
    return { retry: true };
  }
}
