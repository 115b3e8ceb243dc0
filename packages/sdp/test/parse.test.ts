import { DecodeError } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { parse, SdpDecodeError, serialize } from "../src/index.js";

const HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

function errorOf(text: string): SdpDecodeError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof SdpDecodeError) return e;
    throw e;
  }
  throw new Error("parse did not throw");
}

describe("parse errors carry the line number (RFC 8866 §5 grammar)", () => {
  it.each([
    ["not type=value", `${HEAD}hello\r\n`, 5, "bad-line"],
    ["upper-case type", `${HEAD}A=x\r\n`, 5, "bad-line"],
    ["first line not v=", "o=- 1 2 IN IP4 0.0.0.0\r\n", 1, "missing-version"],
    ["no o= line", "v=0\r\ns=-\r\n", 2, "missing-origin"],
    ["bad m= port", `${HEAD}m=audio 99999 RTP/AVP 0\r\n`, 5, "bad-media-line"],
    ["non-numeric payload type", `${HEAD}m=audio 9 RTP/AVP opus\r\n`, 5, "bad-format"],
    ["bad rtpmap", `${HEAD}m=audio 9 RTP/AVP 96\r\na=rtpmap:96 opus\r\n`, 6, "bad-rtpmap"],
    ["bad candidate", `${HEAD}m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp\r\n`, 6, "bad-candidate"],
    ["bad setup", `${HEAD}m=audio 9 RTP/AVP 0\r\na=setup:maybe\r\n`, 6, "bad-setup"],
    [
      "bad sctp-port",
      `${HEAD}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:x\r\n`,
      6,
      "bad-number",
    ],
  ])("%s", (_, text, line, code) => {
    const e = errorOf(text);
    expect(e).toBeInstanceOf(DecodeError);
    expect(e.layer).toBe("sdp");
    expect(e.code).toBe(code);
    expect(e.line).toBe(line);
    expect(e.message).toContain(`line ${line}`);
  });

  it("offset is the start of the offending line", () => {
    const text = `${HEAD}hello\r\n`;
    expect(errorOf(text).offset).toBe(HEAD.length);
  });
});

describe("leniency that costs nothing", () => {
  it("accepts \\n-only input and writes \\n back", () => {
    const t = `${HEAD}m=audio 9 RTP/AVP 0\r\n`.replaceAll("\r\n", "\n");
    const sdp = parse(t);
    expect(sdp.lineEnding).toBe("\n");
    expect(serialize(sdp)).toBe(t);
  });

  it("a missing final line terminator is added; blank lines are dropped", () => {
    expect(serialize(parse(`${HEAD}a=x`))).toBe(`${HEAD}a=x\r\n`);
    expect(serialize(parse(`${HEAD}\r\na=x\r\n`))).toBe(`${HEAD}a=x\r\n`);
  });

  it("rtpmap/fmtp/rtcp-fb for a payload type not on the m-line, and duplicates, stay generic attributes", () => {
    const t = `${HEAD}m=audio 9 RTP/AVP 0\r\na=rtpmap:96 opus/48000/2\r\na=mid:a\r\na=mid:b\r\na=rtcp-fb:* nack\r\n`;
    const sdp = parse(t);
    const m = sdp.media[0]!;
    expect(m.codecs.map((c) => c.name)).toEqual(["PCMU"]);
    expect(m.mid).toBe("a");
    expect(m.attributes.map((a) => a.name)).toEqual(["rtpmap", "mid", "rtcp-fb"]);
    expect(serialize(sdp)).toBe(t);
  });

  it("a=rtcp-fb with trailing spaces (Pion 3: `nack `) has no parameter, and round-trips byte for byte", () => {
    const t = `${HEAD}m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack \r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 transport-cc  \r\n`;
    const sdp = parse(t);
    expect(sdp.media[0]!.codecs[0]!.feedback).toEqual([
      { type: "nack", parameter: undefined },
      { type: "nack", parameter: "pli" },
      { type: "transport-cc", parameter: undefined },
    ]);
    expect(serialize(sdp)).toBe(t);
  });

  it("typed media attributes at session level are kept as generic session attributes", () => {
    const t = `${HEAD}a=mid:0\r\na=candidate:1 1 udp 1 192.0.2.1 1 typ host\r\n`;
    const sdp = parse(t);
    expect(sdp.attributes.map((a) => a.name)).toEqual(["mid", "candidate"]);
    expect(serialize(sdp)).toBe(t);
  });

  it("r=, z=, k=, i=, u=, e=, p= and unknown letters are kept as otherLines in order", () => {
    const t =
      "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\ni=info\r\nu=http://x\r\ne=a@b\r\np=+1\r\nt=0 0\r\nr=7d 1h 0 25h\r\nz=0 0\r\nk=prompt\r\ny=9\r\n";
    const sdp = parse(t);
    expect(sdp.otherLines.map((l) => l.type).join("")).toBe("iueprzky");
    expect(serialize(sdp)).toBe(t);
  });
});
