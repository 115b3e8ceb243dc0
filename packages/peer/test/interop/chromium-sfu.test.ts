import type { Server } from "node:http";
import { findHeaderExtension, RTP_EXTENSION_URI, type RtpPacket } from "@purertc/rtp";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  EncodedFrame,
  EncodedMediaStreamTrack,
  RTCPeerConnection,
  RTCTrackEvent,
} from "../../src/node/index.js";
import { gathered, negotiate, once, trickle, until, webrtc } from "../node/helpers.js";
import { CHROMIUM, call, haveChromium, MEDIA_ARGS } from "./chromium-media-kit.js";
import { serveSfuPage } from "./sfu-page.js";

const chromiumHere = haveChromium("Chromium SFU interop");

const ARGS = [
  ...MEDIA_ARGS,
  // libwebrtc caps simulcast layers by resolution (one layer at 320×240); lift that cap.
  "--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/",
];

async function take(track: EncodedMediaStreamTrack, n: number): Promise<EncodedFrame[]> {
  const out: EncodedFrame[] = [];
  for await (const f of track.frames()) {
    out.push(f);
    if (out.length === n) break;
  }
  return out;
}

/** RFC 6386 §9.1: the dimensions in a VP8 key frame's header. */
function vp8Size(data: ArrayBuffer): { width: number; height: number } | undefined {
  const b = new Uint8Array(data);
  if ((b[0]! & 1) !== 0 || b[3] !== 0x9d || b[4] !== 0x01 || b[5] !== 0x2a) return undefined;
  return { width: (b[6]! | (b[7]! << 8)) & 0x3fff, height: (b[8]! | (b[9]! << 8)) & 0x3fff };
}

type Inbound = { kind: string; mimeType: string; framesDecoded: number; frameWidth: number };

