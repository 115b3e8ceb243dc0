import type { Server } from "node:http";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  EncodedFrame,
  RTCEncodedVideoFrame,
  RTCPeerConnection,
  RTCTrackEvent,
} from "../../src/node/index.js";
import { gathered, once, until, webrtc } from "../node/helpers.js";
import { CHROMIUM, call, haveChromium, MEDIA_ARGS } from "./chromium-media-kit.js";
import { serveMediaPage } from "./media-page.js";

const chromiumHere = haveChromium("Chromium codec interop");

/** Page script: the video codecs Chromium can send, and a sendonly offer preferring one. */
const PAGE_SCRIPT = `
window.videoCodecs = () =>
  RTCRtpSender.getCapabilities("video").codecs.map((c) => c.mimeType + " " + (c.sdpFmtpLine ?? ""));
window.offerPreferring = async (mime) => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  const s = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
  const t = pc.addTransceiver(s.getVideoTracks()[0], { direction: "sendonly", streams: [s] });
  const all = RTCRtpSender.getCapabilities("video").codecs;
  t.setCodecPreferences([
    ...all.filter((c) => c.mimeType === mime && !/packetization-mode=0/.test(c.sdpFmtpLine ?? "")),
    ...all.filter((c) => c.mimeType === "video/rtx"),
  ]);
  await pc.setLocalDescription();
  if (pc.iceGatheringState !== "complete")
    await new Promise((r) => pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  return pc.localDescription.sdp;
};
window.acceptAnswer = (sdp) => window.pc.setRemoteDescription({ type: "answer", sdp });
`;

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.addScriptTag({ content: PAGE_SCRIPT });
  return page;
}

async function take(track: AsyncIterable<EncodedFrame>, n: number): Promise<EncodedFrame[]> {
  const out: EncodedFrame[] = [];
  for await (const f of track) {
    out.push(f);
    if (out.length === n) break;
  }
  return out;
}

describe.skipIf(!chromiumHere)("Chromium video codecs received as frames", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let offered: string[] = [];
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    ({ server, url } = await serveMediaPage());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...MEDIA_ARGS] });
    const page = await openPage(browser, url);
    offered = await call<string[]>(page, "videoCodecs");
    await page.close();
  });
  afterAll(async () => {
    for (const pc of pcs) pc.close();
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  for (const mime of ["video/VP9", "video/AV1", "video/H264"]) {
    it(`${mime}: Chromium's camera arrives as frames, the first a keyframe`, async () => {
      if (!offered.some((c) => c.startsWith(`${mime} `))) {
        console.warn(`[peer] Debian Chromium does not offer ${mime}: SKIPPING its interop case`);
        return;
      }
      const page = await openPage(browser, url);
      const pc = new webrtc.RTCPeerConnection();
      pcs.push(pc);
      const track = once<RTCTrackEvent>(pc, "track");
      await pc.setRemoteDescription({
        type: "offer",
        sdp: await call<string>(page, "offerPreferring", mime),
      });
      await pc.setLocalDescription();
      await gathered(pc);
      await call(page, "acceptAnswer", pc.localDescription!.sdp);
      await until(pc, "connected");
      const frames = (await take((await track).track, 20)) as RTCEncodedVideoFrame[];
      expect(frames[0]!.type).toBe("key");
      expect(frames.every((f) => f.getMetadata().mimeType === mime)).toBe(true);
      expect(frames.every((f) => f.data.byteLength > 0)).toBe(true);
      for (let i = 1; i < frames.length; i++)
        expect(frames[i]!.timestamp).toBeGreaterThan(frames[i - 1]!.timestamp);
      await page.close();
    });
  }
});
