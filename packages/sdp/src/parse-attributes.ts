/**
 * The `a=` lines (RFC 8866 §5.13, §6) of a session or media section: the name is matched
 * against the typed attributes (bucketed by length, one short slice compared), the value
 * is checked and typed into the section (or, for the long lists, recorded to be built on first
 * access), and anything else (unknown names, names typed only at the other level, repeated
 * single-valued attributes) stays a generic attribute, in order.
 */
import { checkCandidate, checkExtmap, checkSsrc } from "./check.js";
import { K } from "./layout.js";
import {
  isDirection,
  isSetup,
  parseFingerprint,
  parseGroup,
  parseIceOptions,
  parseMsid,
  parseMsidSemantic,
  parseRtcp,
} from "./lines.js";
import type { MediaSection } from "./model.js";
import type { Parser } from "./parse.js";
import { scanFmtp, scanRtcpFb, scanRtpmap } from "./parse-codecs.js";
import { parseRid, parseSimulcast, parseSsrcGroup } from "./rtp-lines.js";
import { indexIn } from "./text.js";

/** Whether an attribute is typed at session level (S), media level (M) or both. */
const S = 1;
const M = 2;
/**
 * A typed attribute name: `code` = kind | where << 8, `words` = {@link word}s of the name at
 * 0, 4, 8... and at length - 4 (names of 4 or more characters), so that a name in the text is
 * recognised with integer compares, without a slice.
 */
interface Def {
  readonly name: string;
  readonly code: number;
  readonly words: readonly number[];
  readonly offsets: readonly number[];
}
/** Typed attribute names bucketed by length. */
const BY_LEN: Def[][] = [];
function def(name: string, kind: number, where: number): void {
  const offsets: number[] = [];
  if (name.length >= 4) {
    for (let o = 0; o + 4 < name.length; o += 4) offsets.push(o);
    offsets.push(name.length - 4);
  }
  BY_LEN[name.length] ??= [];
  BY_LEN[name.length]!.push({
    name,
    code: kind | (where << 8),
    words: offsets.map((o) => word(name, o)),
    offsets,
  });
}
def("group", K.GROUP, S);
def("msid-semantic", K.MSID_SEMANTIC, S);
def("ice-lite", K.ICE_LITE, S);
def("extmap-allow-mixed", K.EXTMAP_ALLOW_MIXED, S | M);
def("ice-ufrag", K.ICE_UFRAG, S | M);
def("ice-pwd", K.ICE_PWD, S | M);
def("ice-options", K.ICE_OPTIONS, S | M);
def("fingerprint", K.FINGERPRINT, S | M);
def("setup", K.SETUP, S | M);
def("sendrecv", K.DIRECTION, S | M);
def("sendonly", K.DIRECTION, S | M);
def("recvonly", K.DIRECTION, S | M);
def("inactive", K.DIRECTION, S | M);
def("extmap", K.EXTMAP, S | M);
def("rtcp", K.RTCP, M);
def("candidate", K.CANDIDATE, M);
def("end-of-candidates", K.END_OF_CANDIDATES, M);
def("mid", K.MID, M);
def("bundle-only", K.BUNDLE_ONLY, M);
def("msid", K.MSID, M);
def("rtcp-mux", K.RTCP_MUX, M);
def("rtcp-mux-only", K.RTCP_MUX_ONLY, M);
def("rtcp-rsize", K.RTCP_RSIZE, M);
def("rtpmap", K.RTPMAP, M);
def("rtcp-fb", K.RTCPFB, M);
def("fmtp", K.FMTP, M);
def("ptime", K.PTIME, M);
def("maxptime", K.MAXPTIME, M);
def("ssrc-group", K.SSRC_GROUP, M);
def("ssrc", K.SSRC, M);
def("rid", K.RID, M);
def("simulcast", K.SIMULCAST, M);
def("sctp-port", K.SCTP_PORT, M);
def("max-message-size", K.MAX_MESSAGE_SIZE, M);

/** The typed attribute named `t.slice(a, e)`, or undefined. */
function lookup(t: string, a: number, e: number): Def | undefined {
  const bucket = BY_LEN[e - a];
  if (bucket === undefined) return undefined;
  for (let i = 0; i < bucket.length; i++) {
    const d = bucket[i]!;
    const { words, offsets } = d;
    if (words.length === 0) {
      if (t.startsWith(d.name, a)) return d; // `mid`, `rid`
      continue;
    }
    let k = 0;
    while (k < words.length && word(t, a + offsets[k]!) === words[k]) k++;
    if (k === words.length) return d;
  }
  return undefined;
}

