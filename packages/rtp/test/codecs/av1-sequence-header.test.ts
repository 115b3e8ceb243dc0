import { fromHex, isDecodeError, toHex } from "@purertc/common";
import { readFixture } from "@purertc/testkit/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeAv1SequenceHeader,
  encodeAv1CodecConfigurationRecord,
  findAv1SequenceHeader,
} from "../../src/index.js";
import { readIvfFrames } from "../helpers.js";

const frames = readIvfFrames(readFixture("rtp", "av1-320x240.ivf"));

describe("AV1 Sequence Header OBU and av1C", () => {
  it("libaom keyframe: Main profile, level 0, 320x240, 4:2:0, no film grain", () => {
    const seq = findAv1SequenceHeader(frames[0]!);
    expect(seq?.header).toEqual({
      seqProfile: 0,
      stillPicture: false,
      reducedStillPictureHeader: false,
      seqLevelIdx0: 0,
      seqTier0: 0,
      maxFrameWidth: 320,
      maxFrameHeight: 240,
      highBitdepth: false,
      twelveBit: false,
      monochrome: false,
      subsamplingX: 1,
      subsamplingY: 1,
      chromaSamplePosition: 0,
      filmGrainParamsPresent: false,
    });
  });

  it("av1C equals the CodecPrivate FFmpeg 5.1's Matroska muxer writes for the same stream", () => {
    // `ffmpeg -i av1-320x240.ivf -c copy out.webm`, CodecPrivate element (63 A2) body.
    const seq = findAv1SequenceHeader(frames[0]!)!;
    expect(toHex(encodeAv1CodecConfigurationRecord(seq))).toBe(
      "81000c000a0b000000043cffbcdaf90040",
    );
  });

  it("only keyframes of the fixture carry a sequence header (temporal units 0 and 15)", () => {
    const withSeq = frames.flatMap((f, i) => (findAv1SequenceHeader(f) ? [i] : []));
    expect(withSeq).toEqual([0, 15]);
  });

  it("a sequence header OBU without obu_has_size_field is stored with one in configOBUs", () => {
    // Header 0x08 (type 1, no size field, so it runs to the end of the unit).
    const sized = findAv1SequenceHeader(frames[0]!)!.obu;
    const unsized = Uint8Array.from([0x08, ...sized.subarray(2)]);
    const seq = findAv1SequenceHeader(unsized)!;
    expect(toHex(seq.obu)).toBe(toHex(sized));
    expect(seq.header.maxFrameWidth).toBe(320);
  });

  it("reduced still picture header (libaom av1_config_test vector): 352x288 by hand", () => {
    // 0x18 = seq_profile 0, still_picture 1, reduced_still_picture_header 1; level 0; then
    // 9-bit width 351 and height 287 (each minus 1).
    const h = decodeAv1SequenceHeader(fromHex("18222bf1fec020"));
    expect(h).toMatchObject({
      seqProfile: 0,
      stillPicture: true,
      reducedStillPictureHeader: true,
      seqLevelIdx0: 0,
      maxFrameWidth: 352,
      maxFrameHeight: 288,
    });
  });

  it("a truncated sequence header throws DecodeError", () => {
    const payload = findAv1SequenceHeader(frames[0]!)!.obu.subarray(2);
    for (let n = 0; n < 6; n++) {
      expect(() => decodeAv1SequenceHeader(payload.subarray(0, n))).toThrow(/truncated/);
    }
  });

  it("arbitrary bytes: only DecodeError escapes the parsers", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        for (const f of [decodeAv1SequenceHeader, findAv1SequenceHeader]) {
          try {
            f(b);
          } catch (e) {
            if (!isDecodeError(e)) throw e;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
