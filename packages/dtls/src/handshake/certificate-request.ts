import { ByteReader, ByteWriter } from "@purertc/common";

/**
 * CertificateRequest (RFC 5246 §7.4.4).
 *
 * ```
 *   struct {
 *     ClientCertificateType certificate_types<1..2^8-1>;
 *     SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *     DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 *   opaque DistinguishedName<1..2^16-1>;
 * ```
 */
export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  readonly signatureSchemes: readonly number[];
  readonly certificateAuthorities: readonly Uint8Array[];
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body, "dtls-handshake");
  const typesLen = r.u8();
  if (typesLen === 0) r.fail("bad-length", "empty certificate_types");
  const certificateTypes = Array.from(r.bytes(typesLen));
  const algLen = r.u16();
  if (algLen < 2 || algLen % 2 !== 0)
    r.fail("bad-length", `supported_signature_algorithms length ${algLen}`);
  const algs = r.sub(algLen);
  const signatureSchemes: number[] = [];
  while (algs.remaining > 0) signatureSchemes.push(algs.u16());
  const caLen = r.u16();
  const cas = r.sub(caLen);
  const certificateAuthorities: Uint8Array[] = [];
  while (cas.remaining > 0) {
    const n = cas.u16();
    if (n === 0) cas.fail("bad-length", "empty DistinguishedName");
    certificateAuthorities.push(cas.bytes(n));
  }
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { certificateTypes, signatureSchemes, certificateAuthorities };
}

export function encodeCertificateRequest(m: CertificateRequest): Uint8Array {
  let caTotal = 0;
  for (const dn of m.certificateAuthorities) caTotal += 2 + dn.byteLength;
  const w = new ByteWriter(
    new Uint8Array(1 + m.certificateTypes.length + 2 + 2 * m.signatureSchemes.length + 2 + caTotal),
  );
  w.u8(m.certificateTypes.length);
  for (const t of m.certificateTypes) w.u8(t);
  w.u16(2 * m.signatureSchemes.length);
  for (const s of m.signatureSchemes) w.u16(s);
  w.u16(caTotal);
  for (const dn of m.certificateAuthorities) w.u16(dn.byteLength).bytes(dn);
  return w.view();
}
