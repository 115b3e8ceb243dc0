import { readFixture } from "@purertc/testkit/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  type EncodedFrame,
  EncodedMediaStreamTrack,
  type RTCPeerConnection,
  type RTCStatsReport,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { readIvf } from "../media/ivf.js";
import { negotiate, once, trickle, until, webrtc } from "./helpers.js";

const ivf = readIvf(readFixture("rtp", "vp8-320x240.ivf"));
const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of open.splice(0)) pc.close();
});

function pair(): { a: RTCPeerConnection; b: RTCPeerConnection } {
  const a = new webrtc.RTCPeerConnection();
  const b = new webrtc.RTCPeerConnection();
  open.push(a, b);
  trickle(a, b);
  return { a, b };
}

async function take(track: EncodedMediaStreamTrack, n: number): Promise<EncodedFrame[]> {
  const out: EncodedFrame[] = [];
  for await (const f of track.frames()) {
    out.push(f);
    if (out.length === n) break;
  }
  return out;
}

const RIDS = ["q", "h", "f"];

describe("simulcast between purertc peers (sendEncodings with rids, RFC 8853)", () => {
  it("three encodings fed by three tracks arrive as the three layers of one receiver, byte-identical, each with its own SSRC", async () => {
    const { a, b } = pair();
    const tracks = RIDS.map(
      () => new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" }),
    );
    const t = a.addTransceiver(tracks[0]!, {
      direction: "sendonly",
      sendEncodings: RIDS.map((rid) => ({ rid, active: true })),
    });
    t.sender.setEncodingTrack("h", tracks[1]!);
    t.sender.setEncodingTrack("f", tracks[2]!);
    expect(t.sender.getEncodingTrack("f")).toBe(tracks[2]);
    const got = once<RTCTrackEvent>(b, "track");
    await a.setLocalDescription();
    const offer = a.localDescription!.sdp;
    expect(offer).toContain("a=simulcast:send q;h;f");
    expect(offer).toContain("a=rid:h send");
    expect(offer).not.toContain("a=ssrc:");
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    expect(b.localDescription!.sdp).toContain("a=simulcast:recv q;h;f");
    await a.setRemoteDescription(b.localDescription!);
    const enc = (await got).receiver.encodings;
    expect(enc.map((e) => e.rid)).toEqual(RIDS);
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    const pending = Promise.all(enc.map((e) => take(e.track, 30)));
    for (let i = 0; i < 30; i++) {
      // Layer k carries the clip with timestamps offset by k × 10^6 to tell them apart.
      for (const [k, track] of tracks.entries())
        track.writeFrame({ data: ivf.frames[i]!.data, timestamp: k * 1_000_000 + i * 3000 });
      await new Promise((r) => setTimeout(r, 5));
    }
    const layers = await pending;
    for (const [k, frames] of layers.entries()) {
      expect(frames.map((f) => new Uint8Array(f.data))).toEqual(ivf.frames.map((f) => f.data));
      expect(frames.map((f) => f.timestamp)).toEqual(
        ivf.frames.map((_, i) => k * 1_000_000 + i * 3000),
      );
    }
    const ssrcs = layers.map((frames) => frames[0]!.getMetadata().synchronizationSource);
    expect(new Set(ssrcs).size).toBe(3);
    expect(t.sender.getParameters().encodings.map((e) => [e.rid, e.ssrc])).toEqual(
      RIDS.map((rid, i) => [rid, ssrcs[i]]),
    );
    // getStats lists every layer: one outbound-rtp per encoding, one inbound-rtp per rid.
    const rtp = async (pc: { getStats(): Promise<RTCStatsReport> }, type: string) =>
      [...(await pc.getStats()).values()]
        .filter((s) => s.type === type)
        .sort((x, y) => RIDS.indexOf(String(x.rid)) - RIDS.indexOf(String(y.rid)));
    const outbound = await rtp(t.sender, "outbound-rtp");
    expect(outbound.map((s) => [s.rid, s.encodingIndex, s.ssrc])).toEqual(
      RIDS.map((rid, i) => [rid, i, ssrcs[i]]),
    );
    expect(outbound.every((s) => (s.framesSent as number) === 30)).toBe(true);
    const inbound = await rtp((await got).receiver, "inbound-rtp");
    expect(inbound.map((s) => [s.rid, s.ssrc, s.trackIdentifier])).toEqual(
      RIDS.map((rid, i) => [rid, ssrcs[i], enc[i]!.track.id]),
    );
    expect(inbound.every((s) => (s.framesReceived as number) === 30)).toBe(true);
    expect((await rtp(b, "inbound-rtp")).length).toBe(3);
  }, 20_000);

  it("setParameters pauses one layer (active: false); changing the rids is InvalidModificationError", async () => {
    const { a, b } = pair();
    const tracks = RIDS.map(() => new EncodedMediaStreamTrack({ kind: "video" }));
    const t = a.addTransceiver(tracks[0]!, {
      direction: "sendonly",
      sendEncodings: RIDS.map((rid) => ({ rid, active: true })),
    });
    t.sender.setEncodingTrack("h", tracks[1]!);
    t.sender.setEncodingTrack("f", tracks[2]!);
    const got = once<RTCTrackEvent>(b, "track");
    await negotiate(a, b);
    const enc = (await got).receiver.encodings;
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    const p = t.sender.getParameters();
    p.encodings[1]!.active = false;
    await t.sender.setParameters(p);
    const bad = t.sender.getParameters();
    bad.encodings[2]!.rid = "x";
    await expect(t.sender.setParameters(bad)).rejects.toMatchObject({
      name: "InvalidModificationError",
    });
    const counts = [0, 0, 0];
    for (const [k, e] of enc.entries())
      e.track.addEventListener("frame", () => {
        counts[k]!++;
      });
    for (let i = 0; i < 30; i++) {
      for (const track of tracks)
        track.writeFrame({ data: ivf.frames[i]!.data, timestamp: i * 3000 });
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(counts[0]).toBe(30);
    expect(counts[1]).toBe(0);
    expect(counts[2]).toBe(30);
  }, 20_000);

  it("sendEncodings without rids or with duplicates are a TypeError", () => {
    const pc = new webrtc.RTCPeerConnection();
    open.push(pc);
    expect(() =>
      pc.addTransceiver("video", { sendEncodings: [{ rid: "a", active: true }, { active: true }] }),
    ).toThrow(TypeError);
    expect(() =>
      pc.addTransceiver("video", {
        sendEncodings: [
          { rid: "a", active: true },
          { rid: "a", active: true },
        ],
      }),
    ).toThrow(TypeError);
  });
});
