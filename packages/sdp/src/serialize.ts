/**
 * {@link SessionDescription} → SDP text. A parsed description is written back byte for byte
 * (`serialize(parse(x)) === x`); after munging, only the lines of changed values differ, deleted
 * values lose their lines, and new values are inserted after the last line of their kind (or
 * where libwebrtc would put them). A description built from scratch is written in libwebrtc's
 * line order with the model's `lineEnding` (CRLF unless set otherwise).
 */

import {
  groupOf,
  K,
  KIND_COUNT,
  kindOf,
  LAYOUT,
  type Layout,
  MEDIA_ORDER,
  ptOf,
  SESSION_ORDER,
} from "./layout.js";
import { force, LAZY, rawSection } from "./lazy.js";
import { matches } from "./match.js";
import {
  type Codec,
  isRtpProtocol,
  type MediaSection,
  type RtcpFeedback,
  type SessionDescription,
} from "./model.js";
import {
  type AnySection,
  canonical,
  listOf,
  renderCodec,
  renderItem,
  renderScalar,
} from "./render.js";
import { renderFmtp, renderRtcpFb, renderRtpmap } from "./rtp-lines.js";
import { hasKeys } from "./text.js";

// Scratch state of the section being written (serialize is synchronous and not re-entrant).
/** Per group: index of the last written original line, -1 when none. */
const lastOut = new Int32Array(KIND_COUNT);
const cursor = new Int32Array(KIND_COUNT);
const found = new Int32Array(KIND_COUNT);
const seenKind = new Uint8Array(KIND_COUNT);
/** Per payload type: bit 1 rtpmap line, bit 2 fmtp line, bit 4 any codec line; rtcp-fb written. */
const ptSlots = new Uint8Array(128);
const fbWritten = new Uint16Array(128);
const PT_RTPMAP = 1;
const PT_FMTP = 2;
const PT_ANY = 4;
/** Per original line: SKIP, KEEP (copy its bytes), or the index of its new rendering. */
const SKIP = -2;
const KEEP = -1;
let decision = new Int32Array(256);
const rendered: string[] = [];

// The pending run of kept lines: consecutive in the original text, written as one slice.
let runText = "";
let runStart = -1;
let runNext = -1;

function flush(out: string[]): void {
  if (runStart >= 0) out.push(runText.slice(runStart, runNext));
  runStart = -1;
}

/** Writes a session description as SDP text, each line ended by `sdp.lineEnding`. */
export function serialize(sdp: SessionDescription): string {
  const out: string[] = [];
  const eol = sdp.lineEnding === "\n" ? "\n" : "\r\n";
  runStart = -1;
  writeSection(out, rawSection(sdp) as AnySection, SESSION_ORDER, eol);
  for (const m of sdp.media) writeSection(out, m as AnySection, MEDIA_ORDER, eol);
  flush(out);
  runText = "";
  return out.length === 1 ? out[0]! : out.join("");
}

function findCodec(
  codecs: readonly Codec[],
  item: object | undefined,
  pt: number,
  hint: number,
): number {
  if (hint < codecs.length && codecs[hint] === item) return hint;
  for (let i = 0; i < codecs.length; i++) if (codecs[i] === item) return i;
  for (let i = 0; i < codecs.length; i++) if (codecs[i]!.payloadType === pt) return i;
  return -1;
}

function findFeedback(list: readonly RtcpFeedback[], fb: RtcpFeedback): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === fb) return true;
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    if (x.type === fb.type && x.parameter === fb.parameter) return true;
  }
  return false;
}

/** The canonical rendering of original line `i`, cached on the layout. */
function canonAt(layout: Layout, i: number, kind: number): string {
  layout.canon ??= [];
  let c = layout.canon[i];
  if (c === undefined) {
    c = canonical(kind, layout.raw(i));
    layout.canon[i] = c;
  }
  return c;
}

