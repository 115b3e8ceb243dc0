/**
 * Media helpers of the native interop tests: the demo's VP8 and Opus clips, the VP8 keyframe
 * header (dimensions), a paced feeder, and the receive side of our encoded tracks.
 */
import { readFileSync } from "node:fs";
import type { EncodedFrame, EncodedMediaStreamTrack, RTCPeerConnection } from "@purertc/peer";
import { type IvfFile, type OggOpusFile, type RtpPacket, readIvf, readOggOpus } from "@purertc/rtp";

const ASSETS = new URL("../../../apps/demo/assets/", import.meta.url);

/** The demo's VP8 clip: 120 frames of 640x360 at 30 fps, a keyframe every 30. */
export function vp8Clip(): IvfFile {
  return readIvf(new Uint8Array(readFileSync(new URL("clip-vp8-640x360.ivf", ASSETS))));
}

/** The demo's Opus clip: 200 mono packets of 20 ms, a 660 Hz tone. */
export function opusClip(): OggOpusFile {
  return readOggOpus(new Uint8Array(readFileSync(new URL("clip-opus-48k.ogg", ASSETS))));
}

/**
 * Width and height of a VP8 keyframe (RFC 6386 §9.1): a 3-byte frame tag whose bit 0 is 0 on
 * keyframes, the start code 9d 01 2a, then 14-bit width and height (little endian, 2-bit scale
 * on top). `undefined` for an interframe or a truncated frame.
 *
 * ```
 *  0        1        2        3        4        5        6        7        8        9
 * +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
 * |  frame tag (P bit = bit 0)|  0x9d  |  0x01  |  0x2a  | width (14) + scale | height + scale |
 * +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
 * ```
 */
export function vp8KeyframeSize(frame: Uint8Array): { width: number; height: number } | undefined {
  if (frame.length < 10 || (frame[0]! & 1) !== 0) return undefined;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  return {
    width: (frame[6]! | (frame[7]! << 8)) & 0x3fff,
    height: (frame[8]! | (frame[9]! << 8)) & 0x3fff,
  };
}

/** Calls `tick(i)` every `intervalMs` (media is real time) until the returned stop is called. */
export function pace(intervalMs: number, tick: (i: number) => void): () => void {
  let i = 0;
  tick(i++);
  const timer = setInterval(() => tick(i++), intervalMs);
  return () => clearInterval(timer);
}

/** A moving gradient as one I420 frame (`Y` plane, then quarter-size `U` and `V`). */
export function i420Frame(width: number, height: number, n: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray((width * height * 3) / 2);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = (x + y + n * 4) & 255;
  data.fill(128, width * height);
  return data;
}

/** What arrived on one of our remote tracks. */
export interface Received {
  readonly track: EncodedMediaStreamTrack;
  readonly mid: string | null;
  readonly frames: EncodedFrame[];
  readonly packets: { ssrc: number; payloadType: number; sequenceNumber: number }[];
}

/** Records the frames and RTP packets of every remote track `pc` signals, in arrival order. */
export function receiveTracks(pc: RTCPeerConnection): Received[] {
  const all: Received[] = [];
  pc.addEventListener("track", (e) => {
    const { track, transceiver } = e as Event & {
      track: EncodedMediaStreamTrack;
      transceiver: { mid: string | null };
    };
    const r: Received = { track, mid: transceiver.mid, frames: [], packets: [] };
    track.addEventListener("frame", (f) =>
      r.frames.push((f as Event & { frame: EncodedFrame }).frame),
    );
    track.addEventListener("rtp", (p) => {
      const { ssrc, payloadType, sequenceNumber } = (p as Event & { packet: RtpPacket }).packet
        .header;
      r.packets.push({ ssrc, payloadType, sequenceNumber });
    });
    all.push(r);
  });
  return all;
}
