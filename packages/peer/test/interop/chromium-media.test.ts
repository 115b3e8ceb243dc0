import type { Server } from "node:http";
import { readFixture } from "@purertc/testkit/node";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EncodedFrame,
  EncodedMediaStreamTrack,
  type RTCEncodedVideoFrame,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { gathered, until, webrtc } from "../node/helpers.js";
import { CHROMIUM, call, haveChromium, MEDIA_ARGS } from "./chromium-media-kit.js";
import { serveMediaPage } from "./media-page.js";

const chromiumHere = haveChromium("Chromium media interop");

async function take(
  track: EncodedMediaStreamTrack,
  n: number,
  fromKeyframe = false,
): Promise<EncodedFrame[]> {
  const out: EncodedFrame[] = [];
  for await (const f of track.frames()) {
    if (fromKeyframe && out.length === 0 && (f as RTCEncodedVideoFrame).type !== "key") continue;
    out.push(f);
    if (out.length === n) break;
  }
  return out;
}

/** RFC 6386 §9.1: a VP8 key frame starts with a 3-byte tag, the start code 9d 01 2a, then 14-bit dimensions. */
function vp8Keyframe(data: ArrayBuffer): { width: number; height: number } | undefined {
  const b = new Uint8Array(data);
  if ((b[0]! & 1) !== 0 || b[3] !== 0x9d || b[4] !== 0x01 || b[5] !== 0x2a) return undefined;
  return { width: (b[6]! | (b[7]! << 8)) & 0x3fff, height: (b[8]! | (b[9]! << 8)) & 0x3fff };
}

async function expectBrowserMedia(tracks: RTCTrackEvent[]): Promise<void> {
  const video = tracks.find((t) => t.track.kind === "video")!.track;
  const audio = tracks.find((t) => t.track.kind === "audio")!.track;
  // Frames flow before `connected` resolves, so the keyframe may already have gone by: the video
  // is read from the first keyframe on, one asked for with a PLI once the iterator runs.
  const frames = Promise.all([take(video, 30, true), take(audio, 50)]);
  video.requestKeyFrame();
  const [vf, af] = await frames;
  const first = vf[0] as RTCEncodedVideoFrame;
  expect(first.type).toBe("key");
  expect(first.getMetadata().mimeType).toBe("video/VP8");
  expect(vp8Keyframe(first.data)).toEqual({ width: 320, height: 240 });
  for (let i = 1; i < vf.length; i++)
    expect(vf[i]!.timestamp - vf[i - 1]!.timestamp).toBeGreaterThan(0);
  expect(af.every((f) => f.getMetadata().mimeType === "audio/opus" && f.data.byteLength > 0)).toBe(
    true,
  );
  expect(tracks[0]!.streams.length).toBe(1);
}

describe.skipIf(!chromiumHere)("Chromium media interop (fake camera and microphone)", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    ({ server, url } = await serveMediaPage());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...MEDIA_ARGS] });
  });
  afterAll(async () => {
    for (const pc of pcs) pc.close();
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  it("Chromium offers VP8 + Opus, purertc answers: both arrive as frames", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const tracks: RTCTrackEvent[] = [];
    pc.ontrack = (e) => tracks.push(e as RTCTrackEvent);
    await pc.setRemoteDescription({ type: "offer", sdp: await call<string>(page, "offerMedia") });
    await pc.setLocalDescription();
    await gathered(pc);
    await call(page, "accept", pc.localDescription!.sdp);
    await until(pc, "connected");
    expect(tracks.map((t) => t.track.kind).sort()).toEqual(["audio", "video"]);
    await expectBrowserMedia(tracks);
    await page.close();
  });

  it("purertc offers to receive, Chromium answers sending VP8 + Opus: both arrive as frames", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const tracks: RTCTrackEvent[] = [];
    pc.ontrack = (e) => tracks.push(e as RTCTrackEvent);
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await call<string>(page, "answerMedia", pc.localDescription!.sdp, true);
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    await until(pc, "connected");
    await expectBrowserMedia(tracks);
    await page.close();
  });

  it("a VP8 clip (GStreamer fixture) sent by purertc is decoded by Chromium (framesDecoded > 0)", async () => {
    const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
    const page = await browser.newPage();
    await page.goto(url);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const track = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    pc.addTransceiver(track, { direction: "sendonly" });
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await call<string>(page, "answerMedia", pc.localDescription!.sdp, false);
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    await until(pc, "connected");
    // Three loops of the 30-frame clip at 30 fps; every loop starts with its keyframe.
    for (let i = 0; i < 90; i++) {
      track.writeFrame({ data: ivf.frames[i % 30]!.data, timestamp: 90000 + i * 3000 });
      await new Promise((r) => setTimeout(r, 33));
    }
    type Inbound = { kind: string; mimeType: string; framesDecoded: number; frameWidth: number };
    let stats: Inbound[] = [];
    for (let i = 0; i < 20; i++) {
      stats = await call<Inbound[]>(page, "inbound");
      if ((stats.find((s) => s.kind === "video")?.framesDecoded ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const v = stats.find((s) => s.kind === "video")!;
    expect(v.mimeType).toBe("video/VP8");
    expect(v.framesDecoded).toBeGreaterThan(0);
    expect(v.frameWidth).toBe(320);
    await page.close();
  });
});
