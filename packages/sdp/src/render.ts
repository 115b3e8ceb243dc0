/**
 * Rendering of one line per kind from the current model, and of the canonical form of an
 * original line (parse it alone, render it back). The serializer compares the two to tell an
 * unchanged line (written back raw, whatever its spacing) from a changed one.
 */

import type { Candidate } from "./candidate.js";
import { parseCandidateIn, serializeCandidateValue } from "./candidate.js";
import { K } from "./layout.js";
import {
  parseBandwidth,
  parseConnection,
  parseFingerprint,
  parseGroup,
  parseIceOptions,
  parseMediaLine,
  parseMsid,
  parseMsidSemantic,
  parseOrigin,
  parseRtcp,
  parseTiming,
  renderBandwidth,
  renderConnection,
  renderFingerprint,
  renderGroup,
  renderMediaLine,
  renderMsid,
  renderMsidSemantic,
  renderOrigin,
  renderRtcp,
  renderTiming,
} from "./lines.js";
import {
  type Attribute,
  type Bandwidth,
  type Codec,
  type Extmap,
  type Fingerprint,
  type Group,
  isRtpProtocol,
  type MediaSection,
  type Msid,
  type Rid,
  type SdpLine,
  type SessionDescription,
  type SsrcAttribute,
  type SsrcGroup,
  type Timing,
} from "./model.js";
import {
  parseExtmap,
  parseFmtp,
  parseFmtpParameters,
  parseRid,
  parseRtcpFb,
  parseRtcpFbPt,
  parseRtpmap,
  parseSimulcast,
  parseSsrc,
  parseSsrcGroup,
  renderExtmap,
  renderFmtp,
  renderRid,
  renderRtcpFb,
  renderRtpmap,
  renderSimulcast,
  renderSsrc,
  renderSsrcGroup,
} from "./rtp-lines.js";
import { parseUint } from "./text.js";

/** A section seen through the union of session and media fields (kinds only occur at their level). */
export type AnySection = SessionDescription & MediaSection;

/** The m= line of a section from the current model. */
export function renderMline(m: MediaSection): string {
  let f = "";
  if (isRtpProtocol(m.protocol)) for (const c of m.codecs) f += ` ${c.payloadType}`;
  else for (const x of m.formats) f += ` ${x}`;
  return renderMediaLine(m.kind, m.port, m.portCount, m.protocol, f);
}

/** The line of a scalar kind from the current model, or undefined when the value is absent. */
export function renderScalar(kind: number, s: AnySection): string | undefined {
  switch (kind) {
    case K.VERSION:
      return `v=${s.version}`;
    case K.ORIGIN:
      return renderOrigin(s.origin);
    case K.NAME:
      return `s=${s.sessionName}`;
    case K.MLINE:
      return renderMline(s);
    case K.CONNECTION:
      return s.connection === undefined ? undefined : renderConnection(s.connection);
    case K.EXTMAP_ALLOW_MIXED:
      return s.extmapAllowMixed ? "a=extmap-allow-mixed" : undefined;
    case K.MSID_SEMANTIC:
      return s.msidSemantic === undefined ? undefined : renderMsidSemantic(s.msidSemantic);
    case K.ICE_LITE:
      return s.iceLite ? "a=ice-lite" : undefined;
    case K.ICE_UFRAG:
      return s.iceUfrag === undefined ? undefined : `a=ice-ufrag:${s.iceUfrag}`;
    case K.ICE_PWD:
      return s.icePwd === undefined ? undefined : `a=ice-pwd:${s.icePwd}`;
    case K.ICE_OPTIONS:
      return s.iceOptions === undefined ? undefined : `a=ice-options:${s.iceOptions.join(" ")}`;
    case K.SETUP:
      return s.setup === undefined ? undefined : `a=setup:${s.setup}`;
    case K.DIRECTION:
      return s.direction === undefined ? undefined : `a=${s.direction}`;
    case K.RTCP:
      return s.rtcp === undefined ? undefined : renderRtcp(s.rtcp);
    case K.END_OF_CANDIDATES:
      return s.endOfCandidates ? "a=end-of-candidates" : undefined;
    case K.MID:
      return s.mid === undefined ? undefined : `a=mid:${s.mid}`;
    case K.BUNDLE_ONLY:
      return s.bundleOnly ? "a=bundle-only" : undefined;
    case K.RTCP_MUX:
      return s.rtcpMux ? "a=rtcp-mux" : undefined;
    case K.RTCP_MUX_ONLY:
      return s.rtcpMuxOnly ? "a=rtcp-mux-only" : undefined;
    case K.RTCP_RSIZE:
      return s.rtcpRsize ? "a=rtcp-rsize" : undefined;
    case K.PTIME:
      return s.ptime === undefined ? undefined : `a=ptime:${s.ptime}`;
    case K.MAXPTIME:
      return s.maxptime === undefined ? undefined : `a=maxptime:${s.maxptime}`;
    case K.SIMULCAST:
      return s.simulcast === undefined ? undefined : renderSimulcast(s.simulcast);
    case K.SCTP_PORT:
      return s.sctpPort === undefined ? undefined : `a=sctp-port:${s.sctpPort}`;
    case K.MAX_MESSAGE_SIZE:
      return s.maxMessageSize === undefined ? undefined : `a=max-message-size:${s.maxMessageSize}`;
  }
  return undefined;
}

