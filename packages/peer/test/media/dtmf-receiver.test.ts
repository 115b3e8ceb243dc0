import { encodeTelephoneEvent } from "@purertc/rtp";
import { describe, expect, it } from "vitest";
import { DtmfReceiver } from "../../src/index.js";

const ev = (event: number, duration: number, end = false) =>
  encodeTelephoneEvent({ event, end, volume: 10, duration });

describe("DtmfReceiver (RFC 4733 §2.5.2)", () => {
  it("an event is reported once, at its first end packet (§2.5.1.4 sends three)", () => {
    const r = new DtmfReceiver();
    expect(r.handlePacket(1000, ev(1, 400), 8000)).toEqual([]);
    expect(r.handlePacket(1000, ev(1, 800, true), 8000)).toEqual([
      { tone: "1", durationMs: 100, rtpTimestamp: 1000, volume: 10 },
    ]);
    expect(r.handlePacket(1000, ev(1, 800, true), 8000)).toEqual([]);
    expect(r.handlePacket(1000, ev(1, 800, true), 8000)).toEqual([]);
  });

  it("§2.5.2.2 an event whose end packets were all lost is reported when the next starts", () => {
    const r = new DtmfReceiver();
    r.handlePacket(1000, ev(11, 400), 8000);
    r.handlePacket(1000, ev(11, 640), 8000);
    expect(r.handlePacket(3000, ev(5, 400), 8000)).toEqual([
      { tone: "#", durationMs: 80, rtpTimestamp: 1000, volume: 10 },
    ]);
    expect(r.handlePacket(3000, ev(5, 800, true), 8000).map((t) => t.tone)).toEqual(["5"]);
  });

  it("§2.5.1.3 a long event continues over 0xFFFF-tick segments and is summed", () => {
    const r = new DtmfReceiver();
    expect(r.handlePacket(50, ev(9, 0xffff), 48000)).toEqual([]);
    const [t] = r.handlePacket(50 + 0xffff, ev(9, 30465, true), 48000);
    expect(t).toEqual({ tone: "9", durationMs: 2000, rtpTimestamp: 50, volume: 10 });
  });

  it("events that are not DTMF (codes above 15) end silently", () => {
    const r = new DtmfReceiver();
    expect(r.handlePacket(0, ev(66, 800, true), 8000)).toEqual([]);
    expect(r.handlePacket(900, ev(2, 800, true), 8000).map((t) => t.tone)).toEqual(["2"]);
  });
});
