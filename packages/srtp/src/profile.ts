/**
 * SRTP protection profiles and their parameters: RFC 5764 §4.1.2 (DTLS-SRTP AES-CM profiles),
 * RFC 7714 §12 and §14.2 (AEAD AES-GCM), RFC 6188 §3 and §6 (AES-256-CM, SDES only).
 */

/** The protection profiles this package implements. */
export type SrtpProfile =
  | "SRTP_AES128_CM_HMAC_SHA1_80"
  | "SRTP_AES128_CM_HMAC_SHA1_32"
  | "SRTP_AES256_CM_HMAC_SHA1_80"
  | "SRTP_AES256_CM_HMAC_SHA1_32"
  | "SRTP_AEAD_AES_128_GCM"
  | "SRTP_AEAD_AES_256_GCM";

/** The lengths and transforms one profile uses. All lengths are in bytes. */
export interface SrtpProfileParameters {
  readonly profile: SrtpProfile;
  /** `"aes-cm"`: AES counter mode + HMAC-SHA1 (RFC 3711 §4.1.1, §4.2); `"aead"`: AES-GCM (RFC 7714). */
  readonly cipher: "aes-cm" | "aead";
  /** Master key length = session encryption key length (16 or 32). */
  readonly keyLength: number;
  /** Master salt length = session salt length: 14 for AES-CM, 12 for AES-GCM. */
  readonly saltLength: number;
  /** Session authentication key length n_a: 20 for HMAC-SHA1, 0 for AEAD. */
  readonly authKeyLength: number;
  /** SRTP authentication tag length. */
  readonly rtpTagLength: number;
  /**
   * SRTCP authentication tag length. RFC 5764 §4.1.2: the `_32` profiles keep an 80-bit SRTCP
   * tag ("SRTCP auth tag ... 80").
   */
  readonly rtcpTagLength: number;
  /** The DTLS-SRTP profile identifier (RFC 5764 §4.1.2, RFC 7714 §14.2); none for AES-256-CM. */
  readonly dtlsId: number | undefined;
}

function cm(profile: SrtpProfile, keyLength: number, rtpTag: number, dtlsId?: number) {
  return Object.freeze({
    profile,
    cipher: "aes-cm" as const,
    keyLength,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: rtpTag,
    rtcpTagLength: 10,
    dtlsId,
  });
}

function gcm(profile: SrtpProfile, keyLength: number, dtlsId: number) {
  // RFC 7714 §12: 12-octet salt, 16-octet tag, no separate authentication key (§7.1).
  return Object.freeze({
    profile,
    cipher: "aead" as const,
    keyLength,
    saltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
    dtlsId,
  });
}

/** Parameters of every supported profile, keyed by name. */
export const SRTP_PROFILES: Readonly<Record<SrtpProfile, SrtpProfileParameters>> = Object.freeze({
  SRTP_AES128_CM_HMAC_SHA1_80: cm("SRTP_AES128_CM_HMAC_SHA1_80", 16, 10, 0x0001),
  SRTP_AES128_CM_HMAC_SHA1_32: cm("SRTP_AES128_CM_HMAC_SHA1_32", 16, 4, 0x0002),
  SRTP_AES256_CM_HMAC_SHA1_80: cm("SRTP_AES256_CM_HMAC_SHA1_80", 32, 10),
  SRTP_AES256_CM_HMAC_SHA1_32: cm("SRTP_AES256_CM_HMAC_SHA1_32", 32, 4),
  SRTP_AEAD_AES_128_GCM: gcm("SRTP_AEAD_AES_128_GCM", 16, 0x0007),
  SRTP_AEAD_AES_256_GCM: gcm("SRTP_AEAD_AES_256_GCM", 32, 0x0008),
});

/** The parameters of `profile`; throws `TypeError` for an unknown name. */
export function srtpProfileParameters(profile: SrtpProfile): SrtpProfileParameters {
  const p = Object.hasOwn(SRTP_PROFILES, profile) ? SRTP_PROFILES[profile] : undefined;
  if (p === undefined) throw new TypeError(`SRTP: unknown protection profile ${String(profile)}`);
  return p;
}

/**
 * The profile negotiated by DTLS use_srtp (RFC 5764 §4.1.2 identifier), or `undefined` when this
 * package does not implement it (e.g. the NULL-cipher profiles 0x0005/0x0006).
 */
export function srtpProfileFromDtlsId(id: number): SrtpProfile | undefined {
  for (const p of Object.values(SRTP_PROFILES)) if (p.dtlsId === id) return p.profile;
  return undefined;
}
