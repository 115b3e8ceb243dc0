import { describe, expect, it } from "vitest";
import { mimeTypeOf, toRtcCodec } from "../../src/media/codecs.js";

describe("W3C mimeType of negotiated codecs", () => {
  it("RFC 4855 §3: a remote OPUS (werift's spelling) reads as audio/opus, VP8 stays video/VP8", () => {
    expect(mimeTypeOf("audio", "OPUS")).toBe("audio/opus");
    expect(mimeTypeOf("video", "vp8")).toBe("video/VP8");
    const opus = {
      payloadType: 111,
      name: "OPUS",
      clockRate: 48000,
      channels: 2,
      parameters: {},
      feedback: [],
    };
    expect(toRtcCodec("audio", opus).mimeType).toBe("audio/opus");
  });

  it("a codec we do not know keeps the remote spelling", () => {
    expect(mimeTypeOf("video", "H265")).toBe("video/H265");
  });
});
