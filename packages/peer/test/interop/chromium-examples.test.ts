/**
 * The examples' functions against a real browser: ffmpeg's RTP into a track decoded by Chromium
 * (examples/ffmpeg-to-browser.ts) and Chromium's camera recorded to a WebM file that ffprobe reads
 * (examples/record-webm.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegInput, ffmpegVp8, rtpInput } from "../../examples/ffmpeg-to-browser.js";
import { recordWebm } from "../../examples/record-webm.js";
import {
  EncodedMediaStreamTrack,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { gathered, until, webrtc } from "../node/helpers.js";
import { call, MEDIA_ARGS } from "./chromium-media-kit.js";
import { serveSfuPage } from "./sfu-page.js";

const CHROMIUM = "/usr/bin/chromium";
const missing = ["/usr/bin/chromium", "/usr/bin/ffmpeg", "/usr/bin/ffprobe"].filter(
  (p) => !existsSync(p),
);
if (missing.length > 0)
  console.warn(`[peer] ${missing.join(", ")} missing: SKIPPING the examples against Chromium`);

describe.skipIf(missing.length > 0)("the examples against Chromium", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    ({ server, url } = await serveSfuPage());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...MEDIA_ARGS] });
  });
  afterAll(async () => {
    for (const pc of pcs) pc.close();
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  it("ffmpeg-to-browser: ffmpeg's test pattern, RTP written into a track, is decoded by Chromium (320 wide)", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const input = await rtpInput(video);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    pc.addTransceiver(video, { direction: "sendonly" });
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await call<string>(page, "answerMedia", pc.localDescription!.sdp, false);
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    await until(pc, "connected");
    const ffmpeg = ffmpegVp8(ffmpegInput(undefined), input.port, 3);
    await new Promise((r) => ffmpeg.on("exit", r));
    input.close();
    type Inbound = { kind: string; mimeType: string; framesDecoded: number; frameWidth: number };
    const v = (await call<Inbound[]>(page, "inbound")).find((s) => s.kind === "video")!;
    expect(v.mimeType).toBe("video/VP8");
    expect(v.framesDecoded).toBeGreaterThan(45);
    expect(v.frameWidth).toBe(320);
    await page.close();
  }, 30_000);

  it("record-webm: Chromium's camera recorded for 2 s is a VP8 320×240 WebM ffprobe reads", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const tracks: RTCTrackEvent[] = [];
    pc.ontrack = (e) => tracks.push(e);
    await pc.setRemoteDescription({ type: "offer", sdp: await call<string>(page, "offerMedia") });
    await pc.setLocalDescription();
    await gathered(pc);
    await call(page, "accept", pc.localDescription!.sdp);
    await until(pc, "connected");
    const file = join(tmpdir(), `purertc-chromium-${process.pid}.webm`);
    try {
      const rec = recordWebm(tracks.find((t) => t.track.kind === "video")!.track, file);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await rec.stop()).toBeGreaterThan(20);
      const p = spawnSync(
        "ffprobe",
        [
          ...["-v", "error", "-of", "compact"],
          ...["-show_entries", "stream=codec_name,width,height:format=duration", file],
        ],
        { encoding: "utf8" },
      );
      expect(p.stdout).toContain("stream|codec_name=vp8|width=320|height=240");
      expect(Number(/duration=([\d.]+)/.exec(p.stdout)?.[1])).toBeGreaterThan(1);
    } finally {
      rmSync(file, { force: true });
    }
    await page.close();
  }, 30_000);
});
