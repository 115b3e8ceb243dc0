import type { Millis } from "@purertc/common";
import { constantTimeEqual, fromBase64, toBase64, utf8Decode, utf8Encode } from "@purertc/common";

/**
 * Access tokens: JSON Web Tokens (RFC 7519) signed with HMAC-SHA256 ("HS256", RFC 7518 §3.2),
 * so any language's JWT library can mint them. The claims name the room, the peer identity and
 * the expiry. The HMAC is injected (the server adapter passes node:crypto's).
 *
 *   base64url({"alg":"HS256","typ":"JWT"}) "." base64url(claims) "." base64url(HMAC(secret, a "." b))
 */

/** HMAC-SHA256 of `data` under `key`. */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

/** What a token grants. */
export interface TokenClaims {
  /** Peer identity, shown to the other members as `identity` (RFC 7519 §4.1.2). */
  readonly sub: string;
  /** The room the token may join, or `"*"` for any room. */
  readonly room: string;
  /** Expiry, seconds since the epoch (RFC 7519 §4.1.4). */
  readonly exp: number;
  /** Not before, seconds since the epoch (RFC 7519 §4.1.5). */
  readonly nbf?: number;
  /** Issued at, seconds since the epoch (RFC 7519 §4.1.6). */
  readonly iat?: number;
}

/** Why a token was refused. */
export type TokenRejection =
  | "malformed"
  | "unsupported-alg"
  | "bad-signature"
  | "expired"
  | "not-yet-valid";

export type TokenVerdict =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: TokenRejection };

const HEADER = base64UrlEncode(utf8Encode('{"alg":"HS256","typ":"JWT"}'));

/** base64url without padding (RFC 4648 §5). */
export function base64UrlEncode(b: Uint8Array): string {
  return toBase64(b).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
}

/** Decodes base64url (RFC 4648 §5); throws TypeError on invalid input. */
export function base64UrlDecode(s: string): Uint8Array {
  if (/[+/=]/.test(s)) throw new TypeError("base64UrlDecode: not base64url");
  return fromBase64(s.replaceAll("-", "+").replaceAll("_", "/"));
}

/** Signs `claims` into a token. */
export function signToken(claims: TokenClaims, secret: Uint8Array, hmac: HmacSha256): string {
  if (typeof claims.sub !== "string" || typeof claims.room !== "string")
    throw new TypeError("signToken: sub and room must be strings");
  if (!Number.isFinite(claims.exp)) throw new TypeError("signToken: exp must be a number");
  const body = `${HEADER}.${base64UrlEncode(utf8Encode(JSON.stringify(claims)))}`;
  return `${body}.${base64UrlEncode(hmac(secret, utf8Encode(body)))}`;
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(utf8Decode(base64UrlDecode(part), true));
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a token at `now` (ms since the epoch), allowing `skewMs` of clock difference.
 * Never throws on input: every failure is a {@link TokenRejection}.
 */
export function verifyToken(
  token: string,
  secret: Uint8Array,
  hmac: HmacSha256,
  now: Millis,
  skewMs = 0,
): TokenVerdict {
  const parts = token.split(".");
  if (parts.length !== 3 || token.length > 4096) return { ok: false, reason: "malformed" };
  const [h, p, s] = parts as [string, string, string];
  const header = parseJson(h);
  if (!header) return { ok: false, reason: "malformed" };
  // RFC 8725 §3.1: "libraries MUST enable the caller to specify a supported set of algorithms".
  if (header.alg !== "HS256") return { ok: false, reason: "unsupported-alg" };
  let signature: Uint8Array;
  try {
    signature = base64UrlDecode(s);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const expected = hmac(secret, utf8Encode(`${h}.${p}`));
  if (!constantTimeEqual(signature, expected)) return { ok: false, reason: "bad-signature" };
  const c = parseJson(p);
  if (
    !c ||
    typeof c.sub !== "string" ||
    typeof c.room !== "string" ||
    typeof c.exp !== "number" ||
    (c.nbf !== undefined && typeof c.nbf !== "number")
  )
    return { ok: false, reason: "malformed" };
  if (c.exp * 1000 + skewMs <= now) return { ok: false, reason: "expired" };
  if (typeof c.nbf === "number" && c.nbf * 1000 - skewMs > now)
    return { ok: false, reason: "not-yet-valid" };
  return { ok: true, claims: c as unknown as TokenClaims };
}

/** Whether `claims` allow joining `room`. */
export function tokenCoversRoom(claims: TokenClaims, room: string): boolean {
  return claims.room === "*" || claims.room === room;
}
