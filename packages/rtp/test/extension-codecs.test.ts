import { fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  decodeAbsCaptureTime,
  decodeAbsSendTime,
  decodeAudioLevel,
  decodePlayoutDelay,
  decodeSdesExtension,
  decodeTransportWideCc,
  decodeVideoOrientation,
  encodeAbsCaptureTime,
  encodeAbsSendTime,
  encodeAudioLevel,
  encodePlayoutDelay,
  encodeSdesExtension,
  encodeTransportWideCc,
  encodeVideoOrientation,
} from "../src/index.js";

describe("typed header extensions", () => {
  it("sdes:mid / rtp-stream-id carry UTF-8 text; trailing zeros dropped", () => {
    expect(toHex(encodeSdesExtension("0"))).toBe("30");
    expect(decodeSdesExtension(fromHex("686900"))).toBe("hi");
    expect(() => encodeSdesExtension("")).toThrow(RangeError);
  });

  it("abs-send-time is 6.18 fixed point seconds modulo 64 s", () => {
    expect(toHex(encodeAbsSendTime(1000))).toBe("040000");
    expect(decodeAbsSendTime(fromHex("040000"))).toBe(1 << 18);
    expect(toHex(encodeAbsSendTime(64_000))).toBe("000000");
  });

  it("transport-wide-cc carries a 16-bit sequence number", () => {
    expect(toHex(encodeTransportWideCc(0x1234))).toBe("1234");
    expect(decodeTransportWideCc(fromHex("ffff"))).toBe(65535);
  });

  it("RFC 6464 §3: V bit and -dBov level", () => {
    expect(toHex(encodeAudioLevel({ voiceActivity: true, level: 30 }))).toBe("9e");
    expect(decodeAudioLevel(fromHex("7f"))).toEqual({ voiceActivity: false, level: 127 });
  });

  it("video-orientation C F R1 R0 bits", () => {
    expect(toHex(encodeVideoOrientation({ camera: true, flip: false, rotation: 270 }))).toBe("0b");
    expect(decodeVideoOrientation(fromHex("05"))).toEqual({
      camera: false,
      flip: true,
      rotation: 90,
    });
  });

  it("playout-delay: two 12-bit values in 10 ms units", () => {
    expect(toHex(encodePlayoutDelay({ minMs: 100, maxMs: 40950 }))).toBe("00afff");
    expect(decodePlayoutDelay(fromHex("00afff"))).toEqual({ minMs: 100, maxMs: 40950 });
  });

  it("abs-capture-time: 8 bytes, or 16 with a signed clock offset", () => {
    const a = { captureNtp: 0x0102030405060708n, captureClockOffset: -1n };
    const bytes = encodeAbsCaptureTime(a);
    expect(toHex(bytes)).toBe("0102030405060708ffffffffffffffff");
    expect(decodeAbsCaptureTime(bytes)).toEqual(a);
    expect(decodeAbsCaptureTime(bytes.subarray(0, 8))).toEqual({ captureNtp: a.captureNtp });
  });

  it("decoders reject short data with DecodeError", () => {
    expect(() => decodeAbsSendTime(fromHex("01"))).toThrow(/truncated/);
    expect(() => decodeAbsCaptureTime(fromHex("01"))).toThrow(/truncated/);
  });
});
