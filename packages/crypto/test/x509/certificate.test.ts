import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { isDecodeError, toHex } from "@purertc/common";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeEcPrivateKey,
  decodePem,
  decodePemBlock,
  encodeEcPrivateKeyPkcs8,
  encodeEcPrivateKeySec1,
  encodePem,
  fingerprint,
  generateCertificate,
  matchesFingerprint,
  parseCertificate,
  verifyCertificateSignature,
} from "../../src/index.js";
import { PROVIDERS } from "../providers.js";
import { HAVE_OPENSSL, openssl, scratch } from "./openssl.js";

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0, 345);
const DAY = 86_400_000;
const dir = scratch();
afterAll(() => dir.cleanup());

describe.each(PROVIDERS)("%s: generateCertificate", (name, p) => {
  const cert = generateCertificate(p, { now: NOW });

  it("parses back: v3, ECDSA P-256 with SHA-256, self-issued, validity now-1d .. now+30d in whole seconds", () => {
    const c = parseCertificate(cert.der);
    expect(c.version).toBe(3);
    expect(c.signatureAlgorithm).toEqual({
      kind: "ecdsa",
      hash: "sha256",
      oid: "1.2.840.10045.4.3.2",
    });
    expect(c.publicKey).toEqual({ kind: "ecdsa", curve: "P-256", point: cert.keyPair.publicKey });
    expect(c.subjectCommonName).toBe(cert.commonName);
    expect(c.issuerCommonName).toBe(cert.commonName);
    expect(cert.commonName).toMatch(/^[0-9a-f]{16}$/);
    expect(toHex(c.serial)).toBe(toHex(cert.serial));
    expect(c.serial.length).toBe(16);
    expect((c.serial[0] as number) & 0x80).toBe(0);
    expect(c.notBefore.getTime()).toBe(Date.UTC(2025, 4, 31, 12, 0, 0));
    expect(c.notAfter.getTime()).toBe(Date.UTC(2025, 6, 1, 12, 0, 0));
    expect(cert.notBefore).toEqual(c.notBefore);
    expect(verifyCertificateSignature(p, c)).toBe(true);
  });

  it("random serial and CN differ between certificates (werift#225: Firefox rejects reuse)", () => {
    const other = generateCertificate(p, { now: NOW });
    expect(toHex(other.serial)).not.toBe(toHex(cert.serial));
    expect(other.commonName).not.toBe(cert.commonName);
  });

  it("node's X509Certificate verifies it with its own key and matches the private key", () => {
    const x = new X509Certificate(cert.der);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subject).toBe(`CN=${cert.commonName}`);
    const key = createPrivateKey(encodePem("PRIVATE KEY", encodeEcPrivateKeyPkcs8(cert.keyPair)));
    expect(x.checkPrivateKey(key)).toBe(true);
    const sec1 = createPrivateKey(
      encodePem("EC PRIVATE KEY", encodeEcPrivateKeySec1(cert.keyPair)),
    );
    expect(x.checkPrivateKey(sec1)).toBe(true);
  });

  it("fingerprints equal node's X509Certificate fingerprints, in SDP form (RFC 8122 §5)", () => {
    const x = new X509Certificate(cert.der);
    expect(fingerprint(p, cert.der, "sha-256")).toBe(x.fingerprint256);
    expect(fingerprint(p, cert.der, "sha-1")).toBe(x.fingerprint);
    expect(fingerprint(p, cert.der, "sha-512")).toBe(x.fingerprint512);
    expect(fingerprint(p, cert.der, "sha-256")).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fingerprint(p, cert.der, "sha-224").split(":")).toHaveLength(28);
    expect(fingerprint(p, cert.der, "sha-384").split(":")).toHaveLength(48);
  });

  it("matchesFingerprint accepts any case and rejects other certificates, bad hex and unknown hashes", () => {
    const fp = fingerprint(p, cert.der, "sha-256");
    expect(matchesFingerprint(p, cert.der, "sha-256", fp)).toBe(true);
    expect(matchesFingerprint(p, cert.der, "SHA-256", fp.toLowerCase())).toBe(true);
    expect(matchesFingerprint(p, generateCertificate(p, { now: NOW }).der, "sha-256", fp)).toBe(
      false,
    );
    expect(matchesFingerprint(p, cert.der, "sha-384", fp)).toBe(false);
    expect(matchesFingerprint(p, cert.der, "md5", fp)).toBe(false);
    expect(matchesFingerprint(p, cert.der, "sha-256", fp.slice(3))).toBe(false);
    expect(matchesFingerprint(p, cert.der, "sha-256", `${fp}:00`)).toBe(false);
    expect(matchesFingerprint(p, cert.der, "sha-256", "zz")).toBe(false);
    expect(matchesFingerprint(p, cert.der, "sha-256", "")).toBe(false);
  });

  it("a tampered certificate no longer verifies", () => {
    const c = parseCertificate(cert.der);
    const tbs = c.tbs.slice();
    tbs[tbs.length - 5] = (tbs[tbs.length - 5] as number) ^ 1;
    expect(verifyCertificateSignature(p, { ...c, tbs })).toBe(false);
    const other = parseCertificate(generateCertificate(p, { now: NOW }).der);
    expect(verifyCertificateSignature(p, c, other.publicKey)).toBe(false);
  });

  it("honours commonName, notBefore, validityDays and an existing key; dates from 2050 use GeneralizedTime", () => {
    const keyPair = p.generateEcdsaKeyPair("P-256");
    const g = generateCertificate(p, {
      commonName: "ünïcode peer",
      notBefore: new Date(Date.UTC(2049, 11, 31)),
      validityDays: 3650,
      keyPair,
    });
    const c = parseCertificate(g.der);
    expect(c.subjectCommonName).toBe("ünïcode peer");
    expect(c.notBefore.toISOString()).toBe("2049-12-31T00:00:00.000Z");
    expect(c.notAfter.getTime()).toBe(Date.UTC(2049, 11, 31) + 3650 * DAY);
    expect(c.publicKey).toEqual({ kind: "ecdsa", curve: "P-256", point: keyPair.publicKey });
    expect(new X509Certificate(g.der).validTo).toMatch(/2059/);
  });

  it("rejects a call without a time, bad validity and a non-P-256 key", () => {
    expect(() => generateCertificate(p, {})).toThrow(TypeError);
    expect(() => generateCertificate(p, { now: NOW, validityDays: 0 })).toThrow(RangeError);
    expect(() =>
      generateCertificate(p, { now: NOW, keyPair: p.generateEcdsaKeyPair("P-384") }),
    ).toThrow(RangeError);
  });

  it("PKCS#8 and SEC1 private keys round trip through PEM", () => {
    for (const [label, der] of [
      ["PRIVATE KEY", encodeEcPrivateKeyPkcs8(cert.keyPair)],
      ["EC PRIVATE KEY", encodeEcPrivateKeySec1(cert.keyPair)],
    ] as const) {
      const pem = encodePem(label, der);
      expect(pem).toMatch(
        new RegExp(
          `^-----BEGIN ${label}-----\\n([A-Za-z0-9+/=]{1,64}\\n)+-----END ${label}-----\\n$`,
        ),
      );
      const back = decodeEcPrivateKey(decodePemBlock(pem, label));
      expect(back).toEqual({
        curve: "P-256",
        privateKey: cert.keyPair.privateKey,
        publicKey: cert.keyPair.publicKey,
      });
    }
  });

  it.skipIf(!HAVE_OPENSSL)(
    "openssl x509 -inform DER -noout -text accepts it; openssl reads our PEM keys",
    () => {
      const text = openssl(["x509", "-inform", "DER", "-noout", "-text"], cert.der);
      expect(text).toContain("Version: 3 (0x2)");
      expect(text).toContain("ecdsa-with-SHA256");
      expect(text).toContain("prime256v1");
      expect(text).toContain(`CN = ${cert.commonName}`);
      const certPem = dir.write(`${name}-cert.pem`, encodePem("CERTIFICATE", cert.der));
      const pkcs8 = dir.write(
        `${name}-key.pem`,
        encodePem("PRIVATE KEY", encodeEcPrivateKeyPkcs8(cert.keyPair)),
      );
      const sec1 = dir.write(
        `${name}-sec1.pem`,
        encodePem("EC PRIVATE KEY", encodeEcPrivateKeySec1(cert.keyPair)),
      );
      const certPub = openssl(["x509", "-in", certPem, "-noout", "-pubkey"]);
      expect(openssl(["pkey", "-in", pkcs8, "-pubout"])).toBe(certPub);
      expect(openssl(["ec", "-in", sec1, "-pubout"])).toBe(certPub);
      expect(openssl(["pkey", "-in", pkcs8, "-check", "-noout"])).toMatch(/valid/i);
    },
  );
});

