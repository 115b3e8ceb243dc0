import { concatBytes, DecodeError } from "@purertc/common";
import { readFixture } from "@purertc/testkit/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IvfWriter, OggOpusWriter, readIvf, readOggOpus } from "../../src/index.js";

const onlyDecodeErrors = (read: (b: Uint8Array) => unknown) => (b: Uint8Array) => {
  try {
    read(b);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
};

describe("readIvf", () => {
  it("reads the GStreamer VP8 fixture: VP80, 320x240, 30 frames, the first a keyframe", () => {
    const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
    expect([ivf.fourcc, ivf.width, ivf.height, ivf.frames.length]).toEqual(["VP80", 320, 240, 30]);
    // VP8 frame tag bit 0 = 0 for a keyframe (RFC 6386 §9.1), then the start code 9d 01 2a.
    expect(ivf.frames[0]!.data[0]! & 1).toBe(0);
    expect([...ivf.frames[0]!.data.subarray(3, 6)]).toEqual([0x9d, 0x01, 0x2a]);
  });

  it("round-trips what IvfWriter writes (frames, timestamps, size)", () => {
    const w = new IvfWriter("VP9", 640, 360);
    const frames = [new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7), new Uint8Array(0)];
    const body = frames.map((f, i) => w.frame(f, i * 3000));
    const file = concatBytes(w.finish().bytes, ...body);
    const ivf = readIvf(file);
    expect([ivf.fourcc, ivf.width, ivf.height, ivf.timebaseDen]).toEqual(["VP90", 640, 360, 90000]);
    expect(ivf.frames.map((f) => [f.pts, [...f.data]])).toEqual(
      frames.map((f, i) => [i * 3000, [...f]]),
    );
  });

  it("refuses a bad signature and truncated frames with DecodeError", () => {
    const file = readFixture("rtp", "vp8-320x240.ivf");
    expect(() => readIvf(file.subarray(0, 20))).toThrow(DecodeError);
    expect(() => readIvf(file.subarray(0, file.byteLength - 1))).toThrow(/truncated-frame/);
    const bad = file.slice();
    bad[0] = 0x41;
    expect(() => readIvf(bad)).toThrow(/bad-signature/);
  });

  it("throws nothing but DecodeError on arbitrary bytes (fast-check)", () => {
    const head = readFixture("rtp", "vp8-320x240.ivf").subarray(0, 32);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        onlyDecodeErrors(readIvf)(concatBytes(head, tail));
        onlyDecodeErrors(readIvf)(tail);
      }),
    );
  });
});

describe("readOggOpus", () => {
  it("reads the ffmpeg Opus fixture: OpusHead fields and 20 ms packets", () => {
    const ogg = readOggOpus(readFixture("rtp", "opus-48k-1s.ogg"));
    expect(ogg.inputSampleRate).toBe(48000);
    expect(ogg.channels).toBeGreaterThanOrEqual(1);
    // 1 s of 20 ms packets (the fixture's provenance), none empty.
    expect(ogg.packets.length).toBeGreaterThanOrEqual(49);
    expect(ogg.packets.length).toBeLessThanOrEqual(51);
    expect(ogg.packets.every((p) => p.byteLength > 0)).toBe(true);
  });

  it("round-trips OggOpusWriter output, packets spanning several 255-byte segments included", () => {
    const w = new OggOpusWriter(7, 1, 312);
    const packets = [new Uint8Array(10).fill(1), new Uint8Array(600).fill(2), new Uint8Array(255)];
    const file = concatBytes(w.headers(), ...packets.map((p) => w.packet(p, 960)));
    const ogg = readOggOpus(file);
    expect([ogg.channels, ogg.preSkip]).toEqual([1, 312]);
    expect(ogg.packets.map((p) => [...p])).toEqual(packets.map((p) => [...p]));
  });

  it("refuses a file without OpusHead and throws nothing but DecodeError on garbage", () => {
    expect(() => readOggOpus(new Uint8Array(0))).toThrow(/no-opus-head/);
    const head = readFixture("rtp", "opus-48k-1s.ogg").subarray(0, 100);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        onlyDecodeErrors(readOggOpus)(concatBytes(head, tail));
        onlyDecodeErrors(readOggOpus)(tail);
      }),
    );
  });
});
