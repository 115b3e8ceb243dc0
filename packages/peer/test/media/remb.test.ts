import { seededRng, silentLogger } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import { encodeRtcp } from "@purertc/rtp";
import { SrtpContext, type SrtpProfile, srtpProfileParameters } from "@purertc/srtp";
import { describe, expect, it } from "vitest";
import { defaultCodecs, defaultExtmaps, MediaSession } from "../../src/index.js";

const PROFILE: SrtpProfile = "SRTP_AEAD_AES_128_GCM";
const key = (fill: number) => {
  const p = srtpProfileParameters(PROFILE);
  return {
    masterKey: new Uint8Array(p.keyLength).fill(fill),
    masterSalt: new Uint8Array(p.saltLength).fill(fill + 1),
  };
};

/** A media session sending video on SSRC 0x1234, and the peer's SRTP context facing it. */
function session() {
  const s = new MediaSession(seededRng(7), silentLogger, "cname");
  s.setSrtp(
    0,
    new SrtpContext({ profile: PROFILE, local: key(1), remote: key(3), crypto: nodeCrypto }),
  );
  s.configure(
    0,
    [
      {
        id: 0,
        mid: "0",
        kind: "video",
        ssrc: 0x1234,
        rtxSsrc: 0x1235,
        codecs: defaultCodecs("video"),
        extmaps: defaultExtmaps("video"),
      },
    ],
    [],
  );
  const peer = new SrtpContext({
    profile: PROFILE,
    local: key(3),
    remote: key(1),
    crypto: nodeCrypto,
  });
  return { s, peer };
}

describe("REMB received for what we send (draft-alvestrand-rmcat-remb-03)", () => {
  it("surfaces as a remb event for the senders it names and as availableOutgoingBitrate", () => {
    const { s, peer } = session();
    s.handleDatagram(
      10,
      peer.protectRtcp(
        encodeRtcp([{ type: "remb", senderSsrc: 9, bitrate: 1_500_000, ssrcs: [0x1234, 0x9999] }]),
      ),
    );
    const events = [];
    for (let e = s.pollEvent(); e; e = s.pollEvent()) events.push(e);
    expect(events).toEqual([{ type: "remb", senderIds: [0], bitrate: 1_500_000 }]);
    expect(s.availableOutgoingBitrate(20)).toBe(1_500_000);
    expect(s.stats().feedback).toMatchObject({ rembReceived: 1, remb: 1_500_000 });
    // A REMB older than 5 s is no longer trusted (and no transport-cc was acknowledged).
    expect(s.availableOutgoingBitrate(6000)).toBeUndefined();
  });

  it("a tampered feedback packet is dropped and counted, never thrown", () => {
    const { s, peer } = session();
    const p = peer.protectRtcp(
      encodeRtcp([{ type: "remb", senderSsrc: 9, bitrate: 1, ssrcs: [] }]),
    );
    p[p.byteLength - 20]! ^= 1;
    expect(() => s.handleDatagram(10, p)).not.toThrow();
    expect(s.pollEvent()).toBeUndefined();
    expect(s.stats().srtcpFailures).toBe(1);
  });
});
