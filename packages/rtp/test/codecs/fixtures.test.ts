import { toHex } from "@purertc/common";
import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import {
  type AssembledFrame,
  Av1Codec,
  decodeRtpPacket,
  encodeRtpPacket,
  FrameAssembler,
  H264_NAL_AUD,
  H264Codec,
  type PayloadCodec,
  RtpPacketizer,
  splitAnnexB,
  Vp8Codec,
  Vp9Codec,
} from "../../src/index.js";
import { readAv1IvfUnits, readIvfFrames, readRfc4571 } from "../helpers.js";

function assemble(codec: PayloadCodec, stream: string) {
  const asm = new FrameAssembler(codec);
  const frames = [];
  for (const p of readRfc4571(readFixture("rtp", stream))) {
    const f = asm.push(p);
    if (f) frames.push(f);
  }
  expect(asm.stats().framesDropped).toBe(0);
  return frames;
}

function nalUnits(au: Uint8Array): string[] {
  return splitAnnexB(au)
    .filter((n) => (n[0]! & 0x1f) !== H264_NAL_AUD)
    .map((n) => toHex(n));
}

describe("depacketizing third-party RTP (GStreamer) rebuilds the encoder's frames", () => {
  it("VP8 from rtpvp8pay equals the vp8enc IVF frames, keyframes at 0 and 15", () => {
    const expected = readIvfFrames(readFixture("rtp", "vp8-320x240.ivf"));
    const frames = assemble(new Vp8Codec(), "vp8-320x240.rtpstream");
    expect(frames.length).toBe(expected.length);
    frames.forEach((f, i) => {
      expect(toHex(f.data)).toBe(toHex(expected[i]!));
    });
    expect(frames.flatMap((f, i) => (f.keyframe ? [i] : []))).toEqual([0, 15]);
  });

  it("VP9 from rtpvp9pay equals the vp9enc IVF frames", () => {
    const expected = readIvfFrames(readFixture("rtp", "vp9-320x240.ivf"));
    const frames = assemble(new Vp9Codec(), "vp9-320x240.rtpstream");
    expect(frames.length).toBe(expected.length);
    frames.forEach((f, i) => {
      expect(toHex(f.data)).toBe(toHex(expected[i]!));
    });
    expect(frames[0]!.keyframe).toBe(true);
    expect(frames[1]!.keyframe).toBe(false);
  });

  it("the VP9 fixture is profile 0 (8-bit 4:2:0), the profile-id=0 we announce", () => {
    // VP9 bitstream §6.2 uncompressed_header: frame_marker f(2), profile_low_bit, profile_high_bit.
    const first = readIvfFrames(readFixture("rtp", "vp9-320x240.ivf"))[0]![0]!;
    expect(first >> 6).toBe(0b10);
    expect((((first >> 4) & 1) << 1) | ((first >> 5) & 1)).toBe(0);
  });

  it("H.264 from rtph264pay (STAP-A, FU-A) has the x264 access units' NAL units", () => {
    const es = readFixture("rtp", "h264-320x240.h264");
    // The elementary stream has an access unit delimiter before each access unit.
    const aus: string[][] = [];
    for (const nal of splitAnnexB(es)) {
      if ((nal[0]! & 0x1f) === H264_NAL_AUD) aus.push([]);
      else aus.at(-1)!.push(toHex(nal));
    }
    const frames = assemble(new H264Codec(), "h264-320x240.rtpstream");
    expect(frames.length).toBe(aus.length);
    frames.forEach((f, i) => {
      expect(nalUnits(f.data)).toEqual(aus[i]);
    });
    expect(frames[0]!.keyframe).toBe(true);
    expect(frames[1]!.keyframe).toBe(false);
  });

  it("our packetizers round-trip the same frames through our depacketizers", () => {
    const cases: [PayloadCodec, Uint8Array[]][] = [
      [new Vp8Codec(), readIvfFrames(readFixture("rtp", "vp8-320x240.ivf"))],
      [
        new Vp9Codec({ width: 320, height: 240 }),
        readIvfFrames(readFixture("rtp", "vp9-320x240.ivf")),
      ],
      [new Vp9Codec({ flexible: true }), readIvfFrames(readFixture("rtp", "vp9-320x240.ivf"))],
    ];
    for (const [codec, frames] of cases) {
      for (const frame of frames) {
        const payloads = codec.packetize(frame, 300);
        for (const p of payloads) expect(p.byteLength).toBeLessThanOrEqual(300);
        expect(toHex(codec.depacketize(payloads))).toBe(toHex(frame));
      }
    }
  });

  it("AV1 (libaom, FFmpeg 5.1): RTP packetizer → wire → assembler rebuilds every temporal unit, keyframes at 0 and 15", () => {
    const units = readAv1IvfUnits(readFixture("rtp", "av1-320x240.ivf"));
    expect(units.length).toBe(30);
    for (const mtu of [1200, 300]) {
      const packetizer = new RtpPacketizer(new Av1Codec(), {
        ssrc: 0x4444,
        payloadType: 45,
        mtu,
        sequenceNumber: 65500,
      });
      const asm = new FrameAssembler(new Av1Codec());
      const frames: AssembledFrame[] = [];
      let packets = 0;
      units.forEach((tu, i) => {
        for (const p of packetizer.packetize(tu, i * 3000)) {
          const wire = encodeRtpPacket(p);
          expect(wire.byteLength).toBeLessThanOrEqual(mtu);
          packets++;
          const f = asm.push(decodeRtpPacket(wire));
          if (f) frames.push(f);
        }
      });
      expect(packets, `mtu ${mtu}`).toBeGreaterThan(units.length);
      expect(asm.stats().framesDropped).toBe(0);
      expect(frames.map((f) => toHex(f.data))).toEqual(units.map((u) => toHex(u)));
      expect(frames.flatMap((f, i) => (f.keyframe ? [i] : []))).toEqual([0, 15]);
    }
  });
});
