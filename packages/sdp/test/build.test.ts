import { listFixtures, readTextFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import {
  answerDirection,
  buildAnswer,
  buildOffer,
  type Codec,
  hasCryptex,
  parse,
  serialize,
  validate,
} from "../src/index.js";

const FP = {
  algorithm: "sha-256",
  value: Array.from({ length: 32 }, (_, i) =>
    (i * 7).toString(16).padStart(2, "0").toUpperCase(),
  ).join(":"),
};
const TRANSPORT = { iceUfrag: "Ab1+", icePwd: "abcdefghijklmnopqrstuv", fingerprints: [FP] };
const OPUS: Codec = {
  payloadType: 111,
  name: "opus",
  clockRate: 48000,
  channels: 2,
  parameters: { minptime: "10", useinbandfec: "1" },
  feedback: [{ type: "transport-cc" }],
};
const VP8: Codec = {
  payloadType: 96,
  name: "VP8",
  clockRate: 90000,
  parameters: {},
  feedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "transport-cc" }],
};
const RTX: Codec = {
  payloadType: 97,
  name: "rtx",
  clockRate: 90000,
  parameters: { apt: "96" },
  feedback: [],
};

function offer() {
  return buildOffer({
    ...TRANSPORT,
    sessionId: "1234567890123456789",
    media: [
      {
        kind: "audio",
        mid: "0",
        codecs: [OPUS],
        extmaps: [{ id: 1, uri: "urn:ietf:params:rtp-hdrext:sdes:mid" }],
        msid: { stream: "s", track: "a" },
        ssrcs: [{ ssrc: 1, attribute: "cname", value: "c" }],
      },
      {
        kind: "video",
        mid: "1",
        codecs: [VP8, RTX],
        msid: { stream: "s", track: "v" },
        rids: [
          { id: "h", direction: "send", payloadTypes: [], restrictions: {} },
          { id: "l", direction: "send", payloadTypes: [], restrictions: { "max-width": "320" } },
        ],
        simulcast: { send: [[{ rid: "h", paused: false }], [{ rid: "l", paused: false }]] },
      },
      { kind: "application", mid: "2" },
    ],
  });
}

describe("buildOffer (RFC 8829 §5.2.1)", () => {
  it("serializes with CRLF in libwebrtc order, validates clean and re-parses to the same text", () => {
    const text = serialize(offer());
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n").slice(0, 7)).toEqual([
      "v=0",
      "o=- 1234567890123456789 1 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0 1 2",
      "a=extmap-allow-mixed",
      "a=msid-semantic:WMS",
    ]);
    expect(text).toContain(
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Ab1+\r\n",
    );
    expect(text).toContain(
      "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 transport-cc\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n",
    );
    expect(text).toContain("a=rid:l send max-width=320\r\na=simulcast:send h;l\r\n");
    expect(text).toContain("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
    const back = parse(text);
    expect(serialize(back)).toBe(text);
    expect(validate(back)).toEqual([]);
    expect(back.media[1]?.codecs).toEqual([VP8, RTX]);
    expect(back.media[2]).toMatchObject({
      sctpPort: 5000,
      maxMessageSize: 262144,
      setup: "actpass",
    });
  });
});

