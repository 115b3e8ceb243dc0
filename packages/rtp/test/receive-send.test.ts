import { describe, expect, it } from "vitest";
import {
  decodeRtcp,
  encodeRtcp,
  ntpFromUnixMs,
  PacketHistory,
  ReceiverStats,
  type RtpPacket,
  SenderReportBuilder,
  TransportCcGenerator,
  TransportCcSequencer,
  transportCcArrivals,
  unixMsFromNtp,
  unwrapRtx,
  wrapRtx,
} from "../src/index.js";

const pkt = (seq: number, ts = 0, payload = new Uint8Array([1, 2, 3])): RtpPacket => ({
  header: {
    padding: false,
    marker: false,
    payloadType: 96,
    sequenceNumber: seq,
    timestamp: ts,
    ssrc: 5,
    csrcs: [],
    extension: undefined,
  },
  payload,
  paddingSize: 0,
});

describe("ReceiverStats (RFC 3550 A.1, A.3, A.8)", () => {
  it("extends sequence numbers across the wrap and reports loss and fraction lost", () => {
    const s = new ReceiverStats(5, 90000);
    for (const seq of [65533, 65534, 65535, 1, 2, 3]) s.handlePacket(seq * 10, seq, 0);
    const rb = s.reportBlock(1000);
    expect(rb.highestSequence).toBe(65536 + 3);
    expect(rb.packetsLost).toBe(1);
    expect(rb.fractionLost).toBe(Math.floor(256 / 7));
    expect(s.reportBlock(1000).fractionLost).toBe(0);
  });

  it("A.8 jitter converges to the arrival variation in timestamp units", () => {
    const s = new ReceiverStats(5, 8000);
    // Packets every 20 ms (160 ticks) arriving alternately 0 and 10 ms late: |D| = 80 ticks.
    for (let i = 0; i < 500; i++) s.handlePacket(i * 20 + (i % 2) * 10, i, i * 160);
    expect(s.snapshot().jitter).toBeGreaterThanOrEqual(79);
    expect(s.snapshot().jitter).toBeLessThanOrEqual(80);
  });

  it("LSR and DLSR come from the last SR (1/65536 s units)", () => {
    const s = new ReceiverStats(5, 90000);
    s.handlePacket(0, 1, 0);
    s.handleSenderReport(1000, {
      type: "sr",
      ssrc: 5,
      ntpTime: 0x1234567890abcdefn,
      rtpTimestamp: 0,
      packetCount: 0,
      octetCount: 0,
      reports: [],
    });
    const rb = s.reportBlock(1500);
    expect(rb.lastSr).toBe(0x567890ab);
    expect(rb.delaySinceLastSr).toBe(32768);
  });
});

describe("RTX (RFC 4588 §4)", () => {
  it("wraps with the OSN in front and unwraps back to the original", () => {
    const orig = pkt(1234, 99);
    const rtx = wrapRtx(orig, 77, 97, 5);
    expect([...rtx.payload.subarray(0, 2)]).toEqual([0x04, 0xd2]);
    expect(rtx.header).toMatchObject({
      ssrc: 77,
      payloadType: 97,
      sequenceNumber: 5,
      timestamp: 99,
    });
    expect(unwrapRtx(rtx, 5, 96)).toEqual(orig);
    expect(() => unwrapRtx(pkt(1, 0, new Uint8Array(0)), 5, 96)).toThrow(/rtx-padding/);
  });
});

describe("send side", () => {
  it("PacketHistory answers NACKs once per interval, via RTX when configured", () => {
    const h = new PacketHistory({
      capacity: 4,
      rtxSsrc: 7,
      rtxPayloadType: 97,
      minResendIntervalMs: 50,
    });
    for (let s = 0; s < 6; s++) h.handleSent(0, pkt(s));
    expect(h.handleNack(10, [1, 4])).toHaveLength(0);
    const out = h.handleNack(60, [1, 4, 5]);
    expect(out.map((p) => [p.header.ssrc, p.header.sequenceNumber])).toEqual([
      [7, 0],
      [7, 1],
    ]);
    expect(h.handleNack(70, [4])).toHaveLength(0);
  });

  it("SenderReportBuilder extrapolates the RTP timestamp to the report time", () => {
    const b = new SenderReportBuilder(5, 90000);
    b.handleSent(1000, pkt(1, 90000));
    const sr = b.build(1100, ntpFromUnixMs(1_700_000_000_000));
    expect(sr).toMatchObject({ rtpTimestamp: 99000, packetCount: 1, octetCount: 3 });
    expect(unixMsFromNtp(sr.ntpTime)).toBeCloseTo(1_700_000_000_000, 3);
    expect(decodeRtcp(encodeRtcp([sr]))).toEqual([sr]);
  });

  it("TransportCcSequencer wraps at 16 bits", () => {
    const s = new TransportCcSequencer(65535);
    expect([s.next(), s.next()]).toEqual([65535, 0]);
  });
});

describe("TransportCcGenerator", () => {
  it("reports arrivals (250 µs resolution) and losses across the sequence wrap", () => {
    const g = new TransportCcGenerator({ senderSsrc: 1, mediaSsrc: 2, intervalMs: 100 });
    const arrivals: [number, number][] = [
      [65534, 1000],
      [65535, 1001.25],
      [1, 1010],
      [2, 1500],
    ];
    for (const [seq, at] of arrivals) g.handlePacket(at, seq);
    expect(g.pollFeedback(1050)).toEqual([]);
    expect(g.pollTimeout()).toBe(1100);
    const [fb, ...rest] = g.pollFeedback(1100).map((f) => decodeRtcp(encodeRtcp([f]))[0]!);
    expect(rest).toEqual([]);
    if (fb?.type !== "transport-cc") throw new Error("no feedback");
    expect([...fb.statuses]).toEqual([1, 1, 0, 1, 2]);
    expect(transportCcArrivals(fb)).toEqual(
      arrivals.map(([sequenceNumber, arrivalMs]) => ({ sequenceNumber, arrivalMs })),
    );
    expect(g.pollFeedback(5000)).toEqual([]);
  });
});
