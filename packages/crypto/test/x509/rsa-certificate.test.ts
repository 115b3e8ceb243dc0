import { createPrivateKey, X509Certificate } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  encodePem,
  generateCertificate,
  nobleCrypto,
  parseCertificate,
  UnsupportedOperationError,
  verifyCertificateSignature,
} from "../../src/index.js";
import { nodeCrypto } from "../../src/node/index.js";
import type { RsaKeyPair } from "../../src/provider.js";
import { HAVE_OPENSSL, openssl, scratch } from "./openssl.js";

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const dir = scratch();
afterAll(() => dir.cleanup());

function b64u(b: Uint8Array): string {
  let start = 0;
  while (start < b.length - 1 && b[start] === 0) start++;
  return Buffer.from(b.subarray(start)).toString("base64url");
}

function nodePrivateKey(k: RsaKeyPair) {
  const p = k.privateKey;
  return createPrivateKey({
    key: {
      kty: "RSA",
      n: b64u(p.n),
      e: b64u(p.e),
      d: b64u(p.d),
      p: b64u(p.p),
      q: b64u(p.q),
      dp: b64u(p.dp),
      dq: b64u(p.dq),
      qi: b64u(p.qi),
    },
    format: "jwk",
  });
}

const WEBRTC_RSA = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: Uint8Array.of(1, 0, 1),
  hash: "SHA-256",
} as const;

describe("generateCertificate with RSASSA-PKCS1-v1_5 (RFC 4055 §5, RFC 3279 §2.3.1)", () => {
  const cert = generateCertificate(nodeCrypto, { now: NOW, algorithm: WEBRTC_RSA });

  it("parses back as an RSA 2048 key signed sha256WithRSAEncryption, and self-verifies", () => {
    const c = parseCertificate(cert.der);
    expect(c.version).toBe(3);
    expect(c.signatureAlgorithm).toMatchObject({ kind: "rsa-pkcs1", hash: "sha256" });
    expect(c.publicKey).toEqual({
      kind: "rsa",
      n: cert.keyPair.publicKey.n,
      e: Uint8Array.of(1, 0, 1),
    });
    expect(verifyCertificateSignature(nodeCrypto, c)).toBe(true);
    expect(verifyCertificateSignature(nobleCrypto, c)).toBe(true);
  });

  it("node's X509Certificate verifies it and matches the private key", () => {
    const x = new X509Certificate(cert.der);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyType).toBe("rsa");
    expect(x.checkPrivateKey(nodePrivateKey(cert.keyPair))).toBe(true);
  });

  it("SHA-384 signature hash when asked", () => {
    const c384 = generateCertificate(nodeCrypto, {
      now: NOW,
      algorithm: { ...WEBRTC_RSA, modulusLength: 1024, hash: "SHA-384" },
    });
    const c = parseCertificate(c384.der);
    expect(c.signatureAlgorithm).toMatchObject({ kind: "rsa-pkcs1", hash: "sha384" });
    expect(new X509Certificate(c384.der).verify(new X509Certificate(c384.der).publicKey)).toBe(
      true,
    );
  });

  it("noble signs a certificate for an existing RSA key; OpenSSL-backed verify accepts it", () => {
    const c = generateCertificate(nobleCrypto, { now: NOW, keyPair: cert.keyPair });
    const x = new X509Certificate(c.der);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(c.keyPair).toBe(cert.keyPair);
  });

  it("noble cannot generate the key: typed UnsupportedOperationError", () => {
    expect(() => generateCertificate(nobleCrypto, { now: NOW, algorithm: WEBRTC_RSA })).toThrow(
      UnsupportedOperationError,
    );
  });

  it("rejects an unknown algorithm name and a non-P-256 ECDSA curve", () => {
    expect(() =>
      generateCertificate(nodeCrypto, {
        now: NOW,
        algorithm: { name: "RSA-PSS" } as unknown as typeof WEBRTC_RSA,
      }),
    ).toThrow(TypeError);
    expect(() =>
      generateCertificate(nodeCrypto, {
        now: NOW,
        algorithm: { name: "ECDSA", namedCurve: "P-384" as "P-256" },
      }),
    ).toThrow(RangeError);
  });

  it.skipIf(!HAVE_OPENSSL)("openssl x509 reads it and verifies its self-signature", () => {
    const pem = dir.write("rsa.pem", encodePem("CERTIFICATE", cert.der));
    const text = openssl(["x509", "-in", pem, "-noout", "-text"]);
    expect(text).toContain("sha256WithRSAEncryption");
    expect(text).toContain("Public-Key: (2048 bit)");
    expect(text).toContain("Exponent: 65537");
    const out = openssl(["verify", "-CAfile", pem, "-check_ss_sig", "-no_check_time", pem]);
    expect(out).toContain("OK");
  });
});
