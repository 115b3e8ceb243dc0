/**
 * RTP media between purertc and werift, purertc as offerer and as answerer: werift's sendonly
 * VP8 track (RTP written to it) arrives at our receiver with werift's SSRC, the negotiated PT
 * and the mid, and assembles into frames; our VP8 track reaches werift's receiver as RTP with our
 * SSRC and the PT; Opus both ways (werift writes `OPUS`, which we report as `audio/opus`). Both
 * directions go through SRTP (werift's and ours).
 */
import { ok, strictEqual } from "node:assert/strict";
import { EncodedMediaStreamTrack, type RTCPeerConnection, RTCRtpReceiver } from "@purertc/peer";
import { readFixture } from "@purertc/testkit/node";
import { afterEach, describe, it } from "vitest";
import { MediaStreamTrack, type RTCRtpTransceiver, RtpHeader, RtpPacket } from "werift";
import { opusClip, pace, receiveTracks, vp8Clip, vp8KeyframeSize } from "../shared/native-media.js";
import { connect, ours, type Role, waitFor } from "../shared/native-signaling.js";
import { WeriftPeer } from "../shared/native-werift.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function pair(): { pc: RTCPeerConnection; other: WeriftPeer } {
  const pc = new ours.RTCPeerConnection();
  const other = new WeriftPeer();
  cleanups.push(() => {
    pc.close();
    other.close();
  });
  return { pc, other };
}

/** The RTP packets of the GStreamer VP8 capture (RFC 4571 framing). */
function capturedRtp(): Buffer[] {
  const stream = readFixture("rtp", "vp8-320x240.rtpstream");
  const out: Buffer[] = [];
  for (let at = 0; at + 2 <= stream.length; ) {
    const len = (stream[at]! << 8) | stream[at + 1]!;
    out.push(Buffer.from(stream.subarray(at + 2, at + 2 + len)));
    at += 2 + len;
  }
  return out;
}

function vp8Only(pc: RTCPeerConnection): void {
  const codecs = RTCRtpReceiver.getCapabilities("video")?.codecs ?? [];
  pc.getTransceivers()[0]?.setCodecPreferences(codecs.filter((c) => c.mimeType === "video/VP8"));
}

