import type { RtpPacket } from "@purertc/rtp";
import { readFixture } from "@purertc/testkit/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  EncodedMediaStreamTrack,
  type RTCEncodedFrameEvent,
  type RTCEncodedVideoFrame,
  type RTCPeerConnection,
  type RTCRtpPacketEvent,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { negotiate, once, trickle, until, webrtc } from "./helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
const open: RTCPeerConnection[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(() => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const pc of open.splice(0)) pc.close();
});

async function pair(): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection }> {
  const a = new webrtc.RTCPeerConnection();
  const b = new webrtc.RTCPeerConnection();
  open.push(a, b);
  trickle(a, b);
  return { a, b };
}

/** A publisher client → its SFU-side connection; resolves with the SFU's remote track. */
async function publish(): Promise<{
  track: EncodedMediaStreamTrack;
  remote: EncodedMediaStreamTrack;
  sent: Uint8Array[];
  start(): void;
}> {
  const { a, b } = await pair();
  const track = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  a.addTrack(track);
  const got = once<RTCTrackEvent>(b, "track");
  await negotiate(a, b);
  await Promise.all([until(a, "connected"), until(b, "connected")]);
  const sent: Uint8Array[] = [];
  let next = 0;
  let n = 0;
  // An "encoder": the clip in a loop, restarted at its keyframe when one is requested.
  track.addEventListener("keyframerequest", () => {
    next = 0;
  });
  const start = () =>
    timers.push(
      setInterval(() => {
        const f = ivf.frames[next]!.data;
        next = (next + 1) % ivf.frames.length;
        sent.push(f);
        track.writeFrame({ data: f, timestamp: n++ * 3000 });
      }, 10),
    );
  return { track, remote: (await got).track as EncodedMediaStreamTrack, sent, start };
}

/** An SFU-side connection relaying `remote` to a subscriber client; collects what arrives. */
async function subscribe(remote: EncodedMediaStreamTrack) {
  const { a: sfu, b: client } = await pair();
  const sender = sfu.addTrack(remote);
  const got = once<RTCTrackEvent>(client, "track");
  await negotiate(sfu, client);
  const track = (await got).track as EncodedMediaStreamTrack;
  const frames: Uint8Array[] = [];
  const packets: RtpPacket[] = [];
  track.addEventListener("frame", (e) =>
    frames.push(new Uint8Array((e as RTCEncodedFrameEvent).frame.data)),
  );
  track.addEventListener("rtp", (e) => packets.push((e as RTCRtpPacketEvent).packet));
  await Promise.all([until(sfu, "connected"), until(client, "connected")]);
  return { sfu, client, sender, track, frames, packets };
}

async function waitFor(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("forwarding a received track to other connections (addTrack/replaceTrack(receiver.track))", () => {
  it("one publisher → two subscribers: the RTP packets are relayed (not re-packetized) with the SFU sender's SSRC and the frames arrive byte-identical", async () => {
    const pub = await publish();
    const subs = [await subscribe(pub.remote), await subscribe(pub.remote)];
    // The subscriber connections offer the relayed track's codec first.
    expect(subs[0]!.sender.getParameters().codecs[0]!.mimeType).toBe("video/VP8");
    pub.start();
    await waitFor(() => subs.every((s) => s.frames.length >= 40));
    for (const s of subs) {
      expect(s.frames.slice(0, 40)).toEqual(pub.sent.slice(0, 40));
      const ssrc = s.sender.getParameters().encodings[0]!.ssrc;
      expect(s.packets.every((p) => p.header.ssrc === ssrc)).toBe(true);
      expect(s.sender.forwardingStats!.packetsForwarded).toBeGreaterThanOrEqual(40);
      expect(s.sender.forwardingStats!.codecMismatch).toBe(0);
    }
  }, 20_000);

  it("three subscribers asking for a keyframe at once give the publisher one request (per-source throttle)", async () => {
    const pub = await publish();
    const subs: Awaited<ReturnType<typeof subscribe>>[] = [];
    for (let i = 0; i < 3; i++) subs.push(await subscribe(pub.remote));
    pub.start();
    await waitFor(() => subs.every((s) => s.frames.length >= 5));
    await new Promise((r) => setTimeout(r, 300)); // past the subscription-time requests
    let requests = 0;
    pub.track.addEventListener("keyframerequest", () => requests++);
    for (const s of subs) s.track.requestKeyFrame();
    await new Promise((r) => setTimeout(r, 150));
    expect(requests).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    subs[0]!.track.requestKeyFrame();
    await waitFor(() => requests === 2, 2000);
  }, 20_000);

  it("replaceTrack to another publisher: the new one gets a keyframe request, the subscriber's sequence numbers continue by one and its frames switch at that keyframe", async () => {
    const p1 = await publish();
    const p2 = await publish();
    const sub = await subscribe(p1.remote);
    p1.start();
    p2.start();
    await waitFor(() => sub.frames.length >= 20);
    const requested = once(p2.track, "keyframerequest");
    await sub.sender.replaceTrack(p2.remote);
    expect(sub.sender.track).toBe(p2.remote);
    await requested;
    await waitFor(() => sub.sender.forwardingStats!.switches === 2);
    await waitFor(() => sub.frames.length >= 60);
    const seqs = sub.packets.map((p) => p.header.sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xffff);
    // From the switch on, every frame is one of p2's, starting with the clip's keyframe.
    const keyframe = ivf.frames[0]!.data;
    const switchAt = sub.frames.findIndex(
      (f, i) => i >= 20 && Buffer.from(f).equals(Buffer.from(keyframe)),
    );
    expect(switchAt).toBeGreaterThanOrEqual(20);
    const tail = sub.frames.slice(switchAt);
    const start = p2.sent.findIndex(
      (f, i) =>
        Buffer.from(f).equals(Buffer.from(keyframe)) &&
        tail.every(
          (g, j) =>
            p2.sent[i + j] === undefined || Buffer.from(g).equals(Buffer.from(p2.sent[i + j]!)),
        ),
    );
    expect(start).toBeGreaterThanOrEqual(0);
  }, 20_000);

  it("a track only relayed assembles no frames: a frame listener attached later asks the publisher for a keyframe and its first frame is that keyframe", async () => {
    const pub = await publish();
    const sub = await subscribe(pub.remote);
    pub.start();
    await waitFor(() => sub.frames.length >= 30);
    let requests = 0;
    pub.track.addEventListener("keyframerequest", () => requests++);
    const late: RTCEncodedVideoFrame[] = [];
    pub.remote.addEventListener("frame", (e) =>
      late.push((e as RTCEncodedFrameEvent).frame as RTCEncodedVideoFrame),
    );
    await waitFor(() => late.length >= 5);
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(late[0]!.type).toBe("key");
    expect(new Uint8Array(late[0]!.data)).toEqual(ivf.frames[0]!.data);
    // The relay went on meanwhile: the subscriber's sequence numbers continue by one.
    const seqs = sub.packets.map((p) => p.header.sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xffff);
  }, 20_000);
});
