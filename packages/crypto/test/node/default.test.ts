import { X509Certificate } from "node:crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { describe, expect, it } from "vitest";
import { defaultCrypto as portableDefault } from "../../src/default.js";
import { nobleCrypto } from "../../src/index.js";
import { generateCertificateNow, nodeCrypto } from "../../src/node/index.js";

describe("backend selection", () => {
  it("@purertc/crypto/default resolves to nodeCrypto under Node, the portable entry to nobleCrypto", () => {
    expect(defaultCrypto).toBe(nodeCrypto);
    expect(defaultCrypto.name).toBe("node");
    expect(portableDefault).toBe(nobleCrypto);
  });

  it("generateCertificateNow stamps the wall-clock time (valid now, for 30 days by default)", () => {
    const before = Date.now();
    const cert = generateCertificateNow({ commonName: "now" });
    const x = new X509Certificate(cert.der);
    expect(cert.notBefore.getTime()).toBeLessThan(before);
    expect(cert.notAfter.getTime()).toBeGreaterThan(before + 29 * 86_400_000);
    expect(new Date(x.validTo).getTime()).toBe(cert.notAfter.getTime());
    expect(x.verify(x.publicKey)).toBe(true);
  });
});
