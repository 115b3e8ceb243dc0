/** W3C `RTCCertificate` (webrtc-pc §4.9): an ECDSA P-256 identity and its fingerprints. */
import type { CryptoProvider, GeneratedCertificate } from "@purertc/crypto";
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

const internal = new WeakMap<RTCCertificate, GeneratedCertificate>();

export class RTCCertificate {
  /** Expiry, in ms since the epoch. */
  readonly expires: number;
  readonly #fingerprints: RTCDtlsFingerprint[];

  /** @internal Use `RTCPeerConnection.generateCertificate()`. */
  constructor(cert: GeneratedCertificate, expires: number, crypto: CryptoProvider) {
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
export function certificateMaterial(c: RTCCertificate): GeneratedCertificate {
  const m = internal.get(c);
  if (!m) throw new TypeError("not an RTCCertificate made by this library");
  return m;
}

/**
 * webrtc-pc §4.9.1 `generateCertificate`: ECDSA P-256 only (the DTLS stack signs with it);
 * RSA and other curves reject with `NotSupportedError`.
 */
export function createCertificate(
  crypto: CryptoProvider,
  algorithm: CertificateKeygenAlgorithm | undefined,
  nowMs: number,
): RTCCertificate {
  const a = typeof algorithm === "string" ? { name: algorithm } : (algorithm ?? { name: "ECDSA" });
  if (typeof a !== "object" || typeof a.name !== "string")
    throw new TypeError("generateCertificate: invalid algorithm");
  if (a.name.toUpperCase() !== "ECDSA" || (a.namedCurve !== undefined && a.namedCurve !== "P-256"))
    throw domError("NotSupportedError", `only ECDSA P-256 certificates are supported`);
  const expiresIn = a.expires === undefined ? DEFAULT_EXPIRES_MS : Number(a.expires);
  if (!(expiresIn >= 0)) throw new TypeError("expires must be a non-negative number");
  const days = Math.max(1, Math.ceil(expiresIn / DAY_MS));
  const cert = generateCertificate(crypto, { now: nowMs, validityDays: days + 1 });
  return new RTCCertificate(cert, nowMs + expiresIn, crypto);
}
