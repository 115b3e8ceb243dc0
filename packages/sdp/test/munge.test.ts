import { readTextFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { parse, parseCandidate, serialize } from "../src/index.js";

const CHROME = readTextFixture("sdp", "chromium-av-data-offer.sdp");
const FIREFOX = readTextFixture("sdp", "firefox-av-data-offer.sdp");

/** Lines of b that are not in a, and of a not in b (multiset difference, order-insensitive). */
function diff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split("\r\n");
  const b = after.split("\r\n");
  const removed = a.filter((l) => !b.includes(l));
  const added = b.filter((l) => !a.includes(l));
  return { removed, added };
}

describe("munging: change the model, everything else stays byte-identical", () => {
  it("removing a codec drops its rtpmap/rtcp-fb/fmtp lines and its m-line payload type only", () => {
    const sdp = parse(CHROME);
    const video = sdp.media[1]!;
    video.codecs = video.codecs.filter((c) => c.payloadType !== 96 && c.payloadType !== 97);
    const out = serialize(sdp);
    const { removed, added } = diff(CHROME, out);
    expect(removed.filter((l) => !l.startsWith("m=video"))).toEqual([
      "a=rtpmap:96 VP8/90000",
      "a=rtcp-fb:96 goog-remb",
      "a=rtcp-fb:96 transport-cc",
      "a=rtcp-fb:96 ccm fir",
      "a=rtcp-fb:96 nack",
      "a=rtcp-fb:96 nack pli",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
    ]);
    expect(added).toEqual([
      "m=video 37089 UDP/TLS/RTP/SAVPF 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 119 120",
    ]);
  });

  it("reordering codecs changes only the m-line (preference order)", () => {
    const sdp = parse(CHROME);
    const audio = sdp.media[0]!;
    audio.codecs.reverse();
    const { removed, added } = diff(CHROME, serialize(sdp));
    expect(removed).toEqual(["m=audio 34549 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126"]);
    expect(added).toEqual(["m=audio 34549 UDP/TLS/RTP/SAVPF 126 110 13 8 0 9 63 111"]);
  });

  it("editing an fmtp parameter in place rewrites that fmtp line only", () => {
    const sdp = parse(CHROME);
    const opus = sdp.media[0]!.codecs[0]!;
    opus.parameters.stereo = "1";
    opus.parameters.maxaveragebitrate = "128000";
    const out = serialize(sdp);
    expect(diff(CHROME, out)).toEqual({
      removed: ["a=fmtp:111 minptime=10;useinbandfec=1"],
      added: ["a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;maxaveragebitrate=128000"],
    });
    expect(out.indexOf("a=fmtp:111 ")).toBe(CHROME.indexOf("a=fmtp:111 "));
  });

  it("a spread copy of a codec keeps its lines in place (codecs match by payload type)", () => {
    const sdp = parse(CHROME);
    const a = sdp.media[0]!;
    a.codecs = a.codecs.map((c) =>
      c.name === "opus" ? { ...c, feedback: [...c.feedback, { type: "nack" }] } : c,
    );
    const out = serialize(sdp);
    expect(diff(CHROME, out)).toEqual({ removed: [], added: ["a=rtcp-fb:111 nack"] });
  });

  it("a new codec goes after the last codec line of its section", () => {
    const sdp = parse(CHROME);
    sdp.media[0]!.codecs.push({
      payloadType: 100,
      name: "L16",
      clockRate: 48000,
      channels: 2,
      parameters: { x: "1" },
      feedback: [],
    });
    const out = serialize(sdp).split("\r\n");
    const i = out.indexOf("a=rtpmap:100 L16/48000/2");
    expect(out[i - 1]).toBe("a=rtpmap:126 telephone-event/8000");
    expect(out[i + 1]).toBe("a=fmtp:100 x=1");
    expect(out.find((l) => l.startsWith("m=audio"))?.endsWith(" 126 100")).toBe(true);
  });

  it("direction, ufrag and setup changes rewrite one line each, in place", () => {
    const sdp = parse(FIREFOX);
    const m = sdp.media[0]!;
    m.direction = "recvonly";
    m.iceUfrag = "abcd";
    m.setup = "passive";
    const out = serialize(sdp);
    const before = FIREFOX.split("\r\n");
    const after = out.split("\r\n");
    expect(after).toHaveLength(before.length);
    const changed = after.map((l, i) => [before[i], l]).filter(([x, y]) => x !== y);
    expect(changed.map(([, y]) => y)).toEqual([
      "a=recvonly",
      "a=ice-ufrag:abcd",
      "a=setup:passive",
    ]);
  });

  it("removing all candidates and adding one trickled candidate", () => {
    const sdp = parse(CHROME);
    const d = sdp.media[2]!;
    d.candidates = [
      parseCandidate("candidate:1 1 udp 2122260223 192.0.2.9 50000 typ host generation 0"),
    ];
    const out = serialize(sdp).split("\r\n");
    const start = out.findIndex((l) => l.startsWith("m=application"));
    expect(out.slice(start, start + 4)).toEqual([
      "m=application 47254 UDP/DTLS/SCTP webrtc-datachannel",
      "c=IN IP4 127.0.0.1",
      "a=candidate:1 1 udp 2122260223 192.0.2.9 50000 typ host generation 0",
      "a=ice-ufrag:L4re",
    ]);
  });

  it("deleting a section attribute and adding unknown ones keeps the rest", () => {
    const sdp = parse(CHROME);
    const a = sdp.media[0]!;
    a.attributes = [];
    a.attributes.push({ name: "x-custom", value: "1" });
    a.bandwidths.push({ type: "AS", value: 64 });
    sdp.extmapAllowMixed = false;
    const out = serialize(sdp);
    const { removed, added } = diff(CHROME, out);
    expect(removed).toEqual(["a=extmap-allow-mixed"]);
    const count = (t: string) => t.split("a=rtcp-xr:rcvr-rtt=all").length - 1;
    expect(count(out)).toBe(count(CHROME) - 1);
    expect(added.sort()).toEqual(["a=x-custom:1", "b=AS:64"]);
    const lines = out.split("\r\n");
    expect(lines[lines.indexOf("b=AS:64") - 1]).toBe("c=IN IP4 127.0.0.1");
  });

  it("a spread copy of a section (immutable style) keeps the layout", () => {
    const sdp = parse(CHROME);
    sdp.media = sdp.media.map((m) =>
      m.kind === "video" ? { ...m, direction: "inactive" as const } : m,
    );
    const before = CHROME.split("\r\n");
    const after = serialize(sdp).split("\r\n");
    const changed = after.map((l, i) => [before[i], l]).filter(([x, y]) => x !== y);
    expect(changed).toEqual([["a=sendrecv", "a=inactive"]]);
  });

  it("removing a media section and its BUNDLE tag", () => {
    const sdp = parse(CHROME);
    sdp.media.splice(2, 1);
    sdp.groups[0]!.mids.pop();
    const out = serialize(sdp);
    expect(out).toContain("a=group:BUNDLE 0 1\r\n");
    expect(out).not.toContain("m=application");
    expect(out.startsWith(CHROME.slice(0, CHROME.indexOf("a=group")))).toBe(true);
  });

  it("an unchanged line with unusual spacing is kept raw, but re-rendered once changed", () => {
    const text =
      "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=fmtp:0 a=1; b=2\r\n";
    const sdp = parse(text);
    expect(serialize(sdp)).toBe(text);
    sdp.media[0]!.codecs[0]!.parameters.b = "3";
    expect(serialize(sdp)).toBe(text.replace("a=1; b=2", "a=1;b=3"));
  });
});
