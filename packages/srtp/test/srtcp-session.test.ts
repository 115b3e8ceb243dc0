import { describe, expect, it } from "vitest";
import { isSrtpFailure, SRTP_PROFILES, SrtcpSession, type SrtpProfile } from "../src/index.js";
import { PROVIDERS } from "./providers.js";

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function keyFor(profile: SrtpProfile) {
  const p = SRTP_PROFILES[profile];
  return {
    masterKey: new Uint8Array(p.keyLength).fill(9),
    masterSalt: new Uint8Array(p.saltLength).fill(8),
  };
}

/** A receiver report (RFC 3550 §6.4.2) with no report blocks, then `extra` words. */
function rtcp(ssrc: number, extra = 4): Uint8Array {
  const p = new Uint8Array(8 + extra * 4).fill(0x5a);
  p.set([
    0x80,
    201,
    0,
    1 + extra,
    ssrc >>> 24,
    (ssrc >>> 16) & 0xff,
    (ssrc >>> 8) & 0xff,
    ssrc & 0xff,
  ]);
  return p;
}

describe.each(PROVIDERS)("%s: SrtcpSession", (_name, crypto) => {
  describe.each(PROFILES)("%s", (profile) => {
    it("RFC 3711 §3.4: E flag set, index counts up from 1, round trip", () => {
      const tx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
      const tag = SRTP_PROFILES[profile].rtcpTagLength;
      for (let i = 1; i <= 3; i++) {
        const plain = rtcp(0x1234);
        const wire = tx.protect(plain);
        const word = wire.subarray(
          wire.byteLength - (SRTP_PROFILES[profile].cipher === "aead" ? 4 : 4 + tag),
        );
        expect([...word.subarray(0, 4)]).toEqual([0x80, 0, 0, i]);
        expect(rx.unprotect(wire)).toEqual(plain);
      }
    });

    it("RFC 3711 §3.3.2 for SRTCP: a replayed index is rejected", () => {
      const tx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
      const wire = tx.protect(rtcp(1));
      expect(isSrtpFailure(rx.unprotect(wire))).toBe(false);
      expect(rx.unprotect(wire)).toBe("replay");
    });

    it("clearing the E flag breaks authentication (the flag is authenticated)", () => {
      const tx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
      const wire = tx.protect(rtcp(1));
      const at =
        wire.byteLength -
        (SRTP_PROFILES[profile].cipher === "aead" ? 4 : 4 + SRTP_PROFILES[profile].rtcpTagLength);
      wire[at] = wire[at]! & 0x7f;
      expect(rx.unprotect(wire)).toBe("auth-failed");
    });
  });

  it("rejects packets shorter than header + trailer as malformed, never throwing", () => {
    const profile = "SRTP_AES128_CM_HMAC_SHA1_80";
    const rx = new SrtcpSession({ profile, key: keyFor(profile), crypto });
    for (let n = 0; n < 22; n++)
      expect(rx.unprotect(new Uint8Array(n).fill(0x80))).toBe("malformed");
  });
});
