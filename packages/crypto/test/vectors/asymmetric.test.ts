import { constants, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { fromHex, toHex, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import type { HashAlgorithm, RsaPublicKey } from "../../src/provider.js";
import { PROVIDERS } from "../providers.js";

const hex = fromHex;

function fromB64url(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64url"));
}

/** An RSA key made by OpenSSL (through node:crypto) and its (n, e). */
function rsaKey(bits: number): {
  privateKey: ReturnType<typeof generateKeyPairSync>["privateKey"];
  pub: RsaPublicKey;
} {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const jwk = publicKey.export({ format: "jwk" });
  return { privateKey, pub: { n: fromB64url(jwk.n as string), e: fromB64url(jwk.e as string) } };
}

const RSA_2048 = rsaKey(2048);
// 1025-bit modulus: emBits = 1024 so the PSS encoded message is one byte shorter than the
// signature (RFC 8017 §9.1.2 with emLen < k), the edge most hand-written verifiers get wrong.
const RSA_1025 = rsaKey(1025);

describe.each(PROVIDERS)("%s: key agreement and signatures", (_name, p) => {
  it("RFC 7748 §5.2 X25519 scalar multiplication vector 1", () => {
    const k = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    const u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    expect(toHex(p.ecdh("X25519", k, u))).toBe(
      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    );
  });

  it("RFC 7748 §6.1 X25519 Diffie-Hellman between Alice and Bob", () => {
    const alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const alicePub = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    const bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const bobPub = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(toHex(p.ecdh("X25519", alice, bobPub))).toBe(k);
    expect(toHex(p.ecdh("X25519", bob, alicePub))).toBe(k);
  });

  it("RFC 7748 §6.1: a low-order X25519 peer key (all-zero secret) throws RangeError", () => {
    const priv = p.generateEcdhKeyPair("X25519").privateKey;
    expect(() => p.ecdh("X25519", priv, new Uint8Array(32))).toThrow(RangeError);
  });

  it.each(["P-256", "P-384", "X25519"] as const)(
    "%s ECDH: both sides agree, across backends too",
    (curve) => {
      const size = curve === "P-384" ? 48 : 32;
      for (const [, other] of PROVIDERS) {
        const a = p.generateEcdhKeyPair(curve);
        const b = other.generateEcdhKeyPair(curve);
        expect(a.curve).toBe(curve);
        expect(a.publicKey.length).toBe(curve === "X25519" ? 32 : 1 + 2 * size);
        const s1 = p.ecdh(curve, a.privateKey, b.publicKey);
        const s2 = other.ecdh(curve, b.privateKey, a.publicKey);
        expect(s1.length).toBe(size);
        expect(toHex(s1)).toBe(toHex(s2));
      }
    },
  );

  it("P-256 ECDH with a point not on the curve throws RangeError", () => {
    const a = p.generateEcdhKeyPair("P-256");
    const bad = a.publicKey.slice();
    bad[40] = (bad[40] as number) ^ 1;
    expect(() => p.ecdh("P-256", a.privateKey, bad)).toThrow(RangeError);
    expect(() => p.ecdh("P-256", a.privateKey, new Uint8Array(3))).toThrow(RangeError);
  });

  it.each([
    ["P-256", "sha256"],
    ["P-256", "sha384"],
    ["P-384", "sha384"],
    ["P-256", "sha1"],
  ] as const)(
    "ECDSA %s/%s: sign with this backend, verify with both (and vice versa)",
    (curve, hash) => {
      const data = utf8Encode("ServerKeyExchange params");
      for (const [, other] of PROVIDERS) {
        const kp = p.generateEcdsaKeyPair(curve);
        const sig = p.ecdsaSign(curve, kp.privateKey, hash, data);
        expect(sig[0]).toBe(0x30); // DER SEQUENCE
        expect(other.ecdsaVerify(curve, kp.publicKey, hash, data, sig)).toBe(true);
        const kp2 = other.generateEcdsaKeyPair(curve);
        const sig2 = other.ecdsaSign(curve, kp2.privateKey, hash, data);
        expect(p.ecdsaVerify(curve, kp2.publicKey, hash, data, sig2)).toBe(true);
      }
    },
  );

  it("ECDSA verify returns false (never throws) on tampered data, signature bytes or key", () => {
    const kp = p.generateEcdsaKeyPair("P-256");
    const data = utf8Encode("hello");
    const sig = p.ecdsaSign("P-256", kp.privateKey, "sha256", data);
    expect(p.ecdsaVerify("P-256", kp.publicKey, "sha256", utf8Encode("hellO"), sig)).toBe(false);
    expect(p.ecdsaVerify("P-256", kp.publicKey, "sha384", data, sig)).toBe(false);
    for (const i of [0, 1, 5, sig.length - 1]) {
      const bad = sig.slice();
      bad[i] = (bad[i] as number) ^ 0x04;
      expect(p.ecdsaVerify("P-256", kp.publicKey, "sha256", data, bad)).toBe(false);
    }
    expect(p.ecdsaVerify("P-256", kp.publicKey, "sha256", data, new Uint8Array(0))).toBe(false);
    expect(p.ecdsaVerify("P-256", kp.publicKey, "sha256", data, sig.subarray(0, 10))).toBe(false);
    expect(
      p.ecdsaVerify("P-256", p.generateEcdsaKeyPair("P-256").publicKey, "sha256", data, sig),
    ).toBe(false);
    expect(p.ecdsaVerify("P-256", new Uint8Array(65), "sha256", data, sig)).toBe(false);
    expect(p.ecdsaVerify("P-256", new Uint8Array(3), "sha256", data, sig)).toBe(false);
  });

  const rsaCases: [string, "pkcs1" | "pss", HashAlgorithm, typeof RSA_2048][] = [
    ["PKCS#1 v1.5 SHA-256 2048", "pkcs1", "sha256", RSA_2048],
    ["PKCS#1 v1.5 SHA-1 2048", "pkcs1", "sha1", RSA_2048],
    ["PKCS#1 v1.5 SHA-384 2048", "pkcs1", "sha384", RSA_2048],
    ["PKCS#1 v1.5 SHA-512 1025", "pkcs1", "sha512", RSA_1025],
    ["PSS SHA-256 2048", "pss", "sha256", RSA_2048],
    ["PSS SHA-384 2048", "pss", "sha384", RSA_2048],
    ["PSS SHA-256 1025", "pss", "sha256", RSA_1025],
    ["PSS SHA-384 1025", "pss", "sha384", RSA_1025],
  ];

  it.each(rsaCases)(
    "RSA %s signed by OpenSSL verifies; tampering is rejected",
    (_n, padding, hash, key) => {
      const data = utf8Encode("certificate tbs bytes");
      const options =
        padding === "pss"
          ? {
              key: key.privateKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
            }
          : { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING };
      const sig = new Uint8Array(nodeSign(hash, data, options));
      expect(p.rsaVerify(padding, key.pub, hash, data, sig)).toBe(true);
      expect(p.rsaVerify(padding, key.pub, hash, utf8Encode("certificate tbs byteS"), sig)).toBe(
        false,
      );
      expect(p.rsaVerify(padding === "pss" ? "pkcs1" : "pss", key.pub, hash, data, sig)).toBe(
        false,
      );
      for (const i of [0, 7, sig.length - 1]) {
        const bad = sig.slice();
        bad[i] = (bad[i] as number) ^ 0x10;
        expect(p.rsaVerify(padding, key.pub, hash, data, bad)).toBe(false);
      }
      expect(p.rsaVerify(padding, key.pub, hash, data, sig.subarray(0, sig.length - 1))).toBe(
        false,
      );
      expect(p.rsaVerify(padding, key.pub, hash, data, new Uint8Array(0))).toBe(false);
      expect(
        p.rsaVerify(padding, RSA_2048 === key ? RSA_1025.pub : RSA_2048.pub, hash, data, sig),
      ).toBe(false);
      expect(p.rsaVerify(padding, { n: new Uint8Array(0), e: key.pub.e }, hash, data, sig)).toBe(
        false,
      );
    },
  );

  it("RSA PSS with a salt length other than the hash length is rejected (TLS requires sLen = hLen)", () => {
    const data = utf8Encode("x");
    const sig = new Uint8Array(
      nodeSign("sha256", data, {
        key: RSA_2048.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 20,
      }),
    );
    expect(p.rsaVerify("pss", RSA_2048.pub, "sha256", data, sig)).toBe(false);
  });
});
