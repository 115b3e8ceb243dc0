/**
 * Media against Pion 3.1 (Go): Pion sends the demo's VP8 clip (its ivfreader) and Opus clip and
 * counts what we send it; RTCP feedback (PLI, NACK) both ways. purertc as offerer and answerer.
 */
import { EncodedMediaStreamTrack, type RTCPeerConnection } from "@purertc/peer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForeignPeer } from "./foreign-peer.js";
import {
  CLIP_AUDIO,
  CLIP_VIDEO,
  connectMedia,
  loadClip,
  outbound,
  playClip,
  type TrackTally,
} from "./media-kit.js";
import { buildPion } from "./pion-build.js";
import { eventually, once, ROLES } from "./session.js";

const binary = buildPion();

interface PionTrack {
  packets: number;
  frames: number;
  keyFrames: number;
  width: number;
  height: number;
  codec: string;
}
interface PionReport {
  tracks: { video?: PionTrack; audio?: PionTrack };
  otherSsrcPackets: number;
  feedback: Record<string, number>;
}

for (const role of ROLES)
  describe(`Pion media, purertc ${role}`, () => {
    let peer: ForeignPeer | undefined;
    let pc: RTCPeerConnection;
    let tallies: Map<string, TrackTally>;
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
    const report = () => peer!.request<PionReport>("media-report");
    const { video: clipVideo, audio: clipAudio } = loadClip();
    const VIDEO_FRAMES = clipVideo.frames.length; // 120 (4 s at 30 fps)
    const AUDIO_PACKETS = clipAudio.packets.length; // 201 (4 s of 20 ms, and ffmpeg's last one)

    beforeAll(async () => {
      if (!binary) return;
      peer = new ForeignPeer("pion", binary, []);
      await peer.request("add-media", { video: CLIP_VIDEO, audio: CLIP_AUDIO });
      ({ pc, tallies } = await connectMedia(peer, role, video, audio));
    });

    afterAll(async () => {
      pc?.close();
      await peer?.close();
    });

    it("Pion's VP8 clip (ivfreader) arrives as all 120 frames, 4 keyframes of 640×360, and every Opus packet as a frame", async (ctx) => {
      if (!peer) return ctx.skip();
      const played = await peer.request("play", { paceMs: 5 }, 30_000);
      expect(played).toMatchObject({ videoFrames: VIDEO_FRAMES, audioPackets: AUDIO_PACKETS });
      const v = await eventually(() => {
        const t = tallies.get("video");
        if (!t || t.frames < VIDEO_FRAMES || (tallies.get("audio")?.frames ?? 0) < AUDIO_PACKETS)
          throw new Error(
            `received ${t?.frames} video, ${tallies.get("audio")?.frames} audio frames`,
          );
        return t;
      }, 5000);
      expect(v).toMatchObject({
        frames: VIDEO_FRAMES,
        keyFrames: 4,
        firstType: "key",
        width: 640,
        height: 360,
      });
      expect(tallies.get("audio")!.frames).toBe(AUDIO_PACKETS);
    });

    it("our VP8 and Opus clip reach Pion: 120 frames (marker bits), 4 keyframes of 640×360, every Opus packet", async (ctx) => {
      if (!peer) return ctx.skip();
      await playClip(video, audio, 5);
      const r = await eventually(async () => {
        const r = await report();
        if (
          (r.tracks.video?.frames ?? 0) < VIDEO_FRAMES ||
          (r.tracks.audio?.packets ?? 0) < AUDIO_PACKETS
        )
          throw new Error(`Pion got ${JSON.stringify(r.tracks)}`);
        return r;
      }, 5000);
      expect(r.tracks.video).toMatchObject({
        codec: "video/VP8",
        frames: VIDEO_FRAMES,
        keyFrames: 4,
        width: 640,
        height: 360,
      });
      expect(r.tracks.audio).toMatchObject({ codec: "audio/opus", packets: AUDIO_PACKETS });
    });

    it("a PLI from Pion fires keyframerequest on our video track (RFC 4585 §6.3.1)", async (ctx) => {
      if (!peer) return ctx.skip();
      const request = once(video, "keyframerequest");
      await peer.request("pli");
      await request;
    });

    it("a NACK from Pion is answered with a retransmission (RFC 4585 §6.2.1; RTX when negotiated, RFC 4588)", async (ctx) => {
      if (!peer) return ctx.skip();
      // Fresh packets, seen by Pion, so that the one it NACKs is recent in our history.
      const seen = (await report()).tracks.video?.packets ?? 0;
      for (let i = 0; i < 3; i++)
        video.writeFrame({ data: clipVideo.frames[i]!.data, timestamp: (1000 + i) * 3000 });
      await eventually(async () => {
        if (((await report()).tracks.video?.packets ?? 0) <= seen)
          throw new Error("Pion got no new packets");
      }, 5000);
      const before = await outbound(pc, "video");
      const pionBefore = await report();
      // RFC 4588 §3 / our 20 ms minimum resend interval: a NACK right after the send is ignored.
      await new Promise((r) => setTimeout(r, 50));
      await peer.request("nack");
      const after = await eventually(async () => {
        const s = await outbound(pc, "video");
        if (s.retransmittedPacketsSent <= before.retransmittedPacketsSent)
          throw new Error("no retransmission");
        return s;
      }, 5000);
      expect(after.nackCount).toBe(before.nackCount + 1);
      // Pion 3.1 reads the RTX stream (its own SSRC) and drops it: counted by our interceptor.
      await eventually(async () => {
        const r = await report();
        const seen =
          r.otherSsrcPackets + (r.tracks.video?.packets ?? 0) >
          pionBefore.otherSsrcPackets + (pionBefore.tracks.video?.packets ?? 0);
        if (!seen) throw new Error("Pion saw no retransmission");
      }, 5000);
    });

    it("our receiver's requestKeyFrame() reaches Pion as a PLI for its video", async (ctx) => {
      if (!peer) return ctx.skip();
      const before = (await report()).feedback.videoPli ?? 0;
      tallies.get("video")!.track.requestKeyFrame();
      await eventually(async () => {
        if (((await report()).feedback.videoPli ?? 0) <= before) throw new Error("no PLI at Pion");
      }, 5000);
    });

    it("the clip fixture is what the counts above assume", () => {
      expect([
        clipVideo.fourcc,
        clipVideo.width,
        clipVideo.height,
        VIDEO_FRAMES,
        AUDIO_PACKETS,
      ]).toEqual(["VP80", 640, 360, 120, 201]);
    });
  });
