/** W3C `RTCCertificate` (webrtc-pc §4.9): an ECDSA P-256 or RSA identity and its fingerprints. */
import type {
  CertificateAlgorithm,
  CryptoProvider,
  GeneratedCertificate,
  SigningKeyPair,
} from "@purertc/crypto";
import { fingerprint, generateCertificate } from "@purertc/crypto";
import { domError } from "./errors.js";

/** W3C `RTCDtlsFingerprint`. */
export interface RTCDtlsFingerprint {
  algorithm?: string;
  value?: string;
}

/** What `generateCertificate` accepts (WebCrypto `AlgorithmIdentifier` plus `expires`). */
export type CertificateKeygenAlgorithm =
  | string
  | { name: string; namedCurve?: string; expires?: number; [k: string]: unknown };

const DAY_MS = 86_400_000;
/** webrtc-pc §4.9.1: a default of 30 days, like browsers. */
const DEFAULT_EXPIRES_MS = 30 * DAY_MS;

const internal = new WeakMap<RTCCertificate, GeneratedCertificate<SigningKeyPair>>();

export class RTCCertificate {
  /** Expiry, in ms since the epoch. */
  readonly expires: number;
  readonly #fingerprints: RTCDtlsFingerprint[];

  /** @internal Use `RTCPeerConnection.generateCertificate()`. */
  constructor(cert: GeneratedCertificate<SigningKeyPair>, expires: number, crypto: CryptoProvider) {
    this.expires = expires;
    this.#fingerprints = [
      { algorithm: "sha-256", value: fingerprint(crypto, cert.der, "sha-256") },
    ];
    internal.set(this, cert);
  }

  getFingerprints(): RTCDtlsFingerprint[] {
    return this.#fingerprints.map((f) => ({ ...f }));
  }
}

/** The key and DER behind a certificate (for the DTLS endpoint). */
export function certificateMaterial(c: RTCCertificate): GeneratedCertificate<SigningKeyPair> {
  const m = internal.get(c);
  if (!m) throw new TypeError("not an RTCCertificate made by this library");
  return m;
}

/** The WebCrypto hash name of an `RsaHashedKeyGenParams.hash` (a string or `{ name }`). */
function hashName(h: unknown): string | undefined {
  if (h === undefined) return "SHA-256";
  const n = typeof h === "string" ? h : (h as { name?: unknown } | null)?.name;
  return typeof n === "string" ? n.toUpperCase() : undefined;
}

/**
 * The key algorithm of webrtc-pc §4.9.1 `generateCertificate`: ECDSA P-256, or
 * RSASSA-PKCS1-v1_5 with SHA-256 (the two every browser supports); anything else rejects with
 * `NotSupportedError`.
 */
function keyAlgorithm(a: { name: string; [k: string]: unknown }): CertificateAlgorithm {
  const name = a.name.toUpperCase();
  if (name === "ECDSA" && (a.namedCurve === undefined || a.namedCurve === "P-256"))
    return { name: "ECDSA" };
  if (name === "RSASSA-PKCS1-V1_5" && hashName(a.hash) === "SHA-256") {
    const e = a.publicExponent;
    if (e !== undefined && !(e instanceof Uint8Array))
      throw new TypeError("publicExponent must be a Uint8Array");
    return {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: a.modulusLength === undefined ? 2048 : Number(a.modulusLength),
      ...(e !== undefined ? { publicExponent: e } : {}),
      hash: "SHA-256",
    };
  }
  throw domError(
    "NotSupportedError",
    "only ECDSA P-256 and RSASSA-PKCS1-v1_5 with SHA-256 certificates are supported",
  );
}

/**
 * webrtc-pc §4.9.1 `generateCertificate`: ECDSA P-256 (default) or RSASSA-PKCS1-v1_5/SHA-256
 * (the DTLS stack then negotiates TLS_ECDHE_RSA suites); other algorithms, curves and RSA
 * sizes/exponents the backend refuses reject with `NotSupportedError`.
 */
export function createCertificate(
  crypto: CryptoProvider,
  algorithm: CertificateKeygenAlgorithm | undefined,
  nowMs: number,
): RTCCertificate {
  const a = typeof algorithm === "string" ? { name: algorithm } : (algorithm ?? { name: "ECDSA" });
  if (typeof a !== "object" || typeof a.name !== "string")
    throw new TypeError("generateCertificate: invalid algorithm");
  const keygen = keyAlgorithm(a);
  const expiresIn = a.expires === undefined ? DEFAULT_EXPIRES_MS : Number(a.expires);
  if (!(expiresIn >= 0)) throw new TypeError("expires must be a non-negative number");
  const days = Math.max(1, Math.ceil(expiresIn / DAY_MS));
  let cert: GeneratedCertificate<SigningKeyPair>;
  try {
    cert = generateCertificate(crypto, { now: nowMs, validityDays: days + 1, algorithm: keygen });
  } catch (e) {
    // An RSA size or exponent out of range, or a backend without RSA key generation.
    if (e instanceof RangeError || (e as Error).name === "UnsupportedOperationError")
      throw domError("NotSupportedError", (e as Error).message);
    throw e;
  }
  return new RTCCertificate(cert, nowMs + expiresIn, crypto);
}