function writeSection(
  out: string[],
  section: AnySection,
  order: readonly number[],
  eol: string,
): void {
  // Lists a parsed section never built are still LAZY here: their lines are kept as they are.
  const sec = rawSection(section);
  const layout = (sec as { [LAYOUT]?: Layout })[LAYOUT];
  if (order === MEDIA_ORDER && sec.codecs === LAZY && layout !== undefined) {
    // The m-line lists the codecs: build them if kind, port or protocol changed.
    const t = layout.text;
    if (!matches(K.MLINE, t, layout.starts[0]!, layout.ends[0]!, undefined, undefined, sec))
      force(sec, "codecs");
  }
  lastOut.fill(-1);
  cursor.fill(0);
  found.fill(0);
  seenKind.fill(0);
  rendered.length = 0;
  const codecs = order === MEDIA_ORDER ? (sec as MediaSection).codecs : undefined;
  if (codecs !== undefined) {
    ptSlots.fill(0);
    fbWritten.fill(0);
  }
  const n = layout === undefined ? 0 : decide(layout, sec, codecs);
  const fresh = newLines(sec, order, layout, codecs);
  const after = fresh === undefined ? undefined : anchors(order, fresh);
  const first = after?.get(-1);
  if (first !== undefined) {
    flush(out);
    for (const l of first) out.push(l, eol);
  }
  if (layout === undefined) return;
  const t = layout.text;
  const starts = layout.starts;
  const ends = layout.ends;
  const crlf = eol.length === 2;
  if (t !== runText) flush(out);
  runText = t;
  for (let i = 0; i < n; i++) {
    const d = decision[i]!;
    if (d === KEEP) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (runStart >= 0 && s !== runNext) flush(out);
      if (runStart < 0) runStart = s;
      if (crlf ? t.charCodeAt(e) === 13 && t.charCodeAt(e + 1) === 10 : t.charCodeAt(e) === 10) {
        runNext = e + eol.length;
      } else {
        out.push(t.slice(runStart, e), eol);
        runStart = -1;
      }
    } else if (d >= 0) {
      flush(out);
      out.push(rendered[d]!, eol);
    }
    const l = after?.get(i);
    if (l !== undefined) {
      flush(out);
      for (const x of l) out.push(x, eol);
    }
  }
}

/**
 * Decides the fate of every original line of `sec` (into `decision`, rendering changed ones
 * into `rendered`) and records what the model still holds. Returns the number of lines.
 */
function decide(layout: Layout, sec: AnySection, codecs: readonly Codec[] | undefined): number {
  const { text: t, meta, starts, ends, items, subs } = layout;
  const n = meta.length;
  if (decision.length < n) decision = new Int32Array(n * 2);
  let codecHint = 0;
  for (let si = 0; si < n; si++) {
    const kind = kindOf(meta[si]!);
    const start = starts[si]!;
    const end = ends[si]!;
    seenKind[kind] = 1;
    decision[si] = SKIP;
    let keep: boolean;
    let line: string | undefined;
    if (kind === K.RTPMAP || kind === K.FMTP || kind === K.RTCPFB) {
      if (codecs === LAZY) {
        decision[si] = KEEP;
        lastOut[K.RTPMAP] = si;
        continue;
      }
      const ci = findCodec(codecs!, items[si], ptOf(meta[si]!), codecHint);
      if (ci < 0) continue;
      codecHint = ci;
      const c = codecs![ci]!;
      // Keyed by the codec's current payload type: it may have been changed in place.
      const pt = c.payloadType & 127;
      ptSlots[pt]! |= PT_ANY | (kind === K.RTPMAP ? PT_RTPMAP : kind === K.FMTP ? PT_FMTP : 0);
      if (kind === K.RTPMAP) {
        keep = matches(kind, t, start, end, c, undefined, sec);
        if (!keep) line = renderRtpmap(c);
      } else if (kind === K.RTCPFB) {
        const fb = subs[si] as RtcpFeedback;
        if (!findFeedback(c.feedback, fb)) continue;
        fbWritten[pt]!++;
        keep = matches(kind, t, start, end, c, fb, sec);
        if (!keep) line = renderRtcpFb(c.payloadType, fb);
      } else {
        keep = matches(kind, t, start, end, c, undefined, sec);
        if (!keep) {
          line = renderFmtp(c);
          // An emptied fmtp is deleted, unless it was empty to begin with.
          if (!hasKeys(c.parameters) && canonAt(layout, si, kind) !== line) continue;
        }
      }
    } else {
      const list = listOf(kind, sec);
      if (list === undefined) {
        keep = matches(kind, t, start, end, undefined, undefined, sec);
        if (!keep) {
          line = renderScalar(kind, sec);
          if (line === undefined) continue;
        }
      } else if (list === LAZY) {
        keep = true;
      } else {
        const item = items[si]!;
        const c = cursor[kind]!;
        if (c < list.length && list[c] === item) {
          cursor[kind] = c + 1;
        } else {
          const i = list.indexOf(item);
          if (i < 0) continue;
          cursor[kind] = i + 1;
        }
        found[kind]!++;
        keep = matches(kind, t, start, end, item, subs[si], sec);
        if (!keep) line = renderItem(kind, item);
      }
    }
    if (!keep && canonAt(layout, si, kind) === line) keep = true;
    decision[si] = keep ? KEEP : rendered.push(line!) - 1;
    lastOut[groupOf(kind)] = si;
  }
  return n;
}

