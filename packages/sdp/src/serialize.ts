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
  LAYOUT,
  type Layout,
  MEDIA_ORDER,
  SESSION_ORDER,
  type Slot,
} from "./layout.js";
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
import { unchanged } from "./snapshot.js";
import { hasKeys } from "./text.js";

const NO_SLOTS: Slot[] = [];

// Scratch state of the section being written (serialize is synchronous and not re-entrant).
const lastOut = new Int32Array(KIND_COUNT);
const cursor = new Int32Array(KIND_COUNT);
const found = new Int32Array(KIND_COUNT);
const seenKind = new Uint8Array(KIND_COUNT);
/** Per payload type: bit 1 rtpmap slot, bit 2 fmtp slot; and rtcp-fb lines written. */
const ptSlots = new Uint8Array(128);
const fbWritten = new Uint16Array(128);
const PT_RTPMAP = 1;
const PT_FMTP = 2;
const PT_ANY = 4;

/** Writes a session description as SDP text, each line ended by `sdp.lineEnding`. */
export function serialize(sdp: SessionDescription): string {
  const out: string[] = [];
  writeSection(out, sdp as AnySection, SESSION_ORDER);
  for (const m of sdp.media) writeSection(out, m as AnySection, MEDIA_ORDER);
  const eol = sdp.lineEnding === "\n" ? "\n" : "\r\n";
  return out.join(eol) + eol;
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

function writeSection(out: string[], sec: AnySection, order: readonly number[]): void {
  const layout = (sec as { [LAYOUT]?: Layout })[LAYOUT];
  const slots = layout?.slots ?? NO_SLOTS;
  const base = out.length;
  lastOut.fill(-1);
  cursor.fill(0);
  found.fill(0);
  seenKind.fill(0);
  const codecs = order === MEDIA_ORDER ? (sec as MediaSection).codecs : undefined;
  if (codecs !== undefined) {
    ptSlots.fill(0);
    fbWritten.fill(0);
  }
  let codecHint = 0;
  for (let si = 0; si < slots.length; si++) {
    const slot = slots[si]!;
    const kind = slot.kind;
    seenKind[kind] = 1;
    let line: string | undefined;
    if (kind === K.RTPMAP || kind === K.FMTP || kind === K.RTCPFB) {
      const pt = slot.pt;
      ptSlots[pt]! |= PT_ANY | (kind === K.RTPMAP ? PT_RTPMAP : kind === K.FMTP ? PT_FMTP : 0);
      const ci = findCodec(codecs!, slot.item, pt, codecHint);
      if (ci < 0) continue;
      codecHint = ci;
      const c = codecs![ci]!;
      if (kind === K.RTPMAP) {
        line = unchanged(slot, c, sec) ? slot.raw : renderRtpmap(c);
      } else if (kind === K.RTCPFB) {
        if (!findFeedback(c.feedback, slot.sub as RtcpFeedback)) continue;
        fbWritten[pt]!++;
        line = unchanged(slot, c, sec)
          ? slot.raw
          : renderRtcpFb(c.payloadType, slot.sub as RtcpFeedback);
      } else if (unchanged(slot, c, sec)) {
        line = slot.raw;
      } else {
        line = renderFmtp(c);
        if (!hasKeys(c.parameters)) {
          // An emptied fmtp is deleted, unless it was empty to begin with.
          slot.canon ??= canonical(slot);
          if (slot.canon !== line) continue;
        }
      }
    } else {
      const list = listOf(kind, sec);
      if (list === undefined) {
        line = unchanged(slot, undefined, sec) ? slot.raw : renderScalar(kind, sec);
        if (line === undefined) continue;
      } else {
        const item = slot.item!;
        const c = cursor[kind]!;
        if (c < list.length && list[c] === item) {
          cursor[kind] = c + 1;
        } else {
          const i = list.indexOf(item);
          if (i < 0) continue;
          cursor[kind] = i + 1;
        }
        found[kind]!++;
        line = unchanged(slot, item, sec) ? slot.raw : renderItem(kind, item);
      }
    }
    if (line !== slot.raw) {
      slot.canon ??= canonical(slot);
      if (slot.canon === line) line = slot.raw;
    }
    lastOut[groupOf(kind)] = out.length - base;
    out.push(line);
  }
  const fresh = newLines(sec, order, layout, codecs);
  if (fresh !== undefined) insert(out, base, order, fresh);
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
      if (codecs !== undefined && isRtpProtocol(sec.protocol))
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
  for (const s of layout.slots) if (s.kind === kind && s.item === item) return true;
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
        if (!fbInSlots(layout, pt, fb)) lines.push(renderRtcpFb(c.payloadType, fb));
      }
    }
    if ((flags & PT_FMTP) === 0 && hasKeys(c.parameters)) lines.push(renderFmtp(c));
  }
  return lines;
}

function fbInSlots(layout: Layout | undefined, pt: number, fb: RtcpFeedback): boolean {
  if (layout === undefined) return false;
  for (const s of layout.slots) {
    if (s.kind !== K.RTCPFB || s.pt !== pt) continue;
    const x = s.sub as RtcpFeedback;
    if (x === fb || (x.type === fb.type && x.parameter === fb.parameter)) return true;
  }
  return false;
}

/**
 * Inserts new lines after the last written line of their group, or of the nearest group before
 * it in canonical order; at the start of the section when nothing precedes them.
 */
function insert(
  out: string[],
  base: number,
  order: readonly number[],
  fresh: readonly (string[] | undefined)[],
): void {
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
  const written = out.splice(base);
  out.push(...(after.get(-1) ?? []));
  for (let i = 0; i < written.length; i++) {
    out.push(written[i]!);
    const l = after.get(i);
    if (l !== undefined) out.push(...l);
  }
}
