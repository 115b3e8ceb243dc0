import { DecodeError, fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  Av1Codec,
  decodeVp8Descriptor,
  decodeVp9Descriptor,
  FrameAssembler,
  H264Codec,
  OpusCodec,
  RtpPacketizer,
  SampleAudioCodec,
  Vp8Codec,
} from "../../src/index.js";

const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** An Annex-B access unit: SPS, PPS, and an IDR slice of `idrSize` bytes. */
function h264Au(idrSize: number): Uint8Array {
  const idr = bytes(idrSize, 7);
  idr[0] = 0x65;
  return Uint8Array.from([
    0,
    0,
    0,
    1,
    0x67,
    0x42,
    0xc0,
    0x1e,
    0,
    0,
    1,
    0x68,
    0xce,
    0x3c,
    0x80,
    0,
    0,
    0,
    1,
    ...idr,
  ]);
}

describe("H.264 (RFC 6184)", () => {
  it("§5.7.1 mode 1 aggregates SPS+PPS into a STAP-A and §5.8 fragments the IDR with FU-A", () => {
    const codec = new H264Codec();
    const payloads = codec.packetize(h264Au(2500), 1000);
    expect(payloads[0]![0]! & 0x1f).toBe(24);
    expect(toHex(payloads[0]!.subarray(0, 4))).toBe("78000467");
    expect(payloads.slice(1).map((p) => [p[0]! & 0x1f, p[1]! & 0xe0])).toEqual([
      [28, 0x80],
      [28, 0],
      [28, 0x40],
    ]);
    for (const p of payloads) expect(p.byteLength).toBeLessThanOrEqual(1000);
    const out = codec.depacketize(payloads);
    const idr = toHex(h264Au(2500)).split("00000001").at(-1);
    expect(toHex(out)).toBe(`000000016742c01e0000000168ce3c8000000001${idr}`);
    expect(payloads.some((p) => codec.isKeyframe(p))).toBe(true);
  });

  it("§6.2 mode 0 sends single NAL units and refuses to fragment", () => {
    const codec = new H264Codec({ packetizationMode: 0 });
    expect(codec.packetize(h264Au(500), 1000).map((p) => p[0]! & 0x1f)).toEqual([7, 8, 5]);
    expect(() => codec.packetize(h264Au(2000), 1000)).toThrow(RangeError);
  });

  it("rejects FU-A fragments with a missing start or end, and STAP-B", () => {
    const codec = new H264Codec();
    const p = codec.packetize(h264Au(2500), 1000);
    expect(() => codec.depacketize([p[0]!, p[2]!, p[3]!])).toThrow(DecodeError);
    expect(() => codec.depacketize([p[0]!, p[1]!, p[2]!])).toThrow(DecodeError);
    expect(() => codec.depacketize([fromHex("19000102")])).toThrow(/unsupported-nal/);
  });
});

describe("VP8 (RFC 7741)", () => {
  it("§4.2 descriptor with X, I (M=1), L, T and K", () => {
    const d = decodeVp8Descriptor(fromHex("90 f0 8123 05 6a 00"));
    expect(d).toMatchObject({
      partitionStart: true,
      partitionId: 0,
      pictureId: 0x123,
      tl0PicIdx: 5,
      temporalId: 1,
      layerSync: true,
      keyIdx: 10,
      descriptorLength: 6,
    });
    expect(() => decodeVp8Descriptor(fromHex("90 80"))).toThrow(DecodeError);
  });

  it("picture ID increments per frame and the S bit marks the first packet", () => {
    const codec = new Vp8Codec({ pictureId: 0x7fff });
    const a = codec.packetize(bytes(50), 30);
    const b = codec.packetize(bytes(10), 30);
    expect(a.map((p) => decodeVp8Descriptor(p).partitionStart)).toEqual([true, false]);
    expect(decodeVp8Descriptor(a[0]!).pictureId).toBe(0x7fff);
    expect(decodeVp8Descriptor(b[0]!).pictureId).toBe(0);
  });
});

