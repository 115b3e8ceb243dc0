import { fromHex, toHex, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "../providers.js";

const hex = fromHex;
const s = utf8Encode;

describe.each(PROVIDERS)("%s: hashes and MACs", (_name, p) => {
  it("FIPS 180-4 / RFC 1321 known answers for 'abc' and ''", () => {
    const abc = s("abc");
    expect(toHex(p.hash("md5", abc))).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(toHex(p.hash("md5", new Uint8Array(0)))).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(toHex(p.hash("sha1", abc))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(toHex(p.hash("sha224", abc))).toBe(
      "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
    );
    expect(toHex(p.hash("sha256", abc))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(toHex(p.hash("sha384", abc))).toBe(
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    );
    expect(toHex(p.hash("sha512", abc))).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
    expect(toHex(p.hash("sha256", new Uint8Array(0)))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("RFC 2202 §3 HMAC-SHA1 test cases 1, 2 and 6 (key longer than the block)", () => {
    expect(toHex(p.hmac("sha1", new Uint8Array(20).fill(0x0b), s("Hi There")))).toBe(
      "b617318655057264e28bc0b6fb378c8ef146be00",
    );
    expect(toHex(p.hmac("sha1", s("Jefe"), s("what do ya want for nothing?")))).toBe(
      "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
    );
    expect(
      toHex(
        p.hmac(
          "sha1",
          new Uint8Array(80).fill(0xaa),
          s("Test Using Larger Than Block-Size Key - Hash Key First"),
        ),
      ),
    ).toBe("aa4ae5e15272d00e95705637ce8a3b55ed402112");
  });

  const rfc4231: [string, Uint8Array, Uint8Array, string, string, string][] = [
    [
      "test case 1",
      new Uint8Array(20).fill(0x0b),
      s("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
      "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    ],
    [
      "test case 2",
      s("Jefe"),
      s("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    ],
    [
      "test case 6 (131-byte key)",
      new Uint8Array(131).fill(0xaa),
      s("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
    ],
  ];

  it.each(rfc4231)("RFC 4231 §4 HMAC-SHA256/384/512 %s", (_case, key, data, h256, h384, h512) => {
    expect(toHex(p.hmac("sha256", key, data))).toBe(h256);
    expect(toHex(p.hmac("sha384", key, data))).toBe(h384);
    expect(toHex(p.hmac("sha512", key, data))).toBe(h512);
  });

  it("RFC 4231 §4.2: a reusable MacContext over split input equals the one-shot HMAC", () => {
    const mac = p.createHmac("sha256", s("Jefe"));
    expect(mac.outputLength).toBe(32);
    const msg = s("what do ya want for nothing?");
    const expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    expect(toHex(mac.compute(msg))).toBe(expected);
    expect(toHex(mac.compute(msg.subarray(0, 5), msg.subarray(5, 9), msg.subarray(9)))).toBe(
      expected,
    );
    expect(toHex(mac.compute(msg))).toBe(expected);
    expect(p.createHmac("sha1", s("k")).outputLength).toBe(20);
  });

  it("RFC 5869 appendix A.1 and A.3 HKDF-SHA256", () => {
    expect(
      toHex(
        p.hkdf(
          "sha256",
          new Uint8Array(22).fill(0x0b),
          hex("000102030405060708090a0b0c"),
          hex("f0f1f2f3f4f5f6f7f8f9"),
          42,
        ),
      ),
    ).toBe("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    expect(
      toHex(
        p.hkdf("sha256", new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42),
      ),
    ).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  });

  it("RFC 5869 appendix A.4 HKDF-SHA1", () => {
    expect(
      toHex(
        p.hkdf(
          "sha1",
          new Uint8Array(11).fill(0x0b),
          hex("000102030405060708090a0b0c"),
          hex("f0f1f2f3f4f5f6f7f8f9"),
          42,
        ),
      ),
    ).toBe("085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896");
  });

  it("HKDF rejects a length above 255 × HashLen (RFC 5869 §2.3)", () => {
    expect(() =>
      p.hkdf("sha256", new Uint8Array(1), new Uint8Array(0), new Uint8Array(0), 255 * 32 + 1),
    ).toThrow(RangeError);
  });

  // Vector published by Joseph Birr-Pixton on the IETF TLS list (2011-05) and reused by Go's
  // crypto/tls prf_test.go, BoringSSL and others: P_SHA256 with label "test label".
  it("TLS 1.2 PRF (RFC 5246 §5) SHA-256 published vector", () => {
    const out = p.tlsPrf(
      "sha256",
      hex("9bbe436ba940f017b17652849a71db35"),
      "test label",
      hex("a0ba9f936cda311827a6f796ffd5198c"),
      100,
    );
    expect(toHex(out)).toBe(
      "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66",
    );
  });

  it("TLS 1.2 PRF SHA-384 published vector", () => {
    const out = p.tlsPrf(
      "sha384",
      hex("b80b733d6ceefcdc71566ea48e5567df"),
      "test label",
      hex("cd665cf6a8447dd6ff8b27555edb7465"),
      148,
    );
    expect(toHex(out)).toBe(
      "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f",
    );
  });
});
