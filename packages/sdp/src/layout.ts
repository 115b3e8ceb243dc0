/**
 * The hidden half of the lossless round trip: each parsed section remembers its lines in order
 * (a {@link Layout}: where each line is in the text and which model value it came from). The
 * serializer walks the lines, copies the text of every line whose value is unchanged, re-renders
 * the changed ones, skips the deleted ones and inserts new values next to lines of their kind.
 *
 * The layout lives under a symbol key on the section object, so a spread copy of a section
 * (`{ ...m, direction: "inactive" }`) keeps it, and JSON output does not show it.
 */

/** Line kinds. Codec lines (rtpmap/rtcp-fb/fmtp) share the CODEC group for placement. */
export const K = {
  VERSION: 0,
  ORIGIN: 1,
  NAME: 2,
  CONNECTION: 3,
  BANDWIDTH: 4,
  TIMING: 5,
  OTHER: 6,
  GROUP: 7,
  EXTMAP_ALLOW_MIXED: 8,
  MSID_SEMANTIC: 9,
  ICE_LITE: 10,
  ICE_UFRAG: 11,
  ICE_PWD: 12,
  ICE_OPTIONS: 13,
  FINGERPRINT: 14,
  SETUP: 15,
  DIRECTION: 16,
  EXTMAP: 17,
  ATTRIBUTE: 18,
  MLINE: 19,
  RTCP: 20,
  CANDIDATE: 21,
  END_OF_CANDIDATES: 22,
  MID: 23,
  BUNDLE_ONLY: 24,
  MSID: 25,
  RTCP_MUX: 26,
  RTCP_MUX_ONLY: 27,
  RTCP_RSIZE: 28,
  RTPMAP: 29,
  RTCPFB: 30,
  FMTP: 31,
  PTIME: 32,
  MAXPTIME: 33,
  SSRC_GROUP: 34,
  SSRC: 35,
  RID: 36,
  SIMULCAST: 37,
  SCTP_PORT: 38,
  MAX_MESSAGE_SIZE: 39,
} as const;

export const KIND_COUNT = 40;

/** Placement group of a kind: codec lines are one group. */
export function groupOf(kind: number): number {
  return kind === K.RTCPFB || kind === K.FMTP ? K.RTPMAP : kind;
}

/** Canonical order of the session-level groups (used for new values and built descriptions). */
export const SESSION_ORDER: readonly number[] = [
  K.VERSION,
  K.ORIGIN,
  K.NAME,
  K.CONNECTION,
  K.BANDWIDTH,
  K.TIMING,
  K.OTHER,
  K.GROUP,
  K.EXTMAP_ALLOW_MIXED,
  K.MSID_SEMANTIC,
  K.ICE_LITE,
  K.ICE_UFRAG,
  K.ICE_PWD,
  K.ICE_OPTIONS,
  K.FINGERPRINT,
  K.SETUP,
  K.DIRECTION,
  K.EXTMAP,
  K.ATTRIBUTE,
];

/** Canonical order of the media-level groups: libwebrtc's order. */
export const MEDIA_ORDER: readonly number[] = [
  K.MLINE,
  K.CONNECTION,
  K.BANDWIDTH,
  K.OTHER,
  K.RTCP,
  K.CANDIDATE,
  K.END_OF_CANDIDATES,
  K.ICE_UFRAG,
  K.ICE_PWD,
  K.ICE_OPTIONS,
  K.FINGERPRINT,
  K.SETUP,
  K.MID,
  K.BUNDLE_ONLY,
  K.EXTMAP,
  K.EXTMAP_ALLOW_MIXED,
  K.DIRECTION,
  K.MSID,
  K.RTCP_MUX,
  K.RTCP_MUX_ONLY,
  K.RTCP_RSIZE,
  K.RTPMAP,
  K.PTIME,
  K.MAXPTIME,
  K.SSRC_GROUP,
  K.SSRC,
  K.RID,
  K.SIMULCAST,
  K.SCTP_PORT,
  K.MAX_MESSAGE_SIZE,
  K.ATTRIBUTE,
];

/**
 * The original lines of one section, as parallel arrays indexed by line (no object per line).
 * Line `i` is `text.slice(starts[i], ends[i])` (terminator excluded); `meta[i]` packs its kind and,
 * for codec lines, its payload type (see {@link kindOf}, {@link ptOf}). `items[i]` is the model
 * value it came from (the array element for list kinds, the codec for codec lines); `subs[i]` is
 * the rtcp-fb entry of an RTCPFB line, or a copy of a candidate as parsed. Both are filled when
 * the value is built: at parse time for eager kinds, on first access for the lazy lists (see
 * lazy.ts). Codecs are matched by identity, then by payload type, so a replaced codec object
 * keeps its lines' places. Whether a value changed is decided at serialize time by comparing it
 * with its line (see match.ts).
 */
export class Layout {
  /** The whole parsed text (shared by every section of one description). */
  readonly text: string;
  readonly meta: number[];
  readonly starts: number[];
  readonly ends: number[];
  readonly items: (object | undefined)[];
  readonly subs: (object | undefined)[] = [];
  /** m-line payload types in order, repeats removed (RTP sections; empty otherwise). */
  readonly pts: number[];
  /** m-line payload types that had no codec line. */
  readonly staticPts: number[];
  /** Canonical renderings of lines (parsed alone, rendered back), filled on first need. */
  canon: (string | undefined)[] | undefined = undefined;

  constructor(
    text: string,
    meta: number[],
    starts: number[],
    ends: number[],
    items: (object | undefined)[],
    pts: number[],
    staticPts: number[],
  ) {
    this.text = text;
    this.meta = meta;
    this.starts = starts;
    this.ends = ends;
    this.items = items;
    this.pts = pts;
    this.staticPts = staticPts;
  }

  /** The original text of line `i`. */
  raw(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  /** 1-based line number of line `i` in the parsed text (blank lines count). */
  lineNumber(i: number): number {
    const t = this.text;
    const stop = this.starts[i]!;
    let n = 1;
    for (let p = t.indexOf("\n"); p >= 0 && p < stop; p = t.indexOf("\n", p + 1)) n++;
    return n;
  }
}

/** Packs a kind and the payload type of a codec line (-1 otherwise) into a `meta` entry. */
export function packMeta(kind: number, pt: number): number {
  return kind | ((pt + 1) << 6);
}

/** The kind of a packed `meta` entry. */
export function kindOf(meta: number): number {
  return meta & 63;
}

/** The payload type of a packed `meta` entry (-1 for non-codec lines). */
export function ptOf(meta: number): number {
  return (meta >> 6) - 1;
}

/** Symbol key under which a parsed section keeps its {@link Layout}. */
export const LAYOUT: unique symbol = Symbol("purertc.sdp.layout");
