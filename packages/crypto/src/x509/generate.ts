import type { Millis } from "@purertc/common";
import { toHex } from "@purertc/common";
import { TAG } from "../asn1/der-reader.js";
import {
  derBitString,
  derExplicit,
  derOid,
  derSequence,
  derSmallInteger,
  derTlv,
  derUnsignedInteger,
} from "../asn1/der-writer.js";
import {
  type CryptoProvider,
  type EcdsaKeyPair,
  isRsaKeyPair,
  type RsaKeyPair,
  type SigningKeyPair,
} from "../provider.js";
import { encodeCommonNameName } from "./name.js";
import { OID } from "./oids.js";
import { encodeTime } from "./time.js";

const DAY_MS = 86_400_000;

/** ECDSA P-256 (the default, RFC 8827 §6.5), named as WebCrypto names it. */
export interface EcdsaCertificateAlgorithm {
  readonly name: "ECDSA";
  readonly namedCurve?: "P-256";
}

/** RSASSA-PKCS1-v1_5, as in WebCrypto's `RsaHashedKeyGenParams` (what `RTCPeerConnection.generateCertificate` takes). */
export interface RsaCertificateAlgorithm {
  readonly name: "RSASSA-PKCS1-v1_5";
  /** Modulus size in bits. Default 2048. */
  readonly modulusLength?: number;
  /** Big-endian public exponent. Default 65537 (`[1, 0, 1]`). */
  readonly publicExponent?: Uint8Array;
  /** Hash of the certificate signature. Default SHA-256. */
  readonly hash?: "SHA-256" | "SHA-384" | "SHA-512";
}

export type CertificateAlgorithm = EcdsaCertificateAlgorithm | RsaCertificateAlgorithm;

/** Options of {@link generateCertificate}. Give `now` or `notBefore`: the core never reads the clock. */
export interface GenerateCertificateOptions {
  /** Current time (ms since the epoch). `notBefore` defaults to one day before it (clock skew). */
  readonly now?: Millis;
  /** Start of validity; overrides the `now`-derived default. */
  readonly notBefore?: Date | Millis;
  /** Validity in days, counted from `now` (or from `notBefore` when `now` is absent). Default 30. */
  readonly validityDays?: number;
  /** Subject and issuer common name. Default: 16 random hex digits, like browsers' WebRTC certificates. */
  readonly commonName?: string;
  /** Key algorithm of a generated key. Default ECDSA P-256. Ignored when `keyPair` is given. */
  readonly algorithm?: CertificateAlgorithm;
  /** Use this key instead of generating one (certificate renewal with the same key). */
  readonly keyPair?: SigningKeyPair;
}

/** A generated self-signed certificate and its key. */
export interface GeneratedCertificate<K extends SigningKeyPair = EcdsaKeyPair> {
  /** DER X.509 certificate. */
  readonly der: Uint8Array;
  /** The key pair whose public half the certificate carries (ECDSA P-256 unless RSA was asked for). */
  readonly keyPair: K;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly commonName: string;
  /** Serial number (positive, 16 octets). */
  readonly serial: Uint8Array;
}

/** RFC 5280 §4.1.2.5: validity is encoded in whole seconds. */
function toSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

const RSA_SIGNATURE: Readonly<
  Record<string, { oid: string; hash: "sha256" | "sha384" | "sha512" }>
> = {
  "SHA-256": { oid: OID.sha256WithRsa, hash: "sha256" },
  "SHA-384": { oid: OID.sha384WithRsa, hash: "sha384" },
  "SHA-512": { oid: OID.sha512WithRsa, hash: "sha512" },
};

/** The key to certify: the given one, or a new one of the requested algorithm. */
function certificateKey(
  provider: CryptoProvider,
  options: GenerateCertificateOptions,
): SigningKeyPair {
  if (options.keyPair !== undefined) {
    const k = options.keyPair;
    if (!isRsaKeyPair(k) && k.curve !== "P-256")
      throw new RangeError("generateCertificate: the key pair must be P-256 or RSA");
    return k;
  }
  const a = options.algorithm ?? { name: "ECDSA" };
  if (a.name === "ECDSA") {
    if (a.namedCurve !== undefined && a.namedCurve !== "P-256")
      throw new RangeError(`generateCertificate: unsupported curve ${String(a.namedCurve)}`);
    return provider.generateEcdsaKeyPair("P-256");
  }
  if (a.name === "RSASSA-PKCS1-v1_5")
    return provider.generateRsaKeyPair(a.modulusLength ?? 2048, a.publicExponent);
  throw new TypeError(
    `generateCertificate: unsupported algorithm ${String((a as { name: unknown }).name)}`,
  );
}

