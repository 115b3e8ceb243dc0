import { readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import type { InitChunk } from "../../src/chunks/init.js";
import { ChunkType } from "../../src/constants.js";
import { checksumOk, decodePacket } from "../../src/packet.js";

function rfc4571(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o + 2 <= stream.byteLength; ) {
    const len = (stream[o]! << 8) | stream[o + 1]!;
    out.push(stream.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  return out;
}

describe("packets from an independent implementation (werift 0.25.2, captured)", () => {
  const packets = rfc4571(readFixture("sctp", "werift-server.sctpstream"));

  it("every packet carries a valid CRC-32C (RFC 9260 Appendix A) and decodes", () => {
    expect(packets.length).toBeGreaterThan(10);
    for (const p of packets) {
      expect(checksumOk(p, false)).toBe(true);
      const d = decodePacket(p);
      expect(d.sourcePort).toBe(5000);
      expect(d.chunks.length).toBeGreaterThan(0);
    }
  });

  it("INIT ACK: state cookie and supported extensions (RE-CONFIG, FORWARD-TSN)", () => {
    const ack = decodePacket(packets[0]!).chunks[0] as InitChunk;
    expect(ack.kind).toBe("init-ack");
    expect(ack.initiateTag).not.toBe(0);
    expect(ack.params.some((p) => p.kind === "state-cookie")).toBe(true);
    const ext = ack.params.find((p) => p.kind === "supported-extensions");
    expect(ext && "chunkTypes" in ext && ext.chunkTypes).toContain(ChunkType.RE_CONFIG);
  });

  it("DATA carries the text message on stream 1 with PPID 51", () => {
    const data = packets.flatMap((p) => decodePacket(p).chunks).filter((c) => c.kind === "data");
    const text = data.find((c) => c.streamId === 1 && c.ppid === 51);
    expect(text && new TextDecoder().decode(text.payload)).toBe("hello from werift");
    expect(data.some((c) => c.unordered && c.streamId === 2)).toBe(true);
  });

  it("RE-CONFIG answers our outgoing SSN reset request with a response (RFC 6525 §4.4)", () => {
    const params = packets
      .flatMap((p) => decodePacket(p).chunks)
      .flatMap((c) => (c.kind === "re-config" ? c.params : []));
    expect(params.some((p) => p.kind === "re-config-response")).toBe(true);
  });
});
