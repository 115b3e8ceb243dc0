import { afterEach, describe, expect, it } from "vitest";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { negotiate, once, trickle, until, webrtc } from "./helpers.js";

const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of open.splice(0)) pc.close();
});

function pair(): { a: RTCPeerConnection; b: RTCPeerConnection } {
  const a = new webrtc.RTCPeerConnection();
  const b = new webrtc.RTCPeerConnection();
  open.push(a, b);
  trickle(a, b);
  return { a, b };
}

async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length === n) break;
  }
  return out;
}

describe("codec negotiation on loopback", () => {
  for (const codec of ["audio/PCMU", "audio/PCMA"] as const) {
    it(`G.711 ${codec} (RFC 3551 §4.5.14): negotiated and 20 ms frames arrive byte-identical`, async () => {
      const { a, b } = pair();
      const track = new EncodedMediaStreamTrack({ kind: "audio", codec });
      a.addTrack(track, new MediaStream([track]));
      const ev = once<RTCTrackEvent>(b, "track");
      await negotiate(a, b);
      await Promise.all([until(a, "connected"), until(b, "connected")]);
      expect(a.getSenders()[0]!.getParameters().codecs[0]).toMatchObject({
        mimeType: codec,
        clockRate: 8000,
        payloadType: codec === "audio/PCMU" ? 0 : 8,
      });
      const incoming = take((await ev).track.frames(), 10);
      const sent: Uint8Array[] = [];
      for (let i = 0; i < 10; i++) {
        const f = new Uint8Array(160).map((_, j) => (i * 13 + j) & 0xff);
        sent.push(f);
        track.writeFrame({ data: f, timestamp: i * 160 });
        await new Promise((r) => setTimeout(r, 20));
      }
      const got = await incoming;
      expect(got.map((f) => new Uint8Array(f.data))).toEqual(sent);
      expect(got[0]!.getMetadata().mimeType).toBe(codec);
    });
  }

  it("RFC 6184 §8.2.2: an offer of H.264 level 1.1 without level asymmetry is answered at 1.1", async () => {
    const { a, b } = pair();
    a.addTransceiver("video", { direction: "recvonly" });
    await a.setLocalDescription();
    const munged = a
      .localDescription!.sdp.replaceAll("level-asymmetry-allowed=1;", "")
      .replaceAll("profile-level-id=42e01f", "profile-level-id=42e00b");
    await b.setRemoteDescription({ type: "offer", sdp: munged });
    await b.setLocalDescription();
    const fmtp = b
      .localDescription!.sdp.split("\r\n")
      .filter((l) => l.includes("profile-level-id"));
    expect(fmtp.some((l) => l.includes("profile-level-id=42e00b"))).toBe(true);
    expect(fmtp.some((l) => l.includes("profile-level-id=42e01f"))).toBe(false);
    // With asymmetry left on, the answerer states its own level.
    const { a: c, b: d } = pair();
    c.addTransceiver("video", { direction: "recvonly" });
    await c.setLocalDescription();
    await d.setRemoteDescription({
      type: "offer",
      sdp: c.localDescription!.sdp.replaceAll("profile-level-id=42e01f", "profile-level-id=42e00b"),
    });
    await d.setLocalDescription();
    expect(d.localDescription!.sdp).toContain("profile-level-id=42e01f");
  });

  it("telephone-event/48000 and /8000 are offered and negotiated next to the audio codecs", async () => {
    const { a, b } = pair();
    const track = new EncodedMediaStreamTrack({ kind: "audio" });
    a.addTrack(track, new MediaStream([track]));
    await negotiate(a, b);
    expect(a.localDescription!.sdp).toContain("a=rtpmap:110 telephone-event/48000");
    expect(a.localDescription!.sdp).toContain("a=rtpmap:126 telephone-event/8000");
    expect(b.localDescription!.sdp).toContain("a=fmtp:110 0-15");
  });
});
