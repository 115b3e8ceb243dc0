import {
  decodeSdesExtension,
  findHeaderExtension,
  RTP_EXTENSION_URI,
  type RtpPacket,
} from "@purertc/rtp";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWebRtc,
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { negotiate, trickle, until } from "./helpers.js";

const base = { addresses: ["127.0.0.1"], mdns: "disabled" as const };
const withCryptex = createWebRtc({ ...base, cryptex: true });
const without = createWebRtc(base);
const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of open.splice(0)) pc.close();
});

const cryptexLines = (sdp: string | undefined) => (sdp ?? "").match(/^a=cryptex$/gm)?.length ?? 0;

/** a sends Opus-shaped RTP with CSRCs on an audio track; b receives; returns b's track. */
async function call(bSide: typeof withCryptex) {
  const a = new withCryptex.RTCPeerConnection();
  const b = new bSide.RTCPeerConnection();
  open.push(a, b);
  trickle(a, b);
  const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
  const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  const stream = new MediaStream([audio, video]);
  a.addTrack(audio, stream);
  a.addTrack(video, stream);
  const tracks: RTCTrackEvent[] = [];
  b.addEventListener("track", (e) => tracks.push(e as RTCTrackEvent));
  await negotiate(a, b);
  await Promise.all([until(a, "connected"), until(b, "connected")]);
  const remote = tracks.find((t) => t.track.kind === "audio")!;
  const packets = remote.track.rtpPackets()[Symbol.asyncIterator]();
  for (let i = 0; i < 5; i++) {
    audio.writeRtp({
      header: {
        padding: false,
        marker: false,
        payloadType: 111,
        sequenceNumber: 100 + i,
        timestamp: 960 * i,
        ssrc: 1,
        csrcs: [0x1111, 0x2222],
        extension: undefined,
      },
      payload: new Uint8Array([0xf8, i]),
      paddingSize: 0,
    });
    await new Promise((r) => setTimeout(r, 5));
  }
  const got: RtpPacket[] = [];
  for (let i = 0; i < 5; i++) {
    const next = await packets.next();
    if (!next.done) got.push(next.value);
  }
  const midId = remote.receiver
    .getParameters()
    .headerExtensions.find((h) => h.uri === RTP_EXTENSION_URI.mid)!.id;
  return { a, b, got, midId, receiver: remote.receiver };
}

describe("cryptex (RFC 9335) between two purertc peers on loopback (factory option)", () => {
  it("both ask: a=cryptex on every RTP section both ways; extensions and CSRCs arrive readable", async () => {
    const { a, b, got, midId, receiver } = await call(withCryptex);
    expect(got).toHaveLength(5);
    expect(cryptexLines(a.localDescription?.sdp)).toBe(2);
    expect(cryptexLines(b.localDescription?.sdp)).toBe(2);
    for (const p of got) {
      expect(decodeSdesExtension(findHeaderExtension(p.header.extension!, midId)!)).toBe("0");
      expect(p.header.csrcs).toEqual([0x1111, 0x2222]);
    }
    expect(
      receiver
        .getContributingSources()
        .map((c) => c.source)
        .sort(),
    ).toEqual([0x1111, 0x2222]);
  });

  it("only the offerer asks: the answer has no a=cryptex and media flows as plain SRTP", async () => {
    const { a, b, got, midId } = await call(without);
    expect(got).toHaveLength(5);
    expect(cryptexLines(a.localDescription?.sdp)).toBe(2);
    expect(cryptexLines(b.localDescription?.sdp)).toBe(0);
    for (const p of got)
      expect(decodeSdesExtension(findHeaderExtension(p.header.extension!, midId)!)).toBe("0");
  });

  it("the default factory offers no a=cryptex", async () => {
    const pc = new without.RTCPeerConnection();
    open.push(pc);
    pc.addTransceiver("video");
    expect(cryptexLines((await pc.createOffer()).sdp)).toBe(0);
  });
});
