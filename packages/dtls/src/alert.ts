import { ByteReader } from "@purertc/common";

/** RFC 5246 §7.2 `AlertLevel`. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** RFC 5246 §7.2 `AlertDescription` (the values DTLS 1.2 still uses). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
} as const;
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];

/**
 * An alert record's body (RFC 5246 §7.2).
 *
 * ```
 *   struct {
 *     AlertLevel level;              -- 1 byte
 *     AlertDescription description;  -- 1 byte
 *   } Alert;
 * ```
 */
export interface Alert {
  readonly level: number;
  readonly description: number;
}

export function decodeAlert(body: Uint8Array): Alert {
  const r = new ByteReader(body, "dtls-alert");
  const level = r.u8();
  const description = r.u8();
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { level, description };
}

export function encodeAlert(a: Alert): Uint8Array {
  return Uint8Array.of(a.level, a.description);
}

const NAMES = new Map<number, string>(Object.entries(AlertDescription).map(([k, v]) => [v, k]));

/** The RFC name of an alert description (`"bad_certificate"`), or `"alert_<n>"` when unknown. */
export function alertName(description: number): string {
  return NAMES.get(description) ?? `alert_${description}`;
}
