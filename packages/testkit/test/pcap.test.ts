import { describe, expect, it } from "vitest";
import { encodeUdpPacket, LINKTYPE_RAW, NetSim, PCAP_MAGIC, PcapRecorder } from "../src/index.js";

interface Rec {
  sec: number;
  usec: number;
  packet: Uint8Array;
}

/** A minimal independent pcap reader: checks the header and walks the records. */
export function parsePcap(b: Uint8Array): { linkType: number; records: Rec[] } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  expect(v.getUint32(0, true)).toBe(PCAP_MAGIC);
  expect([v.getUint16(4, true), v.getUint16(6, true)]).toEqual([2, 4]);
  const records: Rec[] = [];
  let o = 24;
  while (o < b.byteLength) {
    const incl = v.getUint32(o + 8, true);
    expect(v.getUint32(o + 12, true)).toBe(incl);
    records.push({
      sec: v.getUint32(o, true),
      usec: v.getUint32(o + 4, true),
      packet: b.subarray(o + 16, o + 16 + incl),
    });
    o += 16 + incl;
  }
  expect(o).toBe(b.byteLength);
  return { linkType: v.getUint32(20, true), records };
}

function onesComplementOk(words: Uint8Array): boolean {
  let s = 0;
  for (let i = 0; i < words.length; i += 2) s += (words[i]! << 8) | (words[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

describe("pcap writer", () => {
  it("IPv4/UDP packet: header fields and both checksums verify", () => {
    const p = encodeUdpPacket(
      { address: "10.0.0.1", port: 5000 },
      { address: "10.0.0.2", port: 3478 },
      new Uint8Array([1, 2, 3]),
      7,
    );
    expect(p.byteLength).toBe(20 + 8 + 3);
    expect([p[0], p[9], (p[2]! << 8) | p[3]!]).toEqual([0x45, 17, 31]);
    expect(onesComplementOk(p.subarray(0, 20))).toBe(true);
    const pseudo = new Uint8Array([10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, 11, ...p.subarray(20)]);
    expect(onesComplementOk(pseudo)).toBe(true);
  });

  it("IPv6/UDP packet: header fields and the mandatory UDP checksum verify", () => {
    const p = encodeUdpPacket(
      { address: "2001:db8::1", port: 1 },
      { address: "2001:db8::2", port: 2 },
      new Uint8Array(5),
    );
    expect(p.byteLength).toBe(40 + 8 + 5);
    expect([p[0]! >> 4, (p[4]! << 8) | p[5]!, p[6]]).toEqual([6, 13, 17]);
    const pseudo = new Uint8Array([
      ...p.subarray(8, 40),
      0,
      0,
      0,
      13,
      0,
      0,
      0,
      17,
      ...p.subarray(40),
    ]);
    expect(onesComplementOk(pseudo)).toBe(true);
    expect(() =>
      encodeUdpPacket({ address: "10.0.0.1", port: 1 }, { address: "::1", port: 1 }, p),
    ).toThrow(RangeError);
  });

  it("a NetSim tap records every datagram sent, with simulated timestamps", () => {
    const rec = new PcapRecorder();
    const sim = new NetSim({ link: { latencyMs: 10, loss: 0.5 }, taps: [rec.tap] });
    sim.addHost("a", ["10.0.0.1", "fd00::1"]);
    sim.addHost("b", ["10.0.0.2", "fd00::2"]);
    for (let i = 0; i < 20; i++) {
      const v6 = i % 2 === 1;
      sim.send(1000.5 * i, {
        from: { address: v6 ? "fd00::1" : "10.0.0.1", port: 5000 },
        to: { address: v6 ? "fd00::2" : "10.0.0.2", port: 6000 },
        data: new Uint8Array(i + 1).fill(i),
      });
    }
    const { linkType, records } = parsePcap(rec.toBytes());
    expect(linkType).toBe(LINKTYPE_RAW);
    expect(records).toHaveLength(20);
    expect(rec.count).toBe(20);
    records.forEach((r, i) => {
      const at = 1000.5 * i;
      expect(r.sec * 1000 + r.usec / 1000).toBeCloseTo(at, 6);
      const ipLen = i % 2 === 1 ? 40 : 20;
      expect(r.packet.byteLength).toBe(ipLen + 8 + i + 1);
      expect(r.packet[ipLen + 8]).toBe(i);
    });
    const delivered = new PcapRecorder({ kinds: ["delivered"] });
    sim.addTap(delivered.tap);
    sim.send(30_000, {
      from: { address: "10.0.0.1", port: 1 },
      to: { address: "10.0.0.2", port: 2 },
      data: new Uint8Array(1),
    });
    for (
      let d = sim.pollDeliver(Number.POSITIVE_INFINITY);
      d;
      d = sim.pollDeliver(Number.POSITIVE_INFINITY)
    );
    expect(delivered.count).toBeGreaterThan(0);
    expect(delivered.count).toBe(sim.stats().delivered);
  });
});
