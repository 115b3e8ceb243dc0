import {
  type CryptoProvider,
  type EcdsaCurve,
  type HashAlgorithm,
  isRsaKeyPair,
  type RsaPublicKey,
  type SigningKeyPair,
} from "@purertc/crypto";
import { SignatureScheme } from "../constants.js";

/** A peer's certificate public key, as far as TLS signatures care. */
export type PeerPublicKey =
  | { readonly kind: "ecdsa"; readonly curve: EcdsaCurve; readonly point: Uint8Array }
  | { readonly kind: "rsa"; readonly key: RsaPublicKey };

/** Signature schemes we can verify, in the order we advertise them (RFC 5246 §7.4.1.4.1). */
export const VERIFY_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pkcs1_sha512,
];

/**
 * The scheme we sign with for our key: ecdsa_secp256r1_sha256 for the ECDSA P-256 default
 * (RFC 8827 §6.5), rsa_pkcs1_sha256 for RSA (RFC 5246 §7.4.1.4.1; offered by every browser and
 * by OpenSSL, unlike PSS which TLS 1.2 peers may lack).
 */
export function signSchemeFor(keyPair: SigningKeyPair): number {
  return isRsaKeyPair(keyPair)
    ? SignatureScheme.rsa_pkcs1_sha256
    : SignatureScheme.ecdsa_secp256r1_sha256;
}

/** The TLS authentication kind of our key (the `ECDHE_<kind>` part of a server suite). */
export function keyKind(keyPair: SigningKeyPair): "ecdsa" | "rsa" {
  return isRsaKeyPair(keyPair) ? "rsa" : "ecdsa";
}

interface SchemeParams {
  readonly kind: "ecdsa" | "rsa";
  readonly hash: HashAlgorithm;
  readonly padding: "pkcs1" | "pss" | undefined;
}

/**
 * What a TLS 1.2 SignatureAndHashAlgorithm means. In TLS 1.2 the ECDSA code points name only the
 * hash (0x0403 = sha256 ‖ ecdsa), so the curve comes from the certificate.
 */
function schemeParams(scheme: number): SchemeParams | undefined {
  switch (scheme) {
    case SignatureScheme.ecdsa_secp256r1_sha256:
      return { kind: "ecdsa", hash: "sha256", padding: undefined };
    case SignatureScheme.ecdsa_secp384r1_sha384:
      return { kind: "ecdsa", hash: "sha384", padding: undefined };
    case SignatureScheme.rsa_pkcs1_sha256:
      return { kind: "rsa", hash: "sha256", padding: "pkcs1" };
    case SignatureScheme.rsa_pkcs1_sha384:
      return { kind: "rsa", hash: "sha384", padding: "pkcs1" };
    case SignatureScheme.rsa_pkcs1_sha512:
      return { kind: "rsa", hash: "sha512", padding: "pkcs1" };
    case SignatureScheme.rsa_pss_rsae_sha256:
      return { kind: "rsa", hash: "sha256", padding: "pss" };
    case SignatureScheme.rsa_pss_rsae_sha384:
      return { kind: "rsa", hash: "sha384", padding: "pss" };
    case SignatureScheme.rsa_pss_rsae_sha512:
      return { kind: "rsa", hash: "sha512", padding: "pss" };
    default:
      return undefined;
  }
}

/**
 * Verifies a peer signature made with `scheme` by `key` over `data`. `false` when the scheme is
 * not one we offered, does not fit the key type, or the signature is wrong.
 */
export function verifySignature(
  crypto: CryptoProvider,
  key: PeerPublicKey,
  scheme: number,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!VERIFY_SCHEMES.includes(scheme)) return false;
  const p = schemeParams(scheme);
  if (p === undefined || p.kind !== key.kind) return false;
  if (key.kind === "ecdsa")
    return crypto.ecdsaVerify(key.curve, key.point, p.hash, data, signature);
  return crypto.rsaVerify(p.padding ?? "pkcs1", key.key, p.hash, data, signature);
}

/**
 * Signs `data` with our key under {@link signSchemeFor} (RFC 5246 §4.7 digitally-signed): a DER
 * ECDSA signature, or an RSASSA-PKCS1-v1_5 one with SHA-256.
 */
export function signData(
  crypto: CryptoProvider,
  keyPair: SigningKeyPair,
  data: Uint8Array,
): Uint8Array {
  if (isRsaKeyPair(keyPair)) return crypto.rsaSign(keyPair.privateKey, "sha256", data);
  return crypto.ecdsaSign("P-256", keyPair.privateKey, "sha256", data);
}
