import { fromHex as hex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { AeadCipher } from "../../src/aead-cipher.js";
import { AesCmCipher } from "../../src/aes-cm-cipher.js";
import {
  deriveSessionKeys,
  SRTP_PROFILES,
  SrtcpSession,
  SrtpSession,
  srtpKdf,
} from "../../src/index.js";
import { PROVIDERS, rtpPacket } from "../providers.js";

const B3_MASTER = {
  masterKey: hex("E1F97A0D3E018BE0D64FA32C06DE4139"),
  masterSalt: hex("0EC675AD498AFEEBB6960B3AABE6"),
};

/** RFC 7714 §16 / §17 session key, salt and packets (the vectors bypass the KDF). */
const GCM_SALT = hex("517569642070726f2071756f");
const GCM_KEY_128 = hex("000102030405060708090a0b0c0d0e0f");
const GCM_KEY_256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const GCM_RTP = hex(
  "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573",
);
const GCM_RTCP = hex(
  "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
);

function gcm(p: (typeof PROVIDERS)[number][1], key: Uint8Array): AeadCipher {
  return new AeadCipher(p, { encryptionKey: key, authKey: new Uint8Array(0), salt: GCM_SALT });
}

describe.each(PROVIDERS)("%s: RFC test vectors", (_name, p) => {
  it("RFC 3711 Appendix B.3: SRTP session keys from the master key (KDR 0)", () => {
    const k = deriveSessionKeys(p, SRTP_PROFILES.SRTP_AES128_CM_HMAC_SHA1_80, B3_MASTER, false);
    expect(toHex(k.encryptionKey)).toBe("c61e7a93744f39ee10734afe3ff7a087");
    expect(toHex(k.salt)).toBe("30cbbc08863d8c85d49db34a9ae1");
    expect(toHex(k.authKey)).toBe("cebe321f6ff7716b6fd4ab49af256a156d38baa4");
  });

  it("RFC 3711 Appendix B.3: the full 94-octet authentication keystream", () => {
    expect(toHex(srtpKdf(p, B3_MASTER, 0x01, 94))).toBe(
      "cebe321f6ff7716b6fd4ab49af256a156d38baa48f0a0acf3c34e2359e6cdbce" +
        "e049646c43d9327ad175578ef72270986371c10c9a369ac2f94a8c5fbcdddc25" +
        "6d6e919a48b610ef17c2041e474035766b68642c59bbfc2f34db60dbdfb2",
    );
  });

  it("RFC 3711 §4.3.2 labels 3..5 give the SRTCP keys (libsrtp values for the B.3 master key)", () => {
    const k = deriveSessionKeys(p, SRTP_PROFILES.SRTP_AES128_CM_HMAC_SHA1_80, B3_MASTER, true);
    expect(toHex(k.encryptionKey)).toBe("4c1aa45a81f73d61c800bbb00fbb1eaa");
    expect(toHex(k.authKey)).toBe("8d54534feb49ae8e7993a6bd0b844fc323a93dfd");
    expect(toHex(k.salt)).toBe("9581c7ad87b3e530bf3e4454a8b3");
  });

  it("RFC 3711 Appendix B.2: AES-CM keystream for SSRC 0, index 0 (blocks 0-2 and 0xfeff-0xff01)", () => {
    const c = new AesCmCipher(
      p,
      {
        encryptionKey: hex("2B7E151628AED2A6ABF7158809CF4F3C"),
        authKey: new Uint8Array(20),
        salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
      },
      10,
    );
    const zeros = new Uint8Array(0xff02 * 16);
    const out = c.protectRtp(rtpPacket(0, 0, zeros), 12, 0, 0, 0, undefined);
    const ks = out.subarray(12, 12 + zeros.length);
    expect(toHex(ks.subarray(0, 48))).toBe(
      "e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0",
    );
    expect(toHex(ks.subarray(0xfeff * 16))).toBe(
      "ec8cdf7398607cb0f2d21675ea9ea1e4362b7c3c6773516318a077d7fc5073ae6a2cc3787889374fbeb4c81b17ba6c44",
    );
  });

  it("RFC 6188 §7.1: AES-256-CM keystream", () => {
    const c = new AesCmCipher(
      p,
      {
        encryptionKey: hex("57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98"),
        authKey: new Uint8Array(20),
        salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
      },
      10,
    );
    const out = c.protectRtp(rtpPacket(0, 0, new Uint8Array(48)), 12, 0, 0, 0, undefined);
    expect(toHex(out.subarray(12, 60))).toBe(
      "92bdd28a93c3f52511c677d08b5515a49da71b2378a854f67050756ded165bac63c4868b7096d88421b563b8c94c9a31",
    );
  });

  it("RFC 6188 §7.2: AES_256_CM_PRF key derivation", () => {
    const k = deriveSessionKeys(
      p,
      SRTP_PROFILES.SRTP_AES256_CM_HMAC_SHA1_80,
      {
        masterKey: hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"),
        masterSalt: hex("3b04803de51ee7c96423ab5b78d2"),
      },
      false,
    );
    expect(toHex(k.encryptionKey)).toBe(
      "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
    );
    expect(toHex(k.salt)).toBe("fa31791685ca444a9e07c6c64e93");
    expect(toHex(k.authKey)).toBe("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05");
  });

  it("RFC 7714 §16.1: AEAD_AES_128_GCM SRTP encryption and decryption", () => {
    const want =
      "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
    const c = gcm(p, GCM_KEY_128);
    const out = c.protectRtp(GCM_RTP, 12, 0x5501a0b2, 0, 0xf17b, undefined);
    expect(toHex(out)).toBe(want);
    const back = c.unprotectRtp(hex(want), 12, want.length / 2, 0x5501a0b2, 0, 0xf17b);
    expect(back && toHex(back)).toBe(toHex(GCM_RTP));
  });

  it("RFC 7714 §16.2: AEAD_AES_256_GCM SRTP encryption", () => {
    const out = gcm(p, GCM_KEY_256).protectRtp(GCM_RTP, 12, 0x5501a0b2, 0, 0xf17b, undefined);
    expect(toHex(out)).toBe(
      "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
    );
  });

  it("RFC 7714 §17.1: AEAD_AES_128_GCM SRTCP encryption, index 0x5d4", () => {
    const out = gcm(p, GCM_KEY_128).protectRtcp(GCM_RTCP, 0x4d617273, 0x5d4, undefined);
    expect(toHex(out)).toBe(
      "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4",
    );
  });

  it("RFC 7714 §17.2: AEAD_AES_256_GCM SRTCP verification and decryption", () => {
    const wire = hex(
      "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4",
    );
    const out = gcm(p, GCM_KEY_256).unprotectRtcp(wire, wire.length - 4, 0x4d617273, 0x5d4, true);
    expect(out && toHex(out)).toBe(toHex(GCM_RTCP));
  });

  it("RFC 7714 §17.3/§17.4: SRTCP authentication only (E = 0) verifies for 128 and 256 bits", () => {
    const w128 = hex(`${toHex(GCM_RTCP)}841dd9683dd78ec92ae58790125f62b3000005d4`);
    const w256 = hex(`${toHex(GCM_RTCP)}91db4afbfeee5a978fab4393ed2615fe000005d4`);
    for (const [key, wire] of [
      [GCM_KEY_128, w128],
      [GCM_KEY_256, w256],
    ] as const) {
      const out = gcm(p, key).unprotectRtcp(wire, wire.length - 4, 0x4d617273, 0x5d4, false);
      expect(out && toHex(out)).toBe(toHex(GCM_RTCP));
      wire[20] = wire[20]! ^ 1;
      expect(gcm(p, key).unprotectRtcp(wire, wire.length - 4, 0x4d617273, 0x5d4, false)).toBe(
        undefined,
      );
    }
  });

  it("libsrtp srtp_validate known answers: AES-CM-128-HMAC-SHA1-80 SRTP and SRTCP (index 1)", () => {
    const profile = "SRTP_AES128_CM_HMAC_SHA1_80";
    const rtp = new SrtpSession({ profile, key: B3_MASTER, crypto: p });
    const plain = hex("800f1234decafbadcafebabeabababababababababababababababab");
    expect(toHex(rtp.protect(plain))).toBe(
      "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb",
    );
    const rtcp = new SrtcpSession({ profile, key: B3_MASTER, crypto: p });
    const plainRtcp = hex("81c8000bcafebabeabababababababababababababababab");
    expect(toHex(rtcp.protect(plainRtcp))).toBe(
      "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798",
    );
  });
});
