import type { CryptoProvider } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  attr,
  encodeStunMessage,
  Priority,
  StunIntegrityKey,
  Username,
  verifyMessageIntegrity,
  verifyStunMessage,
  viewStunMessage,
} from "../src/index.js";

/** A provider the package does not know: integrity must go through its `createHmac`. */
function countingProvider(): { crypto: CryptoProvider; macs: () => number } {
  let computed = 0;
  const crypto: CryptoProvider = {
    ...nodeCrypto,
    name: "custom",
    createHmac: (alg, key) => {
      const mac = nodeCrypto.createHmac(alg, key);
      return {
        algorithm: mac.algorithm,
        outputLength: mac.outputLength,
        compute: (a, b, c) => {
          computed++;
          return mac.compute(a, b, c);
        },
      };
    },
  };
  return { crypto, macs: () => computed };
}

describe("MESSAGE-INTEGRITY through the CryptoProvider (RFC 8489 §14.5)", () => {
  const msg = {
    method: 1,
    class: "request" as const,
    transactionId: new Uint8Array(12).fill(5),
    attributes: [attr(Username, "a:b"), attr(Priority, 7)],
  };

  it("a provider other than node/noble is used for signing and checking, with the same bytes as the built-in path", () => {
    const { crypto, macs } = countingProvider();
    const custom = StunIntegrityKey.shortTerm("pw", crypto);
    const builtIn = StunIntegrityKey.shortTerm("pw", nodeCrypto);
    const signed = encodeStunMessage(msg, { integrity: custom, fingerprint: true });
    expect(macs()).toBe(1);
    expect(signed).toEqual(encodeStunMessage(msg, { integrity: builtIn, fingerprint: true }));
    expect(verifyMessageIntegrity(viewStunMessage(signed), custom)).toBe(true);
    expect(verifyStunMessage(signed, custom, { requireFingerprint: true })).toBe(true);
    expect(macs()).toBe(3);
    signed[21]! ^= 1;
    expect(verifyMessageIntegrity(viewStunMessage(signed), custom)).toBe(false);
    expect(verifyMessageIntegrity(viewStunMessage(signed), builtIn)).toBe(false);
  });

  it("the built-in providers get the allocation-free incremental HMAC for messages up to 1 KiB, other providers never", () => {
    const key = StunIntegrityKey.shortTerm("pw", nodeCrypto);
    expect(key.incrementalSha1(60)).toBeDefined();
    expect(key.incrementalSha1(2000)).toBeUndefined();
    expect(StunIntegrityKey.shortTerm("pw", countingProvider().crypto).incrementalSha1(60)).toBe(
      undefined,
    );
  });
});
