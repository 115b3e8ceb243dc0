import { describe, expect, it } from "vitest";
import type { RTCCertificate, RTCDataChannel, RTCPeerConnection } from "../../src/node/index.js";
import { negotiate, once, trickle, webrtc } from "./helpers.js";

const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

/** Connects two peers with the given certificates and sends one message a → b. */
async function connectWith(certA: RTCCertificate, certB: RTCCertificate) {
  const a = new webrtc.RTCPeerConnection({ certificates: [certA] });
  const b = new webrtc.RTCPeerConnection({ certificates: [certB] });
  trickle(a, b);
  const ca = a.createDataChannel("rsa");
  const incoming = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
  const open = once(ca, "open");
  await negotiate(a, b);
  await open;
  const cb = (await incoming).channel;
  const got = once<MessageEvent>(cb, "message");
  ca.send("over an RSA-authenticated DTLS");
  expect((await got).data).toBe("over an RSA-authenticated DTLS");
  return { a, b };
}

async function dtlsCipher(pc: RTCPeerConnection): Promise<unknown> {
  for (const s of (await pc.getStats()).values()) if (s.type === "transport") return s.dtlsCipher;
  return undefined;
}

describe("RTCPeerConnection.generateCertificate with RSASSA-PKCS1-v1_5 (webrtc-pc §4.9.1)", () => {
  it("makes an RSA certificate with a sha-256 fingerprint; bad sizes and hashes reject NotSupportedError", async () => {
    const cert = await webrtc.RTCPeerConnection.generateCertificate(RSA);
    expect(cert.getFingerprints()[0]?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(
      webrtc.RTCPeerConnection.generateCertificate({ ...RSA, modulusLength: 512 }),
    ).rejects.toMatchObject({ name: "NotSupportedError" });
    await expect(
      webrtc.RTCPeerConnection.generateCertificate({ ...RSA, hash: "SHA-1" }),
    ).rejects.toMatchObject({ name: "NotSupportedError" });
    await expect(
      webrtc.RTCPeerConnection.generateCertificate({ name: "RSA-PSS", modulusLength: 2048 }),
    ).rejects.toMatchObject({ name: "NotSupportedError" });
  });

  it("two RSA peers connect on loopback with a TLS_ECDHE_RSA suite and carry data", async () => {
    const certA = await webrtc.RTCPeerConnection.generateCertificate(RSA);
    const certB = await webrtc.RTCPeerConnection.generateCertificate({
      ...RSA,
      hash: { name: "SHA-256" },
    });
    const { a, b } = await connectWith(certA, certB);
    expect(await dtlsCipher(a)).toMatch(/^TLS_ECDHE_RSA_WITH_/);
    a.close();
    b.close();
  });

  it("an RSA peer and an ECDSA peer connect (mixed certificates, both DTLS roles signing)", async () => {
    const rsa = await webrtc.RTCPeerConnection.generateCertificate(RSA);
    const ec = await webrtc.RTCPeerConnection.generateCertificate({
      name: "ECDSA",
      namedCurve: "P-256",
    });
    const first = await connectWith(ec, rsa);
    expect(await dtlsCipher(first.a)).toMatch(/^TLS_ECDHE_/);
    first.a.close();
    first.b.close();
    const second = await connectWith(rsa, ec);
    expect(await dtlsCipher(second.a)).toMatch(/^TLS_ECDHE_/);
    second.a.close();
    second.b.close();
  });
});
