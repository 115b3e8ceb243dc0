import { readFixture } from "@purertc/testkit/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type RTCBandwidthEstimateEvent,
  type RTCDTMFToneChangeEvent,
  type RTCDTMFToneEvent,
  type RTCPeerConnection,
  type RTCStats,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { negotiate, trickle, until, webrtc } from "./helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of open.splice(0)) pc.close();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byType = (r: ReadonlyMap<string, RTCStats>, type: string) =>
  [...r.values()].filter((s) => s.type === type);

/** a and b each send VP8 + Opus to the other; frames flow for `ms`. */
async function talking(ms: number) {
  const a = new webrtc.RTCPeerConnection();
  const b = new webrtc.RTCPeerConnection();
  open.push(a, b);
  trickle(a, b);
  const tracks = { a: [] as RTCTrackEvent[], b: [] as RTCTrackEvent[] };
  a.addEventListener("track", (e) => tracks.a.push(e as RTCTrackEvent));
  b.addEventListener("track", (e) => tracks.b.push(e as RTCTrackEvent));
  const mk = () => {
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const audio = new EncodedMediaStreamTrack({ kind: "audio" });
    return { video, audio, stream: new MediaStream([video, audio]) };
  };
  const la = mk();
  const lb = mk();
  for (const l of [la, lb]) {
    const pc = l === la ? a : b;
    pc.addTrack(l.video, l.stream);
    pc.addTrack(l.audio, l.stream);
  }
  await negotiate(a, b);
  await Promise.all([until(a, "connected"), until(b, "connected")]);
  await sleep(30);
  const frames = Math.ceil(ms / 33);
  for (let i = 0; i < frames; i++) {
    const f = ivf.frames[i % ivf.frames.length]!;
    for (const l of [la, lb]) {
      l.video.writeFrame({ data: f.data, timestamp: i * 3000 });
      l.audio.writeFrame({ data: new Uint8Array(50).fill(i), timestamp: i * 1584 });
    }
    await sleep(33);
  }
  return { a, b, la, lb, tracks };
}

describe("getStats media entries and selectors (webrtc-stats, webrtc-pc §8.5)", () => {
  it("codec, outbound/inbound-rtp, remote-inbound (RTT from RR) and remote-outbound (SR), media-source", async () => {
    const { a, la } = await talking(1800);
    // Reports keep flowing after the media stops; the RTT needs an RR that echoes one of our SRs
    // (RFC 3550 §6.4.1 LSR), which a loaded machine may take another interval to produce.
    let r = await a.getStats();
    const rtt = (x: ReadonlyMap<string, RTCStats>) =>
      byType(x, "remote-inbound-rtp").find((s) => s.kind === "video")?.roundTripTime;
    for (let i = 0; i < 20 && rtt(r) === undefined; i++) {
      await sleep(250);
      r = await a.getStats();
    }
    const outV = byType(r, "outbound-rtp").find((s) => s.kind === "video")!;
    expect(outV.packetsSent).toBeGreaterThan(50);
    expect(outV.framesSent).toBeGreaterThan(40);
    expect(r.get(outV.codecId as string)).toMatchObject({ type: "codec", mimeType: "video/VP8" });
    expect(r.get(outV.mediaSourceId as string)).toMatchObject({
      type: "media-source",
      kind: "video",
      trackIdentifier: la.video.id,
    });
    const ri = r.get(outV.remoteId as string)!;
    expect(ri).toMatchObject({ type: "remote-inbound-rtp", localId: outV.id, packetsLost: 0 });
    expect(ri.roundTripTime as number).toBeGreaterThanOrEqual(0);
    expect(ri.roundTripTime as number).toBeLessThan(0.1);
    expect(ri.roundTripTimeMeasurements as number).toBeGreaterThan(0);
    const inV = byType(r, "inbound-rtp").find((s) => s.kind === "video")!;
    expect(inV.packetsReceived).toBeGreaterThan(50);
    expect(inV.framesReceived).toBeGreaterThan(40);
    expect(inV.bytesReceived).toBeGreaterThan(10000);
    expect(r.get(inV.codecId as string)).toMatchObject({ mimeType: "video/VP8", payloadType: 96 });
    const ro = r.get(inV.remoteId as string)!;
    expect(ro).toMatchObject({ type: "remote-outbound-rtp", localId: inV.id });
    expect(ro.packetsSent as number).toBeGreaterThan(0);
    expect(Math.abs((ro.remoteTimestamp as number) - Date.now())).toBeLessThan(5000);
    const inA = byType(r, "inbound-rtp").find((s) => s.kind === "audio")!;
    expect(r.get(inA.codecId as string)).toMatchObject({ mimeType: "audio/opus", channels: 2 });
    const pair = r.get(r.get("T01")!.selectedCandidatePairId as string)!;
    expect(pair.availableOutgoingBitrate as number).toBeGreaterThan(10_000);
    // The transport names the SRTP profile DTLS negotiated (RFC 5764 §4.1.2).
    expect(r.get("T01")!.srtpCipher).toMatch(
      /^SRTP_(AEAD_AES_(128|256)_GCM|AES128_CM_HMAC_SHA1_(80|32))$/,
    );
  });

  it("sender.getStats(), receiver.getStats() and getStats(track) select one stream and its references", async () => {
    const { a, la, tracks } = await talking(400);
    const sender = a.getSenders().find((s) => s.track === la.video)!;
    const bySender = await sender.getStats();
    const types = new Set([...bySender.values()].map((s) => s.type));
    expect(types.has("outbound-rtp")).toBe(true);
    expect(types.has("codec")).toBe(true);
    expect(types.has("media-source")).toBe(true);
    expect(types.has("transport")).toBe(true);
    expect(types.has("inbound-rtp")).toBe(false);
    expect(byType(bySender, "outbound-rtp").length).toBe(1);
    expect([...(await a.getStats(la.video)).keys()].sort()).toEqual([...bySender.keys()].sort());
    const remote = tracks.a.find((t) => t.track.kind === "audio")!;
    const byReceiver = await remote.receiver.getStats();
    expect(byType(byReceiver, "inbound-rtp").map((s) => s.kind)).toEqual(["audio"]);
    expect(byType(byReceiver, "outbound-rtp")).toEqual([]);
    const stranger = new EncodedMediaStreamTrack({ kind: "audio" });
    await expect(a.getStats(stranger)).rejects.toMatchObject({ name: "InvalidAccessError" });
  });

  it("bandwidthestimate fires on a video sender from the peer's transport-cc feedback", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    open.push(a, b);
    trickle(a, b);
    const video = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
    const sender = a.addTrack(video, new MediaStream([video]));
    const estimates: RTCBandwidthEstimateEvent[] = [];
    let twcc = 0;
    sender.addEventListener("bandwidthestimate", (e) =>
      estimates.push(e as RTCBandwidthEstimateEvent),
    );
    sender.addEventListener("twcc", () => twcc++);
    await negotiate(a, b);
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    for (let i = 0; i < 30; i++) {
      video.writeFrame({ data: ivf.frames[i]!.data, timestamp: i * 3000 });
      await sleep(33);
    }
    await sleep(150);
    expect(twcc).toBeGreaterThan(3);
    expect(estimates.length).toBeGreaterThan(0);
    expect(estimates.at(-1)!.source).toBe("transport-cc");
    expect(estimates.at(-1)!.bitrate).toBeGreaterThan(10_000);
  });
});

