import { ByteReader } from "@purertc/common";

/**
 * renegotiation_info (RFC 5746 §3.2). We never renegotiate, so on an initial handshake the
 * extension is always empty: `renegotiated_connection<0..255>` of length 0 (one zero byte).
 */
export const EMPTY_RENEGOTIATION_INFO: Uint8Array = Uint8Array.of(0);

/** The `renegotiated_connection` bytes (empty on an initial handshake). */
export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new ByteReader(data, "dtls-ext");
  const len = r.u8();
  const v = r.bytes(len);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return v;
}
