import { DecodeError, fromHex, toHex } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeTelephoneEvents,
  dtmfEventCode,
  dtmfTone,
  encodeTelephoneEvent,
} from "../../src/index.js";

describe("telephone-event payload (RFC 4733 §2.3)", () => {
  it("RFC 4733 §5 example: digit 9 at volume 7, 400 ms at 8 kHz, end bit set", () => {
    // Figure 10 / 11: event 9, E=1, volume 7, duration 3200 (0x0c80).
    const bytes = encodeTelephoneEvent({ event: 9, end: true, volume: 7, duration: 3200 });
    expect(toHex(bytes)).toBe("09870c80");
    expect(decodeTelephoneEvents(bytes)).toEqual([
      { event: 9, end: true, volume: 7, duration: 3200 },
    ]);
  });

  it("§2.3.3 the R bit is ignored on decode and written as zero", () => {
    expect(decodeTelephoneEvents(fromHex("0b4a0190"))).toEqual([
      { event: 11, end: false, volume: 10, duration: 400 },
    ]);
    expect(toHex(encodeTelephoneEvent({ event: 11, end: false, volume: 10, duration: 400 }))).toBe(
      "0b0a0190",
    );
  });

  it("two blocks in one payload decode in order", () => {
    const got = decodeTelephoneEvents(fromHex("01800320" + "02000140"));
    expect(got.map((e) => [e.event, e.end, e.duration])).toEqual([
      [1, true, 800],
      [2, false, 320],
    ]);
  });

  it("§3.2 DTMF event codes: 0-9, * = 10, # = 11, A-D = 12-15, case-insensitive", () => {
    expect([..."0123456789*#ABCD"].map(dtmfEventCode)).toEqual([...Array(16).keys()]);
    expect(dtmfEventCode("a")).toBe(12);
    expect(dtmfEventCode("E")).toBeUndefined();
    expect(dtmfEventCode(",")).toBeUndefined();
    expect(dtmfTone(11)).toBe("#");
    expect(dtmfTone(16)).toBeUndefined();
  });

  it("out-of-range fields throw RangeError; bad lengths throw DecodeError only", () => {
    expect(() => encodeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeTelephoneEvent({ event: 1, end: false, volume: 0, duration: 0x10000 }),
    ).toThrow(RangeError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        try {
          const ev = decodeTelephoneEvents(b);
          expect(ev.length * 4).toBe(b.byteLength);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});
