/**
 * The bot's recorder on real frames (the demo clip), in fake time: what it writes is a WebM
 * file ffprobe reads with the clip's codec, size and the asked duration.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EncodedMediaStreamTrack,
  RTCEncodedAudioFrame,
  RTCEncodedFrameEvent,
  RTCEncodedVideoFrame,
} from "@purertc/peer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadClip } from "../../../src/node/bot/clip.js";
import { record, vp8KeyframeSize } from "../../../src/node/bot/recording.js";

const clip = loadClip();
const meta = (mimeType: string) => ({
  synchronizationSource: 1,
  payloadType: 96,
  contributingSources: [],
  rtpTimestamp: 0,
  mimeType,
});
/** A copy in an ArrayBuffer of its own (a Buffer's slice() is a view of the whole file). */
const buf = (b: Uint8Array) => new Uint8Array(b).buffer;

function hasFfprobe(): boolean {
  try {
    execFileSync("ffprobe", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("bot recording", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] }));
  afterEach(() => vi.useRealTimers());

  it("reads a VP8 keyframe's size (RFC 6386 §9.1) and refuses a delta frame", () => {
    expect(vp8KeyframeSize(clip.video.frames[0]!.data)).toEqual({ width: 640, height: 360 });
    expect(vp8KeyframeSize(clip.video.frames[1]!.data)).toBeUndefined();
  });

  it("refuses a codec WebM recording does not take, in words", async () => {
    const video = new EncodedMediaStreamTrack({ kind: "video" });
    await expect(record({ video, videoMime: "video/H264" }, 2)).rejects.toThrow(/VP8/);
  });

  it("fails with a message when no keyframe comes within 5 s", async () => {
    const video = new EncodedMediaStreamTrack({ kind: "video" });
    const p = record({ video, videoMime: "video/VP8" }, 2);
    const result = expect(p).rejects.toThrow(/no video keyframe/);
    await vi.advanceTimersByTimeAsync(6000);
    await result;
  });

  it.skipIf(!hasFfprobe())(
    "2 s from a keyframe: ffprobe reads vp8 640x360 + opus, ~2 s",
    async () => {
      const video = new EncodedMediaStreamTrack({ kind: "video" });
      const audio = new EncodedMediaStreamTrack({ kind: "audio" });
      const p = record({ video, videoMime: "video/VP8", audio }, 2);
      // Two delta frames first: the recording must start at the keyframe after them.
      for (let i = 0; i < 3 * 30 + 2; i++) {
        const f = clip.video.frames[(i + 28) % clip.video.frames.length]!;
        const type = (f.data[0]! & 1) === 0 ? "key" : "delta";
        const frame = new RTCEncodedVideoFrame({
          data: buf(f.data),
          type,
          timestamp: i * 3000,
          metadata: meta("video/VP8"),
        });
        video.dispatchEvent(new RTCEncodedFrameEvent("frame", { frame }));
        for (let k = 0; k < 2; k++) {
          const packet = clip.audio.packets[(2 * i + k) % clip.audio.packets.length]!;
          const a = new RTCEncodedAudioFrame({
            data: buf(packet),
            timestamp: (2 * i + k) * 960,
            metadata: meta("audio/opus"),
          });
          audio.dispatchEvent(new RTCEncodedFrameEvent("frame", { frame: a }));
        }
        vi.advanceTimersByTime(1000 / 30);
      }
      const r = await p;
      expect(r.tracks).toBe("VP8 640x360 + Opus");
      const dir = mkdtempSync(join(tmpdir(), "demo-rec-"));
      try {
        const file = join(dir, "r.webm");
        writeFileSync(file, r.bytes);
        const out = JSON.parse(
          execFileSync("ffprobe", [
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,width,height:format=duration",
            "-of",
            "json",
            file,
          ]).toString(),
        ) as { streams: { codec_name: string; width?: number }[]; format: { duration: string } };
        expect(out.streams.map((s) => s.codec_name)).toEqual(["vp8", "opus"]);
        expect(out.streams[0]!.width).toBe(640);
        expect(Number(out.format.duration)).toBeGreaterThan(1.9);
        expect(Number(out.format.duration)).toBeLessThan(2.2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
