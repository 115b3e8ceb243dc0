import { describe, expect, it } from "vitest";
import type { RTCDataChannel } from "../../src/node/index.js";
import { connectedPair, negotiate, once, trickle, until, webrtc } from "./helpers.js";

describe("RTCPeerConnection on loopback", () => {
  it("connects two peers and goes through the W3C states and events in order", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    const log: string[] = [];
    for (const [n, pc] of [
      ["a", a],
      ["b", b],
    ] as const) {
      pc.addEventListener("signalingstatechange", () =>
        log.push(`${n}:signaling:${pc.signalingState}`),
      );
      pc.addEventListener("icegatheringstatechange", () =>
        log.push(`${n}:gathering:${pc.iceGatheringState}`),
      );
      pc.addEventListener("iceconnectionstatechange", () =>
        log.push(`${n}:ice:${pc.iceConnectionState}`),
      );
      pc.addEventListener("connectionstatechange", () =>
        log.push(`${n}:conn:${pc.connectionState}`),
      );
    }
    const candidates: (string | null)[] = [];
    a.addEventListener("icecandidate", (e) => {
      const c = (e as Event & { candidate: { candidate: string } | null }).candidate;
      candidates.push(c ? c.candidate : null);
    });
    trickle(a, b);
    let negotiationNeeded = 0;
    a.onnegotiationneeded = () => negotiationNeeded++;
    const ca = a.createDataChannel("chat");
    expect(ca.readyState).toBe("connecting");
    expect(ca.id).toBeNull();
    const dc = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
    await new Promise((r) => setImmediate(r));
    expect(negotiationNeeded).toBe(1);
    await negotiate(a, b);
    expect(a.signalingState).toBe("stable");
    expect(a.currentLocalDescription?.type).toBe("offer");
    expect(a.currentRemoteDescription?.type).toBe("answer");
    expect(a.pendingLocalDescription).toBeNull();
    const cb = (await dc).channel;
    if (ca.readyState !== "open") await once(ca, "open");
    await Promise.all([until(a, "connected"), until(b, "connected")]);
    expect(cb.label).toBe("chat");
    expect(ca.id).toBe(cb.id);
    // The answerer is the DTLS client (setup:active) and picks even ids; the offerer odd ones.
    expect(ca.id! % 2).toBe(1);
    const got = once<MessageEvent>(cb, "message");
    ca.send("hello");
    expect((await got).data).toBe("hello");
    const back = once<MessageEvent>(ca, "message");
    cb.send(new Uint8Array([1, 2, 3]));
    const data = (await back).data as ArrayBuffer;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data)]).toEqual([1, 2, 3]);
    // Gathering ended with a null candidate after the real ones.
    if (a.iceGatheringState !== "complete") await once(a, "icegatheringstatechange");
    await new Promise((r) => setImmediate(r));
    expect(candidates.at(-1)).toBeNull();
    expect(candidates.filter((c) => c !== null).length).toBeGreaterThan(0);
    expect(log).toContain("a:signaling:have-local-offer");
    expect(log).toContain("b:signaling:have-remote-offer");
    const iceUp = log.findIndex((l) => l === "a:ice:connected" || l === "a:ice:completed");
    expect(log.indexOf("a:ice:checking")).toBeGreaterThanOrEqual(0);
    expect(log.indexOf("a:ice:checking")).toBeLessThan(iceUp);
    expect(log.indexOf("a:conn:connecting")).toBeLessThan(log.indexOf("a:conn:connected"));
    expect(a.sctp?.state).toBe("connected");
    expect(a.sctp?.transport.state).toBe("connected");
    expect(a.sctp?.transport.iceTransport.getSelectedCandidatePair()?.local.address).toBe(
      "127.0.0.1",
    );
    expect(a.sctp?.transport.getRemoteCertificates()).toHaveLength(1);
    a.close();
    b.close();
    expect(a.connectionState).toBe("closed");
    expect(a.signalingState).toBe("closed");
    expect(ca.readyState).toBe("closed");
  });

  it("echoes text and binary messages of 1 B to 256 KiB in order", async () => {
    const { a, b, ca, cb } = await connectedPair();
    cb.onmessage = (e) => cb.send(e.data as string | ArrayBuffer);
    const sizes = [1, 100, 1200, 5000, 16384, 65536, 65537, 262144];
    const received: (string | ArrayBuffer)[] = [];
    const done = new Promise<void>((resolve) => {
      ca.onmessage = (e) => {
        received.push(e.data as string | ArrayBuffer);
        if (received.length === sizes.length * 2) resolve();
      };
    });
    const sent: (string | Uint8Array)[] = [];
    for (const n of sizes) {
      const text = "é".repeat(Math.floor(n / 2)) + (n % 2 ? "x" : "");
      const bin = new Uint8Array(n).map((_, i) => (i * 7 + n) & 255);
      sent.push(text, bin);
      ca.send(text);
      ca.send(bin);
    }
    await done;
    received.forEach((r, i) => {
      const s = sent[i]!;
      if (typeof s === "string") expect(r).toBe(s);
      else expect(new Uint8Array(r as ArrayBuffer)).toEqual(s);
    });
    a.close();
    b.close();
  });
});