async function decoded(page: Page, min: number, width?: number): Promise<Inbound> {
  let v: Inbound | undefined;
  for (let i = 0; i < 100; i++) {
    v = (await call<Inbound[]>(page, "inbound")).find((s) => s.kind === "video");
    if (v && v.framesDecoded > min && (width === undefined || v.frameWidth === width)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return v!;
}

describe.skipIf(!chromiumHere)("Chromium through a purertc SFU (simulcast, relay)", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  const pcs: RTCPeerConnection[] = [];
  const pages: Page[] = [];
  beforeAll(async () => {
    ({ server, url } = await serveSfuPage());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    for (const pc of pcs) pc.close();
    for (const p of pages) await p.close();
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  async function page(): Promise<Page> {
    const p = await browser.newPage();
    pages.push(p);
    await p.goto(url);
    return p;
  }

  /** Chromium offers (`offerFn`), purertc answers; resolves with the track events. */
  async function ingest(p: Page, offerFn: string): Promise<RTCTrackEvent[]> {
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const tracks: RTCTrackEvent[] = [];
    pc.ontrack = (e) => tracks.push(e as RTCTrackEvent);
    await pc.setRemoteDescription({ type: "offer", sdp: await call<string>(p, offerFn) });
    await pc.setLocalDescription();
    await gathered(pc);
    await call(p, "accept", pc.localDescription!.sdp);
    await until(pc, "connected");
    return tracks;
  }

  /** purertc offers `track` to a receiving Chromium page. */
  async function relayTo(p: Page, track: EncodedMediaStreamTrack) {
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    const sender = pc.addTrack(track);
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await call<string>(p, "answerMedia", pc.localDescription!.sdp, false);
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    await until(pc, "connected");
    return sender;
  }

  it("simulcast from Chromium (sendEncodings q/h/f): three layers, one receiver, each layer's VP8 frames at its own size", async () => {
    const p = await page();
    const tracks = await ingest(p, "offerSimulcast");
    expect(tracks.length).toBe(1);
    const enc = tracks[0]!.receiver.encodings;
    expect(enc.map((e) => e.rid)).toEqual(["q", "h", "f"]);
    expect(enc[0]!.track).toBe(tracks[0]!.track);
    // Frames may have flowed before this point: each layer is asked for a keyframe (a PLI on
    // that layer's SSRC) once its iterator runs.
    const pending = Promise.all(enc.map((e) => take(e.track, 30)));
    for (const e of enc) e.track.requestKeyFrame();
    const layers = await pending;
    console.log(
      layers.map((fs) =>
        fs
          .map(
            (f) =>
              `${(f as { type?: string }).type}:${Buffer.from(f.data).subarray(0, 10).toString("hex")}`,
          )
          .join(" "),
      ),
    );
    const sizes = layers.map((frames) => {
      const key = frames.find((f) => (f as { type?: string }).type === "key");
      return key && vp8Size(key.data);
    });
    expect(sizes).toEqual([
      { width: 80, height: 60 },
      { width: 160, height: 120 },
      { width: 320, height: 240 },
    ]);
    for (const frames of layers)
      for (let i = 1; i < frames.length; i++)
        expect(frames[i]!.timestamp - frames[i - 1]!.timestamp).toBeGreaterThan(0);
  }, 30_000);

  it("Chromium A's VP8 relayed packet by packet through purertc to Chromium B, which decodes it", async () => {
    const a = await page();
    const b = await page();
    const tracks = await ingest(a, "offerMedia");
    const video = tracks.find((t) => t.track.kind === "video")!.track;
    const sender = await relayTo(b, video);
    const v = await decoded(b, 30);
    expect(v.mimeType).toBe("video/VP8");
    expect(v.framesDecoded).toBeGreaterThan(30);
    expect(v.frameWidth).toBe(320);
    expect(sender.forwardingStats!.packetsForwarded).toBeGreaterThan(30);
    expect(sender.forwardingStats!.codecMismatch).toBe(0);
  }, 30_000);

  it("an SFU switches a Chromium subscriber between simulcast layers with replaceTrack (at a keyframe): frame width 80 → 320", async () => {
    const a = await page();
    const b = await page();
    const [t] = await ingest(a, "offerSimulcast");
    const enc = t!.receiver.encodings;
    const sender = await relayTo(b, enc[0]!.track);
    expect((await decoded(b, 10, 80)).frameWidth).toBe(80);
    await sender.replaceTrack(enc[2]!.track);
    const v = await decoded(b, 20, 320);
    expect(v.frameWidth).toBe(320);
    expect(sender.forwardingStats!.switches).toBe(2);
  }, 30_000);

  it("relayed audio keeps Chromium's audio level (RFC 6464) under the subscriber's negotiated extension id", async () => {
    const a = await page();
    const tracks = await ingest(a, "offerMedia");
    const audio = tracks.find((t) => t.track.kind === "audio")!.track;
    const out = new webrtc.RTCPeerConnection();
    const sub = new webrtc.RTCPeerConnection();
    pcs.push(out, sub);
    trickle(out, sub);
    out.addTrack(audio);
    const got = once<RTCTrackEvent>(sub, "track");
    await negotiate(out, sub);
    const { track, receiver } = await got;
    const packets: RtpPacket[] = [];
    track.addEventListener("rtp", (e) => packets.push((e as Event & { packet: RtpPacket }).packet));
    await until(sub, "connected");
    while (packets.length < 50) await new Promise((r) => setTimeout(r, 50));
    const id = receiver
      .getParameters()
      .headerExtensions.find((e) => e.uri === RTP_EXTENSION_URI.audioLevel)!.id;
    const levels = packets.map((p) => findHeaderExtension(p.header.extension, id));
    expect(levels.every((l) => l !== undefined && l.byteLength === 1)).toBe(true);
  }, 30_000);

  it("echo: purertc answers Chromium's camera by relaying its own video back on the same transceiver, and Chromium decodes it", async () => {
    const p = await page();
    const pc = new webrtc.RTCPeerConnection();
    pcs.push(pc);
    await pc.setRemoteDescription({ type: "offer", sdp: await call<string>(p, "offerMedia") });
    const t = pc.getTransceivers().find((x) => x.receiver.track.kind === "video")!;
    t.direction = "sendrecv";
    await t.sender.replaceTrack(t.receiver.track);
    await pc.setLocalDescription();
    await gathered(pc);
    await call(p, "accept", pc.localDescription!.sdp);
    await until(pc, "connected");
    const v = await decoded(p, 30);
    expect(v.mimeType).toBe("video/VP8");
    expect(v.framesDecoded).toBeGreaterThan(30);
    expect(v.frameWidth).toBe(320);
    expect(t.sender.forwardingStats!.packetsForwarded).toBeGreaterThan(30);
  }, 30_000);
});
