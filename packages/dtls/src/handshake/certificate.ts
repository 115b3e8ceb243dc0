import { ByteReader, ByteWriter } from "@purertc/common";

/**
 * Certificate (RFC 5246 §7.4.2): the sender's chain, leaf first, each as DER.
 *
 * ```
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct {
 *     ASN.1Cert certificate_list<0..2^24-1>;
 *   } Certificate;
 * ```
 */
export interface CertificateMessage {
  readonly certificates: readonly Uint8Array[];
}

export function decodeCertificate(body: Uint8Array): CertificateMessage {
  const r = new ByteReader(body, "dtls-handshake");
  const total = r.u24();
  const list = r.sub(total);
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) {
    const len = list.u24();
    if (len === 0) list.fail("bad-length", "empty certificate");
    certificates.push(list.bytes(len));
  }
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { certificates };
}

export function encodeCertificate(m: CertificateMessage): Uint8Array {
  let total = 0;
  for (const c of m.certificates) total += 3 + c.byteLength;
  const w = new ByteWriter(new Uint8Array(3 + total));
  w.u24(total);
  for (const c of m.certificates) w.u24(c.byteLength).bytes(c);
  return w.view();
}