describe("VP9 (RFC 9628)", () => {
  it("§4.2 flexible-mode descriptor with P_DIFFs and a scalability structure", () => {
    const d = decodeVp9Descriptor(fromHex("da 8001 03 04 10 0140 00f0 aa"));
    expect(d).toMatchObject({
      flexible: true,
      interPicture: true,
      beginOfFrame: true,
      pictureId: 1,
      pDiffs: [1, 2],
      resolutions: [{ width: 320, height: 240 }],
      descriptorLength: 10,
    });
  });
});

describe("AV1 RTP payload format", () => {
  // Temporal delimiter, sequence header (type 1), frame OBU (type 6) with extension header.
  const frameObu = bytes(700, 3);
  const tu = Uint8Array.from([
    0x12,
    0x00,
    0x0a,
    0x03,
    1,
    2,
    3,
    0x36,
    0x28,
    0xbc,
    0x05,
    ...frameObu,
  ]);

  it("drops temporal delimiters, sets N on a new sequence, fragments with Y/Z and rebuilds the OBUs", () => {
    const codec = new Av1Codec();
    const payloads = codec.packetize(tu, 300);
    for (const p of payloads) expect(p.byteLength).toBeLessThanOrEqual(300);
    expect(payloads.map((p) => p[0]! & 0xc8)).toEqual([0x48, 0xc0, 0x80]);
    expect(codec.isKeyframe(payloads[0]!)).toBe(true);
    expect(toHex(codec.depacketize(payloads))).toBe(toHex(tu.subarray(2)));
    expect(() => codec.depacketize(payloads.slice(1))).toThrow(/bad-fragment/);
    expect(() => codec.depacketize(payloads.slice(0, 2))).toThrow(/bad-fragment/);
  });

  it("reads W-counted elements whose last element has no length", () => {
    // W=2: first element sized (2 bytes), second takes the rest.
    const out = new Av1Codec().depacketize([fromHex("20 02 0a01 3001")]);
    expect(toHex(out)).toBe("0a0101" + "320101");
  });
});

describe("audio payloads", () => {
  it("RFC 7587: one Opus packet per payload, never split", () => {
    const codec = new OpusCodec();
    expect(codec.packetize(bytes(100), 1000)).toHaveLength(1);
    expect(() => codec.packetize(bytes(100), 50)).toThrow(RangeError);
  });

  it("RFC 3551: G.711 frames split over packets advance the timestamp by one per byte", () => {
    const pk = new RtpPacketizer(new SampleAudioCodec("PCMU"), {
      ssrc: 1,
      payloadType: 0,
      mtu: 112,
    });
    const packets = pk.packetize(bytes(250), 1000);
    expect(packets.map((p) => [p.header.timestamp, p.payload.byteLength, p.header.marker])).toEqual(
      [
        [1000, 100, false],
        [1100, 100, false],
        [1200, 50, false],
      ],
    );
  });
});

describe("RtpPacketizer + FrameAssembler", () => {
  it("marks the last packet of a video frame, respects the MTU and drops frames with a gap", () => {
    const pk = new RtpPacketizer(new Vp8Codec(), {
      ssrc: 9,
      payloadType: 96,
      sequenceNumber: 65534,
      mtu: 100,
    });
    const f1 = pk.packetize(bytes(300), 3000);
    const f2 = pk.packetize(bytes(300, 2), 6000);
    expect(f1.map((p) => p.header.marker)).toEqual([false, false, false, true]);
    expect(f1.map((p) => p.header.sequenceNumber)).toEqual([65534, 65535, 0, 1]);
    const asm = new FrameAssembler(new Vp8Codec());
    const got = [...f1, ...f2.filter((_, i) => i !== 1)]
      .map((p) => asm.push(p))
      .filter((f) => f !== undefined);
    expect(got).toHaveLength(1);
    expect(toHex(got[0]!.data)).toBe(toHex(bytes(300)));
    expect(asm.stats()).toEqual({ framesAssembled: 1, framesDropped: 1 });
  });
});
