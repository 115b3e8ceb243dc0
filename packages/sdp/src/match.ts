/**
 * Change detection without copies: `matches` tells whether the current model value would render
 * exactly as its original line, by walking the line's characters against the value's fields
 * (no string is built). `true` means "unchanged, write the original bytes"; `false` means
 * "render and compare with the canonical form of the line" (a line with unusual spacing, an
 * edited value, or a kind without a matcher), which the serializer then does.
 *
 * Numbers compare by value (`a=ptime:020` matches `ptime: 20`), exactly as rendering the value
 * and comparing it with the re-parsed line would.
 */
import { type Candidate, sameCandidate } from "./candidate.js";
import { K } from "./layout.js";
import { LAZY } from "./lazy.js";
import {
  type Attribute,
  type Bandwidth,
  type Codec,
  type Extmap,
  type Fingerprint,
  type Group,
  isRtpProtocol,
  type Msid,
  type RtcpFeedback,
  type SdpLine,
  type SsrcAttribute,
  type SsrcGroup,
  type Timing,
} from "./model.js";
import type { AnySection } from "./render.js";

const SP = 32;

/**
 * `s` at `p`: the position after it, or -1. (A slice and `===` is several times cheaper than
 * `startsWith` with a position in V8.)
 */
function str(t: string, p: number, s: unknown): number {
  if (p < 0 || typeof s !== "string") return -1;
  const e = p + s.length;
  return t.slice(p, e) === s ? e : -1;
}

/** The character `c` at `p`: the position after it, or -1. */
function ch(t: string, p: number, c: number): number {
  return p >= 0 && t.charCodeAt(p) === c ? p + 1 : -1;
}

/** A decimal number equal to `n` at `p` (at most 15 digits): the position after it, or -1. */
function num(t: string, p: number, n: unknown): number {
  if (p < 0) return -1;
  let v = 0;
  let q = p;
  for (;;) {
    const d = t.charCodeAt(q) - 48;
    if (!(d >= 0 && d <= 9)) break;
    v = v * 10 + d;
    q++;
  }
  return q > p && q - p <= 15 && v === n ? q : -1;
}

/** `<sep><s>` when `s` is defined, nothing otherwise. */
function opt(t: string, p: number, sep: number, s: unknown): number {
  return s === undefined ? p : str(t, ch(t, p, sep), s);
}

/** `<sep><n>` when `n` is defined, nothing otherwise. */
function optNum(t: string, p: number, sep: number, n: unknown): number {
  return n === undefined ? p : num(t, ch(t, p, sep), n);
}

/** A literal line (a flag attribute) that is present in the model. */
function flag(t: string, start: number, end: number, on: boolean, line: string): boolean {
  return on && t.slice(start, end) === line;
}

/**
 * Whether the value behind the line `t.slice(start, end)` of kind `kind` is unchanged: `item` is
 * the matched list element or codec, `sub` the rtcp-fb entry of an RTCPFB line.
 */
