import { listFixtures, readTextFixture } from "@purertc/testkit/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MediaSection, parse, type SessionDescription, serialize } from "../src/index.js";

/**
 * The serializer keeps no copy of most values: it decides "unchanged" by comparing the model
 * with the original line at serialize time. These properties hold it to that contract on the
 * real captures: after random in-place edits, only the edited lines differ (same count, same
 * places), and parsing the output gives back exactly the edited model.
 */
const names = listFixtures("sdp").filter((n) => n.endsWith(".sdp"));
const token = fc.stringMatching(/^[A-Za-z0-9+/.\-_]{1,12}$/);

/** One in-place edit: which value, which new value (indices are taken modulo the list sizes). */
type Edit =
  | { op: "priority"; m: number; i: number; v: number }
  | { op: "fmtp"; m: number; i: number; k: string; v: string }
  | { op: "fb"; m: number; i: number; j: number; v: string }
  | { op: "ssrc"; m: number; i: number; v: string }
  | { op: "extmap"; m: number; i: number; v: string }
  | { op: "rtpmap"; m: number; i: number; v: number }
  | { op: "ufrag"; m: number; v: string };

const idx = fc.nat(1000);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("priority" as const), m: idx, i: idx, v: fc.nat(0xffffffff) }),
  fc.record({ op: fc.constant("fmtp" as const), m: idx, i: idx, k: token, v: token }),
  fc.record({ op: fc.constant("fb" as const), m: idx, i: idx, j: idx, v: token }),
  fc.record({ op: fc.constant("ssrc" as const), m: idx, i: idx, v: token }),
  fc.record({ op: fc.constant("extmap" as const), m: idx, i: idx, v: token }),
  fc.record({ op: fc.constant("rtpmap" as const), m: idx, i: idx, v: fc.nat(200000) }),
  fc.record({ op: fc.constant("ufrag" as const), m: idx, v: token }),
);

/**
 * Applies `e` to `sdp` and returns the index (in `lines`) of the one original line it may
 * change, or undefined when there was nothing to edit.
 */
function apply(sdp: SessionDescription, lines: string[], e: Edit): number | undefined {
  if (sdp.media.length === 0) return undefined;
  const mi = e.m % sdp.media.length;
  const m = sdp.media[mi]!;
  const [from, to] = sectionRange(lines, mi);
  const nth = (prefix: string, n: number) => {
    let seen = 0;
    for (let l = from; l < to; l++) if (lines[l]!.startsWith(prefix) && seen++ === n) return l;
    throw new Error(`no line ${n} starting with ${prefix}`);
  };
  const typed = (c: MediaSection["codecs"][number]) =>
    lines.slice(from, to).some((l) => l.startsWith(`a=rtpmap:${c.payloadType} `));
  switch (e.op) {
    case "priority": {
      if (m.candidates.length === 0) return undefined;
      const i = e.i % m.candidates.length;
      m.candidates[i]!.priority = e.v;
      return nth("a=candidate:", i);
    }
    case "fmtp": {
      const codecs = m.codecs.filter((c) => fmtpLine(lines, from, to, c.payloadType) >= 0);
      if (codecs.length === 0) return undefined;
      const c = codecs[e.i % codecs.length]!;
      c.parameters[`x-${e.k}`] = e.v;
      return fmtpLine(lines, from, to, c.payloadType);
    }
    case "fb": {
      const codecs = m.codecs.filter((c) => c.feedback.length > 0);
      if (codecs.length === 0) return undefined;
      const c = codecs[e.i % codecs.length]!;
      const j = e.j % c.feedback.length;
      c.feedback[j]!.type = `x-${e.v}`;
      return nth(`a=rtcp-fb:${c.payloadType} `, j);
    }
    case "ssrc": {
      if (m.ssrcs.length === 0) return undefined;
      const i = e.i % m.ssrcs.length;
      m.ssrcs[i]!.value = e.v;
      return nth("a=ssrc:", i);
    }
    case "extmap": {
      if (m.extmaps.length === 0) return undefined;
      const i = e.i % m.extmaps.length;
      m.extmaps[i]!.uri = `urn:x:${e.v}`;
      return nth("a=extmap:", i);
    }
    case "rtpmap": {
      const codecs = m.codecs.filter(typed);
      if (codecs.length === 0) return undefined;
      const c = codecs[e.i % codecs.length]!;
      c.clockRate = e.v;
      return nth(`a=rtpmap:${c.payloadType} `, 0);
    }
    case "ufrag":
      if (m.iceUfrag === undefined) return undefined;
      m.iceUfrag = e.v;
      return nth("a=ice-ufrag:", 0);
  }
}

/** Index of the first `a=fmtp:<pt> ` line in [from, to), or -1. */
function fmtpLine(lines: string[], from: number, to: number, pt: number): number {
  for (let l = from; l < to; l++) if (lines[l]!.startsWith(`a=fmtp:${pt} `)) return l;
  return -1;
}

/** Line range [from, to) of media section `mi`. */
function sectionRange(lines: string[], mi: number): [number, number] {
  const starts = lines.flatMap((l, i) => (l.startsWith("m=") ? [i] : []));
  return [starts[mi]!, starts[mi + 1] ?? lines.length];
}

describe("change detection by comparing the model with the original lines", () => {
  for (const name of names) {
    it(`${name}: random in-place edits rewrite exactly the edited lines, in place`, () => {
      const text = readTextFixture("sdp", name);
      const lines = text.split(/\r?\n/);
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
          const sdp = parse(text);
          const touched = new Set<number>();
          for (const e of edits) {
            const l = apply(sdp, lines, e);
            if (l !== undefined) touched.add(l);
          }
          const out = serialize(sdp);
          const after = out.split(/\r?\n/);
          expect(after).toHaveLength(lines.length);
          for (let i = 0; i < lines.length; i++) {
            if (!touched.has(i)) expect(after[i]).toBe(lines[i]);
          }
          expect(JSON.stringify(parse(out))).toBe(JSON.stringify(sdp));
          expect(serialize(parse(out))).toBe(out);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("an edit back to the original value leaves the line byte-identical, unusual spacing included", () => {
    const text =
      "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 96\r\n" +
      "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 a=1;  b=2\r\na=ptime:020\r\n";
    const sdp = parse(text);
    const c = sdp.media[0]!.codecs[0]!;
    c.parameters = { a: "1", b: "2" };
    c.clockRate = 8000;
    c.clockRate = 48000;
    sdp.media[0]!.ptime = 20;
    expect(serialize(sdp)).toBe(text);
  });

  it("changing a codec's payload type in place rewrites its m-line, rtpmap, rtcp-fb and fmtp lines", () => {
    const text = readTextFixture("sdp", "chromium-av-data-offer.sdp");
    const sdp = parse(text);
    const opus = sdp.media[0]!.codecs.find((c) => c.name === "opus")!;
    opus.payloadType = 100;
    const out = serialize(sdp);
    expect(out).not.toMatch(/a=(rtpmap|rtcp-fb|fmtp):111 /);
    const back = parse(out).media[0]!.codecs.find((c) => c.payloadType === 100)!;
    expect({ ...back, payloadType: 111 }).toEqual({ ...opus, payloadType: 111 });
  });
});
