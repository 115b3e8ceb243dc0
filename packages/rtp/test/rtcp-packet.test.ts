import { fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  decodeRtcp,
  encodeRtcp,
  isFullCompound,
  nackItemsFromSequenceNumbers,
  nackSequenceNumbers,
  type RtcpPacket,
} from "../src/index.js";

const SR: RtcpPacket = {
  type: "sr",
  ssrc: 0x902f9e2e,
  ntpTime: 0xda8bd1fcdddda05an,
  rtpTimestamp: 0xaaf4edd5,
  packetCount: 1,
  octetCount: 2,
  reports: [
    {
      ssrc: 0xbc5e9a40,
      fractionLost: 0,
      packetsLost: -2,
      highestSequence: 0x46e1,
      jitter: 0x273,
      lastSr: 0x9f36432,
      delaySinceLastSr: 0x150137,
    },
  ],
};

describe("RTCP packets (RFC 3550 §6, RFC 4585, RFC 5104, RFC 3611)", () => {
  it("RFC 3550 §6.4.1 SR with a report block: byte layout and signed cumulative loss", () => {
    const bytes = encodeRtcp([SR]);
    expect(toHex(bytes)).toBe(
      "81c8000c902f9e2eda8bd1fcdddda05aaaf4edd50000000100000002" +
        "bc5e9a4000fffffe000046e1000002730" +
        "9f3643200150137",
    );
    expect(decodeRtcp(bytes)).toEqual([SR]);
  });

  it("round-trips a full compound packet: RR, SDES CNAME, BYE with reason", () => {
    const packets: RtcpPacket[] = [
      { type: "rr", ssrc: 1, reports: [] },
      { type: "sdes", chunks: [{ source: 1, items: [{ type: 1, text: "user@host" }] }] },
      { type: "bye", sources: [1, 2], reason: "done" },
    ];
    const bytes = encodeRtcp(packets);
    expect(bytes.byteLength % 4).toBe(0);
    const back = decodeRtcp(bytes);
    expect(back).toEqual(packets);
    expect(isFullCompound(back)).toBe(true);
    expect(isFullCompound([{ type: "pli", senderSsrc: 1, mediaSsrc: 2 }])).toBe(false);
  });

  it("RFC 3550 §6.5 SDES chunk ends with a null item and pads to 32 bits", () => {
    const bytes = encodeRtcp([
      { type: "sdes", chunks: [{ source: 0x11223344, items: [{ type: 1, text: "ab" }] }] },
    ]);
    expect(toHex(bytes)).toBe("81ca0003112233440102616200000000");
  });

  it("RFC 4585 §6.2.1 generic NACK: PID + BLP bitmask", () => {
    const items = nackItemsFromSequenceNumbers([65534, 65535, 0, 16, 17, 40]);
    expect(items).toEqual([
      { pid: 65534, blp: 0b11 },
      { pid: 16, blp: 0b1 },
      { pid: 40, blp: 0 },
    ]);
    const bytes = encodeRtcp([{ type: "nack", senderSsrc: 1, mediaSsrc: 2, items }]);
    expect(toHex(bytes.subarray(0, 4))).toBe("81cd0005");
    const [nack] = decodeRtcp(bytes);
    expect(nack?.type === "nack" && nackSequenceNumbers(nack)).toEqual([
      65534, 65535, 0, 16, 17, 40,
    ]);
  });

  it("RFC 4585 §6.3.1 PLI and RFC 5104 §4.3.1 FIR", () => {
    const pli = encodeRtcp([{ type: "pli", senderSsrc: 1, mediaSsrc: 2 }]);
    expect(toHex(pli)).toBe("81ce00020000000100000002");
    const fir: RtcpPacket = {
      type: "fir",
      senderSsrc: 1,
      mediaSsrc: 0,
      entries: [{ ssrc: 9, sequenceNumber: 3 }],
    };
    const bytes = encodeRtcp([fir]);
    expect(toHex(bytes)).toBe("84ce000400000001000000000000000903000000");
    expect(decodeRtcp(bytes)).toEqual([fir]);
  });

  it("REMB: exponent and 18-bit mantissa", () => {
    const bytes = encodeRtcp([
      { type: "remb", senderSsrc: 1, bitrate: 1_000_000, ssrcs: [0x1234] },
    ]);
    // 1e6 = 250000 (0x3d090) << 2
    expect(toHex(bytes)).toBe("8fce00050000000100000000" + "52454d42" + "010bd090" + "00001234");
    expect(decodeRtcp(bytes)).toEqual([
      { type: "remb", senderSsrc: 1, bitrate: 1_000_000, ssrcs: [0x1234] },
    ]);
    const [odd] = decodeRtcp(
      encodeRtcp([{ type: "remb", senderSsrc: 1, bitrate: 1_000_001, ssrcs: [] }]),
    );
    expect(odd?.type === "remb" && odd.bitrate).toBe(1_000_000);
  });

  it("RFC 3611 XR with RRTR and DLRR blocks, unknown block kept raw", () => {
    const xr: RtcpPacket = {
      type: "xr",
      ssrc: 5,
      blocks: [
        { blockType: 4, ntpTime: 0x0102030405060708n },
        { blockType: 5, subBlocks: [{ ssrc: 6, lastRr: 7, delaySinceLastRr: 8 }] },
        { blockType: 42, typeSpecific: 3, data: fromHex("deadbeef") },
      ],
    };
    const bytes = encodeRtcp([xr]);
    expect(toHex(bytes.subarray(0, 16))).toBe("80cf000a000000050400000201020304");
    expect(decodeRtcp(bytes)).toEqual([xr]);
  });

  it("APP and unknown packet types are kept raw", () => {
    const packets: RtcpPacket[] = [
      { type: "app", subtype: 3, ssrc: 7, name: "TEST", data: fromHex("01020304") },
      { type: "unknown", packetType: 195, count: 2, body: fromHex("aabbccdd") },
      { type: "unknown", packetType: 206, count: 7, body: fromHex("0000000100000002") },
    ];
    expect(decodeRtcp(encodeRtcp(packets))).toEqual(packets);
  });

  it("rejects truncation, bad version and bad padding with DecodeError", () => {
    expect(() => decodeRtcp(fromHex("81c8000c902f9e2e"))).toThrow(/truncated/);
    expect(() => decodeRtcp(fromHex("41c80000"))).toThrow(/bad-version/);
    expect(() => decodeRtcp(fromHex("a0c90001 00000000"))).toThrow(/bad-padding/);
    expect(() => decodeRtcp(new Uint8Array(0))).toThrow(/truncated/);
  });
});
