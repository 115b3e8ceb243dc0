import type { CryptoProvider } from "../provider.js";
import {
  type GenerateCertificateOptions,
  type GeneratedCertificate,
  generateCertificate,
} from "../x509/generate.js";
import { nodeCrypto } from "./provider.js";

/**
 * {@link generateCertificate} at the current wall-clock time, with `nodeCrypto` unless another
 * provider is given: the adapter-side convenience (the core never reads the clock).
 */
export function generateCertificateNow(
  options: Omit<GenerateCertificateOptions, "now"> = {},
  provider: CryptoProvider = nodeCrypto,
): GeneratedCertificate {
  return generateCertificate(provider, { ...options, now: Date.now() });
}
