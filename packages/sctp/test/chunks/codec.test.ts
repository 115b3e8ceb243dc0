import { fromHex, toHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { decodeChunk, encodeChunk } from "../../src/chunks/chunk.js";
import { decodeData } from "../../src/chunks/data.js";
import { decodeSack, encodeSack } from "../../src/chunks/sack.js";
import { checksumOk, decodePacket, encodePacket, readChecksum } from "../../src/packet.js";

describe("chunk wire layouts (hand-built from the RFC diagrams)", () => {
  it("RFC 9260 §3.3.1 DATA: flags U|B|E, TSN, stream, SSN, PPID, payload, padding ignored", () => {
    const bytes = fromHex("00 07 0013 00000005 0001 0002 00000035 616263 00");
    expect(decodeData(bytes)).toEqual({
      kind: "data",
      tsn: 5,
      streamId: 1,
      ssn: 2,
      ppid: 53,
      unordered: true,
      beginning: true,
      ending: true,
      immediate: false,
      payload: fromHex("616263"),
    });
  });

  it("RFC 4820 §3 PAD: type 0x84, length covers the padding, content ignored on receive", () => {
    expect(toHex(encodeChunk({ kind: "pad", padding: 6 }))).toBe("8400000a000000000000");
    expect(decodeChunk(fromHex("84 00 0009 ff ee dd cc dd 000000"))).toEqual({
      kind: "pad",
      padding: 5,
    });
    expect(() => decodeChunk(fromHex("84 00 0003"))).toThrow(/length/);
  });

  it("Receive MTU parameter (0xBF01, purertc): a 32-bit size; type bits 10 make others skip it", () => {
    const init = fromHex("01 00 001c 00000001 00010000 0001 0001 00000005 bf01 0008 00004000");
    const c = decodeChunk(init);
    expect(c.kind === "init" && c.params).toEqual([{ kind: "receive-mtu", mtu: 16384 }]);
    expect(toHex(encodeChunk(c))).toBe(toHex(init));
    expect(() =>
      decodeChunk(fromHex("01 00 001c 00000001 00010000 0001 0001 00000005 bf01 0006 4000 0000")),
    ).toThrow();
  });

  it("RFC 9260 §3.3.4 SACK: two gap blocks and one duplicate", () => {
    const hex = "03 00 001c 00000064 00010000 0002 0001 0002 0003 0005 0005 00000063";
    const sack = decodeSack(fromHex(hex));
    expect(sack).toEqual({
      kind: "sack",
      cumulativeTsnAck: 100,
      aRwnd: 65536,
      gapBlocks: [2, 3, 5, 5],
      duplicateTsns: [99],
    });
    expect(toHex(encodeSack(sack))).toBe(hex.replaceAll(" ", ""));
  });

  it("RFC 3758 §3.2 FORWARD TSN with one stream entry", () => {
    expect(decodeChunk(fromHex("c0 00 000c 000003e8 0004 0007"))).toEqual({
      kind: "forward-tsn",
      newCumulativeTsn: 1000,
      streams: [{ streamId: 4, ssn: 7 }],
    });
  });

  it("RFC 6525 §4.1 RE-CONFIG with an Outgoing SSN Reset Request for stream 3", () => {
    const c = decodeChunk(fromHex("82 00 0016 000d 0012 00000001 00000002 00000010 0003 0000"));
    expect(c).toEqual({
      kind: "re-config",
      params: [
        {
          kind: "outgoing-ssn-reset-request",
          requestSeq: 1,
          responseSeq: 2,
          senderLastTsn: 16,
          streams: [3],
        },
      ],
    });
  });

  it("INIT parameter padding: the last parameter's padding is outside the chunk length (§3.2)", () => {
    const init = {
      kind: "init" as const,
      initiateTag: 1,
      aRwnd: 2,
      outboundStreams: 3,
      inboundStreams: 4,
      initialTsn: 5,
      params: [
        { kind: "supported-extensions" as const, chunkTypes: [0x82, 0xc0, 0x40] },
        { kind: "zero-checksum-acceptable" as const, edmid: 1 },
      ],
    };
    const b = encodeChunk(init);
    expect((b[2]! << 8) | b[3]!).toBe(20 + 8 + 8);
    expect(decodeChunk(b)).toEqual(init);
  });

  it("RFC 9260 Appendix A: the CRC-32C is written so that a checker recomputes it; zero checksum only when accepted", () => {
    const p = encodePacket({
      sourcePort: 5000,
      destinationPort: 5000,
      verificationTag: 7,
      chunks: [{ kind: "cookie-ack" }],
    });
    expect(checksumOk(p, false)).toBe(true);
    expect(readChecksum(p)).not.toBe(0);
    const z = encodePacket(decodePacket(p), true);
    expect(readChecksum(z)).toBe(0);
    expect(checksumOk(z, false)).toBe(false);
    expect(checksumOk(z, true)).toBe(true);
    p[13] = p[13]! ^ 1;
    expect(checksumOk(p, true)).toBe(false);
  });
});
