import { ByteReader, ByteWriter } from "@purertc/common";

/**
 * ClientKeyExchange for ECDHE (RFC 8422 §5.7): the client's ephemeral public point.
 *
 * ```
 *   struct {
 *     opaque point <1..2^8-1>;
 *   } ClientECDiffieHellmanPublic;
 * ```
 */
export interface ClientKeyExchange {
  readonly publicKey: Uint8Array;
}

export function decodeClientKeyExchange(body: Uint8Array): ClientKeyExchange {
  const r = new ByteReader(body, "dtls-handshake");
  const len = r.u8();
  if (len === 0) r.fail("bad-length", "empty ECPoint");
  const publicKey = r.bytes(len);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { publicKey };
}

export function encodeClientKeyExchange(m: ClientKeyExchange): Uint8Array {
  if (m.publicKey.byteLength === 0 || m.publicKey.byteLength > 255)
    throw new RangeError("ECPoint length out of range");
  const w = new ByteWriter(new Uint8Array(1 + m.publicKey.byteLength));
  w.u8(m.publicKey.byteLength).bytes(m.publicKey);
  return w.view();
}
