/**
 * The lazy half of a parsed description. `parse` validates every line and types the cheap
 * values (scalars, and the lists of a few lines: fingerprints, msids, groups...) at once, but
 * the long lists are built on first access from the lines the section's {@link Layout} recorded:
 * `codecs` (rtpmap + fmtp + rtcp-fb), `candidates`, `extmaps`, `ssrcs` and `attributes`.
 *
 * A parsed section is a Proxy over a plain data object (the "target"). Reading a lazy list
 * through the proxy builds it, stores it on the target and returns it; later reads and writes
 * are plain property accesses on the target. Enumeration (spread copies, `Object.keys`,
 * `JSON.stringify`, test matchers) sees every field, and reading a field through any of them
 * builds it, so a copy is always complete. The serializer reads the target directly (see
 * {@link rawSection}): a list nobody read cannot have changed, so its lines are copied as they
 * are without building it.
 *
 * Building never throws: the lines were validated by `parse` with the same grammar.
 */
import { type Candidate, copyCandidate, parseCandidateIn } from "./candidate.js";
import { K, kindOf, LAYOUT, type Layout, ptOf } from "./layout.js";
import type { Attribute, Codec } from "./model.js";
import {
  parseExtmap,
  parseFmtpParameters,
  parseRtcpFb,
  parseSsrc,
  staticCodec,
} from "./rtp-lines.js";
import { intern, parseUintAt } from "./text.js";

/** Placeholder of a list not built yet (never visible through the proxy). */
export const LAZY: readonly unknown[] = Object.freeze([]);

/** Proxy key that yields the target (internal). */
const RAW: unique symbol = Symbol("purertc.sdp.raw");

type Target = Record<string | symbol, unknown> & { [LAYOUT]?: Layout };

/** Builds the lazy list `key` of a target, stores it there and returns it. */
function fill(t: Target, key: string | symbol): unknown {
  const layout = t[LAYOUT]!;
  let v: unknown;
  switch (key) {
    case "codecs":
      v = buildCodecs(layout);
      break;
    case "candidates":
      v = buildCandidates(layout);
      break;
    case "extmaps":
      v = build(layout, K.EXTMAP, 9, parseExtmap);
      break;
    case "ssrcs":
      v = build(layout, K.SSRC, 7, parseSsrc);
      break;
    case "attributes":
      v = buildAttributes(layout);
      break;
    default:
      throw new RangeError(`not a lazy field: ${String(key)}`);
  }
  t[key] = v;
  return v;
}

const handler: ProxyHandler<Target> = {
  get(t, key) {
    if (key === RAW) return t;
    const v = t[key];
    return v === LAZY ? fill(t, key) : v;
  },
  getOwnPropertyDescriptor(t, key) {
    if (t[key] === LAZY) fill(t, key);
    return Reflect.getOwnPropertyDescriptor(t, key);
  },
};

/** The proxy a parsed section is handed out as. */
export function lazySection<T extends object>(target: T): T {
  return new Proxy(target as unknown as Target, handler) as unknown as T;
}

/**
 * The object holding a section's values: the target of a parsed section (whose unread lists are
 * still {@link LAZY}), or the section itself for any other object.
 */
export function rawSection<T extends object>(sec: T): T {
  return ((sec as { [RAW]?: T })[RAW] ?? sec) as T;
}

/** Builds a lazy list of `rawSec` (a target from {@link rawSection}) if it is still lazy. */
export function force(rawSec: object, key: string): void {
  const t = rawSec as Target;
  if (t[key] === LAZY) fill(t, key);
}

/** The list of line kind `kind`, each value read at `valueOffset` from its line's start. */
function build<T extends object>(
  layout: Layout,
  kind: number,
  valueOffset: number,
  parseOne: (s: string, a: number, e: number) => T | undefined,
): T[] {
  const { meta, starts, ends, items, text } = layout;
  const out: T[] = [];
  for (let i = 0; i < meta.length; i++) {
    if (kindOf(meta[i]!) !== kind) continue;
    const x = parseOne(text, starts[i]! + valueOffset, ends[i]!)!;
    out.push(x);
    items[i] = x;
  }
  return out;
}

function buildCandidates(layout: Layout): Candidate[] {
  const { meta, starts, ends, items, subs, text } = layout;
  const out: Candidate[] = [];
  for (let i = 0; i < meta.length; i++) {
    if (kindOf(meta[i]!) !== K.CANDIDATE) continue;
    const c = parseCandidateIn(text, starts[i]! + 12, ends[i]!)!;
    out.push(c);
    items[i] = c;
    // The most frequent line with the most fields: a copy makes its change check cheap.
    if (c.extensions.length === 0) subs[i] = copyCandidate(c);
  }
  return out;
}

function buildAttributes(layout: Layout): Attribute[] {
  const { meta, starts, ends, items, text } = layout;
  const out: Attribute[] = [];
  for (let i = 0; i < meta.length; i++) {
    if (kindOf(meta[i]!) !== K.ATTRIBUTE) continue;
    const s = starts[i]!;
    const e = ends[i]!;
    const colon = text.indexOf(":", s + 2);
    const a: Attribute =
      colon < 0 || colon >= e
        ? { name: text.slice(s + 2, e), value: undefined }
        : { name: text.slice(s + 2, colon), value: text.slice(colon + 1, e) };
    out.push(a);
    items[i] = a;
  }
  return out;
}

/** Scratch codec table by payload type (building is synchronous and not re-entrant). */
const byPt: (Codec | undefined)[] = new Array<Codec | undefined>(128).fill(undefined);

/**
 * The codecs of an RTP section: one per m-line payload type, in m-line order (RFC 3551 §6
 * static names for those without rtpmap), named by their rtpmap, with fmtp parameters and every
 * rtcp-fb. The parser already sent codec lines that do not join (unknown or repeated payload
 * type, `*`) to the generic attributes.
 */
function buildCodecs(layout: Layout): Codec[] {
  const { meta, starts, ends, items, subs, text, pts } = layout;
  const codecs: Codec[] = [];
  for (let i = 0; i < pts.length; i++) {
    const c = staticCodec(pts[i]!);
    byPt[c.payloadType] = c;
    codecs.push(c);
  }
  for (let i = 0; i < meta.length; i++) {
    const m = meta[i]!;
    const kind = kindOf(m);
    if (kind !== K.RTPMAP && kind !== K.FMTP && kind !== K.RTCPFB) continue;
    const c = byPt[ptOf(m)]!;
    items[i] = c;
    const a = text.indexOf(":", starts[i]!) + 1;
    const e = ends[i]!;
    if (kind === K.RTPMAP) rtpmapInto(c, text, a, e);
    else if (kind === K.FMTP) c.parameters = parseFmtpParameters(text, a, e);
    else {
      const fb = parseRtcpFb(text, a, e);
      c.feedback.push(fb);
      subs[i] = fb;
    }
  }
  for (let i = 0; i < pts.length; i++) byPt[pts[i]!] = undefined;
  return codecs;
}

/** Name, clock rate and channels of a validated `a=rtpmap` value `text.slice(a, e)`. */
function rtpmapInto(c: Codec, text: string, a: number, e: number): void {
  const sp = text.indexOf(" ", a);
  const s1 = text.indexOf("/", sp + 1);
  let s2 = text.indexOf("/", s1 + 1);
  if (s2 >= e) s2 = -1;
  c.name = intern(text, sp + 1, s1);
  c.clockRate = parseUintAt(text, s1 + 1, s2 < 0 ? e : s2);
  c.channels = s2 < 0 ? undefined : parseUintAt(text, s2 + 1, e);
}
