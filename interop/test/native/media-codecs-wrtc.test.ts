/**
 * VP9 and AV1 between purertc and libwebrtc (@roamhq/wrtc), purertc as offerer and as answerer:
 * libwebrtc's VP9 and AV1 (encoded from I420 frames we generate) arrive as key and delta frames;
 * our AV1 and VP9 (profile 0) clips are decoded by its RTCVideoSink; and its VP9, forwarded without decoding by us to a
 * second libwebrtc peer (a received track attached to another connection's sender, as an SFU
 * does), is decoded there.
 */
import { ok, strictEqual } from "node:assert/strict";
import { EncodedMediaStreamTrack, type RTCPeerConnection } from "@purertc/peer";
import { readIvf } from "@purertc/rtp";
import { readFixture } from "@purertc/testkit/node";
import wrtc from "@roamhq/wrtc";
import { afterEach, describe, it } from "vitest";
import { i420Frame, pace, receiveTracks } from "../shared/native-media.js";
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

/** Restricts wrtc's (first) transceiver to `mimeType`. */
function wrtcPrefer(other: WrtcPeer, mimeType: string): void {
  const w = wrtc as unknown as {
    RTCRtpSender: { getCapabilities(k: string): { codecs: { mimeType: string }[] } };
  };
  const t = other.pc.getTransceivers()[0] as unknown as {
    setCodecPreferences(c: readonly object[]): void;
  };
  t.setCodecPreferences(
    w.RTCRtpSender.getCapabilities("video").codecs.filter((c) => c.mimeType === mimeType),
  );
}

/** A libwebrtc peer sending `mimeType` video from generated I420 frames to `pc`, connected. */
async function fromLibwebrtc(pc: RTCPeerConnection, other: WrtcPeer, role: Role, mimeType: string) {
  const source = new ns.RTCVideoSource();
  const track = source.createTrack();
  cleanups.push(() => track.stop());
  if (role === "offerer") {
    preferCodec(pc.addTransceiver("video", { direction: "recvonly" }), mimeType);
    other.beforeAnswer = () => other.pc.addTrack(track);
  } else {
    // Its own preferences: its offer carries only `mimeType`.
    other.pc.addTrack(track);
    wrtcPrefer(other, mimeType);
  }
  await connect(pc, other, role, "trickle");
  cleanups.push(
    pace(33, (i) => source.onFrame({ width: 320, height: 240, data: i420Frame(320, 240, i) })),
  );
}

// Our answer lists only the codecs setCodecPreferences chose, in that order (it used to list
// every default codec, VP8 first, and libwebrtc then sent VP8 to a receiver that asked for VP9).
it("our answer honours setCodecPreferences (RFC 8829 §5.3.1): only VP9 is answered", async () => {
  const { pc, other } = wrtcPair(cleanups);
  other.pc.addTransceiver("video", { direction: "sendonly" });
  const offer = await other.offer(false);
  await pc.setRemoteDescription(offer);
  preferCodec(pc.getTransceivers()[0], "video/VP9");
  await pc.setLocalDescription();
  const rtpmaps = (pc.localDescription?.sdp ?? "")
    .split("\r\n")
    .filter((l) => l.startsWith("a=rtpmap:"));
  ok(rtpmaps.length > 0 && rtpmaps.every((l) => /VP9|rtx/.test(l)), rtpmaps.join(" "));
});

describe.each<Role>(["offerer", "answerer"])("VP9 and AV1 ↔ libwebrtc, purertc as %s", (role) => {
  for (const mimeType of ["video/VP9", "video/AV1"]) {
    it(`its ${mimeType} arrives as key and delta frames`, async () => {
      const { pc, other } = wrtcPair(cleanups);
      const received = receiveTracks(pc);
      await fromLibwebrtc(pc, other, role, mimeType);
      await waitFor(() => (received[0]?.frames.length ?? 0) >= 15, 10_000, "15 frames");
      const frames = received[0]!.frames;
      strictEqual(frames[0]!.getMetadata().mimeType, mimeType);
      const types = new Set(frames.map((f) => ("type" in f ? f.type : "audio")));
      ok(types.has("key") && types.has("delta"), `frame types ${[...types]}`);
    });
  }

  it.each([
    ["AV1", "av1-320x240.ivf"],
    ["VP9", "vp9-320x240.ivf"],
  ])("our %s clip (320x240) is decoded by its RTCVideoSink", async (codec, fixture) => {
    const mimeType = `video/${codec}`;
    const { pc, other } = wrtcPair(cleanups);
    const clip = readIvf(readFixture("rtp", fixture));
    const track = new EncodedMediaStreamTrack({ kind: "video", codec: mimeType });
    const remote = new Promise<WrtcTrack>((r) =>
      other.pc.addEventListener("track", (e) => r((e as Event & { track: WrtcTrack }).track)),
    );
    if (role === "offerer") {
      pc.addTrack(track);
      preferCodec(pc.getTransceivers()[0], mimeType);
    } else {
      other.pc.addTransceiver("video", { direction: "recvonly" });
      wrtcPrefer(other, mimeType);
    }
    await connect(pc, other, role, "trickle", { beforeAnswer: () => pc.addTrack(track) });
    const sink = new ns.RTCVideoSink(await remote);
    cleanups.push(() => sink.stop());
    let decoded = 0;
    sink.addEventListener("frame", (e) => {
      const f = (e as Event & { frame: { width: number; height: number } }).frame;
      if (f.width === 320 && f.height === 240) decoded++;
    });
    cleanups.push(
      pace(33, (i) =>
        track.writeFrame({ data: clip.frames[i % clip.frames.length]!.data, timestamp: i * 3000 }),
      ),
    );
    await waitFor(
      () => decoded >= 15,
      10_000,
      () => `decoded 320x240: ${decoded}`,
    );
  });

  it("its VP9, forwarded by us without decoding to a second libwebrtc peer, is decoded there", async () => {
    const { pc, other } = wrtcPair(cleanups);
    const received = receiveTracks(pc);
    await fromLibwebrtc(pc, other, role, "video/VP9");
    await waitFor(() => received.length > 0, 5000, "its track");
    const relay = wrtcPair(cleanups);
    const sinkTrack = new Promise<WrtcTrack>((r) =>
      relay.other.pc.addEventListener("track", (e) => r((e as Event & { track: WrtcTrack }).track)),
    );
    relay.pc.addTrack(received[0]!.track);
    preferCodec(relay.pc.getTransceivers()[0], "video/VP9");
    await connect(relay.pc, relay.other, "offerer", "trickle");
    const sink = new ns.RTCVideoSink(await sinkTrack);
    cleanups.push(() => sink.stop());
    let decoded = 0;
    sink.addEventListener("frame", () => decoded++);
    await waitFor(
      () => decoded >= 15,
      10_000,
      () => `decoded at the second peer: ${decoded}`,
    );
  });
});
