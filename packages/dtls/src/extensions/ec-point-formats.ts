import { ByteReader } from "@purertc/common";

/** RFC 8422 §5.1.2: the only point format left is `uncompressed` (0). */
export const EC_POINT_FORMAT_UNCOMPRESSED = 0;

/**
 * ec_point_formats (RFC 8422 §5.1.2).
 *
 * ```
 *   struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
 * ```
 */
export function decodeEcPointFormats(data: Uint8Array): number[] {
  const r = new ByteReader(data, "dtls-ext");
  const len = r.u8();
  if (len === 0) r.fail("bad-length", "empty ec_point_format_list");
  const out = Array.from(r.bytes(len));
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return out;
}

export function encodeEcPointFormats(formats: readonly number[]): Uint8Array {
  return Uint8Array.of(formats.length, ...formats);
}
