import { constantTimeEqual, fromHex, toHex } from "@purertc/common";
import type { CryptoProvider, HashAlgorithm } from "../provider.js";

/** Hash function names of the SDP `a=fingerprint` attribute (RFC 8122 §5, IANA "Hash Function Textual Names"). */
export type FingerprintAlgorithm = "sha-1" | "sha-224" | "sha-256" | "sha-384" | "sha-512";

const HASH_OF: Readonly<Record<FingerprintAlgorithm, HashAlgorithm>> = {
  "sha-1": "sha1",
  "sha-224": "sha224",
  "sha-256": "sha256",
  "sha-384": "sha384",
  "sha-512": "sha512",
};

/** The hash for a fingerprint algorithm name (case-insensitive), or `undefined` if unsupported. */
export function fingerprintHash(algorithm: string): HashAlgorithm | undefined {
  return HASH_OF[algorithm.toLowerCase() as FingerprintAlgorithm];
}

/**
 * The fingerprint of a DER certificate as SDP writes it (RFC 8122 §5): upper-case hex pairs
 * separated by colons, e.g. `"AB:CD:…"`.
 */
export function fingerprint(
  provider: CryptoProvider,
  der: Uint8Array,
  algorithm: FingerprintAlgorithm,
): string {
  const hash = fingerprintHash(algorithm);
  if (hash === undefined)
    throw new TypeError(`unsupported fingerprint algorithm: ${String(algorithm)}`);
  return toHex(provider.hash(hash, der), ":").toUpperCase();
}

/**
 * Whether `der` matches an SDP fingerprint (`algorithm` name and hex value; case-insensitive,
 * RFC 8122 §5). `false` for an unsupported algorithm or a malformed value; the comparison is
 * constant-time.
 */
export function matchesFingerprint(
  provider: CryptoProvider,
  der: Uint8Array,
  algorithm: string,
  value: string,
): boolean {
  const hash = fingerprintHash(algorithm);
  if (hash === undefined || !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/.test(value.trim())) return false;
  const expected = fromHex(value.trim());
  const actual = provider.hash(hash, der);
  return expected.length === actual.length && constantTimeEqual(expected, actual);
}
