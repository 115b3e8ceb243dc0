import type { Server } from "node:http";
import { readOggOpus } from "@purertc/rtp";
import { readFixture } from "@purertc/testkit/node";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCBandwidthEstimateEvent,
  type RTCDTMFToneChangeEvent,
  type RTCDTMFToneEvent,
  type RTCPeerConnection,
  type RTCStats,
  type RTCTrackEvent,
  type EncodedMediaStreamTrack as Track,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { gathered, until, webrtc } from "../node/helpers.js";
import { CHROMIUM, call, haveChromium, MEDIA_ARGS } from "./chromium-media-kit.js";
import { serveMediaPage } from "./media-page.js";

const chromiumHere = haveChromium("Chromium media feedback interop");

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
const opus = readOggOpus(readFixture("rtp", "opus-48k-1s.ogg"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Chromium's whole stats report as plain objects. */
const browserStats = (page: Page): Promise<RTCStats[]> =>
  page.evaluate(async () => {
    const pc = (globalThis as never as { pc: { getStats(): Promise<Map<string, object>> } }).pc;
    return [...(await pc.getStats()).values()] as never;
  });

function selectedPair(stats: RTCStats[]): RTCStats | undefined {
  const t = stats.find((s) => s.type === "transport");
  return stats.find((s) => s.id === t?.selectedCandidatePairId);
}

/** purertc offers `tracks` sendonly; Chromium answers without sending. */
async function sendTo(page: Page, pc: RTCPeerConnection, tracks: Track[]): Promise<void> {
  for (const t of tracks)
    pc.addTransceiver(t, { direction: "sendonly", streams: [new MediaStream([t])] });
  await pc.setLocalDescription();
  await gathered(pc);
  const answer = await call<string>(page, "answerMedia", pc.localDescription!.sdp, false);
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  await until(pc, "connected");
}

describe.skipIf(!chromiumHere)("Chromium media feedback interop (transport-cc, RR, DTMF)", () => {
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

  it("Chromium sending to us: our transport-cc feedback drives its estimator, its remote-inbound-rtp shows our RR", async () => {
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
    const samples: number[] = [];
    let stats: RTCStats[] = [];
    for (let i = 0; i < 8; i++) {
      await sleep(1000);
      stats = await browserStats(page);
      samples.push(Number(selectedPair(stats)?.availableOutgoingBitrate ?? 0));
    }
    console.log("[peer] Chromium availableOutgoingBitrate (bps, 1 s apart):", samples.join(" "));
    const ours = (await pc.getStats()).values();
    const inbound = [...ours].filter((s) => s.type === "inbound-rtp");
    expect(inbound.map((s) => s.kind).sort()).toEqual(["audio", "video"]);
    // Chromium's send-side estimator runs on our feedback: an estimate well above its 300 kbps
    // start, never collapsing.
    expect(Math.max(...samples)).toBeGreaterThan(300_000);
    expect(samples.at(-1)!).toBeGreaterThan(samples[0]! * 0.8);
    const remoteIn = stats.filter((s) => s.type === "remote-inbound-rtp");
    const video = remoteIn.find((s) => s.kind === "video")!;
    expect(video).toBeDefined();
    expect(video.packetsLost).toBe(0);
    expect(video.roundTripTime as number).toBeGreaterThanOrEqual(0);
    expect(video.roundTripTime as number).toBeLessThan(0.2);
    expect(video.roundTripTimeMeasurements as number).toBeGreaterThan(0);
    await page.close();
  });

  it("us sending VP8 to Chromium: its transport-cc feedback gives bandwidthestimate and availableOutgoingBitrate, its RR our RTT, our SRs its remote-outbound-rtp", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    await sendTo(page, pc, [video]);
    const sender = pc.getSenders()[0]!;
    const estimates: RTCBandwidthEstimateEvent[] = [];
    sender.addEventListener("bandwidthestimate", (e) =>
      estimates.push(e as RTCBandwidthEstimateEvent),
    );
    for (let i = 0; i < 90; i++) {
      video.writeFrame({ data: ivf.frames[i % 30]!.data, timestamp: 90000 + i * 3000 });
      await sleep(33);
    }
    await sleep(500);
    expect(estimates.length).toBeGreaterThan(5);
    expect(estimates.some((e) => e.source === "transport-cc" && e.bitrate > 10_000)).toBe(true);
    const r = await sender.getStats();
    const pair = [...(await pc.getStats()).values()].find(
      (s) => s.type === "candidate-pair" && s.availableOutgoingBitrate !== undefined,
    );
    expect(pair?.availableOutgoingBitrate as number).toBeGreaterThan(10_000);
    const ri = [...r.values()].find((s) => s.type === "remote-inbound-rtp")!;
    expect(ri).toBeDefined();
    expect(ri.roundTripTime as number).toBeLessThan(0.2);
    // Our Sender Reports (RFC 3550 A.7 timing, about one a second) reach Chromium: its
    // remote-outbound-rtp for the stream it receives.
    const ro = (await browserStats(page)).find(
      (s) => s.type === "remote-outbound-rtp" && s.kind === "video",
    );
    expect(ro).toBeDefined();
    expect(ro!.packetsSent as number).toBeGreaterThan(0);
    expect(ro!.reportsSent as number).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it("Chromium's RTCDTMFSender tones arrive as dtmf events on our audio track (digits, durations)", async () => {
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
    const audio = tracks.find((t) => t.track.kind === "audio")!.track;
    const got: RTCDTMFToneEvent[] = [];
    audio.addEventListener("dtmf", (e) => got.push(e as RTCDTMFToneEvent));
    await sleep(500);
    await page.evaluate(() => {
      const pc = (
        globalThis as never as {
          pc: {
            getSenders(): {
              track: { kind: string } | null;
              dtmf: { insertDTMF(t: string, d: number, g: number): void } | null;
            }[];
          };
        }
      ).pc;
      pc.getSenders()
        .find((s) => s.track?.kind === "audio")!
        .dtmf!.insertDTMF("159#*D", 120, 80);
    });
    for (let i = 0; i < 40 && got.length < 6; i++) await sleep(100);
    expect(got.map((e) => e.tone).join("")).toBe("159#*D");
    // libwebrtc counts a tone's duration in whole audio frames (10 ms at its 48 kHz clock).
    for (const e of got) {
      expect(e.duration).toBeGreaterThanOrEqual(120);
      expect(e.duration).toBeLessThanOrEqual(140);
    }
    await page.close();
  });

  it("DTMF sent while Opus flows: tones complete and Chromium's audio inbound-rtp keeps counting", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
    await sendTo(page, pc, [audio]);
    const dtmf = pc.getSenders()[0]!.dtmf!;
    expect(dtmf.canInsertDTMF).toBe(true);
    const changes: string[] = [];
    dtmf.addEventListener("tonechange", (e) => changes.push((e as RTCDTMFToneChangeEvent).tone));
    type Inbound = { kind: string; packetsReceived: number; totalSamplesReceived?: number };
    const inbound = async () =>
      (await browserStats(page)).find((s) => s.type === "inbound-rtp" && s.kind === "audio") as
        | (RTCStats & Inbound)
        | undefined;
    const counts: number[] = [];
    const samples: number[] = [];
    const n = opus.packets.length;
    for (let i = 0; i < 150; i++) {
      audio.writeFrame({ data: opus.packets[i % n]!, timestamp: i * 960 });
      if (i === 50) dtmf.insertDTMF("123#", 100, 70);
      if (i % 25 === 0) {
        const s = await inbound();
        counts.push(s?.packetsReceived ?? 0);
        samples.push(s?.totalSamplesReceived ?? 0);
      }
      await sleep(20);
    }
    expect(changes).toEqual(["1", "2", "3", "#", ""]);
    // Packets and decoded samples grow in every 0.5 s slice, the DTMF ones included.
    for (let i = 2; i < counts.length; i++) {
      expect(counts[i]!).toBeGreaterThan(counts[i - 1]!);
      expect(samples[i]!).toBeGreaterThan(samples[i - 1]!);
    }
    await page.close();
  });
});
