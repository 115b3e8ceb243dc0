/**
 * Records what a page sends (VP8 or VP9 video, Opus audio: frames as received, never decoded)
 * into a WebM file in memory. The recording starts at a video keyframe (one is requested) and
 * lasts the asked number of seconds; blocks are timed by arrival, which keeps audio and video
 * in step without RTCP sender-report mapping.
 */
import { concatBytes } from "@purertc/common";
import type { EncodedMediaStreamTrack, RTCEncodedFrameEvent } from "@purertc/peer";
import { type WebmTrack, WebmWriter } from "@purertc/rtp";

/** A finished recording. */
export interface RecordingResult {
  readonly bytes: Uint8Array;
  readonly durationMs: number;
  /** What it holds, in words ("VP8 640x480 + Opus"). */
  readonly tracks: string;
}

/** How long to wait for the first video keyframe. */
const KEYFRAME_WAIT_MS = 5000;
const KEYFRAME_RETRY_MS = 1000;

/** Width and height of a VP8 keyframe (RFC 6386 §9.1: 3-byte tag, start code, 14-bit sizes). */
export function vp8KeyframeSize(frame: Uint8Array): { width: number; height: number } | undefined {
  if (frame.byteLength < 10 || (frame[0]! & 1) !== 0) return undefined;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  return {
    width: (frame[6]! | (frame[7]! << 8)) & 0x3fff,
    height: (frame[8]! | (frame[9]! << 8)) & 0x3fff,
  };
}

export interface RecordInput {
  readonly video: EncodedMediaStreamTrack;
  readonly videoMime: string;
  readonly audio?: EncodedMediaStreamTrack;
}

/** Records `seconds` of `input`; rejects with a message for the user when it cannot. */
export function record(input: RecordInput, seconds: number): Promise<RecordingResult> {
  const codec = input.videoMime.toLowerCase() === "video/vp8" ? "VP8" : undefined;
  if (!codec)
    return Promise.reject(
      new Error(`recording takes VP8 video; your browser sends ${input.videoMime}`),
    );
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let writer: WebmWriter | undefined;
    let startMs = 0;
    let what = "";
    const began = performance.now();
    const retry = setInterval(() => {
      if (writer) return;
      if (performance.now() - began > KEYFRAME_WAIT_MS) {
        end();
        reject(new Error(`no video keyframe from your camera in ${KEYFRAME_WAIT_MS / 1000} s`));
      } else input.video.requestKeyFrame();
    }, KEYFRAME_RETRY_MS);
    const onVideo = (ev: Event) => {
      const frame = (ev as RTCEncodedFrameEvent).frame;
      const data = new Uint8Array(frame.data);
      const now = performance.now();
      if (!writer) {
        const size = vp8KeyframeSize(data);
        if (!size) return;
        const tracks: WebmTrack[] = [{ codec, ...size }];
        if (input.audio) tracks.push({ codec: "Opus", channels: 2 });
        writer = new WebmWriter(tracks);
        chunks.push(writer.header());
        startMs = now;
        what = `${codec} ${size.width}x${size.height}${input.audio ? " + Opus" : ""}`;
      }
      if (now - startMs >= seconds * 1000) return finish();
      chunks.push(writer.frame(0, data, now - startMs, "type" in frame && frame.type === "key"));
    };
    const onAudio = (ev: Event) => {
      if (!writer) return;
      const data = new Uint8Array((ev as RTCEncodedFrameEvent).frame.data);
      chunks.push(writer.frame(1, data, performance.now() - startMs, true));
    };
    const end = () => {
      clearInterval(retry);
      input.video.removeEventListener("frame", onVideo);
      input.audio?.removeEventListener("frame", onAudio);
    };
    const finish = () => {
      end();
      const w = writer as WebmWriter;
      const patch = w.finish(1000 / 30);
      const bytes = concatBytes(...chunks);
      bytes.set(patch.bytes, patch.offset);
      const durationMs = new DataView(patch.bytes.buffer).getFloat64(0);
      resolve({ bytes, durationMs, tracks: what });
    };
    input.video.addEventListener("frame", onVideo);
    input.audio?.addEventListener("frame", onAudio);
    input.video.requestKeyFrame();
  });
}
