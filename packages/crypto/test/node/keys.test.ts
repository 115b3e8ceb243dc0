import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../../src/index.js";
import { nodeCrypto } from "../../src/node/index.js";
import {
  ecdsaPrivateKey,
  ecdsaPublicKey,
  x25519PrivateKey,
  x25519PublicKey,
} from "../../src/node/keys.js";

const data = new TextEncoder().encode("key cache");

describe("node backend KeyObject cache", () => {
  it("reuses one KeyObject per key array (no re-import per operation)", () => {
    const x = nodeCrypto.generateEcdhKeyPair("X25519");
    expect(x25519PrivateKey(x.privateKey)).toBe(x25519PrivateKey(x.privateKey));
    expect(x25519PublicKey(x.publicKey)).toBe(x25519PublicKey(x.publicKey));
    const e = nodeCrypto.generateEcdsaKeyPair("P-256");
    expect(ecdsaPrivateKey("P-256", e.privateKey)).toBe(ecdsaPrivateKey("P-256", e.privateKey));
    expect(ecdsaPublicKey("P-256", e.publicKey)).toBe(ecdsaPublicKey("P-256", e.publicKey));
  });

  it("a generated X25519 key's cached KeyObject agrees with the noble backend on the raw bytes", () => {
    const a = nodeCrypto.generateEcdhKeyPair("X25519");
    const b = nobleCrypto.generateEcdhKeyPair("X25519");
    expect(nodeCrypto.ecdh("X25519", a.privateKey, b.publicKey)).toEqual(
      nobleCrypto.ecdh("X25519", a.privateKey, b.publicKey),
    );
  });

  it("a generated P-256 key pair is consistent: the node signature verifies with noble on the raw point", () => {
    for (const curve of ["P-256", "P-384"] as const) {
      const k = nodeCrypto.generateEcdsaKeyPair(curve);
      const size = curve === "P-256" ? 32 : 48;
      expect(k.privateKey.length).toBe(size);
      expect(k.publicKey.length).toBe(1 + 2 * size);
      const sig = nodeCrypto.ecdsaSign(curve, k.privateKey, "sha256", data);
      expect(nobleCrypto.ecdsaVerify(curve, k.publicKey, "sha256", data, sig)).toBe(true);
      const sig2 = nobleCrypto.ecdsaSign(curve, k.privateKey, "sha256", data);
      expect(nodeCrypto.ecdsaVerify(curve, k.publicKey, "sha256", data, sig2)).toBe(true);
    }
  });

  it("an array rewritten in place is re-imported, never served a stale key", () => {
    const a = nodeCrypto.generateEcdhKeyPair("X25519");
    const b = nodeCrypto.generateEcdhKeyPair("X25519");
    const peer = nodeCrypto.generateEcdhKeyPair("X25519");
    const priv = a.privateKey;
    const before = nodeCrypto.ecdh("X25519", priv, peer.publicKey);
    priv.set(b.privateKey);
    const after = nodeCrypto.ecdh("X25519", priv, peer.publicKey);
    expect(after).not.toEqual(before);
    expect(after).toEqual(nobleCrypto.ecdh("X25519", b.privateKey, peer.publicKey));

    const pub = peer.publicKey;
    pub.set(a.publicKey);
    expect(nodeCrypto.ecdh("X25519", b.privateKey, pub)).toEqual(
      nobleCrypto.ecdh("X25519", b.privateKey, a.publicKey),
    );

    const s1 = nodeCrypto.generateEcdsaKeyPair("P-256");
    const s2 = nodeCrypto.generateEcdsaKeyPair("P-256");
    const scalar = s1.privateKey;
    nodeCrypto.ecdsaSign("P-256", scalar, "sha256", data);
    scalar.set(s2.privateKey);
    const sig = nodeCrypto.ecdsaSign("P-256", scalar, "sha256", data);
    expect(nobleCrypto.ecdsaVerify("P-256", s2.publicKey, "sha256", data, sig)).toBe(true);
    expect(nobleCrypto.ecdsaVerify("P-256", s1.publicKey, "sha256", data, sig)).toBe(false);

    const point = s1.publicKey;
    expect(nodeCrypto.ecdsaVerify("P-256", point, "sha256", data, sig)).toBe(false);
    point.set(s2.publicKey);
    expect(nodeCrypto.ecdsaVerify("P-256", point, "sha256", data, sig)).toBe(true);
  });
});
