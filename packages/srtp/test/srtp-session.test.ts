import { seededRng } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  isSrtpFailure,
  SRTP_PROFILES,
  type SrtpMasterKey,
  type SrtpProfile,
  SrtpSession,
} from "../src/index.js";
import { PROVIDERS, rtpPacket } from "./providers.js";

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function keyFor(profile: SrtpProfile, mki?: Uint8Array): SrtpMasterKey {
  const p = SRTP_PROFILES[profile];
  return {
    masterKey: new Uint8Array(p.keyLength).fill(0x42),
    masterSalt: new Uint8Array(p.saltLength).fill(0x17),
    mki,
  };
}

const payload = (seq: number) => new Uint8Array(40).fill(seq & 0xff);

describe.each(PROVIDERS)("%s: SrtpSession", (_name, crypto) => {
  describe.each(PROFILES)("%s", (profile) => {
    it("round-trips RTP packets and leaves the input untouched", () => {
      const tx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const plain = rtpPacket(1, 0xabcd, payload(1));
      const copy = plain.slice();
      const wire = tx.protect(plain);
      expect(plain).toEqual(copy);
      expect(wire.byteLength).toBe(plain.byteLength + SRTP_PROFILES[profile].rtpTagLength);
      expect(rx.unprotect(wire)).toEqual(plain);
    });

    it("RFC 3711 §3.3.1: sequence rollover across 2^16 with reordering around the wrap", () => {
      const tx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const seqs = Array.from({ length: 120 }, (_, i) => (65490 + i) & 0xffff);
      const sent = seqs.map((s) => ({
        plain: rtpPacket(s, 7, payload(s)),
        wire: new Uint8Array() as Uint8Array,
      }));
      for (const p of sent) p.wire = tx.protect(p.plain);
      expect(tx.rolloverCounter(7, "local")).toBe(1);
      // Shuffle within windows of 24 packets so packets cross the wrap in both directions.
      const rng = seededRng(3);
      const order = sent.map((_, i) => i + Math.floor(rng.next() * 24));
      const arrival = sent.map((p, i) => ({ p, key: order[i]! })).sort((a, b) => a.key - b.key);
      for (const { p } of arrival) expect(rx.unprotect(p.wire)).toEqual(p.plain);
      expect(rx.rolloverCounter(7, "remote")).toBe(1);
      // A late packet from before the wrap still authenticates with ROC 0 (then is a replay).
      expect(rx.unprotect(sent[0]!.wire)).toBe("replay");
    });

    it("RFC 3711 §3.3.2: replayed and too-old packets are rejected, late ones inside the window kept", () => {
      const tx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const wires = Array.from({ length: 300 }, (_, s) => tx.protect(rtpPacket(s, 9, payload(s))));
      expect(isSrtpFailure(rx.unprotect(wires[0]!))).toBe(false);
      expect(rx.unprotect(wires[0]!)).toBe("replay");
      expect(isSrtpFailure(rx.unprotect(wires[200]!))).toBe(false);
      expect(rx.unprotect(wires[72]!)).toBe("too-old"); // 128 behind 200
      expect(isSrtpFailure(rx.unprotect(wires[73]!))).toBe(false); // 127 behind: inside
      expect(rx.unprotect(wires[73]!)).toBe("replay");
      const f = rx.stats().failures;
      expect([f.replay, f["too-old"]]).toEqual([2, 1]);
    });

    it("a configured window of 256 keeps a packet 200 behind", () => {
      const tx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const rx = new SrtpSession({
        profile,
        key: keyFor(profile),
        crypto,
        config: { replayWindowSize: 256 },
      });
      const wires = Array.from({ length: 260 }, (_, s) => tx.protect(rtpPacket(s, 9, payload(s))));
      rx.unprotect(wires[259]!);
      expect(isSrtpFailure(rx.unprotect(wires[59]!))).toBe(false); // 200 behind
      expect(rx.unprotect(wires[0]!)).toBe("too-old");
    });

    it("RFC 3711 §3.1: MKI is carried and checked; a different MKI is rejected", () => {
      const mki = new Uint8Array([1, 2, 3]);
      const tx = new SrtpSession({ profile, key: keyFor(profile, mki), crypto });
      const rx = new SrtpSession({ profile, key: keyFor(profile, mki), crypto });
      const other = new SrtpSession({
        profile,
        key: keyFor(profile, new Uint8Array([1, 2, 4])),
        crypto,
      });
      const plain = rtpPacket(5, 1, payload(5));
      const wire = tx.protect(plain);
      expect(other.unprotect(wire)).toBe("unknown-mki");
      expect(rx.unprotect(wire)).toEqual(plain);
    });

    it("a packet under another key fails authentication and opens no stream", () => {
      const tx = new SrtpSession({ profile, key: keyFor(profile), crypto });
      const k = keyFor(profile);
      const rx = new SrtpSession({
        profile,
        key: { ...k, masterKey: k.masterKey.map((b) => b ^ 1) },
        crypto,
      });
      expect(rx.unprotect(tx.protect(rtpPacket(1, 1, payload(1))))).toBe("auth-failed");
      expect(rx.stats().remoteStreams).toBe(0);
    });
  });

  it("maxStreams bounds the remote streams; extra SSRCs count as stream-limit", () => {
    const profile = "SRTP_AEAD_AES_128_GCM";
    const tx = new SrtpSession({ profile, key: keyFor(profile), crypto });
    const rx = new SrtpSession({
      profile,
      key: keyFor(profile),
      crypto,
      config: { maxStreams: 2 },
    });
    for (const ssrc of [1, 2])
      expect(isSrtpFailure(rx.unprotect(tx.protect(rtpPacket(1, ssrc, payload(1)))))).toBe(false);
    expect(rx.unprotect(tx.protect(rtpPacket(1, 3, payload(1))))).toBe("stream-limit");
    rx.removeStream(1);
    expect(isSrtpFailure(rx.unprotect(tx.protect(rtpPacket(2, 3, payload(2)))))).toBe(false);
    expect(rx.stats()).toMatchObject({ unprotectedPackets: 3, remoteStreams: 2 });
  });

  it("protect rejects a non-RTP packet with RangeError (local misuse)", () => {
    const tx = new SrtpSession({
      profile: "SRTP_AES128_CM_HMAC_SHA1_80",
      key: keyFor("SRTP_AES128_CM_HMAC_SHA1_80"),
      crypto,
    });
    expect(() => tx.protect(new Uint8Array(5))).toThrow(RangeError);
  });
});

describe("configuration", () => {
  it("rejects a replay window below 64 or not a multiple of 32, and wrong key lengths", () => {
    const [, crypto] = PROVIDERS[0]!;
    const profile = "SRTP_AES128_CM_HMAC_SHA1_80";
    expect(
      () =>
        new SrtpSession({
          profile,
          key: keyFor(profile),
          crypto,
          config: { replayWindowSize: 32 },
        }),
    ).toThrow(RangeError);
    expect(
      () =>
        new SrtpSession({
          profile,
          key: keyFor(profile),
          crypto,
          config: { replayWindowSize: 100 },
        }),
    ).toThrow(RangeError);
    expect(
      () => new SrtpSession({ profile, key: keyFor("SRTP_AEAD_AES_256_GCM"), crypto }),
    ).toThrow(RangeError);
    expect(
      () => new SrtpSession({ profile: "nope" as SrtpProfile, key: keyFor(profile), crypto }),
    ).toThrow(TypeError);
  });
});
