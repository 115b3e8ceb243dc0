import { describe, expect, it } from "vitest";
import { SRTP_PROFILES, type SrtpProfile, SrtpSession } from "../src/index.js";
import { OutputSlab } from "../src/output-slab.js";
import { PROVIDERS, rtpPacket } from "./providers.js";

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function key(profile: SrtpProfile) {
  const p = SRTP_PROFILES[profile];
  return {
    masterKey: new Uint8Array(p.keyLength).fill(0x42),
    masterSalt: new Uint8Array(p.saltLength).fill(0x17),
  };
}

describe("OutputSlab", () => {
  it("hands out disjoint, 8-byte-aligned views and a slab of their own to large outputs", () => {
    const slab = new OutputSlab();
    const views = Array.from({ length: 40 }, (_, i) => slab.take(1000 + i));
    for (const [i, v] of views.entries()) {
      expect(v.byteLength).toBe(1000 + i);
      expect(v.byteOffset % 8).toBe(0);
      v.fill(i + 1);
    }
    for (const [i, v] of views.entries()) expect(v.every((b) => b === i + 1)).toBe(true);
    const big = slab.take(9000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(9000);
  });
});

describe.each(PROVIDERS)("%s: outputs of protect and unprotect share slabs", (_name, crypto) => {
  it.each(PROFILES)("%s: 200 outputs kept at once all stay intact", (profile) => {
    const tx = new SrtpSession({ profile, key: key(profile), crypto });
    const rx = new SrtpSession({ profile, key: key(profile), crypto });
    const plain = Array.from({ length: 200 }, (_, i) =>
      rtpPacket(i, 0xabcd, new Uint8Array(700 + i).fill(i & 0xff)),
    );
    const wire = plain.map((p) => tx.protect(p));
    const opened = wire.map((w) => rx.unprotect(w));
    // Every earlier output is still what it was after all the later ones were written.
    for (let i = 0; i < plain.length; i++) expect(opened[i]).toEqual(plain[i]);
    const again = new SrtpSession({ profile, key: key(profile), crypto });
    for (let i = 0; i < plain.length; i++) expect(again.unprotect(wire[i]!)).toEqual(plain[i]);
  });
});
