/**
 * A minimal forwarder (SFU): one publisher, several subscribers, no decoding. The publisher's
 * received track is added to each subscriber's connection; its RTP packets are relayed with
 * each subscriber's own SSRC, continuous sequence numbers and timestamps. A subscriber's PLI
 * or FIR becomes a (throttled) PLI to the publisher; its NACKs are answered from the relaying
 * sender's history over RTX. `sender.replaceTrack(otherTrack)` switches source (or simulcast
 * layer, `receiver.encodings[i].track`) at the new source's next keyframe.
 *
 * ```
 *  publisher ─▶ pcIn ── receiver.track ──┬─▶ pcOut1.addTrack(track) ─▶ subscriber 1
 *                 ▲                       ├─▶ pcOut2.addTrack(track) ─▶ subscriber 2
 *                 └──── PLI ◀── PLI/FIR ──┴─▶ pcOut3.addTrack(track) ─▶ subscriber 3
 * ```
 *
 * Run: `tsx --conditions=@purertc/source examples/forwarder.ts [subscribers]`. The demo's
 * publisher and subscribers are connections in this process (the publisher sends ffmpeg's
 * test pattern); in your app they are browsers, each signalled with its own connection here.
 */
import { fileURLToPath } from "node:url";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCPeerConnection,
  type RTCRtpSender,
  type RTCTrackEvent,
} from "@purertc/peer";
import { ffmpegInput, ffmpegVp8, rtpInput } from "./ffmpeg-to-browser.js";
import { connect, demoSeconds, LocalPeerConnection } from "./local-signaling.js";

/** The forwarder: the publisher's tracks, relayed to every subscriber connection. */
export class Forwarder {
  readonly #tracks: EncodedMediaStreamTrack[] = [];
  readonly #subscribers = new Set<RTCPeerConnection>();

  /** The publisher's connection: each track it sends is relayed (to current and later subscribers). */
  publish(pc: RTCPeerConnection): void {
    pc.addEventListener("track", (e) => {
      const track = (e as RTCTrackEvent).track;
      this.#tracks.push(track);
      for (const sub of this.#subscribers) sub.addTrack(track); // renegotiate sub afterwards
    });
  }

  /** A subscriber's connection (before its offer): it gets every published track. */
  subscribe(pc: RTCPeerConnection): RTCRtpSender[] {
    this.#subscribers.add(pc);
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "closed" || pc.connectionState === "failed")
        this.#subscribers.delete(pc);
    });
    return this.#tracks.map((t) => pc.addTrack(t));
  }
}

async function main(subscribers: number): Promise<void> {
  const sfu = new Forwarder();
  // The publisher (a browser in your app) sends ffmpeg's test pattern.
  const camera = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  const input = await rtpInput(camera);
  const publisher = new LocalPeerConnection();
  publisher.addTransceiver(camera, { direction: "sendonly", streams: [new MediaStream([camera])] });
  const ingest = new LocalPeerConnection();
  sfu.publish(ingest);
  await connect(publisher, ingest);

  const counts: number[] = [];
  const senders: RTCRtpSender[] = [];
  const all = [publisher, ingest];
  for (let i = 0; i < subscribers; i++) {
    const out = new LocalPeerConnection();
    const viewer = new LocalPeerConnection(); // a subscribing browser in your app
    all.push(out, viewer);
    senders.push(...sfu.subscribe(out));
    counts.push(0);
    viewer.ontrack = ({ track }: RTCTrackEvent) =>
      track.addEventListener("frame", () => counts[i]!++);
    await connect(out, viewer);
  }

  const ffmpeg = ffmpegVp8(ffmpegInput(undefined), input.port, demoSeconds);
  await new Promise((resolve) => ffmpeg.on("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const [i, n] of counts.entries()) {
    const s = senders[i]!.forwardingStats;
    console.log(`subscriber ${i + 1}: ${n} frames, ${s?.packetsForwarded ?? 0} packets relayed`);
  }
  input.close();
  for (const pc of all) pc.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(Number(process.argv[2] ?? 3));
