import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  EncodedMediaStreamTrack,
  MediaStream,
  type MediaStreamTrackEvent,
  type RTCCertificate,
  type RTCDataChannel,
  type RTCDataChannelEvent,
  type RTCPeerConnection,
  type RTCSessionDescriptionInit,
  type RTCTrackEvent,
} from "../../src/node/index.js";
import { negotiate, once, runBundled, webrtc } from "./helpers.js";

describe("legacy callback forms (webrtc-pc §10.1)", () => {
  it("createOffer/setLocalDescription/setRemoteDescription/createAnswer call back and resolve undefined", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    a.createDataChannel("x");
    let offer: RTCSessionDescriptionInit | undefined;
    const failed: unknown[] = [];
    const fail = (e: unknown) => failed.push(e);
    expect(await a.createOffer((d) => (offer = d), fail)).toBeUndefined();
    expect(offer?.type).toBe("offer");
    let done = 0;
    expect(await a.setLocalDescription(offer, () => done++, fail)).toBeUndefined();
    expect(await b.setRemoteDescription(offer!, () => done++, fail)).toBeUndefined();
    let answer: RTCSessionDescriptionInit | undefined;
    expect(await b.createAnswer((d) => (answer = d), fail)).toBeUndefined();
    expect(answer?.type).toBe("answer");
    expect([done, failed]).toEqual([2, []]);
    a.close();
    b.close();
  });

  it("a failure goes to failureCallback with the error the promise form rejects with, the returned promise resolves", async () => {
    const pc = new webrtc.RTCPeerConnection();
    const errors: DOMException[] = [];
    const ok = () => errors.push(new DOMException("success called"));
    const fail = (e: DOMException) => errors.push(e);
    expect(await pc.addIceCandidate({ candidate: "", sdpMid: "0" }, ok, fail)).toBeUndefined();
    expect(
      await pc.setRemoteDescription({ type: "answer", sdp: "v=0\r\n" }, ok, fail),
    ).toBeUndefined();
    expect(errors.map((e) => e.name)).toEqual(["InvalidStateError", "InvalidStateError"]);
    pc.close();
  });
});

describe("RTCRtpSender / RTCRtpReceiver members of lib.dom", () => {
  it("transform is null on both; setting a transform throws NotSupportedError", () => {
    const pc = new webrtc.RTCPeerConnection();
    const t = pc.addTransceiver("audio");
    expect([t.sender.transform, t.receiver.transform]).toEqual([null, null]);
    t.sender.transform = null;
    const script = {} as unknown as null; // what an RTCRtpScriptTransform would be
    expect(() => (t.sender.transform = script)).toThrow(
      expect.objectContaining({ name: "NotSupportedError" }),
    );
    expect(() => (t.receiver.transform = script)).toThrow(
      expect.objectContaining({ name: "NotSupportedError" }),
    );
    pc.close();
  });

  it("setStreams: negotiationneeded, the next offer's a=msid names the new streams (duplicates once); InvalidStateError once closed", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    const track = new EncodedMediaStreamTrack({ kind: "audio" });
    const sender = a.addTrack(track, new MediaStream([track], "first"));
    await negotiate(a, b);
    const needed = once(a, "negotiationneeded");
    const second = new MediaStream([], "second");
    sender.setStreams(second, second);
    await needed;
    const offer = await a.createOffer();
    const msids = offer.sdp!.split("\r\n").filter((l) => l.startsWith("a=msid:"));
    expect(msids).toEqual([`a=msid:second ${track.id}`]);
    a.close();
    b.close();
    expect(() => sender.setStreams()).toThrow(
      expect.objectContaining({ name: "InvalidStateError" }),
    );
  });
});

