import { listFixtures, readTextFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { type MediaSection, parse, type SessionDescription, serialize } from "../src/index.js";

const names = listFixtures("sdp").filter((n) => n.endsWith(".sdp"));

function section(sdp: SessionDescription, kind: string): MediaSection {
  const m = sdp.media.find((x) => x.kind === kind);
  if (m === undefined) throw new Error(`no ${kind} section`);
  return m;
}

describe("real browser SDPs (packages/testkit/fixtures/sdp)", () => {
  it("has the Chromium, Firefox and cross-browser captures", () => {
    expect(names.filter((n) => n.startsWith("chromium-")).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.startsWith("firefox-")).length).toBeGreaterThanOrEqual(6);
  });

  for (const name of names) {
    it(`${name}: serialize(parse(x)) is byte-identical`, () => {
      const text = readTextFixture("sdp", name);
      expect(serialize(parse(text))).toBe(text);
    });

    it(`${name}: \\n-only input round-trips with \\n and parses the same model`, () => {
      const text = readTextFixture("sdp", name);
      const lf = text.replaceAll("\r\n", "\n");
      const a = parse(lf);
      expect(a.lineEnding).toBe("\n");
      expect(serialize(a)).toBe(lf);
      expect(JSON.stringify(a.media)).toBe(JSON.stringify(parse(text).media));
    });

    it(`${name}: JSEP transport attributes are typed in every section`, () => {
      const sdp = parse(readTextFixture("sdp", name));
      expect(sdp.groups.find((g) => g.semantics === "BUNDLE")?.mids).toEqual(
        sdp.media.map((m) => m.mid),
      );
      for (const m of sdp.media) {
        expect(m.iceUfrag ?? sdp.iceUfrag).toMatch(/^[A-Za-z0-9+/]{4,}$/);
        expect((m.icePwd ?? sdp.icePwd)?.length).toBeGreaterThanOrEqual(22);
        const fps = m.fingerprints.length > 0 ? m.fingerprints : sdp.fingerprints;
        expect(fps[0]?.algorithm).toBe("sha-256");
        expect(fps[0]?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        expect(["actpass", "active", "passive"]).toContain(m.setup ?? sdp.setup);
        expect(
          m.attributes.every((a) => !["candidate", "rtpmap", "fmtp", "mid"].includes(a.name)),
        ).toBe(true);
      }
    });
  }
});

describe("Chromium audio+video+data offer", () => {
  const sdp = parse(readTextFixture("sdp", "chromium-av-data-offer.sdp"));

  it("session: origin, BUNDLE, extmap-allow-mixed, msid-semantic with Chrome's space", () => {
    expect(sdp.origin).toEqual({
      username: "-",
      sessionId: "4476006832035684376",
      sessionVersion: "2",
      netType: "IN",
      addressType: "IP4",
      address: "127.0.0.1",
    });
    expect(sdp.timing).toEqual([{ start: 0, stop: 0 }]);
    expect(sdp.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1", "2"] }]);
    expect(sdp.extmapAllowMixed).toBe(true);
    expect(sdp.msidSemantic).toEqual({
      semantic: "WMS",
      streams: ["7f0d5dfa-d4d4-4e05-a421-40ca32a439eb"],
    });
  });

  it("audio: opus with fmtp key/values and rtcp-fb, RED, static PCMU, extmaps, ssrc attributes", () => {
    const a = section(sdp, "audio");
    expect(a.protocol).toBe("UDP/TLS/RTP/SAVPF");
    expect(a.codecs.map((c) => c.payloadType)).toEqual([111, 63, 9, 0, 8, 13, 110, 126]);
    expect(a.codecs[0]).toEqual({
      payloadType: 111,
      name: "opus",
      clockRate: 48000,
      channels: 2,
      parameters: { minptime: "10", useinbandfec: "1" },
      feedback: [{ type: "transport-cc" }],
    });
    expect(a.codecs[1]?.parameters).toEqual({ "111/111": "" });
    expect(a.codecs[3]).toMatchObject({ payloadType: 0, name: "PCMU", clockRate: 8000 });
    expect(a.extmaps[0]).toEqual({ id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level" });
    expect(a.direction).toBe("sendrecv");
    expect(a.rtcpMux && a.rtcpRsize).toBe(true);
    expect(a.rtcp).toEqual({ port: 9, netType: "IN", addressType: "IP4", address: "0.0.0.0" });
    expect(a.msids).toEqual([
      {
        stream: "7f0d5dfa-d4d4-4e05-a421-40ca32a439eb",
        track: "08762b03-5486-44d7-a1d9-b0013554d867",
      },
    ]);
    expect(a.ssrcs[0]).toEqual({ ssrc: 3981236211, attribute: "cname", value: "hQu/Fxxco5tlsHPO" });
    expect(a.attributes).toEqual([{ name: "rtcp-xr", value: "rcvr-rtt=all" }]);
  });

  it("video: VP8 feedback, H264 fmtp, rtx apt, FID ssrc-group", () => {
    const v = section(sdp, "video");
    const vp8 = v.codecs.find((c) => c.name === "VP8");
    expect(vp8?.feedback).toEqual([
      { type: "goog-remb" },
      { type: "transport-cc" },
      { type: "ccm", parameter: "fir" },
      { type: "nack" },
      { type: "nack", parameter: "pli" },
    ]);
    expect(v.codecs.find((c) => c.payloadType === 102)?.parameters).toEqual({
      "level-asymmetry-allowed": "1",
      "packetization-mode": "1",
      "profile-level-id": "42001f",
    });
    expect(v.codecs.find((c) => c.payloadType === 97)).toMatchObject({
      name: "rtx",
      parameters: { apt: "96" },
    });
    expect(v.codecs).toHaveLength(23);
    expect(v.extmaps.map((e) => e.id)).toEqual([14, 2, 13, 3, 5, 6, 7, 8, 4, 10, 11]);
    expect(v.ssrcGroups).toEqual([{ semantics: "FID", ssrcs: [948694431, 3818451729] }]);
  });

  it("data: sctp-port, max-message-size, no codecs, candidates incl. TCP and IPv6", () => {
    const d = section(sdp, "application");
    expect(d.formats).toEqual(["webrtc-datachannel"]);
    expect(d.codecs).toEqual([]);
    expect(d.sctpPort).toBe(5000);
    expect(d.maxMessageSize).toBe(262144);
    expect(d.candidates).toHaveLength(8);
    expect(d.candidates[0]).toMatchObject({
      foundation: "1752316092",
      component: 1,
      transport: "udp",
      priority: 2122194687,
      address: "127.0.0.1",
      type: "host",
      generation: 0,
      networkId: 3,
      networkCost: 50,
    });
    expect(d.candidates[4]).toMatchObject({ transport: "tcp", port: 9, tcpType: "active" });
    expect(d.candidates[2]?.address).toBe("::1");
  });
});

describe("simulcast offers (3 sendEncodings rids q/h/f)", () => {
  for (const name of ["chromium-simulcast-offer.sdp", "firefox-simulcast-offer.sdp"]) {
    it(`${name}: rids and a=simulcast`, () => {
      const v = section(parse(readTextFixture("sdp", name)), "video");
      expect(v.rids.map((r) => [r.id, r.direction])).toEqual([
        ["q", "send"],
        ["h", "send"],
        ["f", "send"],
      ]);
      expect(v.simulcast?.send?.map((alts) => alts.map((a) => a.rid))).toEqual([
        ["q"],
        ["h"],
        ["f"],
      ]);
      expect(v.simulcast?.recv).toBeUndefined();
      expect(v.extmaps.some((e) => e.uri === "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id")).toBe(
        true,
      );
    });
  }
});

describe("Firefox ESR offer", () => {
  const sdp = parse(readTextFixture("sdp", "firefox-av-data-offer.sdp"));

  it("session-level direction/fingerprint/ice-options, WMS *", () => {
    expect(sdp.origin.username).toBe("mozilla...THIS_IS_SDPARTA-99.0");
    expect(sdp.direction).toBe("sendrecv");
    expect(sdp.fingerprints).toHaveLength(1);
    expect(sdp.iceOptions).toEqual(["trickle"]);
    expect(sdp.msidSemantic).toEqual({ semantic: "WMS", streams: ["*"] });
  });

  it("mDNS .local host candidates, UDP/TCP upper-case, end-of-candidates, extmap directions", () => {
    const a = section(sdp, "audio");
    expect(a.candidates.length).toBeGreaterThan(0);
    for (const c of a.candidates) expect(c.address).toMatch(/^[0-9a-f-]{36}\.local$/);
    expect(a.candidates.map((c) => c.transport)).toContain("TCP");
    expect(a.endOfCandidates).toBe(true);
    expect(a.extmaps.find((e) => e.id === 2)).toEqual({
      id: 2,
      direction: "recvonly",
      uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level",
    });
    const opus = a.codecs.find((c) => c.name === "opus");
    expect(opus?.parameters).toEqual({ maxplaybackrate: "48000", stereo: "1", useinbandfec: "1" });
    expect(opus?.feedback).toEqual([{ type: "transport-cc" }]);
    expect(a.codecs.find((c) => c.payloadType === 101)?.parameters).toEqual({ "0-15": "" });
    expect(a.codecs.find((c) => c.payloadType === 9)?.channels).toBe(1);
  });
});

describe("GStreamer webrtcbin offer (max-bundle)", () => {
  const sdp = parse(readTextFixture("sdp", "gstreamer-webrtcbin-offer.sdp"));

  it("bundle-only sections with port 0, rtcp-mux-only, upper-case OPUS, unknown a=framerate kept", () => {
    expect(sdp.groups[0]?.mids).toEqual(["audio0", "video1", "application2"]);
    const [a, v, d] = sdp.media;
    expect(a).toMatchObject({ port: 9, bundleOnly: false, rtcpMuxOnly: true });
    expect(v).toMatchObject({ port: 0, bundleOnly: true, rtcpMuxOnly: true });
    expect(d).toMatchObject({ port: 0, bundleOnly: true, sctpPort: 5000 });
    expect(a?.codecs[0]).toMatchObject({
      name: "OPUS",
      parameters: { "sprop-stereo": "0", "sprop-maxcapturerate": "48000" },
    });
    expect(v?.codecs[0]?.feedback.map((f) => f.type)).toEqual(["nack", "ccm", "transport-cc"]);
    expect(v?.attributes).toEqual([{ name: "framerate", value: "30" }]);
    expect(a?.candidates.filter((c) => c.tcpType === "passive").length).toBeGreaterThan(0);
  });
});
