/**
 * The hidden half of the lossless round trip: each parsed section remembers its lines in order
 * (a {@link Slot} per line: the raw text and which model value it came from). The serializer
 * walks the slots, writes the raw text of every line whose value is unchanged, re-renders the
 * changed ones, skips the deleted ones and inserts new values next to lines of the same kind.
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
 * One original line. `item` is the model value it came from (the array element for list kinds,
 * the codec for codec lines); `sub` is the rtcp-fb entry of an RTCPFB line; `pt` is the payload
 * type of codec lines (codecs are matched by payload type, so a replaced codec object keeps its
 * lines' places). `canon` caches the canonical rendering of `raw`, computed on first need.
 */
export class Slot {
  kind: number;
  raw: string;
  item: object | undefined;
  sub: object | undefined;
  pt: number;
  /** 1-based line number in the parsed text. */
  line: number;
  canon: string | undefined;
  /** Parse-time snapshot of the value (see snapshot.ts); undefined when none is kept. */
  snap: unknown;
  s2: string | undefined;
  s3: string | undefined;
  sn: number;
  sm: number;

  constructor(
    kind: number,
    raw: string,
    item: object | undefined,
    sub: object | undefined,
    pt: number,
    line: number,
  ) {
    this.kind = kind;
    this.raw = raw;
    this.item = item;
    this.sub = sub;
    this.pt = pt;
    this.line = line;
    this.canon = undefined;
    this.snap = undefined;
    this.s2 = undefined;
    this.s3 = undefined;
    this.sn = 0;
    this.sm = 0;
  }
}

/** The layout of one section. `staticPts` lists m-line payload types that had no codec line. */
export interface Layout {
  readonly slots: Slot[];
  readonly staticPts: number[];
}

/** Symbol key under which a parsed section keeps its {@link Layout}. */
export const LAYOUT: unique symbol = Symbol("purertc.sdp.layout");

/** A section object that may carry a layout. */
export interface WithLayout {
  [LAYOUT]?: Layout;
}
