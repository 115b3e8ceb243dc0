import type { CryptoProvider, EcdsaKeyPair } from "../provider.js";
import {
  type EcdsaCertificateAlgorithm,
  type GenerateCertificateOptions,
  type GeneratedCertificate,
  generateCertificate,
} from "../x509/generate.js";
import { nodeCrypto } from "./provider.js";

/**
 * {@link generateCertificate} at the current wall-clock time, with `nodeCrypto` unless another
 * provider is given: the adapter-side convenience (the core never reads the clock). ECDSA P-256;
 * for RSA call `generateCertificate(nodeCrypto, { now: Date.now(), algorithm })`.
 */
export function generateCertificateNow(
  options: Omit<GenerateCertificateOptions, "now" | "algorithm" | "keyPair"> & {
    readonly algorithm?: EcdsaCertificateAlgorithm;
    readonly keyPair?: EcdsaKeyPair;
  } = {},
  provider: CryptoProvider = nodeCrypto,
): GeneratedCertificate {
  return generateCertificate(provider, { ...options, now: Date.now() });
}
