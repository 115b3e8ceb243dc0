import { describe, expect, it } from "vitest";
import {
  isSrtpFailure,
  SRTP_EXPORTER_LABEL,
  SRTP_PROFILES,
  SrtpContext,
  type SrtpProfile,
  srtpKeyingMaterialLength,
  srtpKeysFromDtls,
  srtpProfileFromDtlsId,
} from "../src/index.js";
import { PROVIDERS, rtpPacket } from "./providers.js";

describe("DTLS-SRTP keying (RFC 5764 §4.2)", () => {
  it("splits client key | server key | client salt | server salt by role", () => {
    const profile = "SRTP_AES128_CM_HMAC_SHA1_80";
    expect(srtpKeyingMaterialLength(profile)).toBe(60);
    const m = Uint8Array.from({ length: 60 }, (_, i) => i);
    const c = srtpKeysFromDtls(profile, m, "client");
    const s = srtpKeysFromDtls(profile, m, "server");
    expect([...c.local.masterKey]).toEqual([...m.subarray(0, 16)]);
    expect([...c.remote.masterKey]).toEqual([...m.subarray(16, 32)]);
    expect([...c.local.masterSalt]).toEqual([...m.subarray(32, 46)]);
    expect([...c.remote.masterSalt]).toEqual([...m.subarray(46, 60)]);
    expect(s.local).toEqual(c.remote);
    expect(s.remote).toEqual(c.local);
    expect(SRTP_EXPORTER_LABEL).toBe("EXTRACTOR-dtls_srtp");
  });

  it("uses each profile's lengths (RFC 7714 §12: 56 and 88 bytes for GCM) and rejects others", () => {
    expect(srtpKeyingMaterialLength("SRTP_AEAD_AES_128_GCM")).toBe(56);
    expect(srtpKeyingMaterialLength("SRTP_AEAD_AES_256_GCM")).toBe(88);
    expect(() => srtpKeysFromDtls("SRTP_AEAD_AES_128_GCM", new Uint8Array(60), "client")).toThrow(
      RangeError,
    );
  });

  it("maps use_srtp identifiers (RFC 5764 §4.1.2, RFC 7714 §14.2)", () => {
    expect([1, 2, 7, 8, 5].map(srtpProfileFromDtlsId)).toEqual([
      "SRTP_AES128_CM_HMAC_SHA1_80",
      "SRTP_AES128_CM_HMAC_SHA1_32",
      "SRTP_AEAD_AES_128_GCM",
      "SRTP_AEAD_AES_256_GCM",
      undefined,
    ]);
  });
});

describe.each(PROVIDERS)("%s: SrtpContext.fromDtls", (_name, crypto) => {
  it.each(Object.keys(SRTP_PROFILES) as SrtpProfile[])(
    "%s: client and server talk RTP and RTCP both ways",
    (profile) => {
      const material = Uint8Array.from(
        { length: srtpKeyingMaterialLength(profile) },
        (_, i) => i * 7,
      );
      const client = SrtpContext.fromDtls({
        profile,
        keyingMaterial: material,
        role: "client",
        crypto,
      });
      const server = SrtpContext.fromDtls({
        profile,
        keyingMaterial: material,
        role: "server",
        crypto,
      });
      const rtp = rtpPacket(10, 1, new Uint8Array(30).fill(1));
      expect(server.unprotectRtp(client.protectRtp(rtp))).toEqual(rtp);
      expect(client.unprotectRtp(server.protectRtp(rtp))).toEqual(rtp);
      const rr = Uint8Array.from([0x80, 201, 0, 1, 0, 0, 0, 1]);
      expect(server.unprotectRtcp(client.protectRtcp(rr))).toEqual(rr);
      // Our own packets do not verify on our receive side (different keys per direction).
      expect(isSrtpFailure(client.unprotectRtp(client.protectRtp(rtp)))).toBe(true);
      expect(server.stats().rtp).toMatchObject({ protectedPackets: 1, unprotectedPackets: 1 });
    },
  );
});