export function matches(
  kind: number,
  t: string,
  start: number,
  end: number,
  item: object | undefined,
  sub: object | undefined,
  sec: AnySection,
): boolean {
  let p = start + 2;
  switch (kind) {
    case K.RTCPFB: {
      const f = sub as RtcpFeedback;
      p = num(t, start + 10, (item as Codec).payloadType);
      p = opt(t, str(t, ch(t, p, SP), f.type), SP, f.parameter);
      break;
    }
    case K.RTPMAP: {
      const c = item as Codec;
      p = str(t, ch(t, num(t, start + 9, c.payloadType), SP), c.name);
      p = optNum(t, num(t, ch(t, p, 47 /* / */), c.clockRate), 47, c.channels);
      break;
    }
    case K.FMTP:
      p = fmtp(t, start + 7, item as Codec);
      break;
    case K.CANDIDATE:
      if (sub !== undefined && sameCandidate(item as Candidate, sub as Candidate)) return true;
      p = candidate(t, start + 12, item as Candidate);
      break;
    case K.EXTMAP: {
      const e = item as Extmap;
      p = opt(t, num(t, start + 9, e.id), 47, e.direction);
      p = opt(t, str(t, ch(t, p, SP), e.uri), SP, e.attributes);
      break;
    }
    case K.SSRC: {
      const s = item as SsrcAttribute;
      p = opt(t, str(t, ch(t, num(t, start + 7, s.ssrc), SP), s.attribute), 58, s.value);
      break;
    }
    case K.ATTRIBUTE: {
      const a = item as Attribute;
      p = opt(t, str(t, p, a.name), 58 /* : */, a.value);
      break;
    }
    case K.OTHER: {
      const o = item as SdpLine;
      p = str(t, ch(t, str(t, start, o.type), 61 /* = */), o.value);
      break;
    }
    case K.FINGERPRINT: {
      const f = item as Fingerprint;
      p = str(t, ch(t, str(t, start + 14, f.algorithm), SP), f.value);
      break;
    }
    case K.MSID: {
      const m = item as Msid;
      p = opt(t, str(t, start + 7, m.stream), SP, m.track);
      break;
    }
    case K.GROUP: {
      const g = item as Group;
      p = str(t, start + 8, g.semantics);
      for (let i = 0; i < g.mids.length; i++) p = str(t, ch(t, p, SP), g.mids[i]);
      break;
    }
    case K.SSRC_GROUP: {
      const g = item as SsrcGroup;
      p = str(t, start + 13, g.semantics);
      for (let i = 0; i < g.ssrcs.length; i++) p = num(t, ch(t, p, SP), g.ssrcs[i]);
      break;
    }
    case K.BANDWIDTH: {
      const b = item as Bandwidth;
      p = num(t, ch(t, str(t, p, b.type), 58), b.value);
      break;
    }
    case K.TIMING: {
      const x = item as Timing;
      p = num(t, ch(t, num(t, p, x.start), SP), x.stop);
      break;
    }
    case K.MLINE:
      p = mline(t, p, end, sec);
      break;
    case K.VERSION:
      p = num(t, p, sec.version);
      break;
    case K.ORIGIN: {
      const o = sec.origin;
      p = str(
        t,
        ch(t, str(t, ch(t, str(t, p, o.username), SP), o.sessionId), SP),
        o.sessionVersion,
      );
      p = str(
        t,
        ch(t, str(t, ch(t, str(t, ch(t, p, SP), o.netType), SP), o.addressType), SP),
        o.address,
      );
      break;
    }
    case K.NAME:
      p = str(t, p, sec.sessionName);
      break;
    case K.CONNECTION: {
      const c = sec.connection;
      if (c === undefined) return false;
      p = str(t, ch(t, str(t, ch(t, str(t, p, c.netType), SP), c.addressType), SP), c.address);
      break;
    }
    case K.ICE_UFRAG:
      p = str(t, start + 12, sec.iceUfrag);
      break;
    case K.ICE_PWD:
      p = str(t, start + 10, sec.icePwd);
      break;
    case K.ICE_OPTIONS: {
      const o = sec.iceOptions;
      if (o === undefined) return false;
      p = start + 14;
      for (let i = 0; i < o.length; i++) p = str(t, i === 0 ? p : ch(t, p, SP), o[i]);
      break;
    }
    case K.MID:
      p = str(t, start + 6, sec.mid);
      break;
    case K.SETUP:
      p = str(t, start + 8, sec.setup);
      break;
    case K.DIRECTION:
      p = str(t, p, sec.direction);
      break;
    case K.RTCP: {
      const r = sec.rtcp;
      if (r === undefined) return false;
      p = num(t, start + 7, r.port);
      if (r.netType !== undefined) {
        p = str(
          t,
          ch(t, str(t, ch(t, str(t, ch(t, p, SP), r.netType), SP), r.addressType), SP),
          r.address,
        );
      }
      break;
    }
    case K.SCTP_PORT:
      p = num(t, start + 12, sec.sctpPort);
      break;
    case K.MAX_MESSAGE_SIZE:
      p = num(t, start + 19, sec.maxMessageSize);
      break;
    case K.PTIME:
      p = num(t, start + 8, sec.ptime);
      break;
    case K.MAXPTIME:
      p = num(t, start + 11, sec.maxptime);
      break;
    case K.RTCP_MUX:
      return flag(t, start, end, sec.rtcpMux, "a=rtcp-mux");
    case K.RTCP_MUX_ONLY:
      return flag(t, start, end, sec.rtcpMuxOnly, "a=rtcp-mux-only");
    case K.RTCP_RSIZE:
      return flag(t, start, end, sec.rtcpRsize, "a=rtcp-rsize");
    case K.BUNDLE_ONLY:
      return flag(t, start, end, sec.bundleOnly, "a=bundle-only");
    case K.END_OF_CANDIDATES:
      return flag(t, start, end, sec.endOfCandidates, "a=end-of-candidates");
    case K.EXTMAP_ALLOW_MIXED:
      return flag(t, start, end, sec.extmapAllowMixed, "a=extmap-allow-mixed");
    case K.ICE_LITE:
      return flag(t, start, end, sec.iceLite, "a=ice-lite");
    default:
      return false; // msid-semantic, rid, simulcast: render and compare
  }
  return p === end;
}

