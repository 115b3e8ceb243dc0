import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildExtensionBlock,
  decodeRtpPacket,
  decodeTransportWideCc,
  encodeRtpPacket,
  encodeTransportWideCc,
  findHeaderExtension,
  patchHeaderExtension,
  TransportCcGenerator,
  TransportCcSendHistory,
} from "../src/index.js";

const packet = (ext: { id: number; data: Uint8Array }[], form?: "two-byte") =>
  encodeRtpPacket({
    header: {
      padding: false,
      marker: false,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 1,
      ssrc: 2,
      csrcs: [3],
      extension: ext.length ? buildExtensionBlock(ext, form) : undefined,
    },
    payload: new Uint8Array([1, 2, 3]),
    paddingSize: 0,
  });

describe("patchHeaderExtension (transport-wide sequence stamped at send time)", () => {
  it("rewrites the one-byte element in place, leaving the others", () => {
    const p = packet([
      { id: 4, data: new TextEncoder().encode("0") },
      { id: 3, data: encodeTransportWideCc(0) },
    ]);
    expect(patchHeaderExtension(p, 3, 0xbeef)).toBe(true);
    const h = decodeRtpPacket(p).header;
    expect(decodeTransportWideCc(findHeaderExtension(h.extension, 3)!)).toBe(0xbeef);
    expect(new TextDecoder().decode(findHeaderExtension(h.extension, 4)!)).toBe("0");
  });

  it("rewrites the two-byte form too; absent id or no extension returns false", () => {
    const p = packet([{ id: 3, data: encodeTransportWideCc(0) }], "two-byte");
    expect(patchHeaderExtension(p, 3, 513)).toBe(true);
    expect(
      decodeTransportWideCc(findHeaderExtension(decodeRtpPacket(p).header.extension, 3)!),
    ).toBe(513);
    expect(patchHeaderExtension(p, 5, 1)).toBe(false);
    expect(patchHeaderExtension(packet([]), 3, 1)).toBe(false);
  });

  it("never throws and never grows a packet on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 14 }), (b, id) => {
        const copy = b.slice();
        patchHeaderExtension(copy, id, 0xffff);
        expect(copy.byteLength).toBe(b.byteLength);
      }),
    );
  });
});

describe("TransportCcSendHistory (send side of transport-wide-cc-01)", () => {
  it("matches a generator's feedback: send/arrival times, losses, acknowledged bitrate", () => {
    const h = new TransportCcSendHistory();
    const g = new TransportCcGenerator({ intervalMs: 100 });
    // 1000-byte packets every 5 ms (1.6 Mbit/s), 20 ms one way; every 10th lost.
    for (let i = 0; i < 200; i++) {
      const seq = (65500 + i) & 0xffff;
      h.handleSent(i * 5, seq, 1000);
      if (i % 10 !== 3) g.handlePacket(i * 5 + 20, seq);
    }
    const fbs = g.pollFeedback(2000, true);
    const results = fbs.map((fb) => h.handleFeedback(fb));
    const all = results.flatMap((r) => r.packets);
    expect(all.length).toBe(200); // first and last received: every packet between is reported
    const lost = all.filter((p) => p.arrivalTime === undefined).map((p) => p.sequenceNumber);
    expect(lost).toEqual(
      [...Array(200).keys()].filter((i) => i % 10 === 3).map((i) => (65500 + i) & 0xffff),
    );
    const got = all.filter((p) => p.arrivalTime !== undefined);
    const first = got[0]!;
    for (const p of got)
      expect(p.arrivalTime! - first.arrivalTime!).toBeCloseTo(p.sendTime - first.sendTime, 0);
    const rate = results.at(-1)!.acknowledgedBitrate!;
    // 9 of 10 packets of 8000 bits every 5 ms = 1.44 Mbit/s.
    expect(rate).toBeGreaterThan(1_300_000);
    expect(rate).toBeLessThan(1_600_000);
  });

  it("unknown sequence numbers are skipped; bad config throws RangeError", () => {
    const h = new TransportCcSendHistory({ capacity: 16 });
    const g = new TransportCcGenerator();
    g.handlePacket(0, 42);
    expect(h.handleFeedback(g.pollFeedback(100, true)[0]!).packets).toEqual([]);
    expect(() => new TransportCcSendHistory({ capacity: 3 })).toThrow(RangeError);
  });
});

describe("TransportCcGenerator period", () => {
  it("feedback keeps a fixed 100 ms period while packets flow (not 100 ms after each first packet)", () => {
    const g = new TransportCcGenerator({ intervalMs: 100 });
    const sentAt: number[] = [];
    // A packet every 33 ms; the caller's timer fires at pollTimeout().
    for (let t = 0; t <= 1000; t++) {
      if (t % 33 === 0) g.handlePacket(t, t / 33);
      const due = g.pollTimeout();
      if (due !== undefined && due <= t && g.pollFeedback(t).length > 0) sentAt.push(t);
    }
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]!);
    expect(gaps.every((d) => d === 100)).toBe(true);
    expect(sentAt.length).toBe(10);
  });
});

describe("TransportCcGenerator media SSRC", () => {
  it("feedback names the SSRC of the packets it covers (libwebrtc drops feedback about SSRCs it does not send)", () => {
    const g = new TransportCcGenerator({ senderSsrc: 9 });
    g.handlePacket(0, 1, 0xdeadbeef);
    g.handlePacket(5, 2, 0xdeadbeef);
    const [fb] = g.pollFeedback(100, true);
    expect(fb).toMatchObject({ senderSsrc: 9, mediaSsrc: 0xdeadbeef });
  });
});