describe("remote MediaStream addtrack/removetrack (webrtc-pc §4.4.1.6)", () => {
  it("a renegotiation adding a track to a known stream fires addtrack before the track event; removing the track fires removetrack", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    const audio = new EncodedMediaStreamTrack({ kind: "audio" });
    const local = new MediaStream([audio], "shared");
    a.addTrack(audio, local);
    const first = once<RTCTrackEvent>(b, "track");
    await negotiate(a, b);
    const remote = (await first).streams[0]!;
    expect(remote.id).toBe("shared");
    const order: string[] = [];
    remote.onaddtrack = (e: MediaStreamTrackEvent) => order.push(`addtrack ${e.track.kind}`);
    remote.onremovetrack = (e: MediaStreamTrackEvent) => order.push(`removetrack ${e.track.kind}`);
    b.ontrack = (e) => order.push(`track ${e.track.kind}`);
    const video = new EncodedMediaStreamTrack({ kind: "video" });
    const videoSender = a.addTrack(video, local);
    await negotiate(a, b);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["addtrack video", "track video"]);
    expect(remote.getTracks().map((t) => t.kind)).toEqual(["audio", "video"]);
    a.removeTrack(videoSender);
    await negotiate(a, b);
    await new Promise((r) => setImmediate(r));
    expect(order.slice(2)).toEqual(["removetrack video"]);
    expect(remote.getTracks().map((t) => t.kind)).toEqual(["audio"]);
    // Script changes fire nothing (mediacapture-main §4.2).
    remote.addTrack(video);
    remote.removeTrack(video);
    await new Promise((r) => setImmediate(r));
    expect(order).toHaveLength(3);
    a.close();
    b.close();
  });
});

describe("on<event> handler types without lib.dom (checked by tsc -p, which has no DOM lib)", () => {
  it("`this` and the event are exactly ours: lib.dom's alternatives only appear when lib.dom is loaded", () => {
    const pc = new webrtc.RTCPeerConnection();
    pc.ondatachannel = function (ev) {
      expectTypeOf(this).toEqualTypeOf<RTCPeerConnection>();
      expectTypeOf(ev).toEqualTypeOf<RTCDataChannelEvent>();
    };
    const ch = pc.createDataChannel("x");
    ch.onmessage = function (ev) {
      expectTypeOf(this).toEqualTypeOf<RTCDataChannel>();
      expectTypeOf(ev).toEqualTypeOf<MessageEvent>();
    };
    expect(typeof pc.ondatachannel).toBe("function");
    pc.close();
  });
});

describe("RTCConfiguration.certificates", () => {
  it("an object that is not one of our certificates is a TypeError (the type takes lib.dom's RTCCertificate)", () => {
    const fake = { expires: Date.now() + 1e6, getFingerprints: () => [] };
    expect(
      () => new webrtc.RTCPeerConnection({ certificates: [fake as unknown as RTCCertificate] }),
    ).toThrow(TypeError);
  });
});

describe("@purertc/peer/global", () => {
  it("installs the constructors as globals a browser library uses (media ones too), leaving existing globals alone", () => {
    const script = `
      globalThis.RTCError = "kept";
      await import("${join(import.meta.dirname, "../../src/node/global.ts")}");
      const pc = new RTCPeerConnection();
      const ch = pc.createDataChannel("x");
      const t = pc.addTransceiver("audio");
      console.log(JSON.stringify({
        pc: pc instanceof RTCPeerConnection,
        ch: ch instanceof RTCDataChannel,
        sender: t.sender instanceof RTCRtpSender && t instanceof RTCRtpTransceiver,
        dtmf: t.sender.dtmf instanceof RTCDTMFSender,
        codecs: RTCRtpSender.getCapabilities("audio").codecs.length > 0,
        stream: new MediaStream().getTracks().length,
        description: new RTCSessionDescription({ type: "offer", sdp: "" }).type,
        kept: globalThis.RTCError,
      }));
      pc.close();
    `;
    // Bundled first (esbuild, source condition), then run by plain node.
    const r = runBundled(script, "global");
    expect(r.bundleErrors).toBe("");
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      pc: true,
      ch: true,
      sender: true,
      dtmf: true,
      codecs: true,
      stream: 0,
      description: "offer",
      kept: "kept",
    });
  }, 30_000);
});
