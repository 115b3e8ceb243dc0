import type { MediaSection } from "@purertc/sdp";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MEDIA_SESSION_CONFIG,
  rtcpIntervalInput,
} from "../../src/media/media-session-config.js";
import type { ReceiveStream } from "../../src/media/receive-stream.js";
import type { SendStream } from "../../src/media/send-stream.js";
import { sectionBandwidth } from "../../src/node/media/negotiated-streams.js";

const section = (bandwidths: { type: string; value: number }[]) =>
  ({ bandwidths }) as unknown as MediaSection;

describe("RTCP session bandwidth (RFC 3550 §6.2, RFC 3556 §2)", () => {
  it("b=TIAS (bits/s) wins over b=AS (kbit/s); the larger of the two descriptions counts", () => {
    expect(sectionBandwidth(section([]), section([]))).toBeUndefined();
    expect(sectionBandwidth(section([{ type: "AS", value: 500 }]))).toBe(500_000);
    expect(
      sectionBandwidth(
        section([
          { type: "AS", value: 500 },
          { type: "TIAS", value: 300_000 },
        ]),
      ),
    ).toBe(300_000);
    expect(
      sectionBandwidth(section([{ type: "AS", value: 64 }]), section([{ type: "AS", value: 128 }])),
    ).toBe(128_000);
  });

  it("sections sum: a b= figure replaces its streams', else maxBitrate, else the kind default", () => {
    const tx = (mid: string, kind: string, extra: object = {}) =>
      ({ config: { mid, kind, ...extra }, sentAny: true, lastRtpAt: 5 }) as unknown as SendStream;
    const rx = (mid: string, kind: string, extra: object = {}) =>
      ({
        config: { mid, kind, ...extra },
        mediaSsrc: 1,
        lastPacketReceivedAt: 5,
      }) as unknown as ReceiveStream;
    const cfg = DEFAULT_MEDIA_SESSION_CONFIG;
    const input = rtcpIntervalInput(
      cfg,
      [tx("0", "video", { bandwidthBps: 300_000 }), tx("1", "audio"), tx("2", "video")],
      [
        rx("0", "video"),
        rx("1", "audio", { sectionBandwidthBps: 100_000 }),
        rx("2", "video", { bandwidthBps: 50_000 }),
      ],
      0,
    );
    // mid 0: 300k + 2M default; mid 1: the section's 100k; mid 2: 2M + 50k.
    expect(input.sessionBandwidthBps).toBe(300_000 + 2_000_000 + 100_000 + 2_050_000);
    expect(input).toMatchObject({ members: 6, senders: 6, weSent: true });
    // Nothing sent since the second-last report: no senders (§6.3.8).
    expect(rtcpIntervalInput(cfg, [tx("0", "video")], [rx("0", "video")], 10)).toMatchObject({
      senders: 0,
      weSent: false,
    });
  });
});