describe("buildAnswer (RFC 8829 §5.3.1)", () => {
  it("answers our offer: setup active, directions mirrored, simulcast recv, BUNDLE", () => {
    const a = buildAnswer(offer(), {
      ...TRANSPORT,
      sessionId: "42",
      codecs: { audio: [OPUS], video: [VP8, RTX] },
    });
    const back = parse(serialize(a));
    expect(validate(back).filter((i) => i.severity === "error")).toEqual([]);
    expect(back.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1", "2"] }]);
    expect(back.media.map((m) => m.setup)).toEqual(["active", "active", "active"]);
    expect(back.media[0]?.direction).toBe("recvonly");
    expect(back.media[1]?.codecs.map((c) => c.name)).toEqual(["VP8", "rtx"]);
    expect(back.media[1]?.simulcast?.recv?.flat().map((s) => s.rid)).toEqual(["h", "l"]);
    expect(back.media[1]?.rids.map((r) => r.direction)).toEqual(["recv", "recv"]);
  });

  for (const name of listFixtures("sdp").filter((n) => n.endsWith("-offer.sdp"))) {
    it(`answers the real ${name} with opus + VP8/rtx only, and the answer validates`, () => {
      const o = parse(readTextFixture("sdp", name));
      const a = buildAnswer(o, {
        ...TRANSPORT,
        sessionId: "7",
        codecs: { audio: [OPUS], video: [VP8, RTX] },
        media: { "0": { msid: { stream: "s", track: "t" } } },
      });
      const back = parse(serialize(a));
      expect(validate(back).filter((i) => i.severity === "error")).toEqual([]);
      expect(back.media.map((m) => m.mid)).toEqual(o.media.map((m) => m.mid));
      for (const m of back.media) {
        if (m.kind === "audio") expect(m.codecs.map((c) => c.name.toLowerCase())).toEqual(["opus"]);
        if (m.kind === "video") {
          const offeredRtx = o.media
            .find((x) => x.mid === m.mid)
            ?.codecs.some((c) => c.name === "rtx");
          expect(m.codecs.map((c) => c.name)).toEqual(offeredRtx ? ["VP8", "rtx"] : ["VP8"]);
          if (offeredRtx)
            expect(m.codecs[1]?.parameters.apt).toBe(String(m.codecs[0]?.payloadType));
        }
        if (m.kind === "application") expect(m.sctpPort).toBe(5000);
      }
      const offeredOpus = o.media
        .find((m) => m.kind === "audio")
        ?.codecs.find((c) => c.name === "opus");
      if (offeredOpus)
        expect(back.media.find((m) => m.kind === "audio")?.codecs[0]?.payloadType).toBe(
          offeredOpus.payloadType,
        );
    });
  }

  it("rejects a section with no common codec (port 0, inactive, out of BUNDLE)", () => {
    const o = parse(readTextFixture("sdp", "chromium-av-data-offer.sdp"));
    const a = buildAnswer(o, {
      ...TRANSPORT,
      sessionId: "1",
      codecs: { audio: [OPUS], video: [] },
    });
    expect(a.media[1]).toMatchObject({ port: 0, direction: "inactive" });
    expect(a.groups[0]?.mids).toEqual(["0", "2"]);
    expect(validate(parse(serialize(a))).filter((i) => i.severity === "error")).toEqual([]);
  });

  it("RFC 8829 §5.3.1: a section's own codecs (setCodecPreferences) filter and order its answer", () => {
    const o = parse(readTextFixture("sdp", "chromium-av-data-offer.sdp"));
    const vp9: Codec = {
      payloadType: 98,
      name: "VP9",
      clockRate: 90000,
      parameters: { "profile-id": "0" },
      feedback: [{ type: "nack" }],
    };
    const init = { ...TRANSPORT, sessionId: "1", codecs: { audio: [OPUS], video: [VP8, RTX] } };
    const a = buildAnswer(o, { ...init, media: { "1": { codecs: [vp9, VP8, RTX] } } });
    // Chromium offers VP8 first; the preferences put VP9 first, each followed by its rtx.
    expect(a.media[1]?.codecs.map((c) => `${c.name}/${c.parameters.apt ?? ""}`)).toEqual([
      "VP9/",
      "rtx/98",
      "VP8/",
      "rtx/96",
    ]);
    const only = buildAnswer(o, { ...init, media: { "1": { codecs: [vp9] } } });
    expect(only.media[1]?.codecs.map((c) => c.name)).toEqual(["VP9"]);
    expect(buildAnswer(o, init).media[1]?.codecs.map((c) => c.name)).toEqual(["VP8", "rtx"]);
  });

  it.each([
    ["sendrecv", "sendrecv", "sendrecv"],
    ["sendrecv", "recvonly", "recvonly"],
    ["sendonly", "sendrecv", "recvonly"],
    ["recvonly", "sendrecv", "sendonly"],
    ["recvonly", "recvonly", "inactive"],
    ["inactive", "sendrecv", "inactive"],
  ] as const)("RFC 3264 §6.1: offered %s, wanted %s → %s", (o, w, r) => {
    expect(answerDirection(o, w)).toBe(r);
  });
});

describe("a=cryptex (RFC 9335 §5.1)", () => {
  const media = (cryptex: boolean) =>
    (["0", "1"] as const).map((mid) => ({
      kind: "video" as const,
      mid,
      codecs: [VP8],
      ...(cryptex ? { cryptex } : {}),
    }));
  const init = { ...TRANSPORT, sessionId: "1" };

  it("an offer writes a=cryptex on every RTP section asked, and it survives a re-parse", () => {
    const text = serialize(buildOffer({ ...init, media: media(true) }));
    expect(text.match(/^a=cryptex$/gm)).toHaveLength(2);
    expect(parse(text).media.every(hasCryptex)).toBe(true);
    expect(buildOffer({ ...init, media: media(false) }).media.some(hasCryptex)).toBe(false);
  });

  it("an answer carries it only where offered and wanted: the answerer cannot introduce it", () => {
    const offered = parse(serialize(buildOffer({ ...init, media: media(true) })));
    const plain = parse(serialize(buildOffer({ ...init, media: media(false) })));
    const want = { "0": { cryptex: true }, "1": { cryptex: true } };
    expect(buildAnswer(offered, { ...init, media: want }).media.every(hasCryptex)).toBe(true);
    expect(buildAnswer(plain, { ...init, media: want }).media.some(hasCryptex)).toBe(false);
    expect(buildAnswer(offered, { ...init, media: {} }).media.some(hasCryptex)).toBe(false);
  });
});
