import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  base64UrlDecode,
  base64UrlEncode,
  signToken,
  tokenCoversRoom,
  verifyToken,
} from "../../src/protocol/token.js";

const hmac = (key: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createHmac("sha256", key).update(data).digest());
const enc = (s: string) => new TextEncoder().encode(s);

describe("HS256 tokens (RFC 7519, RFC 7518 §3.2)", () => {
  it("RFC 7515 appendix A.1 HS256 example verifies (interop with any JWT library)", () => {
    // The JWS example of RFC 7515 A.1: its key (JWK "k") and compact serialization.
    const key = base64UrlDecode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    );
    const jws =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    // Signature checks; the claims lack room/sub so the token is refused as malformed, not forged.
    expect(verifyToken(jws, key, hmac, 0)).toEqual({ ok: false, reason: "malformed" });
    expect(verifyToken(`${jws.slice(0, -1)}A`, key, hmac, 0)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("round trip, expiry, nbf, skew", () => {
    const secret = enc("s".repeat(32));
    const t = signToken({ sub: "alice", room: "r", exp: 100, nbf: 50 }, secret, hmac);
    expect(verifyToken(t, secret, hmac, 60_000)).toMatchObject({
      ok: true,
      claims: { sub: "alice" },
    });
    expect(verifyToken(t, secret, hmac, 100_000)).toEqual({ ok: false, reason: "expired" });
    expect(verifyToken(t, secret, hmac, 100_000, 1_000)).toMatchObject({ ok: true });
    expect(verifyToken(t, secret, hmac, 49_000)).toEqual({ ok: false, reason: "not-yet-valid" });
    expect(verifyToken(t, enc("x".repeat(32)), hmac, 60_000)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("RFC 8725 §3.1: alg none and other algorithms are refused", () => {
    const body = `${base64UrlEncode(enc('{"alg":"none"}'))}.${base64UrlEncode(enc('{"sub":"a","room":"*","exp":9e9}'))}.`;
    expect(verifyToken(body, enc("k".repeat(32)), hmac, 0)).toEqual({
      ok: false,
      reason: "unsupported-alg",
    });
  });

  it("garbage never throws", () => {
    for (const t of ["", "a.b", "a.b.c", "...", "é.é.é", `${"a".repeat(5000)}.b.c`])
      expect(verifyToken(t, enc("k"), hmac, 0).ok).toBe(false);
  });

  it("room wildcard", () => {
    expect(tokenCoversRoom({ sub: "a", room: "*", exp: 1 }, "x")).toBe(true);
    expect(tokenCoversRoom({ sub: "a", room: "y", exp: 1 }, "x")).toBe(false);
  });
});
