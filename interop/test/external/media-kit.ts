/** purertc's side of the media cases: the demo's clip, what arrives, and pacing the clip out. */
import { readFileSync } from "node:fs";
import {
  type EncodedMediaStreamTrack,
  MediaStream,
  type RTCEncodedFrameEvent,
  RTCEncodedVideoFrame,
  type RTCPeerConnection,
  type RTCTrackEvent,
} from "@purertc/peer";
import { type IvfFile, type OggOpusFile, readIvf, readOggOpus } from "@purertc/rtp";
import type { ForeignPeer } from "./foreign-peer.js";
import { connected, negotiate, type Role, webrtc } from "./session.js";

const ASSETS = new URL("../../../apps/demo/assets/", import.meta.url);
/** The demo's clip: 4 s of VP8 640×360 at 30 fps, a keyframe every 30 frames (ffmpeg). */
export const CLIP_VIDEO = new URL("clip-vp8-640x360.ivf", ASSETS).pathname;
/** The demo's clip: 4 s of Opus in 20 ms packets (ffmpeg). */
export const CLIP_AUDIO = new URL("clip-opus-48k.ogg", ASSETS).pathname;

export interface Clip {
  readonly video: IvfFile;
  readonly audio: OggOpusFile;
}

let clip: Clip | undefined;
export function loadClip(): Clip {
  clip ??= {
    video: readIvf(readFileSync(CLIP_VIDEO)),
    audio: readOggOpus(readFileSync(CLIP_AUDIO)),
  };
  return clip;
}

/** Width and height from a VP8 keyframe's header (RFC 6386 §9.1), or undefined. */
export function vp8KeyFrameSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data.byteLength < 10 || (data[0]! & 1) !== 0) return undefined;
  if (data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) return undefined;
  return {
    width: (data[6]! | (data[7]! << 8)) & 0x3fff,
    height: (data[8]! | (data[9]! << 8)) & 0x3fff,
  };
}

/** What arrived on one remote track, frame by frame. */
export interface TrackTally {
  readonly track: EncodedMediaStreamTrack;
  frames: number;
  keyFrames: number;
  /** The `type` of the first frame ("key" for video that starts decodable). */
  firstType: string | undefined;
  width: number;
  height: number;
}

/** Counts the frames of every track `pc` receives, by kind, from the `track` event on. */
export function tallyTracks(pc: RTCPeerConnection): Map<string, TrackTally> {
  const tallies = new Map<string, TrackTally>();
  pc.addEventListener("track", (e) => {
    const { track } = e as RTCTrackEvent;
    const t: TrackTally = {
      track,
      frames: 0,
      keyFrames: 0,
      firstType: undefined,
      width: 0,
      height: 0,
    };
    tallies.set(track.kind, t);
    track.addEventListener("frame", (fe) => {
      const { frame } = fe as RTCEncodedFrameEvent;
      t.frames++;
      if (!(frame instanceof RTCEncodedVideoFrame)) return;
      t.firstType ??= frame.type;
      if (frame.type !== "key") return;
      t.keyFrames++;
      const size = vp8KeyFrameSize(new Uint8Array(frame.data));
      if (size) ({ width: t.width, height: t.height } = size);
    });
  });
  return tallies;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes the clip's frames into `video` (90 kHz timestamps, 3000 per frame) and `audio` (48 kHz,
 * 960 per 20 ms packet), interleaved in clip time, sleeping `paceMs` per video frame.
 */
export async function playClip(
  video: EncodedMediaStreamTrack,
  audio: EncodedMediaStreamTrack | undefined,
  paceMs: number,
): Promise<void> {
  const { video: v, audio: a } = loadClip();
  let ai = 0;
  for (const [i, frame] of v.frames.entries()) {
    video.writeFrame({ data: frame.data, timestamp: i * 3000 });
    // Audio packets up to this frame's time (20 ms packets, 33.3 ms frames).
    while (audio && ai < a.packets.length && ai * 20 <= ((i + 1) * 1000) / 30) {
      audio.writeFrame({ data: a.packets[ai]!, timestamp: ai * 960 });
      ai++;
    }
    await sleep(paceMs);
  }
  while (audio && ai < a.packets.length) {
    audio.writeFrame({ data: a.packets[ai]!, timestamp: ai * 960 });
    ai++;
  }
}

/** The fields of `outbound-rtp` the RTCP cases check. */
export interface OutboundRtp {
  readonly packetsSent: number;
  readonly retransmittedPacketsSent: number;
  readonly nackCount: number;
}

/** The `outbound-rtp` stats of our sender of `kind`. */
export async function outbound(pc: RTCPeerConnection, kind: string): Promise<OutboundRtp> {
  const report = await pc.getStats();
  for (const s of report.values())
    if (s.type === "outbound-rtp" && (s as { kind?: string }).kind === kind)
      return s as unknown as OutboundRtp;
  throw new Error(`no outbound-rtp ${kind} stats`);
}

/**
 * Connects a new peer connection to `peer` with our `video` and `audio` tracks in one stream
 * (added before the offer, or when answering), tallying what arrives.
 */
export async function connectMedia(
  peer: ForeignPeer,
  role: Role,
  video: EncodedMediaStreamTrack,
  audio: EncodedMediaStreamTrack,
): Promise<{ pc: RTCPeerConnection; tallies: Map<string, TrackTally> }> {
  const pc = new webrtc.RTCPeerConnection();
  const tallies = tallyTracks(pc);
  const addTracks = () => {
    const stream = new MediaStream([video, audio]);
    pc.addTrack(video, stream);
    pc.addTrack(audio, stream);
  };
  if (role === "offerer") addTracks();
  await negotiate(pc, peer, role, addTracks);
  await connected(pc);
  return { pc, tallies };
}
