import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Candidate,
  parse,
  parseCandidate,
  SdpDecodeError,
  serialize,
  serializeCandidate,
} from "../src/index.js";

const token = fc.stringMatching(/^[A-Za-z0-9+/.\-_]{1,12}$/);
const num = (max: number) => fc.integer({ min: 0, max });

/** Plausible and quirky lines: typed attributes with random values, spacing, unknown lines. */
const attrLine = fc.oneof(
  fc
    .tuple(num(127), token, num(96000), fc.option(num(8), { nil: undefined }))
    .map(([pt, n, r, ch]) => `a=rtpmap:${pt} ${n}/${r}${ch === undefined ? "" : `/${ch}`}`),
  fc
    .tuple(
      num(127),
      fc.array(fc.tuple(token, fc.option(token)), { maxLength: 4 }),
      fc.constantFrom(";", "; "),
    )
    .map(
      ([pt, kv, sep]) =>
        `a=fmtp:${pt} ${kv.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(sep)}`,
    ),
  fc
    .tuple(num(127), token, fc.option(token, { nil: undefined }))
    .map(([pt, t, p]) => `a=rtcp-fb:${pt} ${t}${p === undefined ? "" : ` ${p}`}`),
  fc
    .tuple(num(14), fc.constantFrom("", "/sendonly", "/recvonly"), token)
    .map(([i, d, u]) => `a=extmap:${i}${d} urn:${u}`),
  fc.tuple(num(0xffffffff), token, token).map(([s, a, v]) => `a=ssrc:${s} ${a}:${v}`),
  fc
    .tuple(fc.constantFrom("FID", "SIM", "FEC-FR"), fc.array(num(0xffffffff), { maxLength: 3 }))
    .map(([s, l]) => `a=ssrc-group:${s}${l.map((x) => ` ${x}`).join("")}`),
  fc
    .tuple(
      token,
      fc.constantFrom("send", "recv"),
      fc.option(fc.constantFrom("pt=96,97", "max-width=1280;max-fps=30", "pt=96;x")),
    )
    .map(([id, d, p]) => `a=rid:${id} ${d}${p === null ? "" : ` ${p}`}`),
  fc.constantFrom(
    "a=simulcast:send q;h;f",
    "a=simulcast:recv a,b;~c send d",
    "a=simulcast: send x",
  ),
  fc
    .tuple(token, num(256), fc.constantFrom("udp", "TCP"), num(0xffffffff), token, num(65535))
    .map(
      ([f, c, t, p, a, port]) =>
        `a=candidate:${f} ${c} ${t} ${p} ${a} ${port} typ host generation 0`,
    ),
  fc.constantFrom(
    "a=sendrecv",
    "a=recvonly",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=rtcp-mux-only",
    "a=bundle-only",
    "a=end-of-candidates",
    "a=setup:actpass",
    "a=extmap-allow-mixed",
    "a=ice-lite",
    "a=ice-options:trickle  renomination",
    "a=msid-semantic: WMS",
    "a=group:BUNDLE 0 1",
    "a=group:LS",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=rtcp:9",
    "a=sctp-port:5000",
    "a=max-message-size:262144",
    "a=ptime:20",
    "a=fingerprint:sha-256 AB:CD",
    "a=msid:s t",
    "a=msid:s",
    "b=AS:30",
    "c=IN IP4 0.0.0.0",
    "i=x",
    "r=1 2",
  ),
  fc
    .tuple(token, fc.option(fc.string({ maxLength: 10 }).filter((s) => !/[\r\n]/.test(s))))
    .map(([n, v]) => `a=${n}${v === null ? "" : `:${v}`}`),
  fc.tuple(token, token).map(([k, v]) => `a=${k.toLowerCase()}:${v}`),
  fc.tuple(token).map(([v]) => `a=mid:${v}`),
);

