import { ByteReader } from "@purertc/common";
import { encodeU16List, readU16List } from "./extension.js";

/**
 * signature_algorithms (RFC 5246 §7.4.1.4.1; code points as RFC 8446 SignatureScheme).
 *
 * ```
 *   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 * ```
 */
export function decodeSignatureAlgorithms(data: Uint8Array): number[] {
  const r = new ByteReader(data, "dtls-ext");
  const list = readU16List(r);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return list;
}

export function encodeSignatureAlgorithms(schemes: readonly number[]): Uint8Array {
  return encodeU16List(schemes);
}
