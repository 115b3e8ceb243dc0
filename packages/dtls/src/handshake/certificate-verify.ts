import { ByteReader, ByteWriter } from "@purertc/common";

/**
 * CertificateVerify (RFC 5246 §7.4.8): a signature over every handshake message so far.
 *
 * ```
 *   struct {
 *     digitally-signed struct { opaque handshake_messages[handshake_messages_length]; }
 *       -- SignatureAndHashAlgorithm algorithm (uint16); opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 * ```
 */
export interface CertificateVerify {
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new ByteReader(body, "dtls-handshake");
  const signatureScheme = r.u16();
  const len = r.u16();
  const signature = r.bytes(len);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { signatureScheme, signature };
}

export function encodeCertificateVerify(m: CertificateVerify): Uint8Array {
  const w = new ByteWriter(new Uint8Array(4 + m.signature.byteLength));
  w.u16(m.signatureScheme).u16(m.signature.byteLength).bytes(m.signature);
  return w.view();
}
