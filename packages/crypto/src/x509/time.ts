import type { DerElement, DerReader } from "../asn1/der-reader.js";
import { TAG } from "../asn1/der-reader.js";
import { derTlv } from "../asn1/der-writer.js";

/**
 * X.509 `Time` (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for 1950–2049, GeneralizedTime
 * `YYYYMMDDHHMMSSZ` from 2050 on; always UTC, whole seconds.
 */

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Encodes a date as RFC 5280 `Time` (sub-second part dropped). */
export function encodeTime(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  if (y < 1950 || y > 9999)
    throw new RangeError(`certificate date out of range: ${date.toISOString()}`);
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2);
  const text = y < 2050 ? `${pad(y % 100, 2)}${rest}Z` : `${pad(y, 4)}${rest}Z`;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return derTlv(y < 2050 ? TAG.UTC_TIME : TAG.GENERALIZED_TIME, bytes);
}

/** Decodes a `Time` element read by `r`. */
export function decodeTime(e: DerElement, r: DerReader): Date {
  let text = "";
  for (const b of e.value) text += String.fromCharCode(b);
  let m: RegExpExecArray | null;
  let year: number;
  if (e.tag === TAG.UTC_TIME) {
    // RFC 5280 §4.1.2.5.1: YY >= 50 → 19YY, else 20YY. Seconds are mandatory; tolerate their
    // absence (older encoders) rather than fail a handshake over it.
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
    if (m === null) throw r.error("bad-time", e.valueOffset, `UTCTime "${text}"`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (e.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
    if (m === null) throw r.error("bad-time", e.valueOffset, `GeneralizedTime "${text}"`);
    year = Number(m[1]);
  } else {
    throw r.error("unexpected-tag", e.offset, "Time must be UTCTime or GeneralizedTime");
  }
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw r.error("bad-time", e.valueOffset, `field out of range in "${text}"`);
  }
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}
