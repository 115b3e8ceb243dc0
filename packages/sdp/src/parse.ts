/**
 * SDP text → {@link SessionDescription} in one pass (RFC 8866 §5, JSEP attributes).
 *
 * ```
 * session-description = version-field origin-field session-name-field
 *                       [information-field] [uri-field] *email-field *phone-field
 *                       [connection-field] *bandwidth-field time-description
 *                       [key-field] *attribute-field *media-description
 * media-description   = media-field [information-field] *connection-field
 *                       *bandwidth-field [key-field] *attribute-field
 * ```
 *
 * Lenient where it costs nothing (line order inside a section, `\n` or `\r\n`, blank lines,
 * unknown lines and attributes are kept), strict where a value is typed: a malformed typed line
 * throws {@link SdpDecodeError} with its line number.
 */
import { tryParseCandidate } from "./candidate.js";
import { SdpDecodeError } from "./errors.js";
import { K, LAYOUT, type Layout, Slot } from "./layout.js";
import {
  isDirection,
  isSetup,
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
} from "./lines.js";
import { type Codec, isRtpProtocol, type MediaSection, type SessionDescription } from "./model.js";
import type { AnySection } from "./render.js";
import {
  parseExtmap,
  parseFmtp,
  parseRid,
  parseRtcpFb,
  parseRtpmap,
  parseSimulcast,
  parseSsrc,
  parseSsrcGroup,
  staticCodec,
} from "./rtp-lines.js";
import { takeSnapshot } from "./snapshot.js";
import { parseUint } from "./text.js";

