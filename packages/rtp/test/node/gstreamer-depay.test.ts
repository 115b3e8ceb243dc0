import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "@purertc/common";
import { readFixture } from "@purertc/testkit/node";
import { afterAll, describe, expect, it } from "vitest";
import {
  encodeRtpPacket,
  H264_NAL_AUD,
  H264Codec,
  type PayloadCodec,
  RtpPacketizer,
  splitAnnexB,
  Vp8Codec,
  Vp9Codec,
} from "../../src/index.js";
import { readIvfFrames } from "../helpers.js";

/**
 * Our packetizers' output, handed to GStreamer's independent depayloaders (rtpvp8depay,
 * rtpvp9depay, rtph264depay), must give back exactly the encoder's frames. The RTP goes through
 * an RFC 4571 stream file (rtpstreamdepay), so no socket can drop or reorder anything.
 */
const gst = spawnSync("gst-launch-1.0", ["--version"]).status === 0;
if (!gst) {
  console.warn(
    "⚠ gst-launch-1.0 not found: GStreamer depayloader interop tests SKIPPED (apt-get install gstreamer1.0-tools gstreamer1.0-plugins-good)",
  );
}

const work = mkdtempSync(join(tmpdir(), "purertc-gst-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Packetizes frames at 30 fps into an RFC 4571 stream (16-bit length before each packet). */
function rtpStream(codec: PayloadCodec, frames: Uint8Array[], mtu: number): Uint8Array {
  const packetizer = new RtpPacketizer(codec, {
    ssrc: 0x1234,
    payloadType: 96,
    mtu,
    sequenceNumber: 65530,
  });
  const chunks: Uint8Array[] = [];
  frames.forEach((frame, i) => {
    for (const p of packetizer.packetize(frame, (i * 3000) >>> 0)) {
      const bytes = encodeRtpPacket(p);
      chunks.push(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
    }
  });
  return Buffer.concat(chunks);
}

/** Runs `rtpstreamdepay ! <depay> ! multifilesink` and returns one buffer per output file. */
function gstDepay(
  name: string,
  stream: Uint8Array,
  encoding: string,
  depay: string[],
): Uint8Array[] {
  const input = join(work, `${name}.rtpstream`);
  const outDir = mkdtempSync(join(work, `${name}-out-`));
  writeFileSync(input, stream);
  const caps = `application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=${encoding},payload=96`;
  execFileSync(
    "gst-launch-1.0",
    [
      "-q",
      "filesrc",
      `location=${input}`,
      "!",
      caps,
      "!",
      "rtpstreamdepay",
      "!",
      ...depay,
      "!",
      "multifilesink",
      `location=${join(outDir, "f%05d")}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 },
  );
  return readdirSync(outDir)
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(outDir, f))));
}

describe.skipIf(!gst)("GStreamer depayloaders rebuild the frames our packetizers send", () => {
  it("VP8 (RFC 7741) at MTU 500 through rtpvp8depay, across a sequence-number wrap", () => {
    const frames = readIvfFrames(readFixture("rtp", "vp8-320x240.ivf"));
    const out = gstDepay("vp8", rtpStream(new Vp8Codec(), frames, 500), "VP8", ["rtpvp8depay"]);
    expect(out.length).toBe(30);
    expect(out.map((f) => toHex(f))).toEqual(frames.map((f) => toHex(f)));
  });

  it("VP9 (RFC 9628) non-flexible and flexible through rtpvp9depay", () => {
    const frames = readIvfFrames(readFixture("rtp", "vp9-320x240.ivf"));
    for (const [label, codec] of [
      ["nonflex", new Vp9Codec({ width: 320, height: 240 })],
      ["flex", new Vp9Codec({ flexible: true })],
    ] as const) {
      const out = gstDepay(`vp9-${label}`, rtpStream(codec, frames, 400), "VP9", ["rtpvp9depay"]);
      expect(
        out.map((f) => toHex(f)),
        label,
      ).toEqual(frames.map((f) => toHex(f)));
    }
  });

  it("H.264 (RFC 6184) STAP-A and FU-A through rtph264depay: same NAL units per access unit", () => {
    const es = readFixture("rtp", "h264-320x240.h264");
    const aus: Uint8Array[][] = [];
    for (const nal of splitAnnexB(es)) {
      if ((nal[0]! & 0x1f) === H264_NAL_AUD) aus.push([]);
      else aus.at(-1)!.push(nal);
    }
    const frames = aus.map((nals) =>
      Buffer.concat(nals.flatMap((n) => [new Uint8Array([0, 0, 0, 1]), n])),
    );
    const out = gstDepay("h264", rtpStream(new H264Codec(), frames, 600), "H264", [
      "rtph264depay",
      "!",
      "video/x-h264,stream-format=byte-stream,alignment=au",
    ]);
    const nalHex = (au: Uint8Array) =>
      splitAnnexB(au)
        .filter((n) => (n[0]! & 0x1f) !== H264_NAL_AUD)
        .map((n) => toHex(n));
    expect(out.length).toBe(aus.length);
    out.forEach((au, i) => {
      expect(nalHex(au), `access unit ${i}`).toEqual(aus[i]!.map((n) => toHex(n)));
    });
  });
});
