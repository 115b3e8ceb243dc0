import { DecodeError, fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  buildExtensionBlock,
  decodeRtpHeader,
  decodeRtpPacket,
  encodeRtpHeader,
  encodeRtpPacket,
  findHeaderExtension,
  isRtcpPacket,
  peekRtpSequenceNumber,
  peekRtpSsrc,
  readHeaderExtensions,
  rtpHeaderLength,
} from "../src/index.js";

// V=2 P=0 X=1 CC=0 | M=1 PT=96 | seq 0x1234 | ts 0xdeadbeef | ssrc 0x01020304
// one-byte extension block: id 1 len 1 "aa", pad, id 2 len 3 "b1b2b3" -> 7 bytes, padded to 8.
const PACKET = fromHex("90e0 1234 deadbeef 01020304 bede0002 10aa 00 22b1b2b3 00 cafe");

describe("RTP header (RFC 3550 §5.1)", () => {
  it("decodes the fixed fields and exposes the payload offset", () => {
    const h = decodeRtpHeader(PACKET);
    expect(h).toMatchObject({
      padding: false,
      marker: true,
      payloadType: 96,
      sequenceNumber: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
      csrcs: [],
      headerLength: 24,
    });
    expect(h.extension?.profile).toBe(0xbede);
    expect(rtpHeaderLength(PACKET)).toBe(24);
    expect(peekRtpSsrc(PACKET)).toBe(0x01020304);
    expect(peekRtpSequenceNumber(PACKET)).toBe(0x1234);
  });

  it("RFC 8285 §4.2 one-byte elements skip padding bytes between them", () => {
    const h = decodeRtpHeader(PACKET);
    const ext = readHeaderExtensions(h.extension);
    expect(ext.map((e) => [e.id, toHex(e.data)])).toEqual([
      [1, "aa"],
      [2, "b1b2b3"],
    ]);
    expect(toHex(findHeaderExtension(h.extension, 2)!)).toBe("b1b2b3");
    expect(findHeaderExtension(h.extension, 3)).toBeUndefined();
  });

  it("RFC 8285 §4.2 ID 15 stops processing of the block", () => {
    const block = { profile: 0xbede, data: fromHex("10aaf0ff 20bb0000") };
    expect(readHeaderExtensions(block).map((e) => e.id)).toEqual([1]);
    expect(findHeaderExtension(block, 2)).toBeUndefined();
  });

  it("RFC 8285 §4.3 two-byte elements allow zero-length data and ids above 14", () => {
    const block = { profile: 0x1000, data: fromHex("0100 0201aa 00 ff04b1b2b3b4 000000") };
    expect(readHeaderExtensions(block).map((e) => [e.id, toHex(e.data)])).toEqual([
      [1, ""],
      [2, "aa"],
      [255, "b1b2b3b4"],
    ]);
  });

  it("round-trips the packet byte for byte", () => {
    const p = decodeRtpPacket(PACKET);
    expect(toHex(p.payload)).toBe("cafe");
    expect(toHex(encodeRtpPacket(p))).toBe(toHex(PACKET));
  });

  it("decodes CSRCs and padding (RFC 3550 §5.1: last octet counts the padding)", () => {
    const bytes = fromHex("a2 08 0001 00000010 00000020 aaaaaaaa bbbbbbbb 0102 000003");
    const p = decodeRtpPacket(bytes);
    expect(p.header.csrcs).toEqual([0xaaaaaaaa, 0xbbbbbbbb]);
    expect(p.paddingSize).toBe(3);
    expect(toHex(p.payload)).toBe("0102");
    expect(toHex(encodeRtpPacket(p))).toBe(toHex(bytes));
  });

  it("rejects a zero padding count and padding longer than the payload", () => {
    expect(() => decodeRtpPacket(fromHex("a0 08 0001 00000010 00000020 0100"))).toThrow(
      DecodeError,
    );
    expect(() => decodeRtpPacket(fromHex("a0 08 0001 00000010 00000020 0105"))).toThrow(
      DecodeError,
    );
  });

  it("rejects truncation and version != 2 with DecodeError", () => {
    expect(() => decodeRtpHeader(PACKET.subarray(0, 11))).toThrow(DecodeError);
    expect(() => decodeRtpHeader(PACKET.subarray(0, 20))).toThrow(/truncated/);
    const v1 = PACKET.slice();
    v1[0] = 0x50;
    expect(() => decodeRtpHeader(v1)).toThrow(/bad-version/);
    expect(() => rtpHeaderLength(PACKET.subarray(0, 20))).toThrow(DecodeError);
  });

  it("builds the one-byte form when every element fits, two-byte otherwise", () => {
    const a = buildExtensionBlock([{ id: 3, data: fromHex("0102") }]);
    expect(a.profile).toBe(0xbede);
    expect(toHex(a.data)).toBe("31010200");
    const b = buildExtensionBlock([{ id: 15, data: fromHex("01") }]);
    expect(b.profile).toBe(0x1000);
    expect(toHex(b.data)).toBe("0f010100");
    const c = buildExtensionBlock([{ id: 1, data: new Uint8Array(0) }]);
    expect(c.profile).toBe(0x1000);
    expect(() => buildExtensionBlock([{ id: 15, data: fromHex("01") }], "one-byte")).toThrow(
      RangeError,
    );
  });

  it("encodes a header with an extension block that decodes back", () => {
    const extension = buildExtensionBlock([
      { id: 1, data: fromHex("abcd") },
      { id: 5, data: fromHex("01") },
    ]);
    const bytes = encodeRtpHeader({
      padding: false,
      marker: false,
      payloadType: 111,
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      ssrc: 0x80000000,
      csrcs: [1],
      extension,
    });
    const h = decodeRtpHeader(bytes);
    expect(h.headerLength).toBe(bytes.byteLength);
    expect(h.timestamp).toBe(0xffffffff);
    expect(h.ssrc).toBe(0x80000000);
    expect(toHex(findHeaderExtension(h.extension, 5)!)).toBe("01");
  });

  it("RFC 5761 §4 tells RTCP (PT 192..223) from RTP", () => {
    expect(isRtcpPacket(fromHex("80c80006"))).toBe(true);
    expect(isRtcpPacket(PACKET)).toBe(false);
  });
});