/** The array holding the values of a list kind. */
export function listOf(kind: number, s: AnySection): readonly object[] | undefined {
  switch (kind) {
    case K.BANDWIDTH:
      return s.bandwidths;
    case K.TIMING:
      return s.timing;
    case K.OTHER:
      return s.otherLines;
    case K.GROUP:
      return s.groups;
    case K.FINGERPRINT:
      return s.fingerprints;
    case K.EXTMAP:
      return s.extmaps;
    case K.ATTRIBUTE:
      return s.attributes;
    case K.CANDIDATE:
      return s.candidates;
    case K.MSID:
      return s.msids;
    case K.SSRC_GROUP:
      return s.ssrcGroups;
    case K.SSRC:
      return s.ssrcs;
    case K.RID:
      return s.rids;
  }
  return undefined;
}

/** The line of one element of a list kind. */
export function renderItem(kind: number, item: object): string {
  switch (kind) {
    case K.BANDWIDTH:
      return renderBandwidth(item as Bandwidth);
    case K.TIMING:
      return renderTiming(item as Timing);
    case K.OTHER:
      return `${(item as SdpLine).type}=${(item as SdpLine).value}`;
    case K.GROUP:
      return renderGroup(item as Group);
    case K.FINGERPRINT:
      return renderFingerprint(item as Fingerprint);
    case K.EXTMAP:
      return renderExtmap(item as Extmap);
    case K.ATTRIBUTE: {
      const a = item as Attribute;
      return a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`;
    }
    case K.CANDIDATE:
      return `a=candidate:${serializeCandidateValue(item as Candidate)}`;
    case K.MSID:
      return renderMsid(item as Msid);
    case K.SSRC_GROUP:
      return renderSsrcGroup(item as SsrcGroup);
    case K.SSRC:
      return renderSsrc(item as SsrcAttribute);
    case K.RID:
      return renderRid(item as Rid);
  }
  throw new RangeError(`not a list kind: ${kind}`);
}

function attrValue(raw: string): string {
  const i = raw.indexOf(":");
  return i < 0 ? "" : raw.slice(i + 1);
}

/**
 * The canonical rendering of an original line: parsed alone and rendered back. Equal to the
 * rendering of the current model exactly when the user left that value unchanged.
 */
export function canonical(kind: number, raw: string): string {
  const v = kind < K.GROUP || kind === K.MLINE ? raw.slice(2) : attrValue(raw);
  switch (kind) {
    case K.VERSION:
      return `v=${parseUint(v)}`;
    case K.ORIGIN:
      return renderOrigin(parseOrigin(v)!);
    case K.CONNECTION:
      return renderConnection(parseConnection(v)!);
    case K.BANDWIDTH:
      return renderBandwidth(parseBandwidth(v)!);
    case K.TIMING:
      return renderTiming(parseTiming(v)!);
    case K.MLINE: {
      const ml = parseMediaLine(v)!;
      let f = "";
      if (isRtpProtocol(ml.protocol)) {
        const seen = new Set<number>();
        for (const x of ml.formats) {
          const pt = parseUint(x);
          if (!seen.has(pt)) f += ` ${pt}`;
          seen.add(pt);
        }
      } else {
        for (const x of ml.formats) f += ` ${x}`;
      }
      return renderMediaLine(ml.kind, ml.port, ml.portCount, ml.protocol, f);
    }
    case K.GROUP:
      return renderGroup(parseGroup(v)!);
    case K.MSID_SEMANTIC:
      return renderMsidSemantic(parseMsidSemantic(v)!);
    case K.ICE_OPTIONS:
      return `a=ice-options:${parseIceOptions(v).join(" ")}`;
    case K.FINGERPRINT:
      return renderFingerprint(parseFingerprint(v)!);
    case K.DIRECTION: {
      const i = raw.indexOf(":");
      return i < 0 ? raw : raw.slice(0, i);
    }
    case K.EXTMAP:
      return renderExtmap(parseExtmap(v, 0, v.length)!);
    case K.RTCP:
      return renderRtcp(parseRtcp(v)!);
    case K.CANDIDATE:
      return `a=candidate:${serializeCandidateValue(parseCandidateIn(v, 0, v.length)!)}`;
    case K.MSID:
      return renderMsid(parseMsid(v)!);
    case K.RTPMAP:
      return renderRtpmap(parseRtpmap(v, 0, v.length)!);
    case K.RTCPFB: {
      return renderRtcpFb(parseRtcpFbPt(v, 0, v.length), parseRtcpFb(v, 0, v.length));
    }
    case K.FMTP: {
      const parameters = parseFmtpParameters(v, 0, v.length);
      return renderFmtp({ payloadType: parseFmtp(v, 0, v.length), parameters } as Codec);
    }
    case K.SSRC_GROUP:
      return renderSsrcGroup(parseSsrcGroup(v)!);
    case K.SSRC:
      return renderSsrc(parseSsrc(v, 0, v.length)!);
    case K.RID:
      return renderRid(parseRid(v)!);
    case K.SIMULCAST:
      return renderSimulcast(parseSimulcast(v)!);
    case K.PTIME:
      return `a=ptime:${parseUint(v)}`;
    case K.MAXPTIME:
      return `a=maxptime:${parseUint(v)}`;
    case K.SCTP_PORT:
      return `a=sctp-port:${parseUint(v)}`;
    case K.MAX_MESSAGE_SIZE:
      return `a=max-message-size:${parseUint(v)}`;
    case K.ICE_UFRAG:
      return `a=ice-ufrag:${v}`;
    case K.ICE_PWD:
      return `a=ice-pwd:${v}`;
    case K.SETUP:
      return `a=setup:${v}`;
    case K.MID:
      return `a=mid:${v}`;
    case K.EXTMAP_ALLOW_MIXED:
      return "a=extmap-allow-mixed";
    case K.ICE_LITE:
      return "a=ice-lite";
    case K.END_OF_CANDIDATES:
      return "a=end-of-candidates";
    case K.BUNDLE_ONLY:
      return "a=bundle-only";
    case K.RTCP_MUX:
      return "a=rtcp-mux";
    case K.RTCP_MUX_ONLY:
      return "a=rtcp-mux-only";
    case K.RTCP_RSIZE:
      return "a=rtcp-rsize";
  }
  return raw;
}

/**
 * The lines of a codec in libwebrtc's order: rtpmap, rtcp-fb..., fmtp. A codec without a name
 * (an unknown static payload type) has no rtpmap.
 */
export function renderCodec(c: Codec, out: string[]): void {
  if (c.name !== "") out.push(renderRtpmap(c));
  for (const fb of c.feedback) out.push(renderRtcpFb(c.payloadType, fb));
  if (hasParams(c)) out.push(renderFmtp(c));
}

function hasParams(c: Codec): boolean {
  for (const _ in c.parameters) return true;
  return false;
}
