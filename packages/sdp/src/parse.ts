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
 *
 * Lines are read in place (start/end offsets into the text, no slice per line); each line is
 * recorded in the section's {@link Layout} by position, not copied. This file reads the lines
 * and the non-attribute fields; `parse-attributes.ts` types the `a=` lines and
 * `parse-codecs.ts` joins the codec lines of RTP sections.
 */
import { SdpDecodeError } from "./errors.js";
import { K, LAYOUT, Layout } from "./layout.js";
import {
  parseBandwidth,
  parseConnection,
  parseMediaLine,
  parseOrigin,
  parseTiming,
} from "./lines.js";
import type { MediaSection, SessionDescription } from "./model.js";
import { attribute } from "./parse-attributes.js";
import { closeCodecs, openCodecs, resetCodecs } from "./parse-codecs.js";
import { parseUintAt } from "./text.js";

/**
 * Parses an SDP. Accepts `\r\n` or `\n` line ends; `serialize(parse(x)) === x` for every SDP
 * whose lines all end with the same terminator.
 * @throws SdpDecodeError (a DecodeError, layer `sdp`) with the line number
 */
export function parse(text: string): SessionDescription {
  return new Parser(text).run();
}

/** A media section under construction, with its layout. */
export type ParsedMedia = MediaSection & { [LAYOUT]: Layout };

function newMedia(layout: Layout): ParsedMedia {
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
    [LAYOUT]: layout,
  };
}

function newSession(layout: Layout): SessionDescription {
  return {
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
    [LAYOUT]: layout,
  } as SessionDescription;
}

/** Parse state shared with the attribute and codec handlers (internal). */
export class Parser {
  readonly text: string;
  readonly session: SessionDescription;
  /** Layout of the current section. */
  layout: Layout;
  media: ParsedMedia | undefined = undefined;
  /** The current line is `text.slice(start, end)`; `lineNo` is 1-based. */
  start = 0;
  end = 0;
  lineNo = 0;
  sawOrigin = false;
  sawName = false;

  constructor(text: string) {
    this.text = text;
    this.layout = new Layout(text);
    this.session = newSession(this.layout);
  }

  /** Records the current line in the section's layout. */
  add(kind: number, item: object | undefined, sub: object | undefined, pt: number): void {
    this.layout.add(kind, this.start, this.end, item, sub, pt);
  }

  fail(code: string, detail?: string): never {
    throw new SdpDecodeError(
      code,
      Math.max(1, this.lineNo),
      this.start,
      detail ?? this.text.slice(this.start, this.end),
    );
  }

  /** A decimal value `text.slice(a, e)` in [0, max], else a `bad-number` error. */
  uint(a: number, e: number, max: number): number {
    const n = parseUintAt(this.text, a, e);
    if (n < 0 || n > max) this.fail("bad-number");
    return n;
  }

  run(): SessionDescription {
    const text = this.text;
    const len = text.length;
    resetCodecs();
    let pos = 0;
    let crlf = 0;
    let lf = 0;
    let first = true;
    while (pos < len) {
      let nl = text.indexOf("\n", pos);
      let end = nl;
      if (nl < 0) {
        nl = len;
        end = len;
      } else if (end > pos && text.charCodeAt(end - 1) === 13) {
        end--;
        crlf++;
      } else {
        lf++;
      }
      this.lineNo++;
      this.start = pos;
      this.end = end;
      const start = pos;
      pos = nl + 1;
      if (end === start) continue;
      const type = text.charCodeAt(start);
      if (end - start < 2 || text.charCodeAt(start + 1) !== 61 || type < 97 || type > 122)
        this.fail("bad-line");
      if (first) {
        if (type !== 118 /* v */) this.fail("missing-version", "the first line must be v=");
        const v = parseUintAt(text, start + 2, end);
        if (v < 0) this.fail("bad-version");
        this.session.version = v;
        this.add(K.VERSION, undefined, undefined, -1);
        first = false;
        continue;
      }
      if (type === 97 /* a */) attribute(this, start, end);
      else if (type === 109 /* m */) this.mediaLine();
      else this.field(type);
    }
    if (first) this.fail("missing-version", "empty description");
    this.endMedia();
    if (!this.sawOrigin) this.fail("missing-origin", "no o= line");
    if (!this.sawName) this.fail("missing-session-name", "no s= line");
    this.session.lineEnding = lf > 0 && crlf === 0 ? "\n" : "\r\n";
    return this.session;
  }

  /** A line the model does not type (`i= u= e= p= r= z= k=`, or a repeated one). */
  other(): void {
    const o = {
      type: this.text[this.start]!,
      value: this.text.slice(this.start + 2, this.end),
    };
    (this.media ?? this.session).otherLines.push(o);
    this.add(K.OTHER, o, undefined, -1);
  }

  /** An attribute the model does not type (or a repeated one), kept as name and value. */
  generic(name: string, value: string | undefined): void {
    const a = { name, value };
    (this.media ?? this.session).attributes.push(a);
    this.add(K.ATTRIBUTE, a, undefined, -1);
  }

  field(type: number): void {
    const v = this.text.slice(this.start + 2, this.end);
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
          this.add(K.ORIGIN, undefined, undefined, -1);
          return;
        }
      case 115 /* s */:
        if (m !== undefined || this.sawName) break;
        this.session.sessionName = v;
        this.sawName = true;
        this.add(K.NAME, undefined, undefined, -1);
        return;
      case 99 /* c */:
        {
          if (sec.connection !== undefined) break;
          const c = parseConnection(v);
          if (c === undefined) this.fail("bad-connection");
          sec.connection = c;
          this.add(K.CONNECTION, undefined, undefined, -1);
          return;
        }
      case 98 /* b */:
        {
          const b = parseBandwidth(v);
          if (b === undefined) this.fail("bad-bandwidth");
          sec.bandwidths.push(b);
          this.add(K.BANDWIDTH, b, undefined, -1);
          return;
        }
      case 116 /* t */:
        {
          if (m !== undefined) break;
          const t = parseTiming(v);
          if (t === undefined) this.fail("bad-timing");
          this.session.timing.push(t);
          this.add(K.TIMING, t, undefined, -1);
          return;
        }
    }
    this.other();
  }

  mediaLine(): void {
    this.endMedia();
    const ml = parseMediaLine(this.text.slice(this.start + 2, this.end));
    if (ml === undefined) this.fail("bad-media-line");
    this.layout = new Layout(this.text);
    const m = newMedia(this.layout);
    m.kind = ml.kind;
    m.port = ml.port;
    m.portCount = ml.portCount;
    m.protocol = ml.protocol;
    this.add(K.MLINE, undefined, undefined, -1);
    if (!openCodecs(this, m, ml.formats)) m.formats = ml.formats;
    this.media = m;
    this.session.media.push(m);
  }

  endMedia(): void {
    if (this.media !== undefined) closeCodecs(this.media);
  }
}
