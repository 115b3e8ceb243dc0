import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { readFixture, readTextFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import {
  decodeStunMessage,
  encodeStunMessage,
  GoogNetworkInfo,
  getAttribute,
  IceControlled,
  IceControlling,
  isStunMessage,
  Priority,
  StunIntegrityKey,
  UseCandidate,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "../../src/index.js";

const credentials = JSON.parse(readTextFixture("stun", "chromium-ice-credentials.json")) as Record<
  string,
  string
>;

/** RFC 8445 §7.2.2: a request's USERNAME is "<receiver ufrag>:<sender ufrag>" and is signed with the receiver's password. */
function receiverKey(username: string, crypto = nodeCrypto): StunIntegrityKey {
  return StunIntegrityKey.shortTerm(credentials[username.split(":")[0]!]!, crypto);
}

describe("STUN captured from Chromium's ICE agent (fixtures/stun, see provenance)", () => {
  for (const crypto of [nodeCrypto, nobleCrypto]) {
    it(`nomination request (USE-CANDIDATE) decodes, verifies (${crypto.name}) and re-encodes byte-identically`, () => {
      const bytes = readFixture("stun", "chromium-binding-request-use-candidate.bin");
      expect(isStunMessage(bytes)).toBe(true);
      const msg = decodeStunMessage(bytes);
      expect(msg.class).toBe("request");
      const username = getAttribute(msg, Username)!;
      expect(username).toMatch(/^[^:]+:[^:]+$/);
      expect(getAttribute(msg, UseCandidate)).toBe(true);
      expect(typeof getAttribute(msg, IceControlling)).toBe("bigint");
      expect(getAttribute(msg, Priority)! >>> 24).toBeGreaterThan(0);
      expect(getAttribute(msg, GoogNetworkInfo)).toBeDefined();
      expect(verifyMessageIntegrity(msg, receiverKey(username, crypto))).toBe(true);
      expect(verifyFingerprint(msg)).toBe(true);
      expect(encodeStunMessage(msg)).toEqual(bytes);
      // Re-signing the attributes before MESSAGE-INTEGRITY with the same key reproduces the bytes.
      const unsigned = { ...msg, attributes: msg.attributes.slice(0, -2) };
      expect(
        encodeStunMessage(unsigned, {
          integrity: receiverKey(username, crypto),
          fingerprint: true,
        }),
      ).toEqual(bytes);
    });
  }

  it("success response: XOR-MAPPED-ADDRESS of the sender, signed with the responder's password", () => {
    const request = decodeStunMessage(
      readFixture("stun", "chromium-binding-request-use-candidate.bin"),
    );
    const bytes = readFixture("stun", "chromium-binding-success.bin");
    const msg = decodeStunMessage(bytes);
    expect(msg.class).toBe("success");
    expect(msg.transactionId).toEqual(request.transactionId);
    const mapped = getAttribute(msg, XorMappedAddress)!;
    expect(mapped.port).toBeGreaterThan(0);
    expect(verifyMessageIntegrity(msg, receiverKey(getAttribute(request, Username)!))).toBe(true);
    expect(verifyFingerprint(msg)).toBe(true);
    expect(encodeStunMessage(msg)).toEqual(bytes);
  });

  it("controlled agent's request carries ICE-CONTROLLED and verifies", () => {
    const msg = decodeStunMessage(readFixture("stun", "chromium-binding-request-controlled.bin"));
    expect(typeof getAttribute(msg, IceControlled)).toBe("bigint");
    expect(getAttribute(msg, IceControlling)).toBeUndefined();
    expect(verifyMessageIntegrity(msg, receiverKey(getAttribute(msg, Username)!))).toBe(true);
    expect(verifyFingerprint(msg)).toBe(true);
  });
});
