/**
 * Allocation-free validators for the frequent typed lines whose values are built lazily
 * (candidate, rtpmap, extmap, ssrc). `parse` runs them on every line so that a malformed line
 * still throws at parse time; the model value is built from the same text on first access.
 * Each accepts exactly what its parser (`parseCandidateIn`, `parseRtpmap`, `parseExtmap`,
 * `parseSsrc`) accepts: the two are kept in step by a property test.
 */
import { parseFmtp, parseRtcpFbPt } from "./rtp-lines.js";
import { indexIn, parseUintAt } from "./text.js";

/** A decimal token `s.slice(p, e)` in [0, max] (`e` = -1 for a missing token). */
function uintIn(s: string, p: number, e: number, max: number): boolean {
  if (e < 0) return false;
  const v = parseUintAt(s, p, e);
  return v >= 0 && v <= max;
}

/** Whether `s.slice(p, e)` equals the ASCII name `x`. */
function nameIs(s: string, p: number, e: number, x: string): boolean {
  if (e - p !== x.length) return false;
  for (let i = 0; i < x.length; i++) if (s.charCodeAt(p + i) !== x.charCodeAt(i)) return false;
  return true;
}

// Candidate grammar of `parseCandidateIn` as one regular expression: V8 runs it as native code,
// ~3x faster than walking the ~20 tokens of a libwebrtc candidate with string searches.
/** A run of at most 15 digits (what `parseUintAt` reads), not followed by another digit. */
const N15 = String.raw`(?=\d{1,15}(?!\d))0*`;
/** Decimal values in [0, 256], [0, 65535] and [0, 2^32 - 1], leading zeros allowed. */
const U256 = String.raw`${N15}(?:25[0-6]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const U16 = String.raw`${N15}(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}|\d)`;
const U32 = String.raw`${N15}(?:429496729[0-5]|42949672[0-8]\d|4294967[01]\d{2}|429496[0-6]\d{3}|42949[0-5]\d{4}|4294[0-8]\d{5}|429[0-3]\d{6}|42[0-8]\d{7}|4[01]\d{8}|[1-3]\d{9}|[1-9]\d{0,8}|\d)`;
/** Known numeric extensions, then any other `<name> <value>` pair. */
const NUMERIC = "(?:rport|generation|network-id|network-cost) ";
const EXTENSION = String.raw`(?: (?:rport ${U16}|(?:generation|network-id|network-cost) ${N15}\d+|(?!${NUMERIC})[^ ]+ [^ ]+))*`;
/** `<foundation> <component> <transport> <priority> <address> <port> typ <type> *(<name> <value>)`. */
const CANDIDATE = new RegExp(`^[^ ]+ ${U256} [^ ]+ ${U32} [^ ]+ ${U16} typ [^ ]+${EXTENSION}$`);

/** Whether the candidate value `s.slice(p, n)` is well formed (RFC 8839 §5.1). */
export function checkCandidate(s: string, p: number, n: number): boolean {
  return CANDIDATE.test(s.slice(p, n));
}

/**
 * The payload type of the `a=rtpmap` value `s.slice(a, e)` (RFC 8866 §6.6,
 * `<pt> <name>/<clock rate>[/<channels>]`), -1 when malformed.
 */
export function checkRtpmap(s: string, a: number, e: number): number {
  const sp = digitsEnd(s, a, e);
  if (sp < 0 || sp >= e || s.charCodeAt(sp) !== 32) return -1;
  const pt = digits;
  if (pt > 127) return -1;
  const s1 = indexIn(s, "/", sp + 1, e);
  if (s1 < 0 || s1 === sp + 1) return -1;
  const s2 = digitsEnd(s, s1 + 1, e);
  if (s2 < 0 || (s2 < e && s.charCodeAt(s2) !== 47) /* / */) return -1;
  if (s2 < e && parseUintAt(s, s2 + 1, e) < 0) return -1;
  return pt;
}

/** Value of the digits last read by {@link digitsEnd}. */
let digits = 0;

/**
 * End of the run of 1 to 15 decimal digits at `a` (bounded by `e`): the index of the first
 * other character, or `e`; -1 when the run is empty or too long for {@link parseUintAt}. Their
 * value is then {@link digitsValue}.
 */
export function digitsEnd(s: string, a: number, e: number): number {
  let q = a;
  let v = 0;
  while (q < e) {
    const d = s.charCodeAt(q) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    q++;
  }
  digits = v;
  return q === a || q - a > 15 ? -1 : q;
}

/** The value of the digits the last successful {@link digitsEnd} read. */
export function digitsValue(): number {
  return digits;
}

/** Whether `s.slice(a, e)` is a direction token (RFC 8866 §6.7). */
export function isDirectionAt(s: string, a: number, e: number): boolean {
  return (
    e - a === 8 &&
    (nameIs(s, a, e, "sendrecv") ||
      nameIs(s, a, e, "sendonly") ||
      nameIs(s, a, e, "recvonly") ||
      nameIs(s, a, e, "inactive"))
  );
}

/** Whether the `a=extmap` value `s.slice(a, e)` is well formed (RFC 8285 §7). */
export function checkExtmap(s: string, a: number, e: number): boolean {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a || sp === e - 1) return false;
  const slash = indexIn(s, "/", a, sp);
  if (!uintIn(s, a, slash < 0 ? sp : slash, 65535)) return false;
  if (slash >= 0 && !isDirectionAt(s, slash + 1, sp)) return false;
  return indexIn(s, " ", sp + 1, e) !== sp + 1;
}

/** Whether the `a=ssrc` value `s.slice(a, e)` is well formed (RFC 5576 §4.1). */
export function checkSsrc(s: string, a: number, e: number): boolean {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a || sp === e - 1) return false;
  return uintIn(s, a, sp, 0xffffffff);
}

/**
 * {@link parseFmtp}: the payload type of an `a=fmtp` value, -1 when malformed; the usual
 * `<pt> <parameters>` is read in place, anything else goes through the general parser.
 */
export function fmtpPt(s: string, a: number, e: number): number {
  const q = digitsEnd(s, a, e);
  if (q < 0 || (q < e && s.charCodeAt(q) !== 32)) return parseFmtp(s, a, e);
  const v = digits;
  return v > 127 ? -1 : v;
}

/**
 * {@link parseRtcpFbPt}: the payload type of an `a=rtcp-fb` value, -1 for `*`, -2 when
 * malformed; the usual `<pt> <type>` is read in place, anything else by the general parser.
 */
export function rtcpFbPt(s: string, a: number, e: number): number {
  const q = digitsEnd(s, a, e);
  if (q < 0 || q >= e - 1 || s.charCodeAt(q) !== 32) return parseRtcpFbPt(s, a, e);
  const v = digits;
  return v > 127 ? -2 : v;
}
