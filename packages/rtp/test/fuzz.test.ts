import { DecodeError, isDecodeError } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as rtp from "../src/index.js";

/** Runs `decode` on arbitrary bytes: it may succeed or throw DecodeError, nothing else. */
function onlyDecodeError(decode: (b: Uint8Array) => unknown): void {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try {
        decode(b);
      } catch (e) {
        if (!isDecodeError(e)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
}

/** Arbitrary bytes that start like RTP version 2 (so decoders go past the version check). */
const rtpLike = fc.uint8Array({ minLength: 12, maxLength: 120 }).map((b) => {
  b[0] = 0x80 | (b[0]! & 0x3f);
  return b;
});

const headerArb = fc.record({
  padding: fc.constant(false),
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  extension: fc.option(
    fc
      .array(
        fc.record({ id: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ maxLength: 20 }) }),
        {
          maxLength: 4,
        },
      )
      .map((els) => rtp.buildExtensionBlock(els)),
    { nil: undefined },
  ),
});

describe("fuzz: RTP decoders throw only DecodeError", () => {
  it("decodeRtpPacket / rtpHeaderLength on arbitrary bytes", () => {
    onlyDecodeError(rtp.decodeRtpPacket);
    onlyDecodeError(rtp.rtpHeaderLength);
    fc.assert(
      fc.property(rtpLike, (b) => {
        try {
          const p = rtp.decodeRtpPacket(b);
          expect(rtp.rtpHeaderLength(b)).toBe(p.header.headerLength);
          rtp.readHeaderExtensions(p.header.extension);
          rtp.findHeaderExtension(p.header.extension, 1);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
    );
  });

  it("extension element walkers on arbitrary blocks", () => {
    for (const profile of [0xbede, 0x1000, 0x1234]) {
      onlyDecodeError((data) => rtp.readHeaderExtensions({ profile, data }));
      onlyDecodeError((data) => rtp.findHeaderExtension({ profile, data }, 7));
    }
  });

  it("typed extension decoders", () => {
    for (const d of [
      rtp.decodeAbsCaptureTime,
      rtp.decodeAbsSendTime,
      rtp.decodeAudioLevel,
      rtp.decodePlayoutDelay,
      rtp.decodeSdesExtension,
      rtp.decodeTransportWideCc,
      rtp.decodeVideoOrientation,
    ]) {
      onlyDecodeError(d);
    }
  });

  it("round trip: decode(encode(packet)) equals the packet", () => {
    fc.assert(
      fc.property(
        headerArb,
        fc.uint8Array({ maxLength: 50 }),
        fc.integer({ min: 0, max: 255 }),
        (h, payload, pad) => {
          const packet = { header: { ...h, padding: pad > 0 }, payload, paddingSize: pad };
          const bytes = rtp.encodeRtpPacket(packet);
          const back = rtp.decodeRtpPacket(bytes);
          const { headerLength, ...header } = back.header;
          expect(header).toEqual(packet.header);
          expect(back.payload).toEqual(payload);
          expect(back.paddingSize).toBe(pad);
          expect(rtp.encodeRtpPacket(back)).toEqual(bytes);
          expect(headerLength).toBe(rtp.encodedLengthRtpHeader(h));
        },
      ),
    );
  });

  it("round trip: extension elements survive build + read", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.integer({ min: 1, max: 255 }),
            data: fc.uint8Array({ maxLength: 30 }),
          }),
          { selector: (e) => e.id, maxLength: 6 },
        ),
        (els) => {
          const block = rtp.buildExtensionBlock(els);
          const back = rtp.readHeaderExtensions(block);
          expect(back.map((e) => [e.id, [...e.data]])).toEqual(els.map((e) => [e.id, [...e.data]]));
          for (const e of els) expect(rtp.findHeaderExtension(block, e.id)).toEqual(e.data);
        },
      ),
    );
  });

  it("decodeRtcp on arbitrary bytes and on RTCP-shaped bytes", () => {
    onlyDecodeError(rtp.decodeRtcp);
    const shaped = fc
      .tuple(
        fc.integer({ min: 0, max: 0x3f }),
        fc.constantFrom(200, 201, 202, 203, 204, 205, 206, 207, 195),
        fc.uint8Array({ maxLength: 120 }),
      )
      .map(([b0, pt, body]) => {
        const len = body.byteLength & ~3;
        const out = new Uint8Array(4 + len);
        out[0] = 0x80 | b0;
        out[1] = pt;
        out[3] = len / 4;
        out.set(body.subarray(0, len), 4);
        return out;
      });
    fc.assert(
      fc.property(shaped, (b) => {
        try {
          rtp.decodeRtcp(b);
        } catch (e) {
          if (!isDecodeError(e)) throw e;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("RTCP round trip: decode(encode(x)) equals x", () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const report = fc.record({
      ssrc: u32,
      fractionLost: fc.integer({ min: 0, max: 255 }),
      packetsLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
      highestSequence: u32,
      jitter: u32,
      lastSr: u32,
      delaySinceLastSr: u32,
    });
    const twcc = fc
      .array(
        fc.oneof(
          fc.constant(-1),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: -32768, max: -1 }),
          fc.integer({ min: 256, max: 32767 }),
        ),
        {
          maxLength: 300,
        },
      )
      .map((arr) => ({
        statuses: Uint8Array.from(arr, (d) => (d === -1 ? 0 : d >= 0 && d <= 255 ? 1 : 2)),
        arr,
      }));
    const packet: fc.Arbitrary<rtp.RtcpPacket> = fc.oneof(
      fc.record({
        type: fc.constant("rr" as const),
        ssrc: u32,
        reports: fc.array(report, { maxLength: 31 }),
      }),
      fc.record({
        type: fc.constant("sr" as const),
        ssrc: u32,
        ntpTime: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        rtpTimestamp: u32,
        packetCount: u32,
        octetCount: u32,
        reports: fc.array(report, { maxLength: 3 }),
      }),
      fc.record({
        type: fc.constant("sdes" as const),
        chunks: fc.array(
          fc.record({
            source: u32,
            items: fc.array(
              fc.record({
                type: fc.integer({ min: 1, max: 8 }),
                text: fc.string({ maxLength: 30 }),
              }),
              { maxLength: 3 },
            ),
          }),
          { maxLength: 3 },
        ),
      }),
      fc.record({ type: fc.constant("bye" as const), sources: fc.array(u32, { maxLength: 4 }) }),
      fc.record({
        type: fc.constant("nack" as const),
        senderSsrc: u32,
        mediaSsrc: u32,
        items: fc.array(
          fc.record({
            pid: fc.integer({ min: 0, max: 0xffff }),
            blp: fc.integer({ min: 0, max: 0xffff }),
          }),
        ),
      }),
      fc.record({ type: fc.constant("pli" as const), senderSsrc: u32, mediaSsrc: u32 }),
      twcc.map(({ statuses, arr }) => ({
        type: "transport-cc" as const,
        senderSsrc: 1,
        mediaSsrc: 2,
        baseSequenceNumber: 3,
        referenceTime: -1,
        feedbackPacketCount: 4,
        statuses,
        deltas: Int32Array.from(arr.filter((d) => d !== -1)),
      })),
    );
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 4 }), (packets) => {
        const bytes = rtp.encodeRtcp(packets);
        expect(rtp.decodeRtcp(bytes)).toEqual(packets);
      }),
    );
  });

  it("depacketizers and descriptor decoders", () => {
    const codecs: rtp.PayloadCodec[] = [
      new rtp.Vp8Codec(),
      new rtp.Vp9Codec(),
      new rtp.H264Codec(),
      new rtp.Av1Codec(),
      new rtp.OpusCodec(),
      new rtp.SampleAudioCodec("PCMA"),
    ];
    for (const c of codecs) {
      onlyDecodeError((b) => c.depacketize([b]));
      onlyDecodeError((b) => c.depacketize([b, b.subarray(1)]));
      onlyDecodeError((b) => c.isFrameStart(b));
      onlyDecodeError((b) => c.isKeyframe(b));
    }
    onlyDecodeError(rtp.decodeVp8Descriptor);
    onlyDecodeError(rtp.decodeVp9Descriptor);
    onlyDecodeError(rtp.av1ObuElements);
  });

  it("packetize then depacketize returns the frame for every codec and MTU", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 40, max: 1400 }),
        (frame, mtu) => {
          for (const c of [
            new rtp.Vp8Codec(),
            new rtp.Vp9Codec({ flexible: true }),
            new rtp.Vp9Codec(),
          ]) {
            const payloads = c.packetize(frame, mtu);
            for (const p of payloads) expect(p.byteLength).toBeLessThanOrEqual(mtu);
            expect(c.depacketize(payloads)).toEqual(frame);
          }
          // AV1: one OBU (type 6) with a size field wrapping the frame.
          const size = frame.byteLength;
          const obu = Uint8Array.from([0x32, (size & 0x7f) | 0x80, size >>> 7, ...frame]);
          const av1 = new rtp.Av1Codec();
          const ap = av1.packetize(obu, mtu);
          for (const p of ap) expect(p.byteLength).toBeLessThanOrEqual(mtu);
          const back = av1.depacketize(ap);
          expect(back.subarray(back.byteLength - size)).toEqual(frame);
          // H.264: one NAL unit (type 1) in Annex-B, no zero bytes that could mimic start codes.
          const nal = Uint8Array.from([0x41, ...frame.map((b) => b | 1)]);
          const h264 = new rtp.H264Codec();
          const hp = h264.packetize(Uint8Array.from([0, 0, 0, 1, ...nal]), mtu);
          for (const p of hp) expect(p.byteLength).toBeLessThanOrEqual(mtu);
          expect(h264.depacketize(hp).subarray(4)).toEqual(nal);
        },
      ),
      { numRuns: 200 },
    );
  });
});