/** Attribute name → kind, and whether it is typed at session level (S), media level (M) or both. */
const LINE_SEEN = 1;
const RTPMAP_SEEN = 2;
const FMTP_SEEN = 4;
const S = 1;
const M = 2;
/** Typed attribute names bucketed by length: matched with startsWith, no name slice or hash. */
const BY_LEN: [string, number][][] = [];
function def(name: string, kind: number, where: number): void {
  BY_LEN[name.length] ??= [];
  BY_LEN[name.length]!.push([name, kind | (where << 8)]);
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

/**
 * Parses an SDP. Accepts `\r\n` or `\n` line ends; `serialize(parse(x)) === x` for every SDP
 * whose lines all end with the same terminator.
 * @throws SdpDecodeError (a DecodeError, layer `sdp`) with the line number
 */
export function parse(text: string): SessionDescription {
  return new Parser(text).run();
}

type ParsedMedia = MediaSection & { [LAYOUT]: Layout };

function newMedia(slots: Slot[]): ParsedMedia {
  return {
    kind: "",
    port: 0,
    portCount: undefined,
    protocol: "",
    formats: [],
    connection: undefined,
    bandwidths: [],
    mid: undefined,
    direction: undefined,
    msids: [],
    iceUfrag: undefined,
    icePwd: undefined,
    iceOptions: undefined,
    fingerprints: [],
    setup: undefined,
    rtcp: undefined,
    rtcpMux: false,
    rtcpMuxOnly: false,
    rtcpRsize: false,
    codecs: [],
    extmaps: [],
    extmapAllowMixed: false,
    ssrcs: [],
    ssrcGroups: [],
    rids: [],
    simulcast: undefined,
    sctpPort: undefined,
    maxMessageSize: undefined,
    ptime: undefined,
    maxptime: undefined,
    candidates: [],
    endOfCandidates: false,
    bundleOnly: false,
    attributes: [],
    otherLines: [],
    [LAYOUT]: { slots, staticPts: [] } satisfies Layout,
  };
}

class Parser {
  readonly text: string;
  readonly session: SessionDescription;
  slots: Slot[] = [];
  media: ParsedMedia | undefined = undefined;
  /** Codecs of the current RTP section by payload type, and which had a codec line. */
  byPt: (Codec | undefined)[] = [];
  /** Per payload type: LINE (any codec line), RTPMAP, FMTP seen in this section. */
  ptFlags = new Uint8Array(128);
  line = "";
  lineNo = 0;
  offset = 0;
  sawOrigin = false;
  sawName = false;
  sawTiming = false;

  constructor(text: string) {
    this.text = text;
    this.session = {
      version: 0,
      origin: {
        username: "",
        sessionId: "",
        sessionVersion: "",
        netType: "",
        addressType: "",
        address: "",
      },
      sessionName: "",
      connection: undefined,
      bandwidths: [],
      timing: [],
      groups: [],
      iceLite: false,
      iceUfrag: undefined,
      icePwd: undefined,
      iceOptions: undefined,
      fingerprints: [],
      setup: undefined,
      direction: undefined,
      msidSemantic: undefined,
      extmapAllowMixed: false,
      extmaps: [],
      attributes: [],
      otherLines: [],
      media: [],
      lineEnding: "\r\n",
      [LAYOUT]: { slots: this.slots, staticPts: [] } satisfies Layout,
    } as SessionDescription;
  }

  slot(
    kind: number,
    raw: string,
    item: object | undefined,
    sub: object | undefined,
    pt: number,
  ): Slot {
    const s = new Slot(kind, raw, item, sub, pt, this.lineNo);
    takeSnapshot(s, (this.media ?? this.session) as AnySection);
    return s;
  }

  fail(code: string, detail?: string): never {
    throw new SdpDecodeError(code, Math.max(1, this.lineNo), this.offset, detail ?? this.line);
  }

  run(): SessionDescription {
    const text = this.text;
    const len = text.length;
    let pos = 0;
    let crlf = 0;
    let lf = 0;
    let first = true;
    while (pos < len) {
      let nl = text.indexOf("\n", pos);
      let next: number;
      let end: number;
      if (nl < 0) {
        nl = len;
        next = len;
        end = len;
      } else {
        next = nl + 1;
        end = nl;
        if (end > pos && text.charCodeAt(end - 1) === 13) {
          end--;
          crlf++;
        } else {
          lf++;
        }
      }
      this.lineNo++;
      this.offset = pos;
      const start = pos;
      pos = next;
      if (end === start) continue;
      const line = text.slice(start, end);
      this.line = line;
      const type = line.charCodeAt(0);
      if (line.length < 2 || line.charCodeAt(1) !== 61 || type < 97 || type > 122)
        this.fail("bad-line");
      if (first) {
        if (type !== 118 /* v */) this.fail("missing-version", "the first line must be v=");
        const v = parseUint(line.slice(2));
        if (v < 0) this.fail("bad-version");
        this.session.version = v;
        this.slots.push(this.slot(K.VERSION, line, undefined, undefined, -1));
        first = false;
        continue;
      }
      if (type === 97 /* a */) this.attribute(line);
      else if (type === 109 /* m */) this.mediaLine(line);
      else this.field(type, line);
    }
    if (first) this.fail("missing-version", "empty description");
    this.endMedia();
    if (!this.sawOrigin) this.fail("missing-origin", "no o= line");
    if (!this.sawName) this.fail("missing-session-name", "no s= line");
    this.session.lineEnding = lf > 0 && crlf === 0 ? "\n" : "\r\n";
    return this.session;
  }

  other(line: string): void {
    const o = { type: line[0]!, value: line.slice(2) };
    (this.media ?? this.session).otherLines.push(o);
    this.slots.push(this.slot(K.OTHER, line, o, undefined, -1));
  }

  field(type: number, line: string): void {
    const v = line.slice(2);
    const m = this.media;
    const sec = m ?? this.session;
    switch (type) {
      case 111 /* o */:
        {
          if (m !== undefined || this.sawOrigin) break;
          const o = parseOrigin(v);
          if (o === undefined) this.fail("bad-origin");
          this.session.origin = o;
          this.sawOrigin = true;
          this.slots.push(this.slot(K.ORIGIN, line, undefined, undefined, -1));
          return;
        }
      case 115 /* s */:
        if (m !== undefined || this.sawName) break;
        this.session.sessionName = v;
        this.sawName = true;
        this.slots.push(this.slot(K.NAME, line, undefined, undefined, -1));
        return;
      case 99 /* c */:
        {
          if (sec.connection !== undefined) break;
          const c = parseConnection(v);
          if (c === undefined) this.fail("bad-connection");
          sec.connection = c;
          this.slots.push(this.slot(K.CONNECTION, line, undefined, undefined, -1));
          return;
        }
      case 98 /* b */:
        {
          const b = parseBandwidth(v);
          if (b === undefined) this.fail("bad-bandwidth");
          sec.bandwidths.push(b);
          this.slots.push(this.slot(K.BANDWIDTH, line, b, undefined, -1));
          return;
        }
      case 116 /* t */:
        {
          if (m !== undefined) break;
          const t = parseTiming(v);
          if (t === undefined) this.fail("bad-timing");
          this.session.timing.push(t);
          this.slots.push(this.slot(K.TIMING, line, t, undefined, -1));
          return;
        }
    }
    this.other(line);
  }

  mediaLine(line: string): void {
    this.endMedia();
    const ml = parseMediaLine(line.slice(2));
    if (ml === undefined) this.fail("bad-media-line");
    this.slots = [];
    const m = newMedia(this.slots);
    m.kind = ml.kind;
    m.port = ml.port;
    m.portCount = ml.portCount;
    m.protocol = ml.protocol;
    this.slots.push(this.slot(K.MLINE, line, undefined, undefined, -1));
    if (isRtpProtocol(ml.protocol)) {
      for (const f of ml.formats) {
        const pt = parseUint(f);
        if (pt < 0 || pt > 127) this.fail("bad-format", `payload type ${f}`);
        if (this.byPt[pt] !== undefined) continue;
        const c = staticCodec(pt);
        this.byPt[pt] = c;
        m.codecs.push(c);
      }
    } else {
      m.formats = ml.formats;
    }
    this.media = m;
    this.session.media.push(m);
  }

  endMedia(): void {
    const m = this.media;
    if (m === undefined) return;
    for (const c of m.codecs) {
      const pt = c.payloadType;
      if (this.ptFlags[pt] === 0) m[LAYOUT]!.staticPts.push(pt);
      this.byPt[pt] = undefined;
      this.ptFlags[pt] = 0;
    }
  }

  generic(line: string, name: string, value: string | undefined): void {
    const a = { name, value };
    (this.media ?? this.session).attributes.push(a);
    this.slots.push(this.slot(K.ATTRIBUTE, line, a, undefined, -1));
  }

  attribute(line: string): void {
    const colon = line.indexOf(":", 2);
    const nameEnd = colon < 0 ? line.length : colon;
    const bucket = BY_LEN[nameEnd - 2];
    let d = -1;
    let name = "";
    if (bucket !== undefined) {
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i]!;
        if (line.startsWith(e[0], 2)) {
          name = e[0];
          d = e[1];
          break;
        }
      }
    }
    const m = this.media;
    if (d < 0 || ((d >> 8) & (m === undefined ? S : M)) === 0) {
      this.generic(line, line.slice(2, nameEnd), colon < 0 ? undefined : line.slice(colon + 1));
      return;
    }
    const kind = d & 0xff;
    if (this.typed(kind, line, name, colon < 0 ? "" : line.slice(colon + 1), m)) {
      this.slots.push(this.slot(kind, line, undefined, undefined, -1));
    }
  }

  /**
   * Applies one typed attribute to the current section. Returns true when the caller must add a
   * plain slot (scalar kinds); list kinds add their own slot; duplicates fall back to generic.
   */
  typed(kind: number, line: string, name: string, v: string, m: MediaSection | undefined): boolean {
    const sec = m ?? this.session;
    const s = this.session;
    switch (kind) {
      case K.GROUP: {
        const g = parseGroup(v);
        if (g === undefined) this.fail("bad-group");
        s.groups.push(g);
        this.slots.push(this.slot(kind, line, g, undefined, -1));
        return false;
      }
      case K.MSID_SEMANTIC:
        if (s.msidSemantic !== undefined) break;
        s.msidSemantic = parseMsidSemantic(v) ?? this.fail("bad-msid-semantic");
        return true;
      case K.ICE_LITE:
        if (s.iceLite) break;
        s.iceLite = true;
        return true;
      case K.EXTMAP_ALLOW_MIXED:
        if (sec.extmapAllowMixed) break;
        sec.extmapAllowMixed = true;
        return true;
      case K.ICE_UFRAG:
        if (sec.iceUfrag !== undefined) break;
        sec.iceUfrag = v;
        return true;
      case K.ICE_PWD:
        if (sec.icePwd !== undefined) break;
        sec.icePwd = v;
        return true;
      case K.ICE_OPTIONS:
        if (sec.iceOptions !== undefined) break;
        sec.iceOptions = parseIceOptions(v);
        return true;
      case K.FINGERPRINT: {
        const f = parseFingerprint(v);
        if (f === undefined) this.fail("bad-fingerprint");
        sec.fingerprints.push(f);
        this.slots.push(this.slot(kind, line, f, undefined, -1));
        return false;
      }
      case K.SETUP:
        if (sec.setup !== undefined) break;
        if (!isSetup(v)) this.fail("bad-setup");
        sec.setup = v;
        return true;
      case K.DIRECTION:
        if (sec.direction !== undefined || !isDirection(name)) break;
        sec.direction = name;
        return true;
      case K.EXTMAP: {
        const e = parseExtmap(v);
        if (e === undefined) this.fail("bad-extmap");
        sec.extmaps.push(e);
        this.slots.push(this.slot(kind, line, e, undefined, -1));
        return false;
      }
      default:
        if (m !== undefined) return this.mediaTyped(kind, line, name, v, m);
    }
    this.generic(line, name, line.length > name.length + 2 ? v : undefined);
    return false;
  }

  mediaTyped(kind: number, line: string, name: string, v: string, m: MediaSection): boolean {
    switch (kind) {
      case K.RTPMAP: {
        const r = parseRtpmap(v);
        if (r === undefined) this.fail("bad-rtpmap");
        const c = this.byPt[r.payloadType];
        if (c === undefined || (this.ptFlags[c.payloadType]! & RTPMAP_SEEN) !== 0) break;
        c.name = r.name;
        c.clockRate = r.clockRate;
        c.channels = r.channels;
        this.ptFlags[c.payloadType]! |= LINE_SEEN | RTPMAP_SEEN;
        this.slots.push(this.slot(kind, line, c, undefined, c.payloadType));
        return false;
      }
      case K.FMTP: {
        const f = parseFmtp(v);
        if (f === undefined) this.fail("bad-fmtp");
        const c = this.byPt[f.pt];
        if (c === undefined || (this.ptFlags[f.pt]! & FMTP_SEEN) !== 0) break;
        c.parameters = f.parameters;
        this.ptFlags[f.pt]! |= LINE_SEEN | FMTP_SEEN;
        this.slots.push(this.slot(kind, line, c, undefined, f.pt));
        return false;
      }
      case K.RTCPFB: {
        const r = parseRtcpFb(v);
        if (r === undefined) this.fail("bad-rtcp-fb");
        const c = r.pt < 0 ? undefined : this.byPt[r.pt];
        if (c === undefined) break;
        c.feedback.push(r.fb);
        this.ptFlags[r.pt]! |= LINE_SEEN;
        this.slots.push(this.slot(kind, line, c, r.fb, r.pt));
        return false;
      }
      case K.CANDIDATE: {
        const c = tryParseCandidate(v);
        if (c === undefined) this.fail("bad-candidate");
        m.candidates.push(c);
        this.slots.push(this.slot(kind, line, c, undefined, -1));
        return false;
      }
      case K.SSRC: {
        const a = parseSsrc(v);
        if (a === undefined) this.fail("bad-ssrc");
        m.ssrcs.push(a);
        this.slots.push(this.slot(kind, line, a, undefined, -1));
        return false;
      }
      case K.SSRC_GROUP: {
        const g = parseSsrcGroup(v);
        if (g === undefined) this.fail("bad-ssrc-group");
        m.ssrcGroups.push(g);
        this.slots.push(this.slot(kind, line, g, undefined, -1));
        return false;
      }
      case K.RID: {
        const r = parseRid(v);
        if (r === undefined) this.fail("bad-rid");
        m.rids.push(r);
        this.slots.push(this.slot(kind, line, r, undefined, -1));
        return false;
      }
      case K.MSID: {
        const x = parseMsid(v);
        if (x === undefined) this.fail("bad-msid");
        m.msids.push(x);
        this.slots.push(this.slot(kind, line, x, undefined, -1));
        return false;
      }
      case K.MID:
        if (m.mid !== undefined) break;
        m.mid = v;
        return true;
      case K.RTCP:
        if (m.rtcp !== undefined) break;
        m.rtcp = parseRtcp(v) ?? this.fail("bad-rtcp");
        return true;
      case K.SIMULCAST:
        if (m.simulcast !== undefined) break;
        m.simulcast = parseSimulcast(v) ?? this.fail("bad-simulcast");
        return true;
      case K.SCTP_PORT:
        if (m.sctpPort !== undefined) break;
        m.sctpPort = this.uint(v, 65535);
        return true;
      case K.MAX_MESSAGE_SIZE:
        if (m.maxMessageSize !== undefined) break;
        m.maxMessageSize = this.uint(v, Number.MAX_SAFE_INTEGER);
        return true;
      case K.PTIME:
        if (m.ptime !== undefined) break;
        m.ptime = this.uint(v, 1e9);
        return true;
      case K.MAXPTIME:
        if (m.maxptime !== undefined) break;
        m.maxptime = this.uint(v, 1e9);
        return true;
      case K.RTCP_MUX:
        if (m.rtcpMux) break;
        m.rtcpMux = true;
        return true;
      case K.RTCP_MUX_ONLY:
        if (m.rtcpMuxOnly) break;
        m.rtcpMuxOnly = true;
        return true;
      case K.RTCP_RSIZE:
        if (m.rtcpRsize) break;
        m.rtcpRsize = true;
        return true;
      case K.END_OF_CANDIDATES:
        if (m.endOfCandidates) break;
        m.endOfCandidates = true;
        return true;
      case K.BUNDLE_ONLY:
        if (m.bundleOnly) break;
        m.bundleOnly = true;
        return true;
    }
    this.generic(line, name, line.length > name.length + 2 ? v : undefined);
    return false;
  }

  uint(v: string, max: number): number {
    const n = parseUint(v);
    if (n < 0 || n > max) this.fail("bad-number");
    return n;
  }
}
