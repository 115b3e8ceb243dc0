import { type CryptoProvider, fingerprintHash, matchesFingerprint } from "@purertc/crypto";
import type { DtlsFingerprint } from "./config.js";

/** Whether we can check a fingerprint with this SDP hash function name (RFC 8122 §5). */
export function isSupportedFingerprintAlgorithm(algorithm: string): boolean {
  return fingerprintHash(algorithm.toLowerCase()) !== undefined;
}

/**
 * Whether the DER certificate matches any expected fingerprint (RFC 8122 §5: the hash of the DER
 * certificate; RFC 8842 §5.1: any one of several may match). Unknown hash functions never match.
 */
export function certificateMatchesFingerprints(
  crypto: CryptoProvider,
  der: Uint8Array,
  expected: readonly DtlsFingerprint[],
): boolean {
  for (const fp of expected)
    if (matchesFingerprint(crypto, der, fp.algorithm, fp.value)) return true;
  return false;
}
