/** ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4). */
import { type Rng, randomString } from "@purertc/common";

/** A username fragment and password (`a=ice-ufrag`, `a=ice-pwd`). */
export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

/** RFC 8839 §5.4: `ice-char = ALPHA / DIGIT / "+" / "/"`. */
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

/**
 * Fresh credentials. RFC 8445 §5.3: "at least 128 bits of random number generator output used
 * to generate the password, and at least 24 bits of output to generate the username fragment":
 * 16 alphanumeric characters (≈95 bits) of ufrag and 32 (≈190 bits) of password.
 */
export function generateCredentials(rng: Rng): IceCredentials {
  return { ufrag: randomString(rng, 16), pwd: randomString(rng, 32) };
}

/**
 * Throws `TypeError` unless `c` satisfies RFC 8839 §5.4: ufrag 4-256 and pwd 22-256 ice-chars.
 */
export function validateCredentials(c: IceCredentials, what = "credentials"): void {
  if (typeof c?.ufrag !== "string" || c.ufrag.length < 4 || c.ufrag.length > 256)
    throw new TypeError(`${what}: ufrag must be 4-256 characters`);
  if (typeof c.pwd !== "string" || c.pwd.length < 22 || c.pwd.length > 256)
    throw new TypeError(`${what}: pwd must be 22-256 characters`);
  if (!ICE_CHARS.test(c.ufrag) || !ICE_CHARS.test(c.pwd))
    throw new TypeError(`${what}: ufrag and pwd must be ice-chars (RFC 8839 §5.4)`);
}
