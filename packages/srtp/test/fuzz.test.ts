import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isSrtpFailure,
  SRTP_PROFILES,
  SrtcpSession,
  type SrtpProfile,
  SrtpSession,
} from "../src/index.js";
import { PROVIDERS, rtpPacket } from "./providers.js";

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function keyFor(profile: SrtpProfile, withMki: boolean) {
  const p = SRTP_PROFILES[profile];
  return {
    masterKey: new Uint8Array(p.keyLength).fill(0x33),
    masterSalt: new Uint8Array(p.saltLength).fill(0x44),
    mki: withMki ? new Uint8Array([9, 9]) : undefined,
  };
}

function rtcp(body: Uint8Array): Uint8Array {
  const p = new Uint8Array(8 + body.byteLength);
  p.set([0x81, 200, 0, body.byteLength / 4 + 1, 1, 2, 3, 4]);
  p.set(body, 8);
  return p;
}

const runs = { numRuns: 60 };

describe.each(PROVIDERS)("%s: properties", (_name, crypto) => {
  describe.each(PROFILES)("%s", (profile) => {
    it("one flipped bit anywhere in an SRTP packet makes unprotect fail", () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 300 }),
          fc.integer({ min: 0, max: 0xffff }),
          fc.boolean(),
          fc.nat(),
          (body, seq, withMki, bitSeed) => {
            const key = keyFor(profile, withMki);
            const wire = new SrtpSession({ profile, key, crypto }).protect(
              rtpPacket(seq, 77, body),
            );
            const bit = bitSeed % (wire.byteLength * 8);
            wire[bit >>> 3] = wire[bit >>> 3]! ^ (1 << (bit & 7));
            const r = new SrtpSession({ profile, key, crypto }).unprotect(wire);
            expect(isSrtpFailure(r)).toBe(true);
          },
        ),
        runs,
      );
    });

    it("one flipped bit anywhere in an SRTCP packet makes unprotect fail", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.boolean(),
          fc.nat(),
          (words, withMki, bitSeed) => {
            const key = keyFor(profile, withMki);
            const plain = rtcp(new Uint8Array(words * 4).fill(words));
            const wire = new SrtcpSession({ profile, key, crypto }).protect(plain);
            const bit = bitSeed % (wire.byteLength * 8);
            wire[bit >>> 3] = wire[bit >>> 3]! ^ (1 << (bit & 7));
            expect(isSrtpFailure(new SrtcpSession({ profile, key, crypto }).unprotect(wire))).toBe(
              true,
            );
          },
        ),
        runs,
      );
    });

    it("random and truncated input never throws from unprotect", () => {
      const key = keyFor(profile, false);
      const rtpRx = new SrtpSession({ profile, key, crypto });
      const rtcpRx = new SrtcpSession({ profile, key, crypto });
      const tx = new SrtpSession({ profile, key, crypto });
      const good = tx.protect(rtpPacket(1, 5, new Uint8Array(64)));
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(good.byteLength), (junk, cut) => {
          for (const input of [
            junk,
            good.subarray(0, cut),
            junk.map((b, i) => (i === 0 ? 0x80 | (b & 0x3f) : b)),
          ]) {
            const a = rtpRx.unprotect(input);
            const b = rtcpRx.unprotect(input);
            expect(typeof a === "string" || a instanceof Uint8Array).toBe(true);
            expect(typeof b === "string" || b instanceof Uint8Array).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
