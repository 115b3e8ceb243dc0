/**
 * Allocation-free validators for the frequent typed lines whose values are built lazily
 * (candidate, rtpmap, extmap, ssrc). `parse` runs them on every line so that a malformed line
 * still throws at parse time; the model value is built from the same text on first access.
 * Each accepts exactly what its parser (`parseCandidateIn`, `parseRtpmap`, `parseExtmap`,
 * `parseSsrc`) accepts: the two are kept in step by a property test.
 */
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

/** Largest value of the numeric candidate fields by token index (-1: not numeric). */
const CANDIDATE_MAX = [-1, 256, -1, 0xffffffff, -1, 65535];

/**
 * Whether the candidate value `s.slice(p, n)` is well formed (RFC 8839 §5.1): one pass over the
 * characters, single-space separated non-empty tokens, the numeric fields in range, `typ` and
 * a type, then `<name> <value>` pairs whose known numeric values are numbers.
 */
export function checkCandidate(s: string, p: number, n: number): boolean {
  let index = 0; // token index
  let ts = p; // token start
  let numMax = -1; // bound of the previous extension's value when it is numeric
  for (let q = p; q <= n; q++) {
    if (q < n && s.charCodeAt(q) !== 32) continue;
    if (q === ts) return false; // empty token: doubled, leading or trailing space
    if (index < 6) {
      const max = CANDIDATE_MAX[index]!;
      if (max >= 0) {
        const v = parseUintAt(s, ts, q);
        if (v < 0 || v > max) return false;
      }
    } else if (index === 6) {
      if (q - ts !== 3 || !nameIs(s, ts, q, "typ")) return false;
    } else if (index > 7) {
      if ((index & 1) === 0) numMax = extensionMax(s, ts, q);
      else if (numMax >= 0) {
        const v = parseUintAt(s, ts, q);
        if (v < 0 || v > numMax) return false;
      }
    }
    index++;
    ts = q + 1;
  }
  // `typ <type>` present, extensions in pairs.
  return index >= 8 && (index & 1) === 0;
}

/** The bound of a known numeric candidate extension named `s.slice(a, e)`, -1 for others. */
function extensionMax(s: string, a: number, e: number): number {
  const len = e - a;
  if (len === 5) return nameIs(s, a, e, "rport") ? 65535 : -1;
  if (len === 10)
    return nameIs(s, a, e, "generation") || nameIs(s, a, e, "network-id")
      ? Number.MAX_SAFE_INTEGER
      : -1;
  if (len === 12) return nameIs(s, a, e, "network-cost") ? Number.MAX_SAFE_INTEGER : -1;
  return -1;
}

/**
 * The payload type of the `a=rtpmap` value `s.slice(a, e)` (RFC 8866 §6.6,
 * `<pt> <name>/<clock rate>[/<channels>]`), -1 when malformed.
 */
export function checkRtpmap(s: string, a: number, e: number): number {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a) return -1;
  const pt = parseUintAt(s, a, sp);
  if (pt < 0 || pt > 127) return -1;
  const s1 = indexIn(s, "/", sp + 1, e);
  if (s1 < 0 || s1 === sp + 1) return -1;
  const s2 = indexIn(s, "/", s1 + 1, e);
  if (parseUintAt(s, s1 + 1, s2 < 0 ? e : s2) < 0) return -1;
  if (s2 >= 0 && parseUintAt(s, s2 + 1, e) < 0) return -1;
  return pt;
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
