/**
 * Joins the codec lines of an RTP media section into {@link Codec}s: the m-line's payload types
 * make the codecs in preference order (RFC 3551 §6 names for static ones), `a=rtpmap` (RFC 8866
 * §6.6) names one, `a=fmtp` (§6.15) gives its parameters and every `a=rtcp-fb` (RFC 4585 §4.2)
 * adds one feedback entry. A codec line for a payload type absent from the m-line, a repeated
 * rtpmap/fmtp, and `a=rtcp-fb:*` stay generic attributes.
 */
import { K, LAYOUT } from "./layout.js";
import { type Codec, isRtpProtocol, type MediaSection } from "./model.js";
import type { ParsedMedia, Parser } from "./parse.js";
import {
  parseFmtp,
  parseFmtpParameters,
  parseRtcpFb,
  parseRtcpFbPt,
  parseRtpmap,
  staticCodec,
} from "./rtp-lines.js";
import { parseUint } from "./text.js";

const LINE_SEEN = 1;
const RTPMAP_SEEN = 2;
const FMTP_SEEN = 4;

// Scratch state of the section being parsed (parse is synchronous and not re-entrant).
/** Codecs of the current RTP section by payload type. */
const byPt: (Codec | undefined)[] = new Array<Codec | undefined>(128).fill(undefined);
/** Per payload type: LINE_SEEN (any codec line), RTPMAP_SEEN, FMTP_SEEN in this section. */
const ptFlags = new Uint8Array(128);
/** Whether a section is open (a parse that threw leaves the tables to clear). */
let open = false;

/** Clears the tables before a parse. */
export function resetCodecs(): void {
  if (!open) return;
  byPt.fill(undefined);
  ptFlags.fill(0);
  open = false;
}

/**
 * Makes the codecs of a new section from its m-line formats. Returns false (formats kept as
 * text) when the protocol does not carry RTP.
 */
export function openCodecs(p: Parser, m: MediaSection, formats: readonly string[]): boolean {
  if (!isRtpProtocol(m.protocol)) return false;
  open = true;
  for (const f of formats) {
    const pt = parseUint(f);
    if (pt < 0 || pt > 127) p.fail("bad-format", `payload type ${f}`);
    if (byPt[pt] !== undefined) continue;
    const c = staticCodec(pt);
    byPt[pt] = c;
    m.codecs.push(c);
  }
  return true;
}

/** Ends a section: records the payload types that had no codec line, clears the tables. */
export function closeCodecs(m: ParsedMedia): void {
  const codecs = m.codecs;
  for (let i = 0; i < codecs.length; i++) {
    const pt = codecs[i]!.payloadType;
    if (ptFlags[pt] === 0) m[LAYOUT].staticPts.push(pt);
    byPt[pt] = undefined;
    ptFlags[pt] = 0;
  }
  open = false;
}

/** `a=rtpmap` value `text.slice(a, e)`; false when it stays a generic attribute. */
export function joinRtpmap(p: Parser, a: number, e: number): boolean {
  const r = parseRtpmap(p.text, a, e);
  if (r === undefined) p.fail("bad-rtpmap");
  const pt = r.payloadType;
  const c = byPt[pt];
  if (c === undefined || (ptFlags[pt]! & RTPMAP_SEEN) !== 0) return false;
  c.name = r.name;
  c.clockRate = r.clockRate;
  c.channels = r.channels;
  ptFlags[pt]! |= LINE_SEEN | RTPMAP_SEEN;
  p.add(K.RTPMAP, c, undefined, pt);
  return true;
}

/** `a=fmtp` value `text.slice(a, e)`; false when it stays a generic attribute. */
export function joinFmtp(p: Parser, a: number, e: number): boolean {
  const pt = parseFmtp(p.text, a, e);
  if (pt < 0) p.fail("bad-fmtp");
  const c = byPt[pt];
  if (c === undefined || (ptFlags[pt]! & FMTP_SEEN) !== 0) return false;
  c.parameters = parseFmtpParameters(p.text, a, e);
  ptFlags[pt]! |= LINE_SEEN | FMTP_SEEN;
  p.add(K.FMTP, c, undefined, pt);
  return true;
}

/** `a=rtcp-fb` value `text.slice(a, e)`; false when it stays a generic attribute. */
export function joinRtcpFb(p: Parser, a: number, e: number): boolean {
  const pt = parseRtcpFbPt(p.text, a, e);
  if (pt < -1) p.fail("bad-rtcp-fb");
  const c = pt < 0 ? undefined : byPt[pt];
  if (c === undefined) return false;
  const fb = parseRtcpFb(p.text, a, e);
  c.feedback.push(fb);
  ptFlags[pt]! |= LINE_SEEN;
  p.add(K.RTCPFB, c, fb, pt);
  return true;
}
