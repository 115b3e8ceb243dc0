/**
 * Codecs for the RTP attributes of a media section: rtpmap/fmtp/rtcp-fb (joined into a
 * {@link Codec}), extmap, ssrc, ssrc-group, rid and simulcast. Same contract as `lines.ts`:
 * `parseX` returns `undefined` when malformed, `renderX` returns the full line. The parsers of
 * the frequent lines read the value in place, `s.slice(a, e)`, without slicing it first.
 */

import { isDirection } from "./lines.js";
import type {
  Codec,
  Extmap,
  Rid,
  RtcpFeedback,
  Simulcast,
  SimulcastStream,
  SsrcAttribute,
  SsrcGroup,
} from "./model.js";
import { indexIn, intern, parseParams, parseUint, parseUintAt, serializeParams } from "./text.js";

/** `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]` (RFC 8866 §6.6). */
export function parseRtpmap(s: string, a: number, e: number): Codec | undefined {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a) return undefined;
  const pt = parseUintAt(s, a, sp);
  if (pt < 0 || pt > 127) return undefined;
  const s1 = indexIn(s, "/", sp + 1, e);
  if (s1 < 0 || s1 === sp + 1) return undefined;
  const s2 = indexIn(s, "/", s1 + 1, e);
  const clockRate = parseUintAt(s, s1 + 1, s2 < 0 ? e : s2);
  if (clockRate < 0) return undefined;
  let channels: number | undefined;
  if (s2 >= 0) {
    channels = parseUintAt(s, s2 + 1, e);
    if (channels < 0) return undefined;
  }
  const name = intern(s, sp + 1, s1);
  return { payloadType: pt, name, clockRate, channels, parameters: {}, feedback: [] };
}

export function renderRtpmap(c: Codec): string {
  const ch = c.channels === undefined ? "" : `/${c.channels}`;
  return `a=rtpmap:${c.payloadType} ${c.name}/${c.clockRate}${ch}`;
}

/**
 * `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15): the payload type of the
 * value `s.slice(a, e)`, -1 when malformed. The parameters are parsed apart, only for a codec
 * that takes them ({@link parseFmtpParameters}).
 */
export function parseFmtp(s: string, a: number, e: number): number {
  const sp = indexIn(s, " ", a, e);
  const pt = parseUintAt(s, a, sp < 0 ? e : sp);
  return pt > 127 ? -1 : pt;
}

/** The parameters of the `a=fmtp` value `s.slice(a, e)` (see {@link parseFmtp}). */
export function parseFmtpParameters(s: string, a: number, e: number): Record<string, string> {
  const sp = indexIn(s, " ", a, e);
  return sp < 0 ? {} : parseParams(s, sp + 1, e, {});
}

export function renderFmtp(c: Codec): string {
  return `a=fmtp:${c.payloadType} ${serializeParams(c.parameters)}`;
}

/**
 * `a=rtcp-fb:<pt> <type> [<parameter>]` (RFC 4585 §4.2): the payload type of the value
 * `s.slice(a, e)`, -1 for `*`, -2 when malformed.
 */
export function parseRtcpFbPt(s: string, a: number, e: number): number {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a || sp === e - 1) return -2;
  if (sp === a + 1 && s.charCodeAt(a) === 42 /* * */) return -1;
  const pt = parseUintAt(s, a, sp);
  return pt < 0 || pt > 127 ? -2 : pt;
}

/**
 * The feedback entry of a well-formed `a=rtcp-fb` value `s.slice(a, e)`. Trailing spaces are not
 * an empty parameter (RFC 4585 §4.2 has none): Pion 3 writes `a=rtcp-fb:96 nack ` for plain NACK.
 */
export function parseRtcpFb(s: string, a: number, end: number): RtcpFeedback {
  let e = end;
  while (e > a && s.charCodeAt(e - 1) === 32 /* space */) e--;
  const sp = indexIn(s, " ", a, e);
  const sp2 = indexIn(s, " ", sp + 1, e);
  if (sp2 < 0) return { type: intern(s, sp + 1, e), parameter: undefined };
  return { type: intern(s, sp + 1, sp2), parameter: intern(s, sp2 + 1, e) };
}

