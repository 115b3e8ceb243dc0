import { createHmac } from "node:crypto";
import { type HmacSha256, signToken, type TokenClaims } from "../../protocol/token.js";

/** HMAC-SHA256 from node:crypto. */
export const nodeHmacSha256: HmacSha256 = (key, data) =>
  new Uint8Array(createHmac("sha256", key).update(data).digest());

/** Mints a token for `sub` in `room` (or `"*"`) valid for `ttlSeconds`, signed with `secret`. */
export function createToken(
  secret: Uint8Array | string,
  claims: { readonly sub: string; readonly room: string; readonly ttlSeconds: number },
  nowMs: number = Date.now(),
): string {
  const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  const iat = Math.floor(nowMs / 1000);
  const full: TokenClaims = {
    sub: claims.sub,
    room: claims.room,
    iat,
    exp: iat + claims.ttlSeconds,
  };
  return signToken(full, key, nodeHmacSha256);
}
