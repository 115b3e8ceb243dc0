import { createPublicKey, verify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleCrypto, UnsupportedOperationError } from "../../src/index.js";
import { nodeCrypto } from "../../src/node/index.js";
import type { HashAlgorithm, RsaKeyPair } from "../../src/provider.js";
import { PROVIDERS } from "../providers.js";

function b64u(b: Uint8Array): string {
  let start = 0;
  while (start < b.length - 1 && b[start] === 0) start++;
  return Buffer.from(b.subarray(start)).toString("base64url");
}

/** OpenSSL's own verdict on a PKCS#1 v1.5 signature (independent of our code). */
function opensslVerifies(k: RsaKeyPair, hash: HashAlgorithm, data: Uint8Array, sig: Uint8Array) {
  const key = createPublicKey({
    key: { kty: "RSA", n: b64u(k.publicKey.n), e: b64u(k.publicKey.e) },
    format: "jwk",
  });
  return verify(hash, data, key, sig);
}

const key2048 = nodeCrypto.generateRsaKeyPair(2048);

describe("node: generateRsaKeyPair", () => {
  it("makes a 2048-bit key with e = 65537 and consistent CRT parameters (RFC 8017 §3.2)", () => {
    expect(key2048.kind).toBe("rsa");
    expect(key2048.modulusLength).toBe(2048);
    expect(key2048.publicKey.n.length).toBe(256);
    expect(Array.from(key2048.publicKey.e)).toEqual([1, 0, 1]);
    const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString("hex")}`);
    const { p, q, n, d, dp, dq, qi } = key2048.privateKey;
    expect(big(p) * big(q)).toBe(big(n));
    expect(big(d) % (big(p) - 1n)).toBe(big(dp));
    expect(big(d) % (big(q) - 1n)).toBe(big(dq));
    expect((big(qi) * big(q)) % big(p)).toBe(1n);
  });

  it("honours a custom public exponent and a 1024-bit size; rejects bad parameters", () => {
    const k = nodeCrypto.generateRsaKeyPair(1024, Uint8Array.of(3));
    expect(k.publicKey.n.length).toBe(128);
    expect(Array.from(k.publicKey.e)).toEqual([3]);
    expect(() => nodeCrypto.generateRsaKeyPair(512)).toThrow(RangeError);
    expect(() => nodeCrypto.generateRsaKeyPair(2050)).toThrow(RangeError);
    expect(() => nodeCrypto.generateRsaKeyPair(2048, Uint8Array.of(2))).toThrow(RangeError);
  });
});

describe("noble: generateRsaKeyPair", () => {
  it("throws a typed UnsupportedOperationError (no JS prime generation)", () => {
    let err: unknown;
    try {
      nobleCrypto.generateRsaKeyPair(2048);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedOperationError);
    expect((err as UnsupportedOperationError).operation).toBe("generateRsaKeyPair");
    expect((err as UnsupportedOperationError).backend).toBe("noble");
  });
});

describe.each(PROVIDERS)("%s: rsaSign (RSASSA-PKCS1-v1_5, RFC 8017 §8.2.1)", (_name, p) => {
  for (const hash of ["sha256", "sha384", "sha512", "sha1"] as const) {
    it(`${hash}: OpenSSL verifies it, both backends verify it, a flipped bit fails`, () => {
      const data = new TextEncoder().encode(`purertc ${hash}`);
      const sig = p.rsaSign(key2048.privateKey, hash, data);
      expect(sig.length).toBe(256);
      expect(opensslVerifies(key2048, hash, data, sig)).toBe(true);
      for (const [, v] of PROVIDERS) {
        expect(v.rsaVerify("pkcs1", key2048.publicKey, hash, data, sig)).toBe(true);
        const bad = sig.slice();
        bad[100] = (bad[100] as number) ^ 1;
        expect(v.rsaVerify("pkcs1", key2048.publicKey, hash, data, bad)).toBe(false);
      }
    });
  }

  it("byte-identical to the other backend (PKCS#1 v1.5 is deterministic)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const a = p.rsaSign(key2048.privateKey, "sha256", data);
        const b = (p === nodeCrypto ? nobleCrypto : nodeCrypto).rsaSign(
          key2048.privateKey,
          "sha256",
          data,
        );
        expect(Buffer.from(a).toString("hex")).toBe(Buffer.from(b).toString("hex"));
      }),
      { numRuns: 8 },
    );
  });

  it("refuses an inconsistent private key instead of emitting a faulty signature", () => {
    const other = nodeCrypto.generateRsaKeyPair(1024);
    const broken = { ...other.privateKey, dp: key2048.privateKey.dp.subarray(0, 64) };
    expect(() => nobleCrypto.rsaSign(broken, "sha256", new Uint8Array(4))).toThrow(RangeError);
  });
});
