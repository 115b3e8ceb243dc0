import { readFixture } from "@purertc/testkit/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCEncodedVideoFrame,
  type RTCPeerConnection,
  RTCRtpReceiver,
  RTCRtpSender,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { negotiate, once, trickle, until, webrtc } from "./helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
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

describe("media on loopback (W3C surface, encoded tracks)", () => {
  it("getCapabilities lists Opus, VP8, VP9, H.264 (both packetization modes), AV1 and RTX", () => {
    const v = RTCRtpSender.getCapabilities("video")!.codecs.map((c) => c.mimeType);
    expect(v).toEqual(
      expect.arrayContaining(["video/VP8", "video/VP9", "video/H264", "video/AV1", "video/rtx"]),
    );
    const h264 = RTCRtpReceiver.getCapabilities("video")!.codecs.filter(
      (c) => c.mimeType === "video/H264",
    );
    expect(h264.map((c) => c.sdpFmtpLine)).toContain(
      "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
    );
    expect(RTCRtpSender.getCapabilities("audio")!.codecs[0]).toMatchObject({
      mimeType: "audio/opus",
      clockRate: 48000,
      channels: 2,
    });
    expect(RTCRtpSender.getCapabilities("application")).toBeNull();
  });

  it("VP8 frames of the GStreamer clip and Opus frames arrive byte-identical; track event with streams", async () => {
    const { a, b } = pair();
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const audio = new EncodedMediaStreamTrack({ kind: "audio" });
    const stream = new MediaStream([video, audio]);
    a.addTrack(video, stream);
    a.addTrack(audio, stream);
    const tracks: RTCTrackEvent[] = [];
    b.addEventListener("track", (e) => tracks.push(e as RTCTrackEvent));
    await negotiate(a, b);
    // b answers recvonly (it sends nothing), so a's transceivers send only.
    expect(a.getTransceivers().map((t) => [t.mid, t.currentDirection])).toEqual([
      ["0", "sendonly"],
      ["1", "sendonly"],
    ]);
    expect(b.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection])).toEqual([
      ["0", "recvonly", "recvonly"],
      ["1", "recvonly", "recvonly"],
    ]);
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    expect(tracks.map((t) => t.track.kind)).toEqual(["video", "audio"]);
    expect(tracks[0]!.streams[0]!.id).toBe(stream.id);
    expect(tracks[0]!.streams[0]!.getTracks().length).toBe(2);
    const videoIn = take(tracks[0]!.track.frames(), ivf.frames.length);
    const audioIn = take(tracks[1]!.track.frames(), 20);
    await new Promise((r) => setTimeout(r, 50));
    const opus: Uint8Array[] = [];
    for (const [i, f] of ivf.frames.entries()) {
      video.writeFrame({ data: f.data, timestamp: i * 3000 });
      const o = new Uint8Array(60).fill(i);
      if (i < 20) {
        opus.push(o);
        audio.writeFrame({ data: o, timestamp: i * 960 });
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const vf = (await videoIn) as RTCEncodedVideoFrame[];
    expect(vf.map((f) => new Uint8Array(f.data))).toEqual(ivf.frames.map((f) => f.data));
    expect(vf[0]!.type).toBe("key");
    expect(vf[0]!.getMetadata()).toMatchObject({ mimeType: "video/VP8", payloadType: 96 });
    const af = await audioIn;
    expect(af.map((f) => new Uint8Array(f.data))).toEqual(opus);
    expect(b.getReceivers()[0]!.getSynchronizationSources()[0]!.source).toBe(
      a.getSenders()[0]!.getParameters().encodings[0]!.ssrc,
    );
  });

  it("getContributingSources lists the CSRCs of received packets (RFC 3550 §5.1), getSynchronizationSources the SSRC", async () => {
    const { a, b } = pair();
    const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
    a.addTrack(audio, new MediaStream([audio]));
    const got = once<RTCTrackEvent>(b, "track");
    await negotiate(a, b);
    const { receiver, track } = await got;
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    const packets = track.rtpPackets();
    const send = (i: number) =>
      audio.writeRtp({
        header: {
          padding: false,
          marker: false,
          payloadType: 111,
          sequenceNumber: 100 + i,
          timestamp: 960 * i,
          ssrc: 1,
          csrcs: i < 3 ? [11, 22] : [33],
          extension: undefined,
        },
        payload: new Uint8Array([0xf8, i]),
        paddingSize: 0,
      });
    const arrived = take(packets, 5);
    for (let i = 0; i < 5; i++) {
      send(i);
      await new Promise((r) => setTimeout(r, 5));
    }
    await arrived;
    // Most recent first: 33 was in the last packets, 11 and 22 before.
    expect(receiver.getContributingSources().map((c) => c.source)).toEqual([33, 22, 11]);
    const [sync] = receiver.getSynchronizationSources();
    expect(sync!.source).toBe(a.getSenders()[0]!.getParameters().encodings[0]!.ssrc);
    expect(sync!.rtpTimestamp).toBe(960 * 4);
    expect(Math.abs(sync!.timestamp - Date.now())).toBeLessThan(5000);
    // What was returned is a snapshot: a later packet updates the receiver, not it.
    const sixth = take(track.rtpPackets(), 1);
    send(5);
    await sixth;
    expect(sync!.rtpTimestamp).toBe(960 * 4);
    expect(receiver.getSynchronizationSources()[0]!.rtpTimestamp).toBe(960 * 5);
  });

  it("requestKeyFrame on a receiver's track fires keyframerequest on the sending track (PLI)", async () => {
    const { a, b } = pair();
    const video = new EncodedMediaStreamTrack({ kind: "video" });
    a.addTransceiver(video, { direction: "sendonly" });
    const track = once<RTCTrackEvent>(b, "track");
    await negotiate(a, b);
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    const remote = (await track).track;
    video.writeFrame({ data: ivf.frames[0]!.data, timestamp: 0 });
    await once(remote, "frame");
    const asked = once(video, "keyframerequest");
    remote.requestKeyFrame();
    await asked;
    expect(b.getTransceivers()[0]!.currentDirection).toBe("recvonly");
  });

  it("removeTrack renegotiates both sides to inactive and mutes the remote track", async () => {
    const { a, b } = pair();
    const video = new EncodedMediaStreamTrack({ kind: "video" });
    const sender = a.addTrack(video);
    const track = once<RTCTrackEvent>(b, "track");
    await negotiate(a, b);
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    const remote = (await track).track;
    expect(remote.muted).toBe(true);
    const unmuted = once(remote, "unmute");
    video.writeFrame({ data: ivf.frames[0]!.data, timestamp: 0 });
    await unmuted;
    a.removeTrack(sender);
    expect(sender.track).toBeNull();
    const muted = once(remote, "mute");
    await negotiate(a, b);
    await muted;
    expect(a.getTransceivers()[0]!.currentDirection).toBe("inactive");
    expect(b.getTransceivers()[0]!.currentDirection).toBe("inactive");
  });
});