/** `<pt> k=v;k;k=v` in the parameters' order (a `""` value is a bare key). */
function fmtp(t: string, p: number, c: Codec): number {
  p = ch(t, num(t, p, c.payloadType), SP);
  const params = c.parameters;
  let first = true;
  for (const k in params) {
    if (!first) p = ch(t, p, 59 /* ; */);
    first = false;
    p = str(t, p, k);
    const v = params[k];
    if (v !== "") p = str(t, ch(t, p, 61 /* = */), v);
    if (p < 0) return -1;
  }
  return p;
}

/** The candidate value in `serializeCandidateValue`'s order. */
function candidate(t: string, p: number, c: Candidate): number {
  p = num(t, ch(t, str(t, p, c.foundation), SP), c.component);
  p = num(t, ch(t, str(t, ch(t, p, SP), c.transport), SP), c.priority);
  p = num(t, ch(t, str(t, ch(t, p, SP), c.address), SP), c.port);
  p = str(t, str(t, p, " typ "), c.type);
  if (c.relatedAddress !== undefined) p = str(t, str(t, p, " raddr "), c.relatedAddress);
  if (c.relatedPort !== undefined) p = num(t, str(t, p, " rport "), c.relatedPort);
  if (c.tcpType !== undefined) p = str(t, str(t, p, " tcptype "), c.tcpType);
  if (c.generation !== undefined) p = num(t, str(t, p, " generation "), c.generation);
  if (c.ufrag !== undefined) p = str(t, str(t, p, " ufrag "), c.ufrag);
  if (c.networkId !== undefined) p = num(t, str(t, p, " network-id "), c.networkId);
  if (c.networkCost !== undefined) p = num(t, str(t, p, " network-cost "), c.networkCost);
  const ext = c.extensions;
  for (let i = 0; i < ext.length; i++) {
    const e = ext[i]!;
    p = str(t, ch(t, str(t, ch(t, p, SP), e.name), SP), e.value);
  }
  return p;
}

/** `<kind> <port>[/<count>] <proto> <fmt>...` with the codecs' payload types for RTP. */
function mline(t: string, p: number, end: number, m: AnySection): number {
  p = optNum(t, num(t, ch(t, str(t, p, m.kind), SP), m.port), 47, m.portCount);
  p = str(t, ch(t, p, SP), m.protocol);
  if (isRtpProtocol(m.protocol)) {
    const codecs = m.codecs;
    // Codecs never built (see lazy.ts): the format list is the original one.
    if (codecs === LAZY) return p >= 0 && (p === end || t.charCodeAt(p) === SP) ? end : -1;
    for (let i = 0; i < codecs.length; i++) p = num(t, ch(t, p, SP), codecs[i]!.payloadType);
  } else {
    const f = m.formats;
    for (let i = 0; i < f.length; i++) p = str(t, ch(t, p, SP), f[i]);
  }
  return p;
}
