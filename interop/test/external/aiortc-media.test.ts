/**
 * Media against aiortc 1.4 (Python; libvpx and libopus through PyAV): aiortc encodes frames it
 * generates (320×240) and we receive them as VP8 frames; aiortc decodes our VP8 and Opus clip and
 * reports what it decoded; RTCP feedback (PLI, NACK) both ways. purertc as offerer and answerer.
 */
import { EncodedMediaStreamTrack, type RTCPeerConnection } from "@purertc/peer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAiortc } from "./aiortc-peer.js";
import type { ForeignPeer } from "./foreign-peer.js";
import { connectMedia, loadClip, outbound, playClip, type TrackTally } from "./media-kit.js";
import { eventually, once, ROLES } from "./session.js";

interface Decoded {
  frames: number;
  width: number;
  height: number;
  sampleRate: number;
}
interface AiortcReport {
  tracks: { video?: Decoded; audio?: Decoded };
  feedback: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const role of ROLES)
  describe(`aiortc media, purertc ${role}`, () => {
    let peer: ForeignPeer | undefined;
    let pc: RTCPeerConnection;
    let tallies: Map<string, TrackTally>;
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
    const report = () => peer!.request<AiortcReport>("media-report");
    const { video: clipVideo, audio: clipAudio } = loadClip();

    beforeAll(async () => {
      peer = startAiortc();
      if (!peer) return;
      await peer.request("add-media", { video: "generate", audio: "receive" });
      ({ pc, tallies } = await connectMedia(peer, role, video, audio));
    });

    afterAll(async () => {
      pc?.close();
      await peer?.close();
    });

    it("aiortc's generated video (libvpx) arrives as VP8 frames of 320×240, the first a keyframe", async (ctx) => {
      if (!peer) return ctx.skip();
      const v = await eventually(() => {
        const t = tallies.get("video");
        if (!t || t.frames < 30) throw new Error(`received ${t?.frames} video frames`);
        return t;
      }, 10_000);
      expect(v).toMatchObject({ firstType: "key", width: 320, height: 240 });
    });

    it("aiortc decodes our VP8 clip (640×360) and Opus clip, every frame and packet", async (ctx) => {
      if (!peer) return ctx.skip();
      await playClip(video, audio, 20);
      // aiortc's jitter buffers hand a frame to the decoder once the next one starts (video) or
      // hold 4 packets back (audio): one more video frame and 4 more packets release the clip's.
      video.writeFrame({
        data: clipVideo.frames[0]!.data,
        timestamp: clipVideo.frames.length * 3000,
      });
      for (let i = 0; i < 4; i++)
        audio.writeFrame({
          data: clipAudio.packets[i]!,
          timestamp: (clipAudio.packets.length + i) * 960,
        });
      const r = await eventually(async () => {
        const r = await report();
        const { video: v, audio: a } = r.tracks;
        if (
          (v?.frames ?? 0) < clipVideo.frames.length ||
          (a?.frames ?? 0) < clipAudio.packets.length
        )
          throw new Error(`aiortc decoded ${JSON.stringify(r.tracks)}`);
        return r;
      }, 10_000);
      expect(r.tracks.video).toMatchObject({
        frames: clipVideo.frames.length,
        width: 640,
        height: 360,
      });
      expect(r.tracks.audio).toMatchObject({ frames: clipAudio.packets.length, sampleRate: 48000 });
    });

    it("a PLI from aiortc fires keyframerequest on our video track (RFC 4585 §6.3.1)", async (ctx) => {
      if (!peer) return ctx.skip();
      const request = once(video, "keyframerequest");
      await peer.request("pli");
      await request;
    });

    it("a NACK from aiortc is answered with a retransmission (RFC 4585 §6.2.1, RFC 4588)", async (ctx) => {
      if (!peer) return ctx.skip();
      for (let i = 0; i < 3; i++)
        video.writeFrame({ data: clipVideo.frames[i]!.data, timestamp: (1000 + i) * 3000 });
      await sleep(100); // past our 20 ms minimum resend interval
      const before = await outbound(pc, "video");
      await peer.request("nack");
      const after = await eventually(async () => {
        const s = await outbound(pc, "video");
        if (s.retransmittedPacketsSent <= before.retransmittedPacketsSent)
          throw new Error("no retransmission");
        return s;
      }, 5000);
      expect(after.nackCount).toBe(before.nackCount + 1);
    });

    it("our receiver's requestKeyFrame() makes aiortc's encoder send a keyframe (its PLI handling)", async (ctx) => {
      if (!peer) return ctx.skip();
      const t = tallies.get("video")!;
      const keyFrames = t.keyFrames;
      const plis = (await report()).feedback.videoPli ?? 0;
      t.track.requestKeyFrame();
      await eventually(() => {
        if (t.keyFrames <= keyFrames) throw new Error("no new keyframe");
      }, 5000);
      expect((await report()).feedback.videoPli).toBe(plis + 1);
    });
  });
