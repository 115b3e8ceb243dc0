/**
 * The codec lines of an RTP media section at parse time: the m-line's payload types (RFC 8866
 * §5.14) make the codecs in preference order; `a=rtpmap` (§6.6), `a=fmtp` (§6.15) and
 * `a=rtcp-fb` (RFC 4585 §4.2) are checked here and recorded with their payload type, and the
 * codecs are joined from them on first access (lazy.ts). A codec line for a payload type absent
 * from the m-line, a repeated rtpmap/fmtp, and `a=rtcp-fb:*` stay generic attributes.
 */
import { checkRtpmap, digitsEnd, digitsValue, fmtpPt, rtcpFbPt } from "./check.js";
import { K } from "./layout.js";
import type { Parser } from "./parse.js";
import { indexIn } from "./text.js";

const IN_MLINE = 1;
const RTPMAP_SEEN = 2;
const FMTP_SEEN = 4;
const LINE_SEEN = 8;

// Scratch state of the section being parsed (parse is synchronous and not re-entrant).
/** Per payload type: IN_MLINE, RTPMAP_SEEN, FMTP_SEEN, LINE_SEEN (any codec line). */
const ptFlags = new Uint8Array(128);
/** Whether a section is open (a parse that threw leaves the table to clear). */
let open = false;

/** Clears the table before a parse. */
export function resetCodecs(): void {
  if (!open) return;
  ptFlags.fill(0);
  open = false;
}

/**
 * The payload types of the RTP m-line format list `text.slice(a, e)` in order, repeats removed.
 * A doubled or trailing space is a `bad-media-line`, then a token that is not a payload type
 * (0-127) a `bad-format`.
 */
export function openCodecs(p: Parser, a: number, e: number): number[] {
  open = true;
  const t = p.text;
  const pts: number[] = [];
  let bad = -1;
  for (;;) {
    let end = digitsEnd(t, a, e);
    if (end >= 0 && (end === e || t.charCodeAt(end) === 32)) {
      const pt = digitsValue();
      if (pt > 127) {
        if (bad < 0) bad = a;
      } else if (ptFlags[pt] === 0) {
        ptFlags[pt] = IN_MLINE;
        pts.push(pt);
      }
    } else {
      end = indexIn(t, " ", a, e);
      if (end < 0) end = e;
      if (end === a) p.fail("bad-media-line");
      if (bad < 0) bad = a;
    }
    if (end === e) break;
    a = end + 1;
    if (a === e) p.fail("bad-media-line");
  }
  if (bad >= 0) {
    const end = indexIn(t, " ", bad, e);
    p.fail("bad-format", `payload type ${t.slice(bad, end < 0 ? e : end)}`);
  }
  return pts;
}

/** Ends a section: returns the payload types that had no codec line, clears the table. */
export function closeCodecs(pts: readonly number[]): number[] {
  const none: number[] = [];
  for (let i = 0; i < pts.length; i++) {
    const pt = pts[i]!;
    if ((ptFlags[pt]! & LINE_SEEN) === 0) none.push(pt);
    ptFlags[pt] = 0;
  }
  open = false;
  return none;
}

/** `a=rtpmap` value `text.slice(a, e)`; false when it stays a generic attribute. */
export function scanRtpmap(p: Parser, a: number, e: number): boolean {
  const pt = checkRtpmap(p.text, a, e);
  if (pt < 0) p.fail("bad-rtpmap");
  const f = ptFlags[pt]!;
  if ((f & IN_MLINE) === 0 || (f & RTPMAP_SEEN) !== 0) return false;
  ptFlags[pt] = f | LINE_SEEN | RTPMAP_SEEN;
  p.add(K.RTPMAP, undefined, pt);
  return true;
}

/** `a=fmtp` value `text.slice(a, e)`; false when it stays a generic attribute. */
export function scanFmtp(p: Parser, a: number, e: number): boolean {
  const pt = fmtpPt(p.text, a, e);
  if (pt < 0) p.fail("bad-fmtp");
  const f = ptFlags[pt]!;
  if ((f & IN_MLINE) === 0 || (f & FMTP_SEEN) !== 0) return false;
  ptFlags[pt] = f | LINE_SEEN | FMTP_SEEN;
  p.add(K.FMTP, undefined, pt);
  return true;
}

/** `a=rtcp-fb` value `text.slice(a, e)`; false when it stays a generic attribute. */
export function scanRtcpFb(p: Parser, a: number, e: number): boolean {
  const pt = rtcpFbPt(p.text, a, e);
  if (pt < -1) p.fail("bad-rtcp-fb");
  if (pt < 0) return false;
  const f = ptFlags[pt]!;
  if ((f & IN_MLINE) === 0) return false;
  ptFlags[pt] = f | LINE_SEEN;
  p.add(K.RTCPFB, undefined, pt);
  return true;
}