describe.each<Role>(["offerer", "answerer"])("RTP ↔ werift, purertc as %s", (role) => {
  it("its sendonly VP8 track's RTP arrives with its SSRC, PT and mid, and assembles frames", async () => {
    const { pc, other } = pair();
    const received = receiveTracks(pc);
    const track = new MediaStreamTrack({ kind: "video" });
    let t: RTCRtpTransceiver | undefined;
    if (role === "offerer") {
      pc.addTransceiver("video", { direction: "recvonly" });
      vp8Only(pc);
      other.beforeAnswer = () => {
        t = other.pc.getTransceivers()[0];
        t?.setDirection("sendonly");
        void t?.sender.replaceTrack(track);
      };
    } else t = other.pc.addTransceiver(track, { direction: "sendonly" });
    await connect(pc, other, role, "trickle");
    ok(t);
    const packets = capturedRtp();
    cleanups.push(
      pace(5, (i) => {
        if (i < packets.length) track.writeRtp(packets[i]!);
      }),
    );
    await waitFor(
      () => (received[0]?.frames.length ?? 0) >= 20,
      10_000,
      () => `frames: ${received[0]?.frames.length}, packets: ${received[0]?.packets.length}`,
    );
    const r = received[0]!;
    strictEqual(r.packets[0]?.ssrc, t.sender.ssrc);
    strictEqual(r.packets[0]?.payloadType, t.sender.codec?.payloadType);
    strictEqual(r.mid, t.mid);
    const key = r.frames.find((f) => "type" in f && f.type === "key");
    ok(key);
    const size = vp8KeyframeSize(new Uint8Array(key.data));
    strictEqual(size?.width, 320);
    strictEqual(size?.height, 240);
  });

  it("our VP8 track's RTP reaches its receiver with our SSRC and the negotiated PT", async () => {
    const { pc, other } = pair();
    const clip = vp8Clip();
    const ourTrack = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const rtp: { ssrc: number; pt: number }[] = [];
    other.pc.onTrack.subscribe((t) => {
      t.onReceiveRtp.subscribe((p) => rtp.push({ ssrc: p.header.ssrc, pt: p.header.payloadType }));
    });
    if (role === "offerer") {
      pc.addTrack(ourTrack);
      vp8Only(pc);
    } else other.pc.addTransceiver("video", { direction: "recvonly" });
    await connect(pc, other, role, "trickle", { beforeAnswer: () => pc.addTrack(ourTrack) });
    cleanups.push(
      pace(33, (i) =>
        ourTrack.writeFrame({
          data: clip.frames[i % clip.frames.length]!.data,
          timestamp: i * 3000,
        }),
      ),
    );
    await waitFor(
      () => rtp.length >= 30,
      10_000,
      () => `RTP packets at werift: ${rtp.length}`,
    );
    const stats = [...(await pc.getStats()).values()].find((s) => s.type === "outbound-rtp") as
      | { ssrc: number }
      | undefined;
    ok(stats, "outbound-rtp stats");
    ok(
      rtp.every((p) => p.ssrc === stats.ssrc),
      `SSRCs ${[...new Set(rtp.map((p) => p.ssrc))]} vs ${stats.ssrc}`,
    );
    const vp8 = pc.getTransceivers()[0]?.sender.getParameters().codecs[0];
    ok(
      rtp.every((p) => p.pt === vp8?.payloadType),
      `PT ${rtp[0]?.pt} vs ${vp8?.payloadType}`,
    );
  });

  it("Opus both ways: its RTP arrives as audio/opus frames, ours reaches its receiver with our SSRC", async () => {
    const { pc, other } = pair();
    const clip = opusClip();
    const received = receiveTracks(pc);
    const theirTrack = new MediaStreamTrack({ kind: "audio" });
    const ourTrack = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
    const rtp: { ssrc: number; pt: number }[] = [];
    other.pc.onTrack.subscribe((t) => {
      t.onReceiveRtp.subscribe((p) => rtp.push({ ssrc: p.header.ssrc, pt: p.header.payloadType }));
    });
    let t: RTCRtpTransceiver | undefined;
    if (role === "offerer") pc.addTrack(ourTrack);
    else t = other.pc.addTransceiver(theirTrack, { direction: "sendrecv" });
    other.beforeAnswer = () => {
      t = other.pc.getTransceivers()[0];
      t?.setDirection("sendrecv");
      void t?.sender.replaceTrack(theirTrack);
    };
    await connect(pc, other, role, "trickle", { beforeAnswer: () => pc.addTrack(ourTrack) });
    ok(t);
    const pt = t.sender.codec?.payloadType ?? 111;
    cleanups.push(
      pace(20, (i) => {
        const data = clip.packets[i % clip.packets.length]!;
        ourTrack.writeFrame({ data, timestamp: i * 960 });
        const header = new RtpHeader({
          payloadType: pt,
          sequenceNumber: i,
          timestamp: i * 960,
          ssrc: 1,
        });
        theirTrack.writeRtp(new RtpPacket(header, Buffer.from(data)));
      }),
    );
    await waitFor(
      () => (received[0]?.frames.length ?? 0) >= 20 && rtp.length >= 20,
      10_000,
      () => `frames here: ${received[0]?.frames.length}, RTP at werift: ${rtp.length}`,
    );
    strictEqual(received[0]!.frames[0]!.getMetadata().mimeType, "audio/opus");
    strictEqual(received[0]!.packets[0]?.ssrc, t.sender.ssrc);
    const stats = [...(await pc.getStats()).values()].find((s) => s.type === "outbound-rtp") as
      | { ssrc: number }
      | undefined;
    ok(
      rtp.every((p) => p.ssrc === stats?.ssrc && p.pt === pt),
      JSON.stringify(rtp[0]),
    );
  });
});
