import { fromHex, utf8Encode } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  IceControlled,
  IceControlling,
  MessageIntegrity,
  Nonce,
  Priority,
  Realm,
  Software,
  StunIntegrityKey,
  StunMethod,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyStunMessage,
  XorMappedAddress,
} from "../../src/index.js";

/** RFC 5769 §2.1: sample request (short-term credentials, FINGERPRINT). */
const REQUEST = fromHex(
  `000100582112a442b7e7a701bc34d686fa87dfae802200105354554e2074657374
   20636c69656e74002400046e0001ff80290008932ff9b151263b36000600096576
   746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571
   a280280004e57a3bcf`,
);
/** RFC 5769 §2.2: sample IPv4 response. */
const RESPONSE_V4 = fromHex(
  `0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563
   746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92a
   f9ba53f06be7d780280004c07d4c96`,
);
/** RFC 5769 §2.3: sample IPv6 response. */
const RESPONSE_V6 = fromHex(
  `010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563
   746f7220002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a3
   82954e4be67bf11784c97c8292c275bfe3ed4180280004c8fb0b4c`,
);
/** RFC 5769 §2.4: sample request with long-term authentication. */
const REQUEST_LONG_TERM = fromHex(
  `000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383aa
   e38383e382afe382b900000015001c662f2f3439396b39353464364f4c33346f4c
   394653547679363473410014000b6578616d706c652e6f726700000800 14f67024
   656dd64a3e02b8e0712e85c9a28ca89666`,
);

const SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

