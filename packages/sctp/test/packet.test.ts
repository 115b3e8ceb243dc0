import { describe, expect, it } from "vitest";
import { copyOutPacket } from "../src/packet.js";

describe("copyOutPacket (outgoing packets carved from a shared slab)", () => {
  it("every packet is a copy of its exact size that later packets and changes to the build buffer never touch", () => {
    const build = new Uint8Array(1200);
    const out: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      build.fill(i & 0xff);
      out.push(copyOutPacket(build, 1100 + (i % 7)));
    }
    build.fill(0xee);
    out.forEach((p, i) => {
      expect(p.byteLength).toBe(1100 + (i % 7));
      expect(p.every((b) => b === (i & 0xff))).toBe(true);
    });
  });

  it("a packet whose buffer was transferred away (postMessage) does not break the next one", () => {
    const build = new Uint8Array(1200).fill(5);
    const p = copyOutPacket(build, 1200);
    const buffer = p.buffer as ArrayBuffer;
    structuredClone(buffer, { transfer: [buffer] });
    expect(p.byteLength).toBe(0);
    expect(copyOutPacket(build, 1200)).toEqual(build);
  });

  it("a large packet gets a buffer of its own", () => {
    const build = new Uint8Array(16384).fill(3);
    const p = copyOutPacket(build, 16000);
    expect(p.byteOffset).toBe(0);
    expect(p.buffer.byteLength).toBe(16000);
    expect(p).toEqual(build.subarray(0, 16000));
  });
});