const mediaBlock = fc
  .tuple(
    fc.constantFrom("audio", "video", "application"),
    num(65535),
    fc.constantFrom("UDP/TLS/RTP/SAVPF", "RTP/AVP", "UDP/DTLS/SCTP"),
    fc.uniqueArray(num(127), { maxLength: 5 }),
    fc.array(attrLine, { maxLength: 12 }),
  )
  .map(([k, p, proto, pts, lines]) => {
    const fmt = proto.includes("RTP/") ? pts.map((x) => ` ${x}`).join("") : " webrtc-datachannel";
    return [`m=${k} ${p} ${proto}${fmt}`, ...lines];
  });

const sdpText = fc
  .tuple(
    fc.array(attrLine, { maxLength: 6 }),
    fc.array(mediaBlock, { maxLength: 4 }),
    fc.constantFrom("\r\n", "\n"),
  )
  .map(([sess, media, eol]) =>
    ["v=0", "o=- 123 2 IN IP4 127.0.0.1", "s=-", "t=0 0", ...sess, ...media.flat()]
      .map((l) => l + eol)
      .join(""),
  );

describe("fast-check", () => {
  it("parse throws nothing but SdpDecodeError (a DecodeError with a line number) on arbitrary text", () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .array(fc.oneof(attrLine, fc.string({ maxLength: 20 })), { maxLength: 20 })
        .map((ls) => ["v=0", ...ls].join("\r\n")),
      sdpText.map((s) => s.replace(/ /g, (m) => (Math.random() < 0.1 ? "" : m))),
    );
    fc.assert(
      fc.property(junk, (text) => {
        try {
          parse(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpDecodeError);
          const line = (e as SdpDecodeError).line;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(text.split("\n").length + 1);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("serialize(parse(x)) is byte-identical for generated SDPs, and stable after one pass", () => {
    let parsed = 0;
    fc.assert(
      fc.property(sdpText, (text) => {
        let sdp: ReturnType<typeof parse>;
        try {
          sdp = parse(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpDecodeError);
          return;
        }
        parsed++;
        const once = serialize(sdp);
        expect(once).toBe(text);
        expect(serialize(parse(once))).toBe(once);
      }),
      { numRuns: 1500 },
    );
    expect(parsed).toBeGreaterThan(100);
  });

  it("a model rebuilt from JSON (no layout) serializes to a fixed point in canonical order", () => {
    fc.assert(
      fc.property(sdpText, (text) => {
        let sdp: ReturnType<typeof parse>;
        try {
          sdp = parse(text);
        } catch {
          return;
        }
        const plain = JSON.parse(JSON.stringify(sdp));
        const once = serialize(plain);
        expect(serialize(parse(once))).toBe(once);
        expect(JSON.stringify(parse(once).media.map((m) => m.codecs))).toBe(
          JSON.stringify(sdp.media.map((m) => m.codecs)),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("candidate lines round-trip (RFC 8839 §5.1)", () => {
    const cand: fc.Arbitrary<Candidate> = fc.record({
      foundation: token,
      component: num(256),
      transport: fc.constantFrom("udp", "tcp", "UDP", "TCP"),
      priority: num(0xffffffff),
      address: fc.oneof(
        fc.ipV4(),
        fc.ipV6(),
        fc.uuid().map((u) => `${u}.local`),
      ),
      port: num(65535),
      type: fc.constantFrom("host", "srflx", "prflx", "relay"),
      relatedAddress: fc.option(fc.ipV4(), { nil: undefined }),
      relatedPort: fc.option(num(65535), { nil: undefined }),
      tcpType: fc.option(fc.constantFrom("active", "passive", "so"), { nil: undefined }),
      generation: fc.option(num(10), { nil: undefined }),
      ufrag: fc.option(token, { nil: undefined }),
      networkId: fc.option(num(100), { nil: undefined }),
      networkCost: fc.option(num(999), { nil: undefined }),
      extensions: fc.array(fc.record({ name: token.map((t) => `x-${t}`), value: token }), {
        maxLength: 3,
      }),
    });
    fc.assert(
      fc.property(cand, (c) => {
        const s = serializeCandidate(c);
        const back = parseCandidate(s);
        expect(back).toEqual(c);
        expect(serializeCandidate(back)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
