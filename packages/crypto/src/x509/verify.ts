import type { CryptoProvider } from "../provider.js";
import type { Certificate, CertificatePublicKey } from "./certificate.js";

/**
 * Whether `certificate`'s signature verifies under `issuerKey` (default: its own key, i.e. a
 * self-signed certificate). Supports ECDSA P-256/P-384, RSA PKCS#1 v1.5 and RSA-PSS with the salt
 * length equal to the hash length; anything else is `false`. Never throws on bad signatures.
 */
export function verifyCertificateSignature(
  provider: CryptoProvider,
  certificate: Certificate,
  issuerKey: CertificatePublicKey = certificate.publicKey,
): boolean {
  const alg = certificate.signatureAlgorithm;
  if (alg.kind === "ecdsa") {
    if (issuerKey.kind !== "ecdsa" || issuerKey.curve === "P-521") return false;
    return provider.ecdsaVerify(
      issuerKey.curve,
      issuerKey.point,
      alg.hash,
      certificate.tbs,
      certificate.signature,
    );
  }
  if (alg.kind === "rsa-pkcs1" || alg.kind === "rsa-pss") {
    if (issuerKey.kind !== "rsa") return false;
    if (
      alg.kind === "rsa-pss" &&
      alg.saltLength !== provider.hash(alg.hash, new Uint8Array(0)).length
    )
      return false;
    return provider.rsaVerify(
      alg.kind === "rsa-pss" ? "pss" : "pkcs1",
      issuerKey,
      alg.hash,
      certificate.tbs,
      certificate.signature,
    );
  }
  return false;
}
