import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, readFixture } from "@purertc/testkit/node";
import { afterAll, describe, expect, it } from "vitest";
import {
  AnnexBWriter,
  Av1Codec,
  decodeRtpPacket,
  encodeRtpPacket,
  FrameAssembler,
  H264Codec,
  IvfWriter,
  OggOpusWriter,
  OpusCodec,
  RtpPacketizer,
  readOggPackets,
  WebmWriter,
} from "../../src/index.js";
import { RecordingFile } from "../../src/node/index.js";
import { readAv1IvfUnits, readIvfFrames, readRfc4571 } from "../helpers.js";

const hasFfprobe = spawnSync("ffprobe", ["-version"]).status === 0;
if (!hasFfprobe)
  console.warn("[rtp] ffprobe missing (Debian package ffmpeg): recorder checks SKIPPED");

const dir = mkdtempSync(join(tmpdir(), "purertc-rtp-rec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  streams: {
    codec_name: string;
    width?: number;
    height?: number;
    sample_rate?: string;
    channels?: number;
  }[];
  format: { duration?: string };
}

function probe(path: string): Probe {
  const out = execFileSync("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_name,width,height,sample_rate,channels:format=duration",
    "-of",
    "json",
    path,
  ]);
  return JSON.parse(out.toString()) as Probe;
}

/** MD5 of every decoded picture or audio frame (FFmpeg's framemd5 muxer), in order. */
function decodedMd5s(path: string, stream = "0:v"): string[] {
  const out = execFileSync("ffmpeg", [
    "-v",
    "error",
    "-i",
    path,
    "-map",
    stream,
    "-f",
    "framemd5",
    "-",
  ]);
  return out
    .toString()
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(",").at(-1)!.trim());
}

/** Counts the frames FFmpeg decodes from the first stream. */
function decodedFrames(path: string): number {
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
  return Number(count.toString().trim());
}

/** The libaom fixture's temporal units as our AV1 depacketizer rebuilds them from our RTP. */
function av1UnitsThroughRtp(): Uint8Array[] {
  const codec = new Av1Codec();
  return readAv1IvfUnits(readFixture("rtp", "av1-320x240.ivf")).map((tu) =>
    codec.depacketize(codec.packetize(tu, 1000)),
  );
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
    const patch = w.finish();
    file.patch(patch.offset, patch.bytes);
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
    expect(decodedFrames(path)).toBe(30);
  });

  it("WebM with AV1 (av1C from the first keyframe): av1, 320x240, 1 s, same pictures as the encoder's IVF", () => {
    const units = av1UnitsThroughRtp();
    const path = join(dir, "av1.webm");
    const file = new RecordingFile(path);
    // No width/height given: the writer takes them from the sequence header.
    const w = new WebmWriter([{ codec: "AV1", av1SequenceHeader: units[0]! }]);
    file.write(w.header());
    units.forEach((u, i) => {
      file.write(w.frame(0, u, (i * 1000) / 30, i % 15 === 0));
    });
    const patch = w.finish(1000 / 30);
    file.patch(patch.offset, patch.bytes);
    file.close();
    const p = probe(path);
    expect(p.streams[0]).toMatchObject({ codec_name: "av1", width: 320, height: 240 });
    expect(Number(p.format.duration)).toBeCloseTo(1, 1);
    const reference = decodedMd5s(fixturePath("rtp", "av1-320x240.ivf"));
    expect(reference.length).toBe(30);
    expect(decodedMd5s(path)).toEqual(reference);
  });

  it("IVF with AV1 (temporal delimiters restored): av1, 320x240, 1 s, same pictures", () => {
    const units = av1UnitsThroughRtp();
    const path = join(dir, "av1.ivf");
    const file = new RecordingFile(path);
    const w = IvfWriter.forAv1(units[0]!, 90000);
    expect([w.width, w.height]).toEqual([320, 240]);
    file.write(w.header());
    units.forEach((u, i) => {
      file.write(w.frame(u, i * 3000));
    });
    const patch = w.finish();
    file.patch(patch.offset, patch.bytes);
    file.close();
    const p = probe(path);
    expect(p.streams[0]).toMatchObject({ codec_name: "av1", width: 320, height: 240 });
    expect(Number(p.format.duration)).toBeCloseTo(1, 1);
    expect(decodedMd5s(path)).toEqual(decodedMd5s(fixturePath("rtp", "av1-320x240.ivf")));
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

  it("Ogg Opus and WebM Opus of libopus packets received over RTP: opus, 48 kHz mono, 1.02 s, same PCM as the source", () => {
    const source = fixturePath("rtp", "opus-48k-1s.ogg");
    const [opusHead, , ...packets] = readOggPackets(readFixture("rtp", "opus-48k-1s.ogg"));
    const head = new DataView(opusHead!.buffer, opusHead!.byteOffset);
    const channels = opusHead![9]!;
    const preSkip = head.getUint16(10, true);
    expect([channels, preSkip, packets.length]).toEqual([1, 312, 51]);
    // Through RTP: our packetizer, the wire, our assembler (RFC 7587: one packet per payload).
    const packetizer = new RtpPacketizer(new OpusCodec(), { ssrc: 5, payloadType: 111 });
    const asm = new FrameAssembler(new OpusCodec());
    const received = packets.flatMap((p, i) =>
      packetizer.packetize(p, i * 960).map((r) => asm.push(decodeRtpPacket(encodeRtpPacket(r)))!),
    );
    expect(received.length).toBe(51);

    const ogg = join(dir, "real.opus");
    const of = new RecordingFile(ogg);
    const o = new OggOpusWriter(99, channels, preSkip);
    of.write(o.headers());
    received.forEach((f, i) => {
      of.write(o.packet(f.data, 960, i === received.length - 1));
    });
    of.close();
    const webm = join(dir, "real-opus.webm");
    const wf = new RecordingFile(webm);
    const w = new WebmWriter([{ codec: "Opus", channels, preSkip }]);
    wf.write(w.header());
    for (const f of received) wf.write(w.frame(0, f.data, f.timestamp / 48, true));
    const patch = w.finish(20);
    wf.patch(patch.offset, patch.bytes);
    wf.close();

    const reference = decodedMd5s(source, "0:a");
    expect(reference.length).toBeGreaterThan(40);
    for (const path of [ogg, webm]) {
      const p = probe(path);
      expect(p.streams[0], path).toMatchObject({
        codec_name: "opus",
        sample_rate: "48000",
        channels: 1,
      });
      // 51 packets × 20 ms; FFmpeg counts Ogg duration from the granule position, WebM's
      // from the Duration element: both 1.02 s.
      expect(Number(p.format.duration), path).toBeCloseTo(1.02, 2);
      // The source trims its last packet (end granule), so every frame but the last must match.
      const ours = decodedMd5s(path, "0:a");
      expect(ours.slice(0, reference.length - 1), path).toEqual(reference.slice(0, -1));
    }
  });
});
