/**
 * Record a browser to WebM: the received track's assembled VP8 frames (after the jitter buffer
 * and NACK repair) go into @purertc/rtp's `WebmWriter`, starting at a keyframe (asked for with
 * a PLI), with the frame size read from that keyframe (RFC 6386 §9.1). No decoding.
 *
 * ```
 *  browser ─▶ RTCRtpReceiver ─▶ track "frame" events ─▶ WebmWriter ─▶ file.webm (ffprobe: vp8)
 *                  ▲ requestKeyFrame() (PLI) until the first keyframe
 * ```
 *
 * Run: `tsx --conditions=@purertc/source examples/record-webm.ts out.webm`. The demo's
 * "browser" is a connection in this process sending ffmpeg's test pattern; in your app the
 * browser offers its camera and `pc.ontrack` hands you the track to record.
 */
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCEncodedFrameEvent,
  type RTCTrackEvent,
} from "@purertc/peer";
import { WebmWriter } from "@purertc/rtp";
import { ffmpegInput, ffmpegVp8, rtpInput } from "./ffmpeg-to-browser.js";
import { connect, demoSeconds, LocalPeerConnection } from "./local-signaling.js";

/** RFC 6386 §9.1: a VP8 keyframe's 3-byte tag, start code 9d 01 2a, then 14-bit dimensions. */
function vp8KeyframeSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 10 || (b[0]! & 1) !== 0 || b[3] !== 0x9d || b[4] !== 0x01 || b[5] !== 0x2a)
    return undefined;
  return { width: (b[6]! | (b[7]! << 8)) & 0x3fff, height: (b[8]! | (b[9]! << 8)) & 0x3fff };
}

/**
 * Records a remote VP8 track to `path` until `stop()`: resolves with the frame count once the
 * file is closed (its Duration patched in).
 */
export function recordWebm(track: EncodedMediaStreamTrack, path: string) {
  const file = createWriteStream(path);
  let writer: WebmWriter | undefined;
  let firstTs = 0;
  let lastMs = 0;
  let frames = 0;
  const askKeyframe = setInterval(() => track.requestKeyFrame(), 500);
  track.requestKeyFrame();
  const onFrame = (e: Event) => {
    const { frame } = e as RTCEncodedFrameEvent;
    const data = new Uint8Array(frame.data);
    if (!writer) {
      const size = vp8KeyframeSize(data);
      if (!size) return; // wait for a keyframe
      clearInterval(askKeyframe);
      writer = new WebmWriter([{ codec: "VP8", ...size }]);
      file.write(writer.header());
      firstTs = frame.timestamp;
    }
    // 90 kHz RTP timestamps to milliseconds since the first frame (wrap-safe).
    lastMs = Math.max(lastMs, ((frame.timestamp - firstTs) >>> 0) / 90);
    file.write(writer.frame(0, data, lastMs, "type" in frame && frame.type === "key"));
    frames++;
  };
  track.addEventListener("frame", onFrame);
  return {
    async stop(): Promise<number> {
      clearInterval(askKeyframe);
      track.removeEventListener("frame", onFrame);
      const patch = writer?.finish(1000 / 30);
      await new Promise((resolve) => file.end(resolve));
      if (patch) {
        const f = await open(path, "r+");
        await f.write(patch.bytes, 0, patch.bytes.length, patch.offset);
        await f.close();
      }
      return frames;
    },
  };
}

async function main(path: string): Promise<void> {
  // The "browser": ffmpeg's test pattern as VP8 over RTP into a sending connection.
  const camera = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  const input = await rtpInput(camera);
  const browser = new LocalPeerConnection();
  browser.addTransceiver(camera, { direction: "sendonly", streams: [new MediaStream([camera])] });

  // The server: records what it receives.
  const pc = new LocalPeerConnection();
  const recording = new Promise<ReturnType<typeof recordWebm>>((resolve) => {
    pc.ontrack = ({ track }: RTCTrackEvent) => resolve(recordWebm(track, path));
  });
  await connect(browser, pc);
  const ffmpeg = ffmpegVp8(ffmpegInput(undefined), input.port, demoSeconds);
  await new Promise((resolve) => ffmpeg.on("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const frames = await (await recording).stop();
  console.log(`recorded ${frames} frames to ${path}`);
  input.close();
  browser.close();
  pc.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv[2] ?? "out.webm");