/**
 * Generates a self-signed X.509 v3 certificate (RFC 5280), as WebRTC endpoints use for DTLS
 * (RFC 8827 §6.5): ECDSA P-256 with SHA-256 by default (RFC 5480, RFC 5758 §3.2), or RSA with
 * RSASSA-PKCS1-v1_5 (RFC 4055 §5, RFC 8017) when `algorithm` or `keyPair` says so.
 *
 * The serial is 16 random octets, positive (RFC 5280 §4.1.2.2: at most 20 octets): certificates
 * with a reused serial and name have been rejected by Firefox (werift#225).
 */
export function generateCertificate(
  provider: CryptoProvider,
  options: GenerateCertificateOptions & { readonly algorithm: RsaCertificateAlgorithm },
): GeneratedCertificate<RsaKeyPair>;
export function generateCertificate(
  provider: CryptoProvider,
  options: GenerateCertificateOptions & { readonly keyPair: RsaKeyPair },
): GeneratedCertificate<RsaKeyPair>;
export function generateCertificate(
  provider: CryptoProvider,
  options: GenerateCertificateOptions & {
    readonly algorithm?: EcdsaCertificateAlgorithm;
    readonly keyPair?: EcdsaKeyPair;
  },
): GeneratedCertificate<EcdsaKeyPair>;
export function generateCertificate(
  provider: CryptoProvider,
  options: GenerateCertificateOptions,
): GeneratedCertificate<SigningKeyPair>;
export function generateCertificate(
  provider: CryptoProvider,
  options: GenerateCertificateOptions,
): GeneratedCertificate<SigningKeyPair> {
  const { now, validityDays = 30 } = options;
  if (now === undefined && options.notBefore === undefined) {
    throw new TypeError(
      "generateCertificate: pass `now` or `notBefore` (the core does not read the clock)",
    );
  }
  if (!(validityDays > 0) || !Number.isFinite(validityDays)) {
    throw new RangeError(`generateCertificate: invalid validityDays ${validityDays}`);
  }
  const notBeforeMs =
    options.notBefore !== undefined
      ? Number(options.notBefore.valueOf())
      : (now as number) - DAY_MS;
  const notAfterMs = (now ?? notBeforeMs) + validityDays * DAY_MS;
  if (!Number.isFinite(notBeforeMs) || notAfterMs <= notBeforeMs) {
    throw new RangeError("generateCertificate: notAfter must follow notBefore");
  }
  const rsaHash =
    options.algorithm?.name === "RSASSA-PKCS1-v1_5"
      ? (options.algorithm.hash ?? "SHA-256")
      : "SHA-256";
  const rsaSignature = RSA_SIGNATURE[rsaHash];
  if (rsaSignature === undefined)
    throw new TypeError(`generateCertificate: unsupported RSA hash ${String(rsaHash)}`);
  const notBefore = toSeconds(notBeforeMs);
  const notAfter = toSeconds(notAfterMs);
  const commonName = options.commonName ?? toHex(provider.randomBytes(8));
  const keyPair = certificateKey(provider, options);

  const serial = provider.randomBytes(16);
  // Positive and exactly 16 octets in minimal DER: high bit clear, first octet non-zero.
  serial[0] = (serial[0] as number) & 0x7f || 0x01;

  const rsa = isRsaKeyPair(keyPair);
  const derNull = derTlv(TAG.NULL);
  // RFC 5758 §3.2: ECDSA with no parameters; RFC 4055 §5: RSA PKCS#1 with NULL parameters.
  const signatureAlgorithm = rsa
    ? derSequence(derOid(rsaSignature.oid), derNull)
    : derSequence(derOid(OID.ecdsaWithSha256));
  const name = encodeCommonNameName(commonName);
  // RFC 3279 §2.3.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
  const spki = rsa
    ? derSequence(
        derSequence(derOid(OID.rsaEncryption), derNull),
        derBitString(
          derSequence(
            derUnsignedInteger(keyPair.publicKey.n),
            derUnsignedInteger(keyPair.publicKey.e),
          ),
        ),
      )
    : derSequence(
        derSequence(derOid(OID.ecPublicKey), derOid(OID.p256)),
        derBitString(keyPair.publicKey),
      );
  const tbs = derSequence(
    derExplicit(0, derSmallInteger(2)), // v3
    derUnsignedInteger(serial),
    signatureAlgorithm,
    name,
    derSequence(encodeTime(notBefore), encodeTime(notAfter)),
    name,
    spki,
  );
  const signature = rsa
    ? provider.rsaSign(keyPair.privateKey, rsaSignature.hash, tbs)
    : provider.ecdsaSign("P-256", keyPair.privateKey, "sha256", tbs);
  const der = derSequence(tbs, signatureAlgorithm, derBitString(signature));
  return { der, keyPair, notBefore, notAfter, commonName, serial };
}
