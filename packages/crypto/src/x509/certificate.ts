import { type DecodeError, equalBytes } from "@purertc/common";
import { contextTag, DerReader, TAG } from "../asn1/der-reader.js";
import type { HashAlgorithm } from "../provider.js";
import { decodeName } from "./name.js";
import { CURVE_OIDS, HASH_OIDS, OID, SIGNATURE_OIDS } from "./oids.js";
import { decodeTime } from "./time.js";

/** Layer name on every {@link DecodeError} thrown while parsing a certificate. */
export const X509_LAYER = "x509";

/** The subject public key of a certificate. */
export type CertificatePublicKey =
  | {
      readonly kind: "ecdsa";
      readonly curve: "P-256" | "P-384" | "P-521";
      readonly point: Uint8Array;
    }
  | { readonly kind: "rsa"; readonly n: Uint8Array; readonly e: Uint8Array }
  /** Any other key type (Ed25519, DSA, unknown curves): kept so callers can reject it explicitly. */
  | { readonly kind: "unknown"; readonly algorithm: string; readonly key: Uint8Array };

/** The algorithm that signed a certificate. */
export type CertificateSignatureAlgorithm =
  | { readonly kind: "ecdsa" | "rsa-pkcs1"; readonly hash: HashAlgorithm; readonly oid: string }
  | {
      readonly kind: "rsa-pss";
      readonly hash: HashAlgorithm;
      readonly saltLength: number;
      readonly oid: string;
    }
  | { readonly kind: "ed25519" | "unknown"; readonly oid: string };

/** The fields of an X.509 certificate (RFC 5280 §4.1) a WebRTC stack needs. */
export interface Certificate {
  /** The whole DER encoding. */
  readonly der: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Serial number contents (two's complement, as encoded). */
  readonly serial: Uint8Array;
  readonly signatureAlgorithm: CertificateSignatureAlgorithm;
  readonly issuer: Uint8Array;
  readonly issuerCommonName: string | undefined;
  readonly subject: Uint8Array;
  readonly subjectCommonName: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: CertificatePublicKey;
  /** The DER `SubjectPublicKeyInfo`. */
  readonly spki: Uint8Array;
  /** The DER `TBSCertificate`: the bytes the signature covers. */
  readonly tbs: Uint8Array;
  /** Signature bits (DER `ECDSA-Sig-Value` for ECDSA). */
  readonly signature: Uint8Array;
}

/**
 * Parses a DER X.509 certificate (RFC 5280 §4.1):
 *
 * ```
 * Certificate ::= SEQUENCE {
 *   tbsCertificate       TBSCertificate,
 *   signatureAlgorithm   AlgorithmIdentifier,
 *   signatureValue       BIT STRING }
 * TBSCertificate ::= SEQUENCE {
 *   version         [0] EXPLICIT Version DEFAULT v1,
 *   serialNumber         CertificateSerialNumber,
 *   signature            AlgorithmIdentifier,
 *   issuer               Name,
 *   validity             Validity,
 *   subject              Name,
 *   subjectPublicKeyInfo SubjectPublicKeyInfo,
 *   issuerUniqueID  [1] IMPLICIT UniqueIdentifier OPTIONAL,
 *   subjectUniqueID [2] IMPLICIT UniqueIdentifier OPTIONAL,
 *   extensions      [3] EXPLICIT Extensions OPTIONAL }
 * ```
 *
 * Throws only {@link DecodeError} (layer `"x509"`) on malformed input. It does not check the
 * validity period or the signature: the caller knows the time, and WebRTC authenticates
 * certificates by fingerprint (RFC 8122 §5).
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const top = new DerReader(der, X509_LAYER);
  const cert = top.sequence("Certificate");
  top.finish("after Certificate");
  const tbsElement = cert.expect(TAG.SEQUENCE, "TBSCertificate");
  const outerAlgorithm = readAlgorithm(cert, "signatureAlgorithm");
  const signature = cert.bitString("signatureValue");
  cert.finish("Certificate");

  const tbs = cert.enter(tbsElement);
  let version = 1;
  const versionElement = tbs.optional(contextTag(0));
  if (versionElement !== undefined) {
    const v = tbs.enter(versionElement);
    version = v.smallInteger("version") + 1;
    v.finish("version");
    if (version > 3) throw tbs.error("bad-version", versionElement.offset, `version ${version}`);
  }
  const serial = tbs.integer("serialNumber");
  const innerAlgorithm = readAlgorithm(tbs, "signature");
  // RFC 5280 §4.1.1.2: the outer algorithm MUST equal the TBSCertificate's `signature` field.
  if (!equalBytes(innerAlgorithm.raw, outerAlgorithm.raw)) {
    throw tbs.error("algorithm-mismatch", tbsElement.offset, "signature algorithms differ");
  }
  const issuer = decodeName(tbs, "issuer");
  const validity = tbs.sequence("validity");
  const notBefore = decodeTime(validity.read(), validity);
  if (validity.atEnd) throw validity.error("truncated", validity.offset, "notAfter");
  const notAfter = decodeTime(validity.read(), validity);
  validity.finish("validity");
  const subject = decodeName(tbs, "subject");
  const spkiElement = tbs.expect(TAG.SEQUENCE, "subjectPublicKeyInfo");
  const publicKey = readPublicKey(tbs.enter(spkiElement));
  tbs.optional(0x81);
  tbs.optional(0x82);
  const extensions = tbs.optional(contextTag(3));
  if (extensions !== undefined) tbs.enter(extensions).sequence("extensions");
  tbs.finish("TBSCertificate");

  return {
    der,
    version,
    serial,
    signatureAlgorithm: signatureAlgorithmOf(outerAlgorithm, cert),
    issuer: issuer.der,
    issuerCommonName: issuer.commonName,
    subject: subject.der,
    subjectCommonName: subject.commonName,
    notBefore,
    notAfter,
    publicKey,
    spki: spkiElement.raw,
    tbs: tbsElement.raw,
    signature,
  };
}

interface AlgorithmIdentifier {
  readonly raw: Uint8Array;
  readonly oid: string;
  /** Reader positioned at the parameters (possibly at its end). */
  readonly params: DerReader;
  readonly offset: number;
}