export function renderRtcpFb(pt: number, fb: RtcpFeedback): string {
  const p = fb.parameter === undefined ? "" : ` ${fb.parameter}`;
  return `a=rtcp-fb:${pt} ${fb.type}${p}`;
}

/** `a=extmap:<value>["/"<direction>] <URI> <extensionattributes>` (RFC 8285 §7). */
export function parseExtmap(s: string, a: number, e: number): Extmap | undefined {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a || sp === e - 1) return undefined;
  const slash = indexIn(s, "/", a, sp);
  const id = parseUintAt(s, a, slash < 0 ? sp : slash);
  if (id < 0 || id > 65535) return undefined;
  let direction: Extmap["direction"];
  if (slash >= 0) {
    const d = s.slice(slash + 1, sp);
    if (!isDirection(d)) return undefined;
    direction = d;
  }
  const sp2 = indexIn(s, " ", sp + 1, e);
  if (sp2 === sp + 1) return undefined;
  const uri = s.slice(sp + 1, sp2 < 0 ? e : sp2);
  return { id, direction, uri, attributes: sp2 < 0 ? undefined : s.slice(sp2 + 1, e) };
}

export function renderExtmap(e: Extmap): string {
  const d = e.direction === undefined ? "" : `/${e.direction}`;
  const a = e.attributes === undefined ? "" : ` ${e.attributes}`;
  return `a=extmap:${e.id}${d} ${e.uri}${a}`;
}

/** `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1). */
export function parseSsrc(s: string, a: number, e: number): SsrcAttribute | undefined {
  const sp = indexIn(s, " ", a, e);
  if (sp <= a || sp === e - 1) return undefined;
  const ssrc = parseUintAt(s, a, sp);
  if (ssrc < 0 || ssrc > 0xffffffff) return undefined;
  const c = indexIn(s, ":", sp + 1, e);
  if (c < 0) return { ssrc, attribute: intern(s, sp + 1, e), value: undefined };
  return { ssrc, attribute: intern(s, sp + 1, c), value: s.slice(c + 1, e) };
}

export function renderSsrc(s: SsrcAttribute): string {
  const v = s.value === undefined ? "" : `:${s.value}`;
  return `a=ssrc:${s.ssrc} ${s.attribute}${v}`;
}

/** `a=ssrc-group:<semantics> *(SP <ssrc-id>)` (RFC 5576 §4.2). */
export function parseSsrcGroup(v: string): SsrcGroup | undefined {
  const sp = v.indexOf(" ");
  if (sp === 0 || v === "") return undefined;
  if (sp < 0) return { semantics: v, ssrcs: [] };
  const ssrcs: number[] = [];
  // Each space-separated token after the semantics is an SSRC (an empty one is malformed).
  for (let a = sp + 1; ; ) {
    let e = v.indexOf(" ", a);
    if (e < 0) e = v.length;
    const n = parseUintAt(v, a, e);
    if (n < 0 || n > 0xffffffff) return undefined;
    ssrcs.push(n);
    if (e === v.length) break;
    a = e + 1;
  }
  return { semantics: v.slice(0, sp), ssrcs };
}

export function renderSsrcGroup(g: SsrcGroup): string {
  return g.ssrcs.length === 0
    ? `a=ssrc-group:${g.semantics}`
    : `a=ssrc-group:${g.semantics} ${g.ssrcs.join(" ")}`;
}

/** `a=rid:<rid-id> SP <send|recv> [SP <rid-pt-param-list / rid-param-list>]` (RFC 8851 §10). */
export function parseRid(v: string): Rid | undefined {
  const t = v.split(" ");
  const dir = t[1];
  if (t.length < 2 || t.length > 3 || t[0] === "" || (dir !== "send" && dir !== "recv"))
    return undefined;
  const restrictions = t.length === 3 ? parseParams(t[2]!, 0, t[2]!.length, {}) : {};
  const payloadTypes: number[] = [];
  const pts = restrictions.pt;
  if (pts !== undefined) {
    delete restrictions.pt;
    for (const p of pts.split(",")) {
      const n = parseUint(p);
      if (n < 0 || n > 127) return undefined;
      payloadTypes.push(n);
    }
  }
  return { id: t[0]!, direction: dir, payloadTypes, restrictions };
}

