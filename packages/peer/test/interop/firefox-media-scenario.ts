/**
 * The Node half of the Firefox media interop tests, run by FirefoxInterop inside its network
 * namespace (same JSON-lines protocol as firefox-scenario.ts: `{"ready": url}`, then one result
 * line per command). The page is the Firefox RPC page; the media helpers below are installed
 * into it with one `eval` call.
 *
 * Commands: `receive` {side}: Firefox's fake camera (VP8) and microphone (Opus) arrive as frames
 * with purertc as answerer or offerer, and recorded (WebM, Ogg) ffprobe reads them; `send-clip`:
 * the GStreamer VP8 clip and the Opus clip sent by purertc are decoded by Firefox; `simulcast`:
 * Firefox's three `sendEncodings` layers arrive as the encodings of one receiver; `echo`: its
 * camera relayed back to it on the same transceiver (no decoding) is decoded; `lossy`: with
 * 5 % of UDP dropped in the namespace, Firefox's video keeps arriving and NACKs with
 * retransmissions show in both sides' stats. Not a test file itself.
 */
import { ok, strictEqual } from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { OggOpusWriter, readOggOpus, WebmWriter } from "@purertc/rtp";
import { readFixture } from "@purertc/testkit/node";
import {
  createWebRtc,
  type EncodedFrame,
  EncodedMediaStreamTrack,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { gathered, until } from "../node/helpers.js";
import { type FirefoxPageServer, serveFirefoxPage } from "./firefox-page.js";
import { withTimeout } from "./scenario-steps.js";

const MEDIA_HELPERS = `
const playIncoming = (pc) => {
  pc.ontrack = (e) => {
    const v = document.createElement(e.track.kind);
    v.muted = true; v.autoplay = true; v.srcObject = new MediaStream([e.track]);
    document.body.append(v); v.play().catch(() => {});
  };
};
window.mediaOffer = async () => {
  const pc = await newPc();
  const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  for (const t of s.getTracks()) pc.addTrack(t, s);
  playIncoming(pc);
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.mediaAnswer = async ({ sdp, send }) => {
  const pc = await newPc();
  await pc.setRemoteDescription({ type: "offer", sdp });
  if (send) {
    const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
    for (const t of s.getTracks()) pc.addTrack(t, s);
  }
  playIncoming(pc);
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.mediaOfferSimulcast = async () => {
  const pc = await newPc();
  const s = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
  pc.addTransceiver(s.getVideoTracks()[0], { direction: "sendonly", streams: [s], sendEncodings: [
    { rid: "q", scaleResolutionDownBy: 4, maxBitrate: 40000 },
    { rid: "h", scaleResolutionDownBy: 2, maxBitrate: 70000 },
    { rid: "f", maxBitrate: 120000 },
  ] });
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.mediaOutbound = async () => {
  const st = await window.pc.getStats();
  return [...st.values()].filter((r) => r.type === "outbound-rtp").map((r) => ({
    kind: r.kind, packetsSent: r.packetsSent, nackCount: r.nackCount,
    retransmittedPacketsSent: r.retransmittedPacketsSent,
  }));
};
window.mediaInbound = async () => {
  const st = await window.pc.getStats();
  const codecs = new Map([...st.values()].filter((r) => r.type === "codec").map((r) => [r.id, r.mimeType]));
  return [...st.values()].filter((r) => r.type === "inbound-rtp").map((r) => ({
    kind: r.kind, mimeType: codecs.get(r.codecId), packetsReceived: r.packetsReceived,
    framesDecoded: r.framesDecoded, frameWidth: r.frameWidth,
    totalSamplesReceived: r.totalSamplesReceived,
  }));
};
"installed";
`;

interface Command {
  readonly id: number;
  readonly cmd: string;
  readonly side?: "offerer" | "answerer";
}

const webrtc = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
let pc: RTCPeerConnection | undefined;

/** RFC 6386 §9.1: the dimensions in a VP8 key frame's header. */
function vp8Size(data: ArrayBuffer): string | undefined {
  const b = new Uint8Array(data);
  if ((b[0]! & 1) !== 0 || b[3] !== 0x9d || b[4] !== 0x01 || b[5] !== 0x2a) return undefined;
  return `${(b[6]! | (b[7]! << 8)) & 0x3fff}x${(b[8]! | (b[9]! << 8)) & 0x3fff}`;
}

async function page(server: FirefoxPageServer) {
  const p = server.page("main");
  await withTimeout(p.ready, 20_000, () => "the Firefox page never polled");
  await p.evaluate("closePc");
  await p.evaluate("eval", MEDIA_HELPERS);
  pc?.close();
  pc = new webrtc.RTCPeerConnection();
  return p;
}

async function receive(c: Command, server: FirefoxPageServer): Promise<Record<string, unknown>> {
  const p = await page(server);
  const me = pc!;
  const tracks: RTCTrackEvent[] = [];
  me.ontrack = (e) => tracks.push(e);
  counts.clear();
  if (c.side === "answerer") {
    await me.setRemoteDescription({ type: "offer", sdp: await p.evaluate<string>("mediaOffer") });
    await me.setLocalDescription();
    await gathered(me);
    await p.evaluate("accept", me.localDescription!.sdp);
  } else {
    me.addTransceiver("video", { direction: "recvonly" });
    me.addTransceiver("audio", { direction: "recvonly" });
    await me.setLocalDescription();
    await gathered(me);
    const sdp = await p.evaluate<string>("mediaAnswer", {
      sdp: me.localDescription!.sdp,
      send: true,
    });
    await me.setRemoteDescription({ type: "answer", sdp });
  }
  await withTimeout(until(me, "connected"), 20_000, () => `connection ${me.connectionState}`);
  const got = await withTimeout(collected(tracks), 20_000, async () => {
    const seen = tracks.map((t) => `${t.track.kind}: ${counts.get(t.track) ?? 0} frames`);
    return `frames from Firefox: ${seen.join(", ")}; Firefox ${JSON.stringify(await p.evaluate("pcInfo"))}`;
  });
  const { video: vf, audio: af } = got;
  const key = vf.find((f) => (f as { type?: string }).type === "key")!;
  strictEqual(key.getMetadata().mimeType, "video/VP8");
  for (let i = 1; i < vf.length; i++) ok(vf[i]!.timestamp !== vf[i - 1]!.timestamp);
  ok(af.every((f) => f.getMetadata().mimeType === "audio/opus" && f.data.byteLength > 0));
  return {
    size: vp8Size(key.data),
    video: vf.length >= 30,
    audio: af.length >= 50,
    ...record(vf, af, vp8Size(key.data)!),
  };
}

/** ffprobe's `stream|codec_name=...|width=...|height=...` line of a file. */
function probe(file: string): string {
  const r = spawnSync(
    "ffprobe",
    ["-v", "error", "-of", "compact", "-show_entries", "stream=codec_name,width,height", file],
    { encoding: "utf8" },
  );
  return r.stdout.trim();
}

/** Writes the frames as a WebM (VP8) and an Ogg (Opus) file and returns what ffprobe reads. */
function record(video: EncodedFrame[], audio: EncodedFrame[], size: string) {
  const dir = mkdtempSync(join(tmpdir(), "purertc-ff-media-"));
  try {
    const [width, height] = size.split("x").map(Number);
    const webm = new WebmWriter([{ codec: "VP8", width: width!, height: height! }]);
    const t0 = video[0]!.timestamp;
    const chunks = [webm.header()];
    for (const f of video) {
      const key = (f as { type?: string }).type === "key";
      chunks.push(webm.frame(0, new Uint8Array(f.data), ((f.timestamp - t0) >>> 0) / 90, key));
    }
    writeFileSync(join(dir, "v.webm"), Buffer.concat(chunks));
    const ogg = new OggOpusWriter(1, 2);
    const pages = [ogg.headers()];
    for (const [i, f] of audio.entries()) {
      const next = audio[i + 1];
      const samples = next ? (next.timestamp - f.timestamp) >>> 0 : 960;
      pages.push(ogg.packet(new Uint8Array(f.data), samples, next === undefined));
    }
    writeFileSync(join(dir, "a.ogg"), Buffer.concat(pages));
    return { webm: probe(join(dir, "v.webm")), ogg: probe(join(dir, "a.ogg")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const counts = new Map<EncodedMediaStreamTrack, number>();

/**
 * Collects frames from the track events on (nothing missed) until the video has had a keyframe
 * (asked for with a PLI every 500 ms) and 30 frames, and the audio 50.
 */
function collected(
  tracks: RTCTrackEvent[],
): Promise<{ video: EncodedFrame[]; audio: EncodedFrame[] }> {
  return new Promise((resolve) => {
    const frames = { video: [] as EncodedFrame[], audio: [] as EncodedFrame[] };
    let keyed = false;
    const pli = setInterval(() => {
      for (const t of tracks) if (t.track.kind === "video" && !keyed) t.track.requestKeyFrame();
    }, 500);
    const check = () => {
      if (keyed && frames.video.length >= 30 && frames.audio.length >= 50) {
        clearInterval(pli);
        resolve(frames);
      }
    };
    const watch = (track: EncodedMediaStreamTrack) =>
      track.addEventListener("frame", (e) => {
        const f = (e as Event & { frame: EncodedFrame }).frame;
        counts.set(track, (counts.get(track) ?? 0) + 1);
        if (track.kind === "video") {
          if ((f as { type?: string }).type === "key") keyed = true;
          if (keyed) frames.video.push(f);
        } else frames.audio.push(f);
        check();
      });
    for (const t of tracks) watch(t.track);
  });
}

async function sendClip(server: FirefoxPageServer): Promise<Record<string, unknown>> {
  const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
  const p = await page(server);
  const me = pc!;
  const opus = readOggOpus(readFixture("rtp", "opus-48k-1s.ogg"));
  const track = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  const audio = new EncodedMediaStreamTrack({ kind: "audio", codec: "audio/opus" });
  me.addTransceiver(track, { direction: "sendonly" });
  me.addTransceiver(audio, { direction: "sendonly" });
  await me.setLocalDescription();
  await gathered(me);
  const sdp = await p.evaluate<string>("mediaAnswer", {
    sdp: me.localDescription!.sdp,
    send: false,
  });
  await me.setRemoteDescription({ type: "answer", sdp });
  await withTimeout(until(me, "connected"), 20_000, () => `connection ${me.connectionState}`);
  // Three loops of the 30-frame clip at 30 fps; each loop starts with its keyframe.
  // The Opus clip (20 ms packets) alongside, looped, paced by the same clock.
  let n = 0;
  for (let i = 0; i < 90; i++) {
    track.writeFrame({ data: ivf.frames[i % 30]!.data, timestamp: 90000 + i * 3000 });
    for (; n * 20 <= (i * 1000) / 30; n++)
      audio.writeFrame({ data: opus.packets[n % opus.packets.length]!, timestamp: n * 960 });
    await new Promise((r) => setTimeout(r, 33));
  }
  let v: Inbound | undefined;
  let a: Inbound | undefined;
  for (let i = 0; i < 30; i++) {
    const all = await p.evaluate<Inbound[]>("mediaInbound");
    v = all.find((s) => s.kind === "video");
    a = all.find((s) => s.kind === "audio");
    if ((v?.framesDecoded ?? 0) > 0 && (a?.totalSamplesReceived ?? 0) > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  ok(v, "no inbound-rtp video in Firefox");
  return { ...v, audio: a };
}

/** Firefox's simulcast (q/h/f): each layer's frames, starting at a keyframe, and its size. */
async function simulcast(server: FirefoxPageServer): Promise<Record<string, unknown>> {
  const p = await page(server);
  const me = pc!;
  const tracks: RTCTrackEvent[] = [];
  me.ontrack = (e) => tracks.push(e);
  await me.setRemoteDescription({
    type: "offer",
    sdp: await p.evaluate<string>("mediaOfferSimulcast"),
  });
  await me.setLocalDescription();
  await gathered(me);
  await p.evaluate("accept", me.localDescription!.sdp);
  await withTimeout(until(me, "connected"), 20_000, () => `connection ${me.connectionState}`);
  const enc = tracks[0]!.receiver.encodings;
  const sizes = await withTimeout(
    Promise.all(
      enc.map(
        (e) =>
          new Promise<string>((resolve) => {
            const pli = setInterval(() => e.track.requestKeyFrame(), 500);
            e.track.requestKeyFrame();
            let n = 0;
            let size: string | undefined;
            e.track.addEventListener("frame", (ev) => {
              const f = (ev as Event & { frame: EncodedFrame }).frame;
              size ??= vp8Size(f.data);
              if (size !== undefined && ++n === 10) {
                clearInterval(pli);
                resolve(size);
              }
            });
          }),
      ),
    ),
    20_000,
    () => "not every simulcast layer delivered 10 frames after a keyframe",
  );
  return { rids: enc.map((e) => e.rid), sizes };
}

/**
 * 5 % random loss of UDP in the namespace (iptables' statistic match; the kernel here has no
 * netem qdisc): every datagram between Firefox and us, both ways, may be dropped.
 */
function udpLoss(action: "-A" | "-D"): void {
  const rule = [
    "INPUT",
    "-p",
    "udp",
    "-m",
    "statistic",
    "--mode",
    "random",
    "--probability",
    "0.05",
    "-j",
    "DROP",
  ];
  const r = spawnSync("iptables", [action, ...rule], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`iptables ${action}: ${r.stderr || r.error}`);
}

type RtpStats = Record<string, number | string | undefined>;

/**
 * Firefox sends its camera to us over a path losing 5 % of packets both ways: video keeps
 * arriving (frames counted over 8 s), we NACK what is missing and Firefox retransmits (its
 * outbound-rtp nackCount and retransmissions, our inbound-rtp nackCount and RTX received).
 */
async function lossy(server: FirefoxPageServer): Promise<Record<string, unknown>> {
  const p = await page(server);
  const me = pc!;
  const tracks: RTCTrackEvent[] = [];
  me.ontrack = (e) => tracks.push(e);
  await me.setRemoteDescription({ type: "offer", sdp: await p.evaluate<string>("mediaOffer") });
  await me.setLocalDescription();
  await gathered(me);
  await p.evaluate("accept", me.localDescription!.sdp);
  await withTimeout(until(me, "connected"), 20_000, () => `connection ${me.connectionState}`);
  const video = tracks.find((t) => t.track.kind === "video")!.track;
  let frames = 0;
  video.addEventListener("frame", () => frames++);
  video.requestKeyFrame();
  udpLoss("-A");
  try {
    const before = frames;
    await new Promise((r) => setTimeout(r, 8000));
    const ours = [...(await me.getStats()).values()].find(
      (s) => s.type === "inbound-rtp" && s.kind === "video",
    ) as RtpStats | undefined;
    const theirs = (await p.evaluate<RtpStats[]>("mediaOutbound")).find((s) => s.kind === "video");
    return { frames: frames - before, ours, theirs };
  } finally {
    udpLoss("-D");
  }
}

type Inbound = {
  kind: string;
  mimeType: string;
  framesDecoded: number;
  frameWidth: number;
  totalSamplesReceived: number;
  packetsReceived: number;
};

/** Firefox's own camera relayed back by us (`replaceTrack(receiver.track)`), decoded by Firefox. */
async function echo(server: FirefoxPageServer): Promise<Record<string, unknown>> {
  const p = await page(server);
  const me = pc!;
  await me.setRemoteDescription({ type: "offer", sdp: await p.evaluate<string>("mediaOffer") });
  const t = me.getTransceivers().find((x) => x.receiver.track.kind === "video")!;
  t.direction = "sendrecv";
  await t.sender.replaceTrack(t.receiver.track);
  await me.setLocalDescription();
  await gathered(me);
  await p.evaluate("accept", me.localDescription!.sdp);
  await withTimeout(until(me, "connected"), 20_000, () => `connection ${me.connectionState}`);
  let v: Inbound | undefined;
  for (let i = 0; i < 75 && (v?.framesDecoded ?? 0) <= 30; i++) {
    await new Promise((r) => setTimeout(r, 200));
    v = (await p.evaluate<Inbound[]>("mediaInbound")).find((s) => s.kind === "video");
  }
  return { ...v, packetsForwarded: t.sender.forwardingStats?.packetsForwarded };
}

async function main(): Promise<void> {
  const server = await serveFirefoxPage();
  process.stdout.write(`${JSON.stringify({ ready: server.url })}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const c = JSON.parse(line) as Command;
    const t0 = performance.now();
    let reply: Record<string, unknown>;
    try {
      const info =
        c.cmd === "receive"
          ? await receive(c, server)
          : c.cmd === "send-clip"
            ? await sendClip(server)
            : c.cmd === "simulcast"
              ? await simulcast(server)
              : c.cmd === "lossy"
                ? await lossy(server)
                : c.cmd === "echo"
                  ? await echo(server)
                  : {};
      reply = { id: c.id, ok: true, info, ms: Math.round(performance.now() - t0) };
    } catch (e) {
      reply = { id: c.id, ok: false, error: String((e as Error)?.stack ?? e) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
  pc?.close();
  await server.close();
}

await main();