/** `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }` */
function readAlgorithm(r: DerReader, what: string): AlgorithmIdentifier {
  const e = r.expect(TAG.SEQUENCE, what);
  const inner = r.enter(e);
  const oid = inner.oid(`${what} algorithm`);
  return { raw: e.raw, oid, params: inner, offset: e.offset };
}

function signatureAlgorithmOf(a: AlgorithmIdentifier, r: DerReader): CertificateSignatureAlgorithm {
  const fixed = SIGNATURE_OIDS[a.oid];
  if (fixed !== undefined) return { ...fixed, oid: a.oid };
  if (a.oid === OID.ed25519) return { kind: "ed25519", oid: a.oid };
  if (a.oid === OID.rsassaPss)
    return { kind: "rsa-pss", ...readPssParams(a.params, r), oid: a.oid };
  return { kind: "unknown", oid: a.oid };
}

/**
 * `RSASSA-PSS-params` (RFC 4055 §3.1): hash `[0]` (default SHA-1), mask generation `[1]`
 * (default MGF1-SHA-1), salt length `[2]` (default 20), trailer `[3]` (must be 1).
 */
function readPssParams(
  params: DerReader,
  r: DerReader,
): { hash: HashAlgorithm; saltLength: number } {
  if (params.atEnd) return { hash: "sha1", saltLength: 20 };
  const p = params.sequence("RSASSA-PSS-params");
  let hash: HashAlgorithm = "sha1";
  let saltLength = 20;
  const hashElement = p.optional(contextTag(0));
  if (hashElement !== undefined) {
    const oid = readAlgorithm(p.enter(hashElement), "hashAlgorithm").oid;
    const h = HASH_OIDS[oid];
    if (h === undefined)
      throw r.error("unsupported-algorithm", hashElement.offset, `PSS hash ${oid}`);
    hash = h;
  }
  p.optional(contextTag(1));
  const saltElement = p.optional(contextTag(2));
  if (saltElement !== undefined) saltLength = p.enter(saltElement).smallInteger("saltLength");
  p.optional(contextTag(3));
  p.finish("RSASSA-PSS-params");
  return { hash, saltLength };
}

/** `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }` */
function readPublicKey(spki: DerReader): CertificatePublicKey {
  const algorithm = readAlgorithm(spki, "subjectPublicKeyInfo algorithm");
  const key = spki.bitString("subjectPublicKey");
  spki.finish("subjectPublicKeyInfo");
  if (algorithm.oid === OID.ecPublicKey) {
    // RFC 5480 §2.1.1: parameters are a namedCurve OID.
    const curveOid =
      algorithm.params.peekTag() === TAG.OID ? algorithm.params.oid("namedCurve") : undefined;
    const curve = curveOid === undefined ? undefined : CURVE_OIDS[curveOid];
    if (curve === undefined)
      return { kind: "unknown", algorithm: `${algorithm.oid}/${curveOid ?? "?"}`, key };
    const size = curve === "P-256" ? 32 : curve === "P-384" ? 48 : 66;
    const ok =
      (key[0] === 0x04 && key.length === 1 + 2 * size) ||
      ((key[0] === 0x02 || key[0] === 0x03) && key.length === 1 + size);
    if (!ok) throw spki.error("bad-key", algorithm.offset, `malformed ${curve} point`);
    return { kind: "ecdsa", curve, point: key };
  }
  if (algorithm.oid === OID.rsaEncryption || algorithm.oid === OID.rsassaPss) {
    // RFC 8017 appendix A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    const inner = new DerReader(key, X509_LAYER);
    const seq = inner.sequence("RSAPublicKey");
    inner.finish("RSAPublicKey");
    const n = seq.integer("modulus");
    const e = seq.integer("publicExponent");
    seq.finish("RSAPublicKey");
    if ((n[0] as number) & 0x80 || (e[0] as number) & 0x80)
      throw seq.error("bad-key", 0, "negative RSA integer");
    return { kind: "rsa", n: stripZeros(n), e: stripZeros(e) };
  }
  return { kind: "unknown", algorithm: algorithm.oid, key };
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
