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
 * throws {@link SdpDecodeError} with its line number, at parse time, whether or not its value is
 * built yet.
 *
 * Lines are read in place (start/end offsets into the text, no slice per line) and recorded in
 * the section's {@link Layout}. This file reads the lines and the non-attribute fields;
 * `parse-attributes.ts` dispatches the `a=` lines and `parse-codecs.ts` checks the codec lines
 * of RTP sections. The long lists are built on first access (see lazy.ts).
 */
import { SdpDecodeError } from "./errors.js";
import { K, LAYOUT, Layout, packMeta } from "./layout.js";
import { lazySection } from "./lazy.js";
import { parseBandwidth, parseConnection, parseOrigin, parseTiming } from "./lines.js";
import { isRtpProtocol, type MediaSection, type SessionDescription } from "./model.js";
import { attribute } from "./parse-attributes.js";
import { closeCodecs, openCodecs, resetCodecs } from "./parse-codecs.js";
import { parseSection, parseSession } from "./sections.js";
import { indexIn, parseUintAt } from "./text.js";

/**
 * Parses an SDP. Accepts `\r\n` or `\n` line ends; `serialize(parse(x)) === x` for every SDP
 * whose lines all end with the same terminator. Every line is checked here; the long lists
 * (`codecs`, `candidates`, `extmaps`, `ssrcs`, `attributes`) are built when first read.
 * @throws SdpDecodeError (a DecodeError, layer `sdp`) with the line number
 */
export function parse(text: string): SessionDescription {
  return new Parser(text).run();
}

// Line records of the section being parsed (parse is synchronous and not re-entrant).
const metas: number[] = [];
const starts: number[] = [];
const ends: number[] = [];

/** Parse state shared with the attribute and codec handlers (internal). */
export class Parser {
  readonly text: string;
  /** The session's data object (not the proxy). */
  readonly session: SessionDescription;
  /** The current media section's data object, undefined at session level. */
  media: MediaSection | undefined = undefined;
  /** Lines recorded for the current section, and the eager values behind them. */
  count = 0;
  items: (object | undefined)[] = [];
  /** m-line payload types of the current RTP section. */
  pts: number[] = [];
  /** The current line is `text.slice(start, end)`; `lineNo` is 1-based. */
  start = 0;
  end = 0;
  lineNo = 0;
  sawOrigin = false;
  sawName = false;

  constructor(text: string) {
    this.text = text;
    this.session = parseSession();
  }

  /** Records the current line in the section's layout (`pt`: payload type of a codec line, else -1). */
  add(kind: number, item: object | undefined, pt: number): void {
    const n = this.count;
    metas[n] = packMeta(kind, pt);
    starts[n] = this.start;
    ends[n] = this.end;
    if (item !== undefined) this.items[n] = item;
    this.count = n + 1;
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
        this.add(K.VERSION, undefined, -1);
        first = false;
        continue;
      }
      if (type === 97 /* a */) attribute(this, start, end);
      else if (type === 109 /* m */) this.mediaLine();
      else this.field(type);
    }
    if (first) this.fail("missing-version", "empty description");
    if (!this.sawOrigin) this.fail("missing-origin", "no o= line");
    if (!this.sawName) this.fail("missing-session-name", "no s= line");
    this.close();
    this.session.lineEnding = lf > 0 && crlf === 0 ? "\n" : "\r\n";
    return lazySection(this.session);
  }

  /** Seals the current section: its layout gets the recorded lines. */
  close(): void {
    const n = this.count;
    const m = this.media;
    const layout = new Layout(
      this.text,
      metas.slice(0, n),
      starts.slice(0, n),
      ends.slice(0, n),
      this.items,
      this.pts,
      m === undefined ? [] : closeCodecs(this.pts),
    );
    (m ?? this.session)[LAYOUT as never] = layout as never;
    this.count = 0;
    this.items = [];
    this.pts = [];
  }

  /** A line the model does not type (`i= u= e= p= r= z= k=`, or a repeated one). */
  other(): void {
    const o = {
      type: this.text[this.start]!,
      value: this.text.slice(this.start + 2, this.end),
    };
    (this.media ?? this.session).otherLines.push(o);
    this.add(K.OTHER, o, -1);
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
          this.add(K.ORIGIN, undefined, -1);
          return;
        }
      case 115 /* s */:
        if (m !== undefined || this.sawName) break;
        this.session.sessionName = v;
        this.sawName = true;
        this.add(K.NAME, undefined, -1);
        return;
      case 99 /* c */:
        {
          if (sec.connection !== undefined) break;
          const c = parseConnection(v);
          if (c === undefined) this.fail("bad-connection");
          sec.connection = c;
          this.add(K.CONNECTION, undefined, -1);
          return;
        }
      case 98 /* b */:
        {
          const b = parseBandwidth(v);
          if (b === undefined) this.fail("bad-bandwidth");
          sec.bandwidths.push(b);
          this.add(K.BANDWIDTH, b, -1);
          return;
        }
      case 116 /* t */:
        {
          if (m !== undefined) break;
          const t = parseTiming(v);
          if (t === undefined) this.fail("bad-timing");
          this.session.timing.push(t);
          this.add(K.TIMING, t, -1);
          return;
        }
    }
    this.other();
  }

  /**
   * One parse kept alive for the life of the program (a static, so that bundlers keep it with
   * the class). Optimized code depends on the hidden classes (maps) of the parser's objects
   * weakly: were every instance collected by a major GC, V8 would drop those maps and deoptimize
   * the whole parser, which then runs interpreted until recompiled. A live instance of each
   * class keeps its maps, so parsing stays fast across major GCs.
   */
  static readonly live: readonly unknown[] = ((p: Parser) => [p, p.run()])(
    new Parser("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"),
  );

  /** `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14). */
  mediaLine(): void {
    this.close();
    const t = this.text;
    const a = this.start + 2;
    const e = this.end;
    const s1 = indexIn(t, " ", a, e);
    const s2 = s1 < 0 ? -1 : indexIn(t, " ", s1 + 1, e);
    if (s1 <= a || s2 < 0) this.fail("bad-media-line");
    let s3 = indexIn(t, " ", s2 + 1, e);
    if (s3 < 0) s3 = e;
    if (s3 === s2 + 1) this.fail("bad-media-line");
    const slash = indexIn(t, "/", s1 + 1, s2);
    const port = parseUintAt(t, s1 + 1, slash < 0 ? s2 : slash);
    if (port < 0 || port > 65535) this.fail("bad-media-line");
    let portCount: number | undefined;
    if (slash >= 0) {
      portCount = parseUintAt(t, slash + 1, s2);
      if (portCount < 0) this.fail("bad-media-line");
    }
    const m = parseSection();
    m.kind = t.slice(a, s1);
    m.port = port;
    m.portCount = portCount;
    m.protocol = t.slice(s2 + 1, s3);
    this.media = m;
    this.add(K.MLINE, undefined, -1);
    if (s3 < e) {
      if (isRtpProtocol(m.protocol)) this.pts = openCodecs(this, s3 + 1, e);
      else {
        m.formats = t.slice(s3 + 1, e).split(" ");
        // Every format token non-empty: no doubled or trailing space.
        if (m.formats.includes("")) this.fail("bad-media-line");
      }
    }
    if (this.pts.length === 0) m.codecs = [];
    this.session.media.push(lazySection(m));
  }
}