describe("RTCDTMFSender (webrtc-pc §7, RFC 4733) between two purertc peers", () => {
  it("insertDTMF plays tones: tonechange on the sender, digits and durations on the receiver", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    open.push(a, b);
    trickle(a, b);
    const audio = new EncodedMediaStreamTrack({ kind: "audio" });
    const video = new EncodedMediaStreamTrack({ kind: "video" });
    const sender = a.addTrack(audio, new MediaStream([audio]));
    expect(a.addTrack(video, new MediaStream([video])).dtmf).toBeNull();
    const dtmf = sender.dtmf!;
    expect(dtmf.canInsertDTMF).toBe(false);
    expect(() => dtmf.insertDTMF("1")).toThrow(
      expect.objectContaining({ name: "InvalidStateError" }),
    );
    const received: RTCDTMFToneEvent[] = [];
    b.addEventListener("track", (e) => {
      const t = (e as RTCTrackEvent).track;
      if (t.kind === "audio")
        t.addEventListener("dtmf", (d) => received.push(d as RTCDTMFToneEvent));
    });
    await negotiate(a, b);
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    expect(dtmf.canInsertDTMF).toBe(true);
    expect(() => dtmf.insertDTMF("12x")).toThrow(
      expect.objectContaining({ name: "InvalidCharacterError" }),
    );
    const changes: string[] = [];
    dtmf.ontonechange = (e) => changes.push((e as RTCDTMFToneChangeEvent).tone);
    dtmf.insertDTMF("12#a", 80, 50);
    expect(dtmf.toneBuffer).toBe("2#A");
    const done = new Promise<void>((r) =>
      dtmf.addEventListener("tonechange", (e) => (e as RTCDTMFToneChangeEvent).tone === "" && r()),
    );
    for (let i = 0; i < 40 && changes.at(-1) !== ""; i++) {
      audio.writeFrame({ data: new Uint8Array(40).fill(i), timestamp: i * 960 });
      await sleep(20);
    }
    await done;
    await sleep(50);
    expect(changes).toEqual(["1", "2", "#", "A", ""]);
    expect(received.map((e) => [e.tone, e.duration])).toEqual([
      ["1", 80],
      ["2", 80],
      ["#", 80],
      ["A", 80],
    ]);
    expect(dtmf.toneBuffer).toBe("");
  });
});