/**
 * Four characters of `t` at `i` as one number (past the end they read as 0), or -1 when one is
 * not Latin-1 (its bits would overlap its neighbours').
 */
function word(t: string, i: number): number {
  const a = t.charCodeAt(i);
  const b = t.charCodeAt(i + 1);
  const c = t.charCodeAt(i + 2);
  const d = t.charCodeAt(i + 3);
  return (a | b | c | d) > 255 ? -1 : a | (b << 8) | (c << 16) | (d << 24);
}

/** {@link word} of a four-character literal. */
const w = (lit: string): number => word(lit, 0);
const RTCP = w("rtcp");
const FB = w("-fb:");
const RTPM = w("rtpm");
const MAP = w("map:");
const FMTP = w("fmtp");
const CAND = w("cand");
const IDAT = w("idat");
const ATE = w("ate:");
const SSRC = w("ssrc");
const EXTM = w("extm");
const COLON = 58;

/**
 * The frequent media-level lines (codec lines, candidates, ssrcs, extmaps: ~90% of a WebRTC
 * offer), recognised by their first characters without a name lookup. False for any other line.
 */
function frequent(p: Parser, t: string, s: number, e: number): boolean {
  // Whole names compared four characters at a time; a line too short reads NaN (0) and fails.
  let kind: number;
  const head = word(t, s + 2);
  if (head === RTCP) {
    if (word(t, s + 6) !== FB) return false;
    if (!scanRtcpFb(p, s + 10, e)) p.add(K.ATTRIBUTE, undefined, -1);
    return true;
  }
  if (head === RTPM) {
    if (word(t, s + 5) !== MAP) return false;
    if (!scanRtpmap(p, s + 9, e)) p.add(K.ATTRIBUTE, undefined, -1);
    return true;
  }
  if (head === FMTP) {
    if (t.charCodeAt(s + 6) !== COLON) return false;
    if (!scanFmtp(p, s + 7, e)) p.add(K.ATTRIBUTE, undefined, -1);
    return true;
  }
  if (head === CAND) {
    if (word(t, s + 6) !== IDAT || word(t, s + 8) !== ATE) return false;
    if (!checkCandidate(t, s + 12, e)) p.fail("bad-candidate");
    kind = K.CANDIDATE;
  } else if (head === SSRC) {
    if (t.charCodeAt(s + 6) !== COLON) return false;
    if (!checkSsrc(t, s + 7, e)) p.fail("bad-ssrc");
    kind = K.SSRC;
  } else if (head === EXTM) {
    if (word(t, s + 5) !== MAP) return false;
    if (!checkExtmap(t, s + 9, e)) p.fail("bad-extmap");
    kind = K.EXTMAP;
  } else return false;
  p.add(kind, undefined, -1);
  return true;
}

/** Types the attribute line `text.slice(start, end)` into the current section. */
export function attribute(p: Parser, start: number, end: number): void {
  const t = p.text;
  if (p.media !== undefined && frequent(p, t, start, end)) return;
  const colon = indexIn(t, ":", start + 2, end);
  const d = lookup(t, start + 2, colon < 0 ? end : colon);
  const m = p.media;
  if (d === undefined || ((d.code >> 8) & (m === undefined ? S : M)) === 0) {
    p.add(K.ATTRIBUTE, undefined, -1);
    return;
  }
  const kind = d.code & 0xff;
  const a = colon < 0 ? end : colon + 1;
  const handled =
    sectionAttribute(p, kind, d.name, a, end) ||
    (m !== undefined && mediaAttribute(p, kind, a, end, m));
  if (!handled) p.add(K.ATTRIBUTE, undefined, -1);
}

/**
 * A typed attribute allowed at both levels (or at session level only) with value
 * `text.slice(a, e)`; false when it is not one, or a repeat that stays generic.
 */