describe.skipIf(!HAVE_OPENSSL).each(PROVIDERS)("%s: certificates made by OpenSSL", (name, p) => {
  function req(label: string, args: readonly string[]): Uint8Array {
    const out = dir.path(`${name}-${label}.der`);
    openssl([
      "req",
      "-x509",
      "-nodes",
      "-keyout",
      dir.path(`${name}-${label}.key`),
      "-subj",
      `/O=purertc/CN=${label}`,
      "-days",
      "2",
      "-outform",
      "DER",
      "-out",
      out,
      ...args,
    ]);
    return dir.read(`${name}-${label}.der`);
  }

  it("RSA 2048 / sha256WithRSAEncryption: key, algorithm and signature", () => {
    const der = req("rsa", ["-newkey", "rsa:2048", "-sha256"]);
    const c = parseCertificate(der);
    expect(c.subjectCommonName).toBe("rsa");
    expect(c.signatureAlgorithm).toMatchObject({ kind: "rsa-pkcs1", hash: "sha256" });
    const jwk = new X509Certificate(der).publicKey.export({ format: "jwk" });
    if (c.publicKey.kind !== "rsa") throw new Error("expected RSA");
    expect(Buffer.from(c.publicKey.n).toString("base64url")).toBe(jwk.n);
    expect(Buffer.from(c.publicKey.e).toString("base64url")).toBe(jwk.e);
    expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(2 * 86_400_000);
    expect(verifyCertificateSignature(p, c)).toBe(true);
    expect(fingerprint(p, der, "sha-256")).toBe(new X509Certificate(der).fingerprint256);
  });

  it("RSA-PSS signature (RFC 4055 parameters, SHA-256, salt 32)", () => {
    const der = req("rsapss", [
      "-newkey",
      "rsa:2048",
      "-sha256",
      "-sigopt",
      "rsa_padding_mode:pss",
      "-sigopt",
      "rsa_pss_saltlen:32",
    ]);
    const c = parseCertificate(der);
    expect(c.signatureAlgorithm).toMatchObject({ kind: "rsa-pss", hash: "sha256", saltLength: 32 });
    expect(c.publicKey.kind).toBe("rsa");
    expect(verifyCertificateSignature(p, c)).toBe(true);
  });

  it("ECDSA P-384 / SHA-384", () => {
    const der = req("p384", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384"]);
    const c = parseCertificate(der);
    expect(c.signatureAlgorithm).toMatchObject({ kind: "ecdsa", hash: "sha384" });
    expect(c.publicKey).toMatchObject({ kind: "ecdsa", curve: "P-384" });
    expect(verifyCertificateSignature(p, c)).toBe(true);
  });

  it("Ed25519 parses with an explicit unknown/ed25519 kind instead of failing", () => {
    const der = req("ed25519", ["-newkey", "ed25519"]);
    const c = parseCertificate(der);
    expect(c.signatureAlgorithm.kind).toBe("ed25519");
    expect(c.publicKey).toMatchObject({ kind: "unknown", algorithm: "1.3.101.112" });
    expect(verifyCertificateSignature(p, c)).toBe(false);
  });

  it("decodes OpenSSL's own PKCS#8 and SEC1 EC keys", () => {
    const pkcs8 = openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const k = decodeEcPrivateKey(decodePemBlock(pkcs8, "PRIVATE KEY"));
    expect(k.curve).toBe("P-256");
    expect(k.publicKey).toEqual(
      new Uint8Array(
        createPublicKey(createPrivateKey(pkcs8))
          .export({ format: "der", type: "spki" })
          .subarray(-65),
      ),
    );
    const sec1 = openssl(["ec", "-outform", "PEM"], pkcs8);
    expect(decodeEcPrivateKey(decodePemBlock(sec1, "EC PRIVATE KEY"))).toEqual(k);
  });
});

describe("PEM (RFC 7468)", () => {
  it("finds every block, ignores text around them, and reports malformed blocks as DecodeError", () => {
    const a = encodePem("CERTIFICATE", Uint8Array.of(1, 2, 3));
    const b = encodePem("PRIVATE KEY", new Uint8Array(100).fill(7));
    const blocks = decodePem(`subject=CN=x\n${a}junk\r\n${b.replace(/\n/g, "\r\n")}`);
    expect(blocks.map((x) => x.label)).toEqual(["CERTIFICATE", "PRIVATE KEY"]);
    expect(blocks[1]?.der).toEqual(new Uint8Array(100).fill(7));
    const bad = (text: string) => {
      try {
        decodePem(text);
        return "no error";
      } catch (e) {
        return isDecodeError(e, "pem") ? e.code : String(e);
      }
    };
    expect(bad("-----BEGIN A-----\nAQID\n-----END B-----")).toBe("label-mismatch");
    expect(bad("-----BEGIN A-----\nA!ID\n-----END A-----")).toBe("bad-base64");
    expect(bad("-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END A-----")).toBe(
      "unsupported-headers",
    );
    expect(() => decodePemBlock(a, "PRIVATE KEY")).toThrow(/missing-block/);
  });
});
