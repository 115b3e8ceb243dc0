/**
 * Media between purertc and libwebrtc (@roamhq/wrtc), purertc as offerer and as answerer:
 * libwebrtc encodes I420 frames we generate (its nonstandard RTCVideoSource) to VP8 that arrives
 * at our encoded track; our VP8 clip is decoded by its RTCVideoSink; Opus both ways (its
 * RTCAudioSource encodes PCM we make, its RTCAudioSink decodes our Opus clip).
 */
import { ok, strictEqual } from "node:assert/strict";
import { EncodedMediaStreamTrack } from "@purertc/peer";
import { afterEach, describe, it } from "vitest";
import {
  i420Frame,
  opusClip,
  pace,
  receiveTracks,
  vp8Clip,
  vp8KeyframeSize,
} from "../shared/native-media.js";
import { connect, type Role, waitFor } from "../shared/native-signaling.js";
import {
  preferCodec,
  type WrtcPeer,
  type WrtcTrack,
  wrtcNonstandard,
  wrtcPair,
} from "../shared/native-wrtc.js";

const ns = wrtcNonstandard;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** The remote track wrtc signals (its `track` event), or its first transceiver's receiver. */
function remoteTrackOf(other: WrtcPeer): Promise<WrtcTrack> {
  return new Promise((resolve) =>
    other.pc.addEventListener("track", (e) => resolve((e as Event & { track: WrtcTrack }).track)),
  );
}

