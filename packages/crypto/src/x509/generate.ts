import type { Millis } from "@purertc/common";
import { toHex } from "@purertc/common";
import {
  derBitString,
  derExplicit,
  derOid,
  derSequence,
  derSmallInteger,
  derUnsignedInteger,
} from "../asn1/der-writer.js";
import type { CryptoProvider, EcdsaKeyPair } from "../provider.js";
import { encodeCommonNameName } from "./name.js";
import { OID } from "./oids.js";
import { encodeTime } from "./time.js";

const DAY_MS = 86_400_000;

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
  /** Use this key instead of generating one (certificate renewal with the same key). */
  readonly keyPair?: EcdsaKeyPair;
}

/** A generated self-signed certificate and its key. */
export interface GeneratedCertificate {
  /** DER X.509 certificate. */
  readonly der: Uint8Array;
  /** The P-256 key pair whose public half the certificate carries. */
  readonly keyPair: EcdsaKeyPair;
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

/**
 * Generates a self-signed X.509 v3 certificate with an ECDSA P-256 key signed with SHA-256
 * (RFC 5280, RFC 5480, RFC 5758 §3.2), as WebRTC endpoints use for DTLS (RFC 8827 §6.5).
 *
 * The serial is 16 random octets, positive (RFC 5280 §4.1.2.2: at most 20 octets): certificates
 * with a reused serial and name have been rejected by Firefox (werift#225).
 */
export function generateCertificate(
  provider: CryptoProvider,
  options: GenerateCertificateOptions,
): GeneratedCertificate {
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
  const notBefore = toSeconds(notBeforeMs);
  const notAfter = toSeconds(notAfterMs);
  const commonName = options.commonName ?? toHex(provider.randomBytes(8));
  const keyPair = options.keyPair ?? provider.generateEcdsaKeyPair("P-256");
  if (keyPair.curve !== "P-256")
    throw new RangeError("generateCertificate: the key pair must be P-256");

  const serial = provider.randomBytes(16);
  // Positive and exactly 16 octets in minimal DER: high bit clear, first octet non-zero.
  serial[0] = (serial[0] as number) & 0x7f || 0x01;

  const signatureAlgorithm = derSequence(derOid(OID.ecdsaWithSha256)); // RFC 5758 §3.2: no parameters
  const name = encodeCommonNameName(commonName);
  const spki = derSequence(
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
  const signature = provider.ecdsaSign("P-256", keyPair.privateKey, "sha256", tbs);
  const der = derSequence(tbs, signatureAlgorithm, derBitString(signature));
  return { der, keyPair, notBefore, notAfter, commonName, serial };
}
