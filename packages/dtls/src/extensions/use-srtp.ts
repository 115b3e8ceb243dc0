import { ByteReader, ByteWriter } from "@purertc/common";

/** SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export const SrtpProtectionProfile = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
  SRTP_AEAD_AES_128_GCM: 0x0007,
  SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;
export type SrtpProtectionProfile =
  (typeof SrtpProtectionProfile)[keyof typeof SrtpProtectionProfile];

/**
 * use_srtp (RFC 5764 §4.1.1).
 *
 * ```
 *   uint8 SRTPProtectionProfile[2];
 *   struct {
 *      SRTPProtectionProfiles SRTPProtectionProfiles;   -- <2..2^16-1>
 *      opaque srtp_mki<0..255>;
 *   } UseSRTPData;
 * ```
 */
export interface UseSrtp {
  readonly profiles: readonly number[];
  readonly mki: Uint8Array;
}

export function decodeUseSrtp(data: Uint8Array): UseSrtp {
  const r = new ByteReader(data, "dtls-ext");
  const len = r.u16();
  if (len === 0 || len % 2 !== 0) r.fail("bad-length", `profiles length ${len}`);
  const list = r.sub(len);
  const profiles: number[] = [];
  while (list.remaining > 0) profiles.push(list.u16());
  const mkiLen = r.u8();
  const mki = r.bytes(mkiLen);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { profiles, mki };
}

export function encodeUseSrtp(v: UseSrtp): Uint8Array {
  if (v.mki.byteLength > 255) throw new RangeError("use_srtp MKI longer than 255 bytes");
  const w = new ByteWriter(new Uint8Array(2 + 2 * v.profiles.length + 1 + v.mki.byteLength));
  w.u16(2 * v.profiles.length);
  for (const p of v.profiles) w.u16(p);
  w.u8(v.mki.byteLength).bytes(v.mki);
  return w.view();
}
