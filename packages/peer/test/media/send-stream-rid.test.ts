import { decodeSdesExtension, findHeaderExtension, RTP_EXTENSION_URI } from "@purertc/rtp";
import { describe, expect, it } from "vitest";
import { defaultCodecs, defaultExtmaps } from "../../src/index.js";
import { SendStream } from "../../src/media/send-stream.js";

const extmaps = defaultExtmaps("video");
const id = (uri: string) => extmaps.find((e) => e.uri === uri)!.id;

function layer(rid: string | undefined) {
  return new SendStream(
    {
      id: 1,
      mid: "0",
      kind: "video",
      ssrc: 0x1000,
      rtxSsrc: 0x2000,
      codecs: defaultCodecs("video"),
      extmaps,
      ...(rid !== undefined ? { rid } : {}),
    },
    100,
  );
}

describe("a simulcast layer's send stream (RFC 8852)", () => {
  it("media packets carry MID and the rid; their RTX carries MID and the repaired rid instead", () => {
    const tx = layer("h");
    const [p] = tx.packetizeFrame(0, Uint8Array.of(0x10, 0, 0, 0x9d, 1, 0x2a), 9000);
    const ext = p!.header.extension;
    expect(decodeSdesExtension(findHeaderExtension(ext, id(RTP_EXTENSION_URI.mid))!)).toBe("0");
    expect(decodeSdesExtension(findHeaderExtension(ext, id(RTP_EXTENSION_URI.rtpStreamId))!)).toBe(
      "h",
    );
    tx.noteSent(0, p!, 100);
    const [rtx] = tx.history.handleNack(100, [p!.header.sequenceNumber]);
    expect(rtx!.header.ssrc).toBe(0x2000);
    const r = tx.repair(100, rtx!).header.extension;
    expect(findHeaderExtension(r, id(RTP_EXTENSION_URI.rtpStreamId))).toBeUndefined();
    expect(
      decodeSdesExtension(findHeaderExtension(r, id(RTP_EXTENSION_URI.repairedRtpStreamId))!),
    ).toBe("h");
    expect(decodeSdesExtension(findHeaderExtension(r, id(RTP_EXTENSION_URI.mid))!)).toBe("0");
  });

  it("without a rid, packets carry no rid and retransmissions are left as they are", () => {
    const tx = layer(undefined);
    const [p] = tx.packetizeFrame(0, Uint8Array.of(0x10, 0, 0, 0x9d, 1, 0x2a), 9000);
    expect(findHeaderExtension(p!.header.extension, id(RTP_EXTENSION_URI.rtpStreamId))).toBe(
      undefined,
    );
    tx.noteSent(0, p!, 100);
    const [rtx] = tx.history.handleNack(100, [p!.header.sequenceNumber]);
    expect(tx.repair(100, rtx!)).toBe(rtx);
  });
});