for (const crypto of [nodeCrypto, nobleCrypto]) {
  describe(`RFC 5769 test vectors (${crypto.name} crypto)`, () => {
    it("RFC 5769 §2.1 sample request decodes, verifies and re-encodes byte-identically", () => {
      const msg = decodeStunMessage(REQUEST);
      expect(msg.method).toBe(StunMethod.Binding);
      expect(msg.class).toBe("request");
      expect(getAttribute(msg, Software)).toBe("STUN test client");
      expect(getAttribute(msg, Priority)).toBe(0x6e0001ff);
      expect(getAttribute(msg, IceControlled)).toBe(0x932ff9b151263b36n);
      expect(getAttribute(msg, IceControlling)).toBeUndefined();
      expect(getAttribute(msg, Username)).toBe("evtj:h6vY");
      const key = StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto);
      expect(verifyMessageIntegrity(msg, key)).toBe(true);
      expect(verifyMessageIntegrity(msg, StunIntegrityKey.shortTerm("wrong", crypto))).toBe(false);
      expect(verifyFingerprint(msg)).toBe(true);
      expect(encodeStunMessage(msg)).toEqual(REQUEST);
    });

    it("RFC 5769 §2.1 sample request is reproduced by signing its attributes (MI and FINGERPRINT)", () => {
      const msg = decodeStunMessage(REQUEST);
      const unsigned = { ...msg, attributes: msg.attributes.slice(0, 4) };
      const key = StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto);
      expect(encodeStunMessage(unsigned, { integrity: key, fingerprint: true })).toEqual(REQUEST);
    });

    it("RFC 5769 §2.2 sample IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853", () => {
      const msg = decodeStunMessage(RESPONSE_V4);
      expect(msg.class).toBe("success");
      expect(getAttribute(msg, Software)).toBe("test vector");
      expect(getAttribute(msg, XorMappedAddress)).toEqual({ address: "192.0.2.1", port: 32853 });
      expect(
        verifyMessageIntegrity(msg, StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto)),
      ).toBe(true);
      expect(verifyFingerprint(msg)).toBe(true);
      expect(encodeStunMessage(msg)).toEqual(RESPONSE_V4);
      const unsigned = { ...msg, attributes: msg.attributes.slice(0, 2) };
      const key = StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto);
      expect(encodeStunMessage(unsigned, { integrity: key, fingerprint: true })).toEqual(
        RESPONSE_V4,
      );
    });

    it("RFC 5769 §2.3 sample IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853", () => {
      const msg = decodeStunMessage(RESPONSE_V6);
      expect(getAttribute(msg, XorMappedAddress)).toEqual({
        address: "2001:db8:1234:5678:11:2233:4455:6677",
        port: 32853,
      });
      expect(
        verifyMessageIntegrity(msg, StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto)),
      ).toBe(true);
      expect(verifyFingerprint(msg)).toBe(true);
      expect(encodeStunMessage(msg)).toEqual(RESPONSE_V6);
      // Re-encoding from the typed value reproduces the XOR-ed bytes.
      const rebuilt = encodeStunMessage(
        {
          ...msg,
          attributes: [
            msg.attributes[0]!,
            { codec: XorMappedAddress, value: getAttribute(msg, XorMappedAddress)! },
          ],
        },
        { integrity: StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto), fingerprint: true },
      );
      expect(rebuilt).toEqual(RESPONSE_V6);
    });

    it("RFC 5769 §2.4 long-term request: SASLprep key MD5(user:realm:TheMatrIX) verifies", () => {
      const msg = decodeStunMessage(REQUEST_LONG_TERM);
      expect(getAttribute(msg, Username)).toBe("\u30de\u30c8\u30ea\u30c3\u30af\u30b9");
      expect(getAttribute(msg, Nonce)).toBe("f//499k954d6OL34oL9FSTvy64sA");
      expect(getAttribute(msg, Realm)).toBe("example.org");
      expect(getAttribute(msg, MessageIntegrity)?.length).toBe(20);
      const key = StunIntegrityKey.longTerm(
        {
          username: "\u30de\u30c8\u30ea\u30c3\u30af\u30b9",
          realm: "example.org",
          password: "The\u00adM\u00aatr\u2168",
          preparation: "saslprep",
        },
        crypto,
      );
      expect(key.key).toEqual(
        crypto.hash(
          "md5",
          utf8Encode("\u30de\u30c8\u30ea\u30c3\u30af\u30b9:example.org:TheMatrIX"),
        ),
      );
      expect(verifyMessageIntegrity(msg, key)).toBe(true);
      expect(encodeStunMessage(msg)).toEqual(REQUEST_LONG_TERM);
    });
  });

  describe(`verifyStunMessage on the RFC 5769 bytes without decoding (${crypto.name} crypto)`, () => {
    const shortTerm = StunIntegrityKey.shortTerm(SHORT_TERM_PASSWORD, crypto);

    it("RFC 5769 §2.1-§2.3 samples verify with MESSAGE-INTEGRITY and FINGERPRINT, even when required", () => {
      for (const bytes of [REQUEST, RESPONSE_V4, RESPONSE_V6]) {
        expect(verifyStunMessage(bytes, shortTerm)).toBe(true);
        expect(verifyStunMessage(bytes, shortTerm, { requireFingerprint: true })).toBe(true);
        expect(verifyStunMessage(bytes, shortTerm, { algorithm: "sha1" })).toBe(true);
        expect(verifyStunMessage(bytes, shortTerm, { algorithm: "sha256" })).toBe(false);
        expect(verifyStunMessage(bytes, StunIntegrityKey.shortTerm("wrong", crypto))).toBe(false);
      }
    });

    it("RFC 5769 §2.4 long-term sample verifies without FINGERPRINT unless one is required", () => {
      const key = StunIntegrityKey.longTerm(
        {
          username: "\u30de\u30c8\u30ea\u30c3\u30af\u30b9",
          realm: "example.org",
          password: "The\u00adM\u00aatr\u2168",
          preparation: "saslprep",
        },
        crypto,
      );
      expect(verifyStunMessage(REQUEST_LONG_TERM, key)).toBe(true);
      expect(verifyStunMessage(REQUEST_LONG_TERM, key, { requireFingerprint: true })).toBe(false);
    });

    it("a truncated RFC 5769 §2.1 sample or one with a wrong magic cookie does not verify", () => {
      expect(verifyStunMessage(REQUEST.subarray(0, REQUEST.length - 4), shortTerm)).toBe(false);
      const badCookie = REQUEST.slice();
      badCookie[4] = 0;
      expect(verifyStunMessage(badCookie, shortTerm)).toBe(false);
    });
  });
}
