import { fromHex, toHex, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "../providers.js";

const hex = fromHex;

const SP800_38A_PLAINTEXT = hex(
  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
);
const SP800_38A_COUNTER = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");

/** The McGrew–Viega GCM test cases 3/4 and 15/16 share this plaintext, AAD and IV. */
const GCM_P = hex(
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
);
const GCM_A = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
const GCM_IV = hex("cafebabefacedbaddecaf888");

describe.each(PROVIDERS)("%s: ciphers", (_name, p) => {
  it("NIST SP 800-38A F.5.1 CTR-AES128.Encrypt", () => {
    const ctx = p.createAesCtr(hex("2b7e151628aed2a6abf7158809cf4f3c"));
    expect(ctx.keyLength).toBe(16);
    const out = new Uint8Array(64);
    ctx.xor(SP800_38A_COUNTER, SP800_38A_PLAINTEXT, out);
    expect(toHex(out)).toBe(
      "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
    );
  });

  it("NIST SP 800-38A F.5.5 CTR-AES256.Encrypt (and F.5.6 decrypt in place)", () => {
    const ctx = p.createAesCtr(
      hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
    );
    const out = new Uint8Array(64);
    ctx.xor(SP800_38A_COUNTER, SP800_38A_PLAINTEXT, out);
    const expected =
      "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6";
    expect(toHex(out)).toBe(expected);
    ctx.xor(SP800_38A_COUNTER, out, out);
    expect(toHex(out)).toBe(toHex(SP800_38A_PLAINTEXT));
  });

  it("RFC 3711 appendix B.2 AES-CM keystream (counters 0000-0002 and FEFF-FF01)", () => {
    const ctx = p.createAesCtr(hex("2b7e151628aed2a6abf7158809cf4f3c"));
    const ks = ctx.keystream(hex("f0f1f2f3f4f5f6f7f8f9fafbfcfd0000"), 0xff02 * 16);
    expect(toHex(ks.subarray(0, 48))).toBe(
      "e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0",
    );
    expect(toHex(ks.subarray(ks.length - 48))).toBe(
      "ec8cdf7398607cb0f2d21675ea9ea1e4362b7c3c6773516318a077d7fc5073ae6a2cc3787889374fbeb4c81b17ba6c44",
    );
  });

  it("GCM spec test cases 2 and 4 (AES-128, NIST SP 800-38D)", () => {
    const zero = p.createAead("aes-128-gcm", new Uint8Array(16));
    expect(toHex(zero.seal(new Uint8Array(12), new Uint8Array(16)))).toBe(
      "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf",
    );
    const ctx = p.createAead("aes-128-gcm", hex("feffe9928665731c6d6a8f9467308308"));
    const sealed = ctx.seal(GCM_IV, GCM_P, GCM_A);
    expect(toHex(sealed)).toBe(
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" +
        "5bc94fbc3221a5db94fae95ae7121a47",
    );
    expect(toHex(ctx.open(GCM_IV, sealed, GCM_A) ?? new Uint8Array(0))).toBe(toHex(GCM_P));
  });

  it("GCM spec test cases 14 and 16 (AES-256)", () => {
    const zero = p.createAead("aes-256-gcm", new Uint8Array(32));
    expect(toHex(zero.seal(new Uint8Array(12), new Uint8Array(16)))).toBe(
      "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
    );
    const ctx = p.createAead(
      "aes-256-gcm",
      hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
    );
    expect(toHex(ctx.seal(GCM_IV, GCM_P, GCM_A))).toBe(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" +
        "76fc6ece0f4e1768cddf8853bb2d551b",
    );
  });

  it("RFC 8439 §2.8.2 ChaCha20-Poly1305 AEAD", () => {
    const key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const nonce = hex("070000004041424344454647");
    const aad = hex("50515253c0c1c2c3c4c5c6c7");
    const plaintext = utf8Encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const ctx = p.createAead("chacha20-poly1305", key);
    const sealed = ctx.seal(nonce, plaintext, aad);
    expect(toHex(sealed)).toBe(
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" +
        "1ae10b594f09e26a7e902ecbd0600691",
    );
    expect(ctx.open(nonce, sealed, aad)).toEqual(plaintext);
  });

  it.each(["aes-128-gcm", "aes-256-gcm", "chacha20-poly1305"] as const)(
    "%s open returns undefined for a flipped ciphertext, tag, AAD or nonce bit and for short input",
    (alg) => {
      const ctx = p.createAead(alg, p.randomBytes(alg === "aes-128-gcm" ? 16 : 32));
      const nonce = p.randomBytes(12);
      const aad = utf8Encode("header");
      const sealed = ctx.seal(nonce, utf8Encode("payload bytes"), aad);
      for (const i of [0, 5, sealed.length - 16, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[i] = (bad[i] as number) ^ 0x01;
        expect(ctx.open(nonce, bad, aad)).toBeUndefined();
      }
      expect(ctx.open(nonce, sealed, utf8Encode("headeR"))).toBeUndefined();
      expect(ctx.open(nonce, sealed)).toBeUndefined();
      const badNonce = nonce.slice();
      badNonce[11] = (badNonce[11] as number) ^ 0x80;
      expect(ctx.open(badNonce, sealed, aad)).toBeUndefined();
      expect(ctx.open(nonce, sealed.subarray(0, 15), aad)).toBeUndefined();
      expect(ctx.open(nonce, sealed, aad)).toEqual(utf8Encode("payload bytes"));
    },
  );

  it("rejects misuse with RangeError/TypeError", () => {
    expect(() => p.createAesCtr(new Uint8Array(15))).toThrow(RangeError);
    expect(() => p.createAead("aes-128-gcm", new Uint8Array(32))).toThrow(RangeError);
    expect(() => p.createAead("aes-512-gcm" as "aes-128-gcm", new Uint8Array(32))).toThrow(
      TypeError,
    );
    expect(() => p.createHmac("md5" as "sha1", new Uint8Array(16))).toThrow(TypeError);
    const ctr = p.createAesCtr(new Uint8Array(16));
    expect(() => ctr.xor(new Uint8Array(12), new Uint8Array(4), new Uint8Array(4))).toThrow(
      RangeError,
    );
    expect(() => ctr.xor(new Uint8Array(16), new Uint8Array(4), new Uint8Array(5))).toThrow(
      RangeError,
    );
    const aead = p.createAead("aes-128-gcm", new Uint8Array(16));
    expect(() => aead.seal(new Uint8Array(8), new Uint8Array(4))).toThrow(RangeError);
    expect(() => p.randomBytes(-1)).toThrow(RangeError);
  });

  it("randomBytes returns the requested length and differs between calls", () => {
    const a = p.randomBytes(32);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(32);
    expect(toHex(a)).not.toBe(toHex(p.randomBytes(32)));
    expect(p.randomBytes(0).length).toBe(0);
  });
});
