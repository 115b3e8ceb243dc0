import { describe, expect, it } from "vitest";
import { isSrtpFailure, SrtpContext, type SrtpMasterKey } from "../src/index.js";
import { PROVIDERS } from "./providers.js";

const A: SrtpMasterKey = {
  masterKey: new Uint8Array(16).fill(3),
  masterSalt: new Uint8Array(14).fill(4),
};
const B: SrtpMasterKey = {
  masterKey: new Uint8Array(16).fill(5),
  masterSalt: new Uint8Array(14).fill(6),
};

/** RTP with one RFC 8285 one-byte extension (id 4, "0" = MID) and a 20-byte payload. */
function withMid(seq: number): Uint8Array {
  const p = new Uint8Array(12 + 8 + 20).fill(0xaa);
  p.set([0x90, 96, seq >>> 8, seq & 0xff, 0, 0, 0, 1, 0, 0, 0x12, 0x34], 0);
  p.set([0xbe, 0xde, 0x00, 0x01, 0x40, 0x30, 0x00, 0x00], 12);
  return p;
}

describe.each(PROVIDERS)("%s: cryptex switched on a live context (RFC 9335)", (_n, crypto) => {
  it("setCryptex: plain 0xBEDE before, 0xC0DE after; the receiver reads both and the same stream continues", () => {
    const profile = "SRTP_AES128_CM_HMAC_SHA1_80" as const;
    const tx = new SrtpContext({ profile, local: A, remote: B, crypto });
    const rx = new SrtpContext({ profile, local: B, remote: A, crypto });
    expect(tx.cryptex).toBe(false);
    const before = tx.protectRtp(withMid(1));
    expect([before[12], before[13], before[16], before[17]]).toEqual([0xbe, 0xde, 0x40, 0x30]);
    tx.setCryptex(true);
    rx.setCryptex(true);
    expect(tx.cryptex).toBe(true);
    const after = tx.protectRtp(withMid(2));
    expect([after[12], after[13]]).toEqual([0xc0, 0xde]);
    expect([after[16], after[17]]).not.toEqual([0x40, 0x30]);
    for (const [wire, seq] of [
      [before, 1],
      [after, 2],
    ] as const) {
      const out = rx.unprotectRtp(wire);
      expect(isSrtpFailure(out)).toBe(false);
      expect(out).toEqual(withMid(seq));
    }
    // Off again: a cryptex packet is no longer decrypted as such, so it fails authentication
    // only if altered; unchanged it authenticates but keeps its 0xC0DE profile and ciphertext.
    rx.setCryptex(false);
    const late = tx.protectRtp(withMid(3));
    const out = rx.unprotectRtp(late);
    expect(isSrtpFailure(out)).toBe(false);
    expect((out as Uint8Array)[12]).toBe(0xc0);
  });
});
