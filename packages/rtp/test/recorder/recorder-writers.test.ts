import { toHex } from "@purertc/common";
import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { IvfWriter, OggOpusWriter, readOggPackets, WebmWriter } from "../../src/index.js";
import { readAv1IvfUnits, readIvfFrames } from "../helpers.js";

const av1Ivf = readFixture("rtp", "av1-320x240.ivf");
const units = readAv1IvfUnits(av1Ivf);

describe("recorder byte producers", () => {
  it("WebM AV1 track carries CodecPrivate = av1C (4 bytes + Sequence Header OBU) and the header's size", () => {
    const header = toHex(new WebmWriter([{ codec: "AV1", av1SequenceHeader: units[0]! }]).header());
    // CodecPrivate (63 A2), size 17, then the record FFmpeg writes for this stream.
    expect(header).toContain("63a29181000c000a0b000000043cffbcdaf90040");
    // Video (E0): PixelWidth (B0) 320, PixelHeight (BA) 240.
    expect(header).toContain("e087b0820140ba81f0");
  });

  it("WebM AV1 track without a Sequence Header OBU is refused", () => {
    expect(() => new WebmWriter([{ codec: "AV1", width: 320, height: 240 }]).header()).toThrow(
      RangeError,
    );
    expect(() => new WebmWriter([{ codec: "AV1", av1SequenceHeader: units[1]! }]).header()).toThrow(
      /Sequence Header/,
    );
  });

  it("WebM AV1 blocks drop a leading temporal delimiter (Matroska stores units without it)", () => {
    const w = new WebmWriter([{ codec: "AV1", av1SequenceHeader: units[0]! }]);
    w.header();
    const withTd = readIvfFrames(av1Ivf)[1]!;
    const block = w.frame(0, withTd, 0, false);
    expect(toHex(block.subarray(block.byteLength - units[1]!.byteLength))).toBe(toHex(units[1]!));
    expect(block.byteLength).toBeLessThan(withTd.byteLength + 20);
    expect(toHex(block)).not.toContain(`1200${toHex(units[1]!.subarray(0, 4))}`);
  });

  it("WebM Opus CodecDelay equals the OpusHead pre-skip (Matroska A_OPUS mapping)", () => {
    const h = toHex(new WebmWriter([{ codec: "Opus", channels: 1, preSkip: 312 }]).header());
    // OpusHead: version 1, 1 channel, pre-skip 312 (LE 38 01), 48000 Hz.
    expect(h).toContain(`${toHex(new TextEncoder().encode("OpusHead"))}0101380180bb0000`);
    // CodecDelay (56 AA) = 312 / 48000 s = 6 500 000 ns (0x632EA0).
    expect(h).toContain("56aa83632ea0");
    expect(() => new WebmWriter([{ codec: "Opus", preSkip: 70000 }])).toThrow(RangeError);
  });

  it("IVF AV1 writer takes 320x240 from the sequence header; length = frames × mean interval", () => {
    const w = IvfWriter.forAv1(units[0]!);
    expect([w.width, w.height, w.timebaseDen]).toEqual([320, 240, 90000]);
    expect(() => IvfWriter.forAv1(units[1]!)).toThrow(RangeError);
    const first = w.frame(units[0]!, 0);
    // A temporal delimiter goes in front of each unit: size = 2 + unit.
    expect(new DataView(first.buffer).getUint32(0, true)).toBe(units[0]!.byteLength + 2);
    expect(toHex(first.subarray(12, 14))).toBe("1200");
    for (let i = 1; i < 30; i++) w.frame(units[i]!, i * 3000);
    const { offset, bytes } = w.finish();
    expect(offset).toBe(0);
    // 30 frames 3000 ticks apart last 90 000 ticks (1 s), as FFmpeg's muxer would write.
    expect(new DataView(bytes.buffer).getUint32(24, true)).toBe(90000);
  });

  it("Ogg Opus: pre-skip in OpusHead, one page per packet, granule = samples so far", () => {
    const o = new OggOpusWriter(7, 1, 312);
    const pages = [
      o.headers(),
      o.packet(Uint8Array.of(0xf8, 1), 960),
      o.packet(Uint8Array.of(0xf8, 2), 960, true),
    ];
    const all = new Uint8Array(pages.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of pages) {
      all.set(p, at);
      at += p.byteLength;
    }
    const packets = readOggPackets(all);
    expect(packets.length).toBe(4);
    expect(toHex(packets[0]!.subarray(8, 12))).toBe("01013801");
    const last = pages[2]!;
    expect(new DataView(last.buffer).getBigUint64(6, true)).toBe(1920n);
    expect(last[5]).toBe(0x04);
    expect(() => new OggOpusWriter(7, 3)).toThrow(RangeError);
  });
});
