/**
 * Send a file to a browser with ffmpeg: ffmpeg encodes and packetizes (`-re ... -f rtp`) to a
 * loopback UDP port; every datagram is one RTP packet, written as is into an encoded track
 * (`writeRtp`: sequence numbers, timestamps and payload kept; SSRC, payload type and header
 * extensions become the sender's). The browser just receives a video track.
 *
 * ```
 *  file ─▶ ffmpeg -re -c:v libvpx -f rtp ─▶ udp 127.0.0.1:port ─▶ track.writeRtp ─▶ RTCRtpSender ─▶ browser
 * ```
 *
 * Run: `tsx --conditions=@purertc/source examples/ffmpeg-to-browser.ts [file]` (without a file
 * ffmpeg's test pattern is sent). The demo's "browser" is a second connection in this process
 * that counts the frames; in your app, signal `pc` with the browser instead
 * (`pc.ontrack = (e) => video.srcObject = e.streams[0]` on its side).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { fileURLToPath } from "node:url";
import { EncodedMediaStreamTrack, MediaStream, type RTCTrackEvent } from "@purertc/peer";
import { connect, demoSeconds, LocalPeerConnection } from "./local-signaling.js";

/** A UDP socket on 127.0.0.1 whose datagrams (RTP packets) feed `track`. */
export async function rtpInput(
  track: EncodedMediaStreamTrack,
  port = 0,
): Promise<{ port: number; close(): void }> {
  const socket = createSocket("udp4");
  socket.on("message", (msg) => {
    try {
      track.writeRtp(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    } catch {
      // Not an RTP packet (a stray datagram): skipped.
    }
  });
  await new Promise<void>((resolve) => socket.bind(port, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

/**
 * ffmpeg sending `input` (ffmpeg input arguments) as VP8 over RTP to 127.0.0.1:`port`, paced
 * at real time, a keyframe every second (ffmpeg cannot be asked for one on a PLI), packets
 * small enough for SRTP and the path (1200 bytes).
 */
export function ffmpegVp8(input: readonly string[], port: number, seconds: number): ChildProcess {
  return spawn(
    "ffmpeg",
    [
      ...["-hide_banner", "-loglevel", "error", "-re", ...input, "-t", String(seconds), "-an"],
      ...["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "600k", "-g", "30"],
      ...["-f", "rtp", "-payload_type", "96", `rtp://127.0.0.1:${port}?pkt_size=1200`],
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}

/** ffmpeg's input for a file, or its 320×240 test pattern. */
export function ffmpegInput(file: string | undefined): string[] {
  return file
    ? ["-stream_loop", "-1", "-i", file]
    : ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"];
}

async function main(): Promise<void> {
  const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  const input = await rtpInput(video);
  const pc = new LocalPeerConnection();
  pc.addTransceiver(video, { direction: "sendonly", streams: [new MediaStream([video])] });

  const browser = new LocalPeerConnection(); // stands in for the browser
  let frames = 0;
  let keyframes = 0;
  browser.ontrack = ({ track }: RTCTrackEvent) =>
    track.addEventListener("frame", (e) => {
      frames++;
      if ((e as Event & { frame: { type?: string } }).frame.type === "key") keyframes++;
    });
  await connect(pc, browser);

  const ffmpeg = ffmpegVp8(ffmpegInput(process.argv[2]), input.port, demoSeconds);
  await new Promise((resolve) => ffmpeg.on("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(`browser received ${frames} frames (${keyframes} keyframes)`);
  input.close();
  pc.close();
  browser.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
