import { readTextFixture } from "@purertc/testkit/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCandidateIn } from "../src/candidate.js";
import {
  checkCandidate,
  checkExtmap,
  checkRtpmap,
  checkSsrc,
  fmtpPt,
  rtcpFbPt,
} from "../src/check.js";
import { parse, SdpDecodeError, serialize } from "../src/index.js";
import { LAZY, rawSection } from "../src/lazy.js";
import { parseConnection, parseIceOptions, parseOrigin, parseRtcp } from "../src/lines.js";
import type { MediaSection, Rtcp } from "../src/model.js";
import {
  parseExtmap,
  parseFmtp,
  parseRtcpFbPt,
  parseRtpmap,
  parseSsrc,
  parseSsrcGroup,
} from "../src/rtp-lines.js";

const OFFER = readTextFixture("sdp", "chromium-av-data-offer.sdp");
const SIMULCAST = readTextFixture("sdp", "firefox-simulcast-offer.sdp");
const LISTS = ["codecs", "candidates", "extmaps", "ssrcs", "attributes"] as const;

/** Every model value, read through the public surface (builds every lazy list). */
function everything(x: unknown): string {
  return JSON.stringify(x);
}

describe("lazy lists: built on first read, invisible to the user", () => {
  it("a parse reads no long list; serialize of the untouched model builds none either", () => {
    const sdp = parse(OFFER);
    expect(serialize(sdp)).toBe(OFFER);
    for (const m of sdp.media) {
      const raw = rawSection(m) as unknown as Record<string, unknown>;
      for (const k of LISTS)
        expect(raw[k] === LAZY || (raw[k] as unknown[]).length === 0).toBe(true);
    }
  });

  it("a list read twice is the same array, and edits to it are serialized", () => {
    const sdp = parse(OFFER);
    const video = sdp.media[1]!;
    expect(video.codecs).toBe(video.codecs);
    expect(video.codecs.map((c) => c.payloadType).slice(0, 3)).toEqual([96, 97, 102]);
    video.codecs[0]!.parameters["x-google-start-bitrate"] = "1000";
    const out = serialize(sdp);
    expect(out).toContain("a=rtpmap:96 VP8/90000\r\n");
    expect(out).toContain("a=fmtp:96 x-google-start-bitrate=1000\r\n");
    expect(out.length).toBe(OFFER.length + "a=fmtp:96 x-google-start-bitrate=1000\r\n".length);
  });

  it("a list assigned before it was ever read replaces the original lines", () => {
    const sdp = parse(OFFER);
    sdp.media[0]!.candidates = [];
    const out = serialize(sdp);
    expect(out.split("a=candidate:").length - 1).toBe(16);
    expect(parse(out).media[0]!.candidates).toEqual([]);
  });

  it("spread copies, Object.keys and JSON see every field with its value", () => {
    const sdp = parse(OFFER);
    const copy = { ...sdp.media[1]! } as MediaSection;
    expect(Object.getOwnPropertyNames(copy)).toEqual(Object.keys(sdp.media[1]!));
    expect(copy.codecs.length).toBe(23);
    expect(copy.candidates.length).toBe(8);
    expect(copy.extmaps.length).toBe(11);
    expect(copy.ssrcs.length).toBe(4);
    expect(copy.attributes).toEqual([{ name: "rtcp-xr", value: "rcvr-rtt=all" }]);
    const json = JSON.parse(everything(sdp)) as { media: MediaSection[] };
    expect(json.media[0]!.codecs[0]).toEqual({
      payloadType: 111,
      name: "opus",
      clockRate: 48000,
      channels: 2,
      parameters: { minptime: "10", useinbandfec: "1" },
      feedback: [{ type: "transport-cc" }],
    });
  });

  it("a spread copy of a section whose lists were never read serializes like the original", () => {
    const munge = (sdp: ReturnType<typeof parse>) => {
      sdp.media = sdp.media.map((m) => ({ ...m, direction: "inactive" as const }));
      return serialize(sdp);
    };
    const read = parse(SIMULCAST);
    everything(read);
    const out = munge(parse(SIMULCAST));
    expect(out).toBe(munge(read));
    expect(out).not.toBe(SIMULCAST);
    const before = SIMULCAST.split("\r\n");
    const changed = out
      .split("\r\n")
      .map((l, i) => [before[i], l])
      .filter(([x, y]) => x !== y);
    expect(changed).toEqual(read.media.map(() => ["a=sendrecv", "a=inactive"]));
  });

  it("a changed port with never-read codecs rewrites the m-line with the same payload types", () => {
    const sdp = parse(OFFER);
    sdp.media[1]!.port = 9;
    const out = serialize(sdp);
    const mline = OFFER.split("\r\n").find((l) => l.startsWith("m=video"))!;
    expect(out).toContain(`${mline.replace("37089", "9")}\r\n`);
    expect(out.length).toBe(OFFER.length - 4);
  });

  it("a non-ASCII name whose character codes overlap `rtcp-fb` stays a generic attribute", () => {
    const odd = "a=\u7472tcp-fb:96 nack";
    const text = `v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n${odd}\r\n`;
    const sdp = parse(text);
    expect(sdp.media[0]!.codecs[0]!.feedback).toEqual([]);
    expect(sdp.media[0]!.attributes).toEqual([{ name: "\u7472tcp-fb", value: "96 nack" }]);
    expect(serialize(sdp)).toBe(text);
  });

  it("a malformed line of a lazy list throws at parse time, with its line number", () => {
    const bad = OFFER.replace("a=extmap:14 urn", "a=extmap:x urn");
    expect(() => parse(bad)).toThrow(SdpDecodeError);
    try {
      parse(bad);
    } catch (e) {
      expect((e as SdpDecodeError).line).toBe(
        OFFER.split("\n").findIndex((l) => l.startsWith("a=extmap:14 ")) + 1,
      );
    }
  });

  it("fast-check: when parse succeeds, reading every value never throws", () => {
    const line = fc.oneof(
      fc.constantFrom(...OFFER.split("\r\n").filter((l) => l.startsWith("a="))),
      fc.string({ maxLength: 30 }).map((s) => `a=${s.replace(/[\r\n]/g, "")}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text =
          OFFER.slice(0, OFFER.indexOf("m=video")) + lines.map((l) => `${l}\r\n`).join("");
        let sdp: ReturnType<typeof parse>;
        try {
          sdp = parse(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpDecodeError);
          return;
        }
        everything(sdp);
        expect(serialize(sdp)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the parse-time checks accept exactly what the lazy builders parse", () => {
  const lines = OFFER.split("\r\n");
  const values = (prefix: string) =>
    lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  /** Inserted text: spacing, signs, and numbers at and past every bound the grammars check. */
  const pieces = fc.constantFrom(
    ...["", " ", "  ", "x", "9", "/", "-1", "0", "00", "127", "128", "256", "257", "65535"],
    ...["65536", "4294967295", "4294967296", "999999999999999", "1000000000000000"],
    ...["000000000000001", "0000000000000001", "rport", "generation", "network-id"],
    ...["network-cost", "typ", "sendonly", " a b", "\r"],
  );
  /** Real values with up to three pieces inserted over dropped characters, and arbitrary strings. */
  const mutated = (real: string[]) =>
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), pieces), { maxLength: 3 }))
        .map(([v, edits]) => {
          for (const [i, s] of edits) {
            const at = i % (v.length + 1);
            v = v.slice(0, at) + s + v.slice(at + (i % 3));
          }
          return v;
        }),
    );
  const same = (real: string[], check: (v: string) => boolean, full: (v: string) => boolean) => {
    fc.assert(
      fc.property(mutated(real), (v) => {
        expect(check(v)).toBe(full(v));
      }),
      { numRuns: 5000 },
    );
  };

  it("candidate (RFC 8839 §5.1)", () => {
    const real = [
      ...values("a=candidate:"),
      "1 1 udp 1 192.0.2.1 9 typ srflx raddr 0.0.0.0 rport 0 ufrag x network-cost 999",
    ];
    same(
      real,
      (v) => checkCandidate(v, 0, v.length),
      (v) => parseCandidateIn(v, 0, v.length) !== undefined,
    );
    // Every field from values at and past the bounds the grammar checks.
    const near = (bound: number) =>
      fc.integer({ min: Math.max(0, bound - 300), max: bound + 300 }).map(String);
    const numbers = fc.oneof(
      fc.constantFrom(
        ...["0", "00", "1", "255", "256", "257", "65535", "65536", "4294967295", "4294967296"],
        ...["999999999999999", "1000000000000000", "000000000000001", "0000000000000001"],
        ...["-1", "1a", "", "x"],
      ),
      fc.integer({ min: 0, max: 2 ** 34 }).map(String),
      near(256),
      near(65535),
      near(0xffffffff),
      fc.integer({ min: 0, max: 0xffffffff }).map((x) => `000${x}`),
    );
    const word = fc.constantFrom("x", "udp", "host", "typ", "", "a b");
    const extension = fc.tuple(
      fc.constantFrom("rport", "generation", "network-id", "network-cost", "raddr", "rportx", "x"),
      fc.oneof(numbers, word),
    );
    const line = fc
      .tuple(
        fc.tuple(word, numbers, word, numbers, word, numbers, fc.constantFrom("typ", "typ ", "x")),
        word,
        fc.array(extension, { maxLength: 3 }),
      )
      .map(([head, type, ext]) => [...head, type, ...ext.flat()].join(" "));
    fc.assert(
      fc.property(line, (v) => {
        expect(checkCandidate(v, 0, v.length)).toBe(parseCandidateIn(v, 0, v.length) !== undefined);
      }),
      { numRuns: 20000 },
    );
  });

  it("rtpmap (RFC 8866 §6.6)", () => {
    same(
      values("a=rtpmap:"),
      (v) => checkRtpmap(v, 0, v.length) >= 0,
      (v) => parseRtpmap(v, 0, v.length) !== undefined,
    );
  });

  it("fmtp and rtcp-fb payload types (RFC 8866 §6.15, RFC 4585 §4.2)", () => {
    same(
      [...values("a=fmtp:"), "127 a=1", "128 a=1", "0127", "1 "],
      (v) => fmtpPt(v, 0, v.length) === parseFmtp(v, 0, v.length),
      () => true,
    );
    same(
      [...values("a=rtcp-fb:"), "* nack", "127 nack", "128 nack pli", "0127 x", "1 "],
      (v) => rtcpFbPt(v, 0, v.length) === parseRtcpFbPt(v, 0, v.length),
      () => true,
    );
  });

  it("extmap (RFC 8285 §7)", () => {
    same(
      [...values("a=extmap:"), "3/sendonly urn:x attr"],
      (v) => checkExtmap(v, 0, v.length),
      (v) => parseExtmap(v, 0, v.length) !== undefined,
    );
  });

  it("ssrc (RFC 5576 §4.1)", () => {
    same(
      values("a=ssrc:"),
      (v) => checkSsrc(v, 0, v.length),
      (v) => parseSsrc(v, 0, v.length) !== undefined,
    );
  });
});

describe("split-free line codecs equal their token definitions", () => {
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(" ", "a", "1", "9", "x"), maxLength: 14 }),
    fc
      .array(fc.constantFrom("", "", "a", "1", "99999"), { minLength: 1, maxLength: 6 })
      .map((t) => t.join(" ")),
  );

  it("c= (RFC 8866 §5.7): three non-empty tokens", () => {
    fc.assert(
      fc.property(text, (v) => {
        const t = v.split(" ");
        const want =
          t.length === 3 && t.every((x) => x !== "")
            ? { netType: t[0], addressType: t[1], address: t[2] }
            : undefined;
        expect(parseConnection(v)).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it("o= (RFC 8866 §5.2): six non-empty tokens", () => {
    const tokens = fc
      .array(fc.constantFrom("", "", "a", "1", "ab"), { minLength: 4, maxLength: 8 })
      .map((t) => t.join(" "));
    const origin = fc.string({ unit: fc.constantFrom(" ", "a", "1"), maxLength: 16 });
    fc.assert(
      fc.property(fc.oneof(tokens, origin), (v) => {
        const t = v.split(" ");
        const want =
          t.length === 6 && t.every((x) => x !== "")
            ? {
                username: t[0],
                sessionId: t[1],
                sessionVersion: t[2],
                netType: t[3],
                addressType: t[4],
                address: t[5],
              }
            : undefined;
        expect(parseOrigin(v)).toEqual(want);
      }),
      { numRuns: 20000 },
    );
  });

  it("a=rtcp (RFC 3605 §2.1): a port, then nothing or three tokens", () => {
    fc.assert(
      fc.property(text, (v) => {
        const t = v.split(" ");
        const port = /^\d{1,15}$/.test(t[0]!) ? Number(t[0]) : -1;
        let want: Rtcp | undefined;
        if (port >= 0 && port <= 65535 && t.length === 1) want = { port };
        else if (port >= 0 && port <= 65535 && t.length === 4)
          want = { port, netType: t[1]!, addressType: t[2]!, address: t[3]! };
        expect(parseRtcp(v)).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it("a=ssrc-group (RFC 5576 §4.2): semantics, then 32-bit SSRCs", () => {
    const group = fc
      .array(fc.constantFrom("", "FID", "1", "4294967295", "4294967296", "x"), { maxLength: 5 })
      .map((t) => t.join(" "));
    fc.assert(
      fc.property(fc.oneof(group, text), (v) => {
        const t = v.split(" ");
        const ssrcs = t.slice(1).map((x) => (/^\d{1,15}$/.test(x) ? Number(x) : -1));
        const want =
          t[0] === "" || ssrcs.some((n) => n < 0 || n > 0xffffffff)
            ? undefined
            : { semantics: t[0], ssrcs };
        expect(parseSsrcGroup(v)).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it("a=ice-options (RFC 8839 §5.6): the non-empty tokens", () => {
    fc.assert(
      fc.property(text, (v) => {
        expect(parseIceOptions(v)).toEqual(v.split(" ").filter((x) => x !== ""));
      }),
      { numRuns: 2000 },
    );
  });
});