/** New lines per group (indexed by kind), or undefined when the model added nothing. */
function newLines(
  sec: AnySection,
  order: readonly number[],
  layout: Layout | undefined,
  codecs: readonly Codec[] | undefined,
): (string[] | undefined)[] | undefined {
  let fresh: (string[] | undefined)[] | undefined;
  for (const kind of order) {
    let lines: string[] | undefined;
    if (kind === K.RTPMAP) {
      if (codecs !== undefined && codecs !== LAZY && isRtpProtocol(sec.protocol))
        lines = newCodecLines(codecs, layout);
    } else {
      const list = listOf(kind, sec);
      if (list === undefined) {
        const line = seenKind[kind] === 1 ? undefined : renderScalar(kind, sec);
        if (line !== undefined) lines = [line];
      } else if (found[kind] !== list.length) {
        for (const item of list) {
          if (inSlots(layout, kind, item)) continue;
          lines ??= [];
          lines.push(renderItem(kind, item));
        }
      }
    }
    if (lines !== undefined && lines.length > 0) {
      fresh ??= [];
      fresh[kind] = lines;
    }
  }
  return fresh;
}

function inSlots(layout: Layout | undefined, kind: number, item: object): boolean {
  if (layout === undefined) return false;
  const { meta, items } = layout;
  for (let i = 0; i < meta.length; i++) {
    if (kindOf(meta[i]!) === kind && items[i] === item) return true;
  }
  return false;
}

function newCodecLines(codecs: readonly Codec[], layout: Layout | undefined): string[] {
  const lines: string[] = [];
  for (const c of codecs) {
    const pt = c.payloadType & 127;
    const flags = ptSlots[pt]!;
    if (flags === 0 && !(layout?.staticPts.includes(c.payloadType) ?? false)) {
      renderCodec(c, lines);
      continue;
    }
    if (fbWritten[pt] !== c.feedback.length) {
      for (const fb of c.feedback) {
        if (!fbInSlots(layout, c, fb)) lines.push(renderRtcpFb(c.payloadType, fb));
      }
    }
    if ((flags & PT_FMTP) === 0 && hasKeys(c.parameters)) lines.push(renderFmtp(c));
  }
  return lines;
}

/** Whether `fb` of codec `c` has an original rtcp-fb line (of that codec, or of its payload type). */
function fbInSlots(layout: Layout | undefined, c: Codec, fb: RtcpFeedback): boolean {
  if (layout === undefined) return false;
  const { meta, items, subs } = layout;
  for (let i = 0; i < meta.length; i++) {
    const m = meta[i]!;
    if (kindOf(m) !== K.RTCPFB || (items[i] !== c && ptOf(m) !== c.payloadType)) continue;
    const x = subs[i] as RtcpFeedback;
    if (x === fb || (x.type === fb.type && x.parameter === fb.parameter)) return true;
  }
  return false;
}

/**
 * Where new lines go: after the last written line of their group, or of the nearest group
 * before it in canonical order (keyed by original line index); at the start (-1) when nothing
 * precedes them.
 */
function anchors(
  order: readonly number[],
  fresh: readonly (string[] | undefined)[],
): Map<number, string[]> {
  const after = new Map<number, string[]>();
  for (let oi = 0; oi < order.length; oi++) {
    const lines = fresh[order[oi]!];
    if (lines === undefined) continue;
    let anchor = -1;
    for (let j = oi; j >= 0 && anchor < 0; j--) anchor = lastOut[order[j]!]!;
    const l = after.get(anchor);
    if (l === undefined) after.set(anchor, [...lines]);
    else l.push(...lines);
  }
  return after;
}
