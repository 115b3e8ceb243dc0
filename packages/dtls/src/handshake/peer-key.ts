import { parseCertificate } from "@purertc/crypto";
import type { PeerPublicKey } from "./signatures.js";

/** The public key of a DER certificate in the form signature checks need; `undefined` if unusable. */
export function peerPublicKey(der: Uint8Array): PeerPublicKey | undefined {
  let key: ReturnType<typeof parseCertificate>["publicKey"];
  try {
    key = parseCertificate(der).publicKey;
  } catch {
    return undefined;
  }
  if (key.kind === "ecdsa" && (key.curve === "P-256" || key.curve === "P-384")) {
    return { kind: "ecdsa", curve: key.curve, point: key.point };
  }
  if (key.kind === "rsa") return { kind: "rsa", key: { n: key.n, e: key.e } };
  return undefined;
}