describe.each<Role>(["offerer", "answerer"])("media ↔ libwebrtc (wrtc), purertc as %s", (role) => {
  it("its VP8, encoded from our I420 frames, arrives as frames with 320x240 keyframes", async () => {
    const { pc, other } = wrtcPair(cleanups);
    const source = new ns.RTCVideoSource();
    const track = source.createTrack();
    cleanups.push(() => track.stop());
    const received = receiveTracks(pc);
    if (role === "offerer") {
      preferCodec(pc.addTransceiver("video", { direction: "recvonly" }), "video/VP8");
      other.beforeAnswer = () => other.pc.addTrack(track);
    } else other.pc.addTrack(track);
    await connect(pc, other, role, "trickle", {
      beforeAnswer: () => preferCodec(pc.getTransceivers()[0], "video/VP8"),
    });
    cleanups.push(
      pace(33, (i) => source.onFrame({ width: 320, height: 240, data: i420Frame(320, 240, i) })),
    );
    await waitFor(
      () => (received[0]?.frames.length ?? 0) >= 15,
      10_000,
      () => `frames: ${received[0]?.frames.length}`,
    );
    const r = received[0]!;
    const key = r.frames.find((f) => "type" in f && f.type === "key");
    ok(key, "a keyframe arrived");
    strictEqual(key.getMetadata().mimeType, "video/VP8");
    const size = vp8KeyframeSize(new Uint8Array(key.data));
    strictEqual(size?.width, 320);
    strictEqual(size?.height, 240);
    strictEqual(r.mid, pc.getTransceivers()[0]?.mid);
  });

  it("our requestKeyFrame() (RTCP PLI) makes libwebrtc's encoder send a new keyframe", async () => {
    const { pc, other } = wrtcPair(cleanups);
    const source = new ns.RTCVideoSource();
    const track = source.createTrack();
    cleanups.push(() => track.stop());
    const received = receiveTracks(pc);
    if (role === "offerer") {
      preferCodec(pc.addTransceiver("video", { direction: "recvonly" }), "video/VP8");
      other.beforeAnswer = () => other.pc.addTrack(track);
    } else other.pc.addTrack(track);
    await connect(pc, other, role, "trickle", {
      beforeAnswer: () => preferCodec(pc.getTransceivers()[0], "video/VP8"),
    });
    cleanups.push(
      pace(33, (i) => source.onFrame({ width: 320, height: 240, data: i420Frame(320, 240, i) })),
    );
    const keys = () =>
      received[0]?.frames.filter((f) => "type" in f && f.type === "key").length ?? 0;
    // libwebrtc sends no periodic VP8 keyframes: after the first, only a PLI brings another.
    await waitFor(() => (received[0]?.frames.length ?? 0) >= 30, 10_000, "30 frames");
    const before = keys();
    const plis = async () =>
      (
        [...(await pc.getStats()).values()].find((s) => s.type === "inbound-rtp") as
          | { pliCount?: number }
          | undefined
      )?.pliCount ?? 0;
    const plisBefore = await plis();
    received[0]?.track.requestKeyFrame();
    await waitFor(
      () => keys() > before,
      5000,
      () => `keyframes: ${keys()}`,
    );
    ok((await plis()) > plisBefore, "a PLI counted in inbound-rtp pliCount");
  });

  it("our VP8 clip (640x360) is decoded by its RTCVideoSink", async () => {
    const { pc, other } = wrtcPair(cleanups);
    const clip = vp8Clip();
    const track = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const remote = remoteTrackOf(other);
    if (role === "offerer") pc.addTrack(track);
    else other.pc.addTransceiver("video", { direction: "recvonly" });
    await connect(pc, other, role, "trickle", { beforeAnswer: () => pc.addTrack(track) });
    const sink = new ns.RTCVideoSink(await remote);
    cleanups.push(() => sink.stop());
    let decoded = 0;
    let other640 = 0;
    sink.addEventListener("frame", (e) => {
      const f = (e as Event & { frame: { width: number; height: number } }).frame;
      if (f.width === 640 && f.height === 360) decoded++;
      else other640++;
    });
    cleanups.push(
      pace(33, (i) => {
        const f = clip.frames[i % clip.frames.length]!;
        track.writeFrame({ data: f.data, timestamp: i * 3000 });
      }),
    );
    await waitFor(
      () => decoded >= 20,
      10_000,
      () => `decoded 640x360: ${decoded}, other sizes ${other640}`,
    );
  });

  it("its Opus, encoded from our PCM, arrives as audio/opus frames", async () => {
    const { pc, other } = wrtcPair(cleanups);
    const source = new ns.RTCAudioSource();
    const track = source.createTrack();
    cleanups.push(() => track.stop());
    const received = receiveTracks(pc);
    if (role === "offerer") {
      pc.addTransceiver("audio", { direction: "recvonly" });
      other.beforeAnswer = () => other.pc.addTrack(track);
    } else other.pc.addTrack(track);
    await connect(pc, other, role, "trickle");
    const samples = new Int16Array(480);
    cleanups.push(
      pace(10, (n) => {
        for (let i = 0; i < 480; i++)
          samples[i] = 8000 * Math.sin((2 * Math.PI * 440 * (n * 480 + i)) / 48000);
        source.onData({
          samples,
          sampleRate: 48000,
          bitsPerSample: 16,
          channelCount: 1,
          numberOfFrames: 480,
        });
      }),
    );
    await waitFor(
      () => (received[0]?.frames.length ?? 0) >= 20,
      10_000,
      () => `frames: ${received[0]?.frames.length}`,
    );
    strictEqual(received[0]!.frames[0]!.getMetadata().mimeType, "audio/opus");
    strictEqual(received[0]!.track.kind, "audio");
  });

  it("our Opus clip is decoded by its RTCAudioSink (the tone, not silence)", async () => {
    const { pc, other } = wrtcPair(cleanups);
    const clip = opusClip();
    const track = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
    const remote = remoteTrackOf(other);
    if (role === "offerer") pc.addTrack(track);
    else other.pc.addTransceiver("audio", { direction: "recvonly" });
    await connect(pc, other, role, "trickle", { beforeAnswer: () => pc.addTrack(track) });
    const sink = new ns.RTCAudioSink(await remote);
    cleanups.push(() => sink.stop());
    let loud = 0;
    sink.addEventListener("data", (e) => {
      const d = e as Event & { samples: Int16Array; sampleRate: number };
      if (d.sampleRate === 48000 && d.samples.some((s) => Math.abs(s) > 1000)) loud++;
    });
    cleanups.push(
      pace(20, (i) => {
        const p = clip.packets[i % clip.packets.length]!;
        track.writeFrame({ data: p, timestamp: i * 960 });
      }),
    );
    await waitFor(
      () => loud >= 20,
      10_000,
      () => `non-silent 48 kHz chunks: ${loud}`,
    );
  });
});