export function renderRid(r: Rid): string {
  let params = r.payloadTypes.length === 0 ? "" : `pt=${r.payloadTypes.join(",")}`;
  const rest = serializeParams(r.restrictions);
  if (rest !== "") params = params === "" ? rest : `${params};${rest}`;
  return params === "" ? `a=rid:${r.id} ${r.direction}` : `a=rid:${r.id} ${r.direction} ${params}`;
}

function parseSimulcastList(s: string): SimulcastStream[][] | undefined {
  const out: SimulcastStream[][] = [];
  for (const stream of s.split(";")) {
    const alts: SimulcastStream[] = [];
    for (const alt of stream.split(",")) {
      const paused = alt.charCodeAt(0) === 126; /* ~ */
      const rid = paused ? alt.slice(1) : alt;
      if (rid === "") return undefined;
      alts.push({ rid, paused });
    }
    out.push(alts);
  }
  return out;
}

/** `a=simulcast:<send|recv> SP <list> [SP <send|recv> SP <list>]` (RFC 8853 §5.1). */
export function parseSimulcast(v: string): Simulcast | undefined {
  const t = v.trim().split(" ");
  if (t.length !== 2 && t.length !== 4) return undefined;
  const sc: Simulcast = { send: undefined, recv: undefined };
  for (let i = 0; i < t.length; i += 2) {
    const dir = t[i];
    const list = parseSimulcastList(t[i + 1]!);
    if (list === undefined) return undefined;
    if (dir === "send" && sc.send === undefined) sc.send = list;
    else if (dir === "recv" && sc.recv === undefined) sc.recv = list;
    else return undefined;
  }
  return sc;
}

function renderSimulcastList(l: SimulcastStream[][]): string {
  return l.map((alts) => alts.map((a) => (a.paused ? `~${a.rid}` : a.rid)).join(",")).join(";");
}

export function renderSimulcast(s: Simulcast): string {
  let v = "";
  if (s.send !== undefined) v = `send ${renderSimulcastList(s.send)}`;
  if (s.recv !== undefined) v += `${v === "" ? "" : " "}recv ${renderSimulcastList(s.recv)}`;
  return `a=simulcast:${v}`;
}

/** RFC 3551 §6 static payload types, for codecs listed on the m-line without an rtpmap. */
export function staticCodec(pt: number): Codec {
  const s = STATIC_PAYLOAD_TYPES[pt];
  return {
    payloadType: pt,
    name: s?.[0] ?? "",
    clockRate: s?.[1] ?? 0,
    channels: s?.[2],
    parameters: {},
    feedback: [],
  };
}

const STATIC_PAYLOAD_TYPES: Readonly<Record<number, readonly [string, number, number?]>> = {
  0: ["PCMU", 8000, 1],
  3: ["GSM", 8000, 1],
  4: ["G723", 8000, 1],
  5: ["DVI4", 8000, 1],
  6: ["DVI4", 16000, 1],
  7: ["LPC", 8000, 1],
  8: ["PCMA", 8000, 1],
  9: ["G722", 8000, 1],
  10: ["L16", 44100, 2],
  11: ["L16", 44100, 1],
  12: ["QCELP", 8000, 1],
  13: ["CN", 8000, 1],
  14: ["MPA", 90000],
  15: ["G728", 8000, 1],
  16: ["DVI4", 11025, 1],
  17: ["DVI4", 22050, 1],
  18: ["G729", 8000, 1],
  25: ["CelB", 90000],
  26: ["JPEG", 90000],
  28: ["nv", 90000],
  31: ["H261", 90000],
  32: ["MPV", 90000],
  33: ["MP2T", 90000],
  34: ["H263", 90000],
};
