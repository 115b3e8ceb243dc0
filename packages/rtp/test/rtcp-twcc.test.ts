import { fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { decodeRtcp, encodeRtcpPacket, type TransportCcFeedback } from "../src/index.js";

function twcc(hex: string): TransportCcFeedback {
  const [p] = decodeRtcp(fromHex(hex));
  if (p?.type !== "transport-cc") throw new Error(`not transport-cc: ${p?.type}`);
  return p;
}

// Packets from pion/rtcp's transport_layer_cc_test.go (a third-party encoder). Two of them set the
// P bit with a wrong padding count, which libwebrtc rejects as we do; their copies here fix it.
describe("transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)", () => {
  it("run length chunk of one small delta, padded with the P bit", () => {
    const fb = twcc("afcd0005 fa17fa17 43032fa0 00990001 3de80217 20019401");
    expect(fb).toMatchObject({
      senderSsrc: 4195875351,
      mediaSsrc: 1124282272,
      baseSequenceNumber: 153,
      feedbackPacketCount: 23,
    });
    expect(fb.referenceTime & 0xffffff).toBe(4057090);
    expect([...fb.statuses]).toEqual([1]);
    expect([...fb.deltas]).toEqual([37000 / 250]);
    expect(toHex(encodeRtcpPacket(fb))).toBe(
      "afcd0005fa17fa1743032fa0009900013de80217200194" + "01",
    );
  });

  it("two run length chunks with large then small deltas", () => {
    const fb = twcc("8fcd0007 fa17fa17 193dd8bb 01740006 45b15a40 40022004 1ffe1f9a d000d000");
    expect([...fb.statuses]).toEqual([2, 2, 1, 1, 1, 1]);
    expect([...fb.deltas].map((d) => d * 250)).toEqual([2047500, 2022500, 52000, 0, 52000, 0]);
  });

  it("one-bit status vector with lost packets", () => {
    const fb = twcc("afcd0006 fa17fa17 193dd8bb 0001000e 10636d00 ba00100c 0c100002");
    expect([...fb.statuses]).toEqual([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...fb.deltas].map((d) => d * 250)).toEqual([4000, 3000, 3000, 4000]);
  });

  it("two-bit status vector followed by a run of losses clamped to the status count", () => {
    const fb = twcc("afcd0007 9b74f61f 9371dcbc 853c0009 63f916b3 d5520030 9baa6aaa 7b010901");
    expect(fb.baseSequenceNumber).toBe(34108);
    expect([...fb.statuses]).toEqual([1, 1, 1, 1, 1, 0, 2, 0, 0]);
    expect([...fb.deltas].map((d) => d * 250)).toEqual([38750, 42500, 26500, 42500, 30750, 66250]);
  });

  it("re-encodes every vector to bytes that decode to the same feedback", () => {
    for (const hex of [
      "afcd0007 fa17fa17 193dd8bb 00040007 10636e01 20074c24 24100c0c 10000003",
      "afcd0007 9b74f61f 9371dcbc 853c0009 63f916b3 d5520030 9baa6aaa 7b010901",
    ]) {
      const fb = twcc(hex);
      expect(twcc(toHex(encodeRtcpPacket(fb)))).toEqual(fb);
    }
  });

  it("rejects the reserved symbol 11 (libwebrtc does too)", () => {
    expect(() =>
      decodeRtcp(fromHex("afcd0006 fa17fa17 193dd8bb 0174000e 45b15a40 d800f0ff d0000003")),
    ).toThrow(/reserved-status/);
  });

  it("encodes long runs as run length chunks and mixed symbols as vectors", () => {
    const statuses = new Uint8Array(40);
    statuses.fill(1, 0, 20);
    statuses[25] = 2;
    const deltas = new Int32Array(21).fill(4);
    deltas[20] = -8;
    const fb: TransportCcFeedback = {
      type: "transport-cc",
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 65530,
      referenceTime: -5,
      feedbackPacketCount: 7,
      statuses,
      deltas,
    };
    const bytes = encodeRtcpPacket(fb);
    // 20 × small: one RLE chunk (0x2014); then a 2-bit vector; then the rest as RLE of zeros.
    expect(toHex(bytes.subarray(20, 22))).toBe("2014");
    expect(twcc(toHex(bytes))).toEqual(fb);
  });
});
