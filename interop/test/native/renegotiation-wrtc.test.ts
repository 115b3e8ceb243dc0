/**
 * Renegotiation with libwebrtc (@roamhq/wrtc): after a data channel connects, either side adds a
 * video track and re-offers on the same transport (BUNDLE); the video flows and the channel
 * keeps echoing.
 */
import { strictEqual } from "node:assert/strict";
import {
  EncodedMediaStreamTrack,
  type RTCDataChannel,
  type RTCPeerConnection,
} from "@purertc/peer";
import { afterEach, describe, it } from "vitest";
import { Inbox } from "../shared/native-datachannel-suite.js";
import { i420Frame, pace, receiveTracks, vp8Clip } from "../shared/native-media.js";
import { connect, ours, waitFor } from "../shared/native-signaling.js";
import { WrtcPeer, type WrtcTrack, wrtcNonstandard } from "../shared/native-wrtc.js";

const ns = wrtcNonstandard;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A purertc ↔ wrtc pair connected with one channel that wrtc echoes. */
async function connected(): Promise<{
  pc: RTCPeerConnection;
  other: WrtcPeer;
  ch: RTCDataChannel;
}> {
  const pc = new ours.RTCPeerConnection();
  const other = new WrtcPeer();
  cleanups.push(() => {
    pc.close();
    other.close();
  });
  other.onChannel = (c) => {
    c.onMessage = (d) => c.send(d);
  };
  const ch = pc.createDataChannel("echo");
  await connect(pc, other, "offerer", "trickle");
  await waitFor(() => ch.readyState === "open", 5000, "channel open");
  return { pc, other, ch };
}

async function stillEchoes(ch: RTCDataChannel): Promise<void> {
  const inbox = new Inbox(ch);
  ch.send("after renegotiation");
  strictEqual(await inbox.next(), "after renegotiation");
}

describe("renegotiation ↔ libwebrtc (wrtc)", () => {
  it("we add a VP8 track after the channel connected and re-offer: its sink decodes it", async () => {
    const { pc, other, ch } = await connected();
    let decoded = 0;
    other.pc.addEventListener("track", (e) => {
      const sink = new ns.RTCVideoSink((e as Event & { track: WrtcTrack }).track);
      cleanups.push(() => sink.stop());
      sink.addEventListener("frame", () => decoded++);
    });
    const track = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    pc.addTrack(track);
    await pc.setLocalDescription();
    const answer = await other.answer(
      { type: "offer", sdp: pc.localDescription?.sdp ?? "" },
      false,
    );
    await pc.setRemoteDescription(answer);
    const clip = vp8Clip();
    cleanups.push(
      pace(33, (i) =>
        track.writeFrame({ data: clip.frames[i % clip.frames.length]!.data, timestamp: i * 3000 }),
      ),
    );
    await waitFor(
      () => decoded >= 10,
      10_000,
      () => `decoded: ${decoded}`,
    );
    await stillEchoes(ch);
  });

  it("it adds a video track after the channel connected and re-offers: its frames reach us", async () => {
    const { pc, other, ch } = await connected();
    const received = receiveTracks(pc);
    const source = new ns.RTCVideoSource();
    const track = source.createTrack();
    cleanups.push(() => track.stop());
    other.pc.addTrack(track);
    const offer = await other.offer(false);
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription();
    await other.accept({ type: "answer", sdp: pc.localDescription?.sdp ?? "" });
    cleanups.push(
      pace(33, (i) => source.onFrame({ width: 320, height: 240, data: i420Frame(320, 240, i) })),
    );
    await waitFor(() => (received[0]?.frames.length ?? 0) >= 10, 10_000, "10 frames");
    await stillEchoes(ch);
  });
});