function sectionAttribute(p: Parser, kind: number, name: string, a: number, e: number): boolean {
  const s = p.session;
  const sec = p.media ?? s;
  const t = p.text;
  switch (kind) {
    case K.GROUP: {
      const g = parseGroup(t.slice(a, e));
      if (g === undefined) p.fail("bad-group");
      s.groups.push(g);
      p.add(kind, g, -1);
      return true;
    }
    case K.MSID_SEMANTIC:
      if (s.msidSemantic !== undefined) return false;
      s.msidSemantic = parseMsidSemantic(t.slice(a, e)) ?? p.fail("bad-msid-semantic");
      break;
    case K.ICE_LITE:
      if (s.iceLite) return false;
      s.iceLite = true;
      break;
    case K.EXTMAP_ALLOW_MIXED:
      if (sec.extmapAllowMixed) return false;
      sec.extmapAllowMixed = true;
      break;
    case K.ICE_UFRAG:
      if (sec.iceUfrag !== undefined) return false;
      sec.iceUfrag = t.slice(a, e);
      break;
    case K.ICE_PWD:
      if (sec.icePwd !== undefined) return false;
      sec.icePwd = t.slice(a, e);
      break;
    case K.ICE_OPTIONS:
      if (sec.iceOptions !== undefined) return false;
      sec.iceOptions = parseIceOptions(t.slice(a, e));
      break;
    case K.FINGERPRINT: {
      const f = parseFingerprint(t.slice(a, e));
      if (f === undefined) p.fail("bad-fingerprint");
      sec.fingerprints.push(f);
      p.add(kind, f, -1);
      return true;
    }
    case K.SETUP: {
      if (sec.setup !== undefined) return false;
      const v = t.slice(a, e);
      if (!isSetup(v)) p.fail("bad-setup");
      sec.setup = v;
      break;
    }
    case K.DIRECTION:
      if (sec.direction !== undefined || !isDirection(name)) return false;
      sec.direction = name;
      break;
    case K.EXTMAP:
      if (!checkExtmap(t, a, e)) p.fail("bad-extmap");
      break;
    default:
      return false;
  }
  p.add(kind, undefined, -1);
  return true;
}

/** A typed media-level attribute with value `text.slice(a, e)`; false when it stays generic. */
function mediaAttribute(p: Parser, kind: number, a: number, e: number, m: MediaSection): boolean {
  const t = p.text;
  switch (kind) {
    case K.RTPMAP:
      return scanRtpmap(p, a, e);
    case K.FMTP:
      return scanFmtp(p, a, e);
    case K.RTCPFB:
      return scanRtcpFb(p, a, e);
    case K.CANDIDATE:
      if (!checkCandidate(t, a, e)) p.fail("bad-candidate");
      break;
    case K.SSRC:
      if (!checkSsrc(t, a, e)) p.fail("bad-ssrc");
      break;
    case K.SSRC_GROUP: {
      const g = parseSsrcGroup(t.slice(a, e));
      if (g === undefined) p.fail("bad-ssrc-group");
      m.ssrcGroups.push(g);
      p.add(kind, g, -1);
      return true;
    }
    case K.RID: {
      const r = parseRid(t.slice(a, e));
      if (r === undefined) p.fail("bad-rid");
      m.rids.push(r);
      p.add(kind, r, -1);
      return true;
    }
    case K.MSID: {
      const x = parseMsid(t.slice(a, e));
      if (x === undefined) p.fail("bad-msid");
      m.msids.push(x);
      p.add(kind, x, -1);
      return true;
    }
    case K.MID:
      if (m.mid !== undefined) return false;
      m.mid = t.slice(a, e);
      break;
    case K.RTCP:
      if (m.rtcp !== undefined) return false;
      m.rtcp = parseRtcp(t.slice(a, e)) ?? p.fail("bad-rtcp");
      break;
    case K.SIMULCAST:
      if (m.simulcast !== undefined) return false;
      m.simulcast = parseSimulcast(t.slice(a, e)) ?? p.fail("bad-simulcast");
      break;
    case K.SCTP_PORT:
      if (m.sctpPort !== undefined) return false;
      m.sctpPort = p.uint(a, e, 65535);
      break;
    case K.MAX_MESSAGE_SIZE:
      if (m.maxMessageSize !== undefined) return false;
      m.maxMessageSize = p.uint(a, e, Number.MAX_SAFE_INTEGER);
      break;
    case K.PTIME:
      if (m.ptime !== undefined) return false;
      m.ptime = p.uint(a, e, 1e9);
      break;
    case K.MAXPTIME:
      if (m.maxptime !== undefined) return false;
      m.maxptime = p.uint(a, e, 1e9);
      break;
    case K.RTCP_MUX:
      if (m.rtcpMux) return false;
      m.rtcpMux = true;
      break;
    case K.RTCP_MUX_ONLY:
      if (m.rtcpMuxOnly) return false;
      m.rtcpMuxOnly = true;
      break;
    case K.RTCP_RSIZE:
      if (m.rtcpRsize) return false;
      m.rtcpRsize = true;
      break;
    case K.END_OF_CANDIDATES:
      if (m.endOfCandidates) return false;
      m.endOfCandidates = true;
      break;
    case K.BUNDLE_ONLY:
      if (m.bundleOnly) return false;
      m.bundleOnly = true;
      break;
    default:
      return false;
  }
  p.add(kind, undefined, -1);
  return true;
}
