import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFixture } from "@purertc/testkit/node";
import { afterAll, describe, expect, it } from "vitest";
import {
  AnnexBWriter,
  FrameAssembler,
  H264Codec,
  IvfWriter,
  OggOpusWriter,
  WebmWriter,
} from "../../src/index.js";
import { RecordingFile } from "../../src/node/index.js";
import { readIvfFrames, readRfc4571 } from "../helpers.js";

const hasFfprobe = spawnSync("ffprobe", ["-version"]).status === 0;
if (!hasFfprobe)
  console.warn("[rtp] ffprobe missing (Debian package ffmpeg): recorder checks SKIPPED");

const dir = mkdtempSync(join(tmpdir(), "purertc-rtp-rec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  streams: { codec_name: string; width?: number; height?: number }[];
  format: { duration?: string };
}

function probe(path: string): Probe {
  const out = execFileSync("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_name,width,height:format=duration",
    "-of",
    "json",
    path,
  ]);
  return JSON.parse(out.toString()) as Probe;
}

const vp8Frames = readIvfFrames(readFixture("rtp", "vp8-320x240.ivf"));
const vp9Frames = readIvfFrames(readFixture("rtp", "vp9-320x240.ivf"));

describe.skipIf(!hasFfprobe)("recorder output read back by ffprobe", () => {
  it("WebM with VP8 and with VP9: codec, 320x240, 1 s", () => {
    for (const [codec, frames] of [
      ["VP8", vp8Frames],
      ["VP9", vp9Frames],
    ] as const) {
      const path = join(dir, `${codec}.webm`);
      const file = new RecordingFile(path);
      const w = new WebmWriter([{ codec, width: 320, height: 240 }]);
      file.write(w.header());
      frames.forEach((f, i) => {
        file.write(w.frame(0, f, (i * 1000) / 30, i % 15 === 0));
      });
      const patch = w.finish(1000 / 30);
      file.patch(patch.offset, patch.bytes);
      file.close();
      const p = probe(path);
      expect(p.streams[0]).toMatchObject({
        codec_name: codec.toLowerCase(),
        width: 320,
        height: 240,
      });
      expect(Number(p.format.duration)).toBeCloseTo(1, 1);
    }
  });

  it("IVF with VP8: codec, 320x240, 1 s", () => {
    const path = join(dir, "vp8.ivf");
    const file = new RecordingFile(path);
    const w = new IvfWriter("VP8", 320, 240, 30);
    file.write(w.header());
    vp8Frames.forEach((f, i) => {
      file.write(w.frame(f, i));
    });
    file.patch(0, w.headerWithFrameCount());
    file.close();
    const p = probe(path);
    expect(p.streams[0]).toMatchObject({ codec_name: "vp8", width: 320, height: 240 });
    expect(Number(p.format.duration)).toBeCloseTo(1, 1);
  });

  it("raw Annex-B H.264 from depacketized GStreamer RTP: codec and 320x240", () => {
    const path = join(dir, "out.h264");
    const file = new RecordingFile(path);
    const asm = new FrameAssembler(new H264Codec());
    const w = new AnnexBWriter();
    let frames = 0;
    for (const pkt of readRfc4571(readFixture("rtp", "h264-320x240.rtpstream"))) {
      const f = asm.push(pkt);
      if (f) {
        file.write(w.frame(f.data));
        frames++;
      }
    }
    file.close();
    expect(frames).toBe(30);
    const p = probe(path);
    expect(p.streams[0]).toMatchObject({ codec_name: "h264", width: 320, height: 240 });
    const count = execFileSync("ffprobe", [
      "-v",
      "error",
      "-count_frames",
      "-show_entries",
      "stream=nb_read_frames",
      "-of",
      "csv=p=0",
      path,
    ]);
    expect(Number(count.toString().trim())).toBe(30);
  });

  it("Ogg Opus and WebM Opus: codec and 1 s of 20 ms packets", () => {
    // TOC byte only (config 31, stereo, one 20 ms frame of length 0: RFC 6716 §3.2.1 DTX).
    const packet = Uint8Array.of(0xfc);
    const ogg = join(dir, "a.opus");
    const of = new RecordingFile(ogg);
    const o = new OggOpusWriter(1234);
    of.write(o.headers());
    for (let i = 0; i < 50; i++) of.write(o.packet(packet, 960, i === 49));
    of.close();
    const webm = join(dir, "a.webm");
    const wf = new RecordingFile(webm);
    const w = new WebmWriter([{ codec: "Opus" }]);
    wf.write(w.header());
    for (let i = 0; i < 50; i++) wf.write(w.frame(0, packet, i * 20, true));
    const patch = w.finish(20);
    wf.patch(patch.offset, patch.bytes);
    wf.close();
    for (const path of [ogg, webm]) {
      const p = probe(path);
      expect(p.streams[0]?.codec_name).toBe("opus");
      expect(Number(p.format.duration)).toBeGreaterThan(0.85);
      expect(Number(p.format.duration)).toBeLessThan(1.05);
    }
  });
});
