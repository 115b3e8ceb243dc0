import { describe, expect, it } from "vitest";
import { createWebRtc, type RTCPeerConnection } from "../../src/node/index.js";

async function fingerprint(pc: RTCPeerConnection): Promise<string> {
  pc.createDataChannel("x");
  const offer = await pc.createOffer();
  return /a=fingerprint:(.+)/.exec(offer.sdp ?? "")?.[1] ?? "";
}

describe("default certificates (webrtc-pc §4.4.1: one generated per connection)", () => {
  it("two connections of one factory get certificates of their own by default", async () => {
    const webrtc = createWebRtc({ interfaces: { includeLoopback: true } });
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    try {
      const [fa, fb] = [await fingerprint(a), await fingerprint(b)];
      expect(fa).toMatch(/^sha-256 /);
      expect(fa).not.toBe(fb);
    } finally {
      a.close();
      b.close();
    }
  });

  it("shareCertificate: the factory's connections share one (and another factory has its own)", async () => {
    const shared = createWebRtc({ interfaces: { includeLoopback: true }, shareCertificate: true });
    const other = createWebRtc({ interfaces: { includeLoopback: true }, shareCertificate: true });
    const pcs = [
      new shared.RTCPeerConnection(),
      new shared.RTCPeerConnection(),
      new other.RTCPeerConnection(),
    ];
    try {
      const [f1, f2, f3] = await Promise.all(pcs.map(fingerprint));
      expect(f1).toBe(f2);
      expect(f3).not.toBe(f1);
    } finally {
      for (const pc of pcs) pc.close();
    }
  });
});
