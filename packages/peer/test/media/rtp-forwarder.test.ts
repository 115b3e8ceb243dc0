import { OpusCodec, type RtpPacket, Vp8Codec } from "@purertc/rtp";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RtpForwarder } from "../../src/index.js";

const vp8 = new Vp8Codec();
/** VP8 payload descriptor S=1 PID=0, then a frame tag with P=0 (key) or P=1 (delta). */
const KEY_START = Uint8Array.of(0x10, 0x00);
const DELTA_START = Uint8Array.of(0x10, 0x01);
const CONT = Uint8Array.of(0x00, 0x00);

function pkt(seq: number, ts: number, payload: Uint8Array, marker = false): RtpPacket {
  return {
    header: {
      padding: false,
      marker,
      payloadType: 96,
      sequenceNumber: seq & 0xffff,
      timestamp: ts >>> 0,
      ssrc: 1234,
      csrcs: [],
      extension: undefined,
    },
    payload,
    paddingSize: 0,
  };
}

function fwd(f: RtpForwarder, now: number, src: object, p: RtpPacket): RtpPacket[] {
  const out: RtpPacket[] = [];
  f.forward(now, src, p, vp8, out);
  return out;
}

describe("RtpForwarder (RFC 7667 §3.7 selective forwarding, RFC 3550 §5.1 continuity)", () => {
  it("maps the first source onto the initial sequence number and timestamp, keeping gaps and wrapping", () => {
    const f = new RtpForwarder({ initialSequenceNumber: 65534, initialTimestamp: 100 });
    const a = {};
    f.switchTo(a);
    const seqs = [65000, 65001, 65003].flatMap((s) =>
      fwd(f, 0, a, pkt(s, 9000, DELTA_START)).map((p) => [
        p.header.sequenceNumber,
        p.header.timestamp,
      ]),
    );
    expect(seqs).toEqual([
      [65534, 100],
      [65535, 100],
      [1, 100],
    ]);
    // The hole (input 65002) repaired late is placed where it belongs.
    expect(fwd(f, 0, a, pkt(65002, 9000, CONT))[0]!.header.sequenceNumber).toBe(0);
    // Packets from a source that is not current are dropped.
    expect(fwd(f, 0, {}, pkt(1, 1, KEY_START))).toEqual([]);
    expect(f.stats().packetsStale).toBe(1);
  });

  it("switches at the new source's keyframe; the old one flows until then; sequence continues by one", () => {
    const f = new RtpForwarder({ initialSequenceNumber: 10, initialTimestamp: 0 });
    const a = {};
    const b = {};
    f.switchTo(a);
    fwd(f, 0, a, pkt(500, 1000, KEY_START, true));
    f.switchTo(b);
    expect(f.keyFrameRequestDue(0, false)).toBe(true);
    expect(fwd(f, 10, b, pkt(7000, 50_000, DELTA_START, true))).toEqual([]);
    const stillA = fwd(f, 33, a, pkt(501, 4000, DELTA_START, true));
    expect(stillA[0]!.header.sequenceNumber).toBe(11);
    // B's keyframe: its first packet arrives after its second one (held, then released).
    expect(fwd(f, 40, b, pkt(7002, 53_000, CONT, true))).toEqual([]);
    const out = fwd(f, 43, b, pkt(7001, 53_000, KEY_START));
    expect(out.map((p) => p.header.sequenceNumber)).toEqual([12, 13]);
    // 10 ms after A's last packet at 90 kHz: +900 ticks.
    expect(out.map((p) => p.header.timestamp)).toEqual([3000 + 900, 3000 + 900]);
    expect(fwd(f, 50, a, pkt(502, 7000, DELTA_START))).toEqual([]);
    // B's held delta frame from before its keyframe stays out (older than the switch).
    expect(fwd(f, 60, b, pkt(7003, 56_000, DELTA_START))[0]!.header.sequenceNumber).toBe(14);
    expect(f.stats()).toMatchObject({ switches: 2, packetsAwaitingKeyframe: 2 });
  });

  it("audio switches at once (no keyframes)", () => {
    const f = new RtpForwarder({ clockRate: 48000, waitForKeyframe: false });
    const a = {};
    const b = {};
    const out: RtpPacket[] = [];
    f.switchTo(a);
    f.forward(0, a, pkt(1, 0, Uint8Array.of(1)), new OpusCodec(), out);
    f.switchTo(b);
    f.forward(20, b, pkt(900, 77, Uint8Array.of(2)), new OpusCodec(), out);
    expect(out.map((p) => [p.header.sequenceNumber, p.header.timestamp])).toEqual([
      [0, 0],
      [1, 960],
    ]);
  });

  it("keyframe requests are throttled; none without a source", () => {
    const f = new RtpForwarder({ minKeyFrameIntervalMs: 100 });
    expect(f.keyFrameRequestDue(0, true)).toBe(false);
    f.switchTo({});
    expect(f.keyFrameRequestDue(0, true)).toBe(true);
    expect(f.keyFrameRequestDue(50, true)).toBe(false);
    expect(f.keyFrameRequestDue(100, true)).toBe(true);
    expect(() => new RtpForwarder({ clockRate: 0 })).toThrow(RangeError);
  });

  it("property: any arrival order, loss and duplication of one source maps each input sequence number to one output (offset from the first arrival, wrapping) and the timestamp by one offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.integer({ min: 0, max: 299 }), { minLength: 1, maxLength: 400 }),
        (base, initial, order) => {
          const f = new RtpForwarder({ initialSequenceNumber: initial, initialTimestamp: 5 });
          const a = {};
          f.switchTo(a);
          const first = order[0]!;
          for (const k of order) {
            const out = fwd(f, k, a, pkt(base + k, 1000 + k * 3000, DELTA_START));
            expect(out).toHaveLength(1);
            expect(out[0]!.header.sequenceNumber).toBe((initial + k - first + 0x10000) & 0xffff);
            expect(out[0]!.header.timestamp).toBe((5 + (k - first) * 3000) >>> 0);
          }
        },
      ),
    );
  });
});
