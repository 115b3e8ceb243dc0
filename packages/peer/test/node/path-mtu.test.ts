/**
 * `maxSctpPacketSize` (createWebRtc): the bound of SCTP path MTU discovery (RFC 8899 §6.2)
 * between two purertc peers, observed on the wire as the largest UDP datagram sent.
 */
import { Socket } from "node:dgram";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebRtc, type RTCDataChannel } from "../../src/node/index.js";
import { once, trickle } from "./helpers.js";

/** Connects a pair made by `factory`, sends 2 MiB, and returns the largest datagram sent. */
async function largestDatagram(factory: ReturnType<typeof createWebRtc>): Promise<number> {
  let largest = 0;
  const send = Socket.prototype.send;
  vi.spyOn(Socket.prototype, "send").mockImplementation(function (this: Socket, ...args) {
    const first = args[0] as unknown;
    if (first instanceof Uint8Array) largest = Math.max(largest, first.byteLength);
    return (send as (...a: unknown[]) => void).apply(this, args);
  });
  const a = new factory.RTCPeerConnection();
  const b = new factory.RTCPeerConnection();
  try {
    trickle(a, b);
    const ca = a.createDataChannel("bulk");
    const incoming = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const cb = (await incoming).channel;
    if (ca.readyState !== "open") await once(ca, "open");
    let received = 0;
    const total = 128 * 16384;
    const done = new Promise<void>((resolve) => {
      cb.onmessage = (e) => {
        received += (e.data as ArrayBuffer).byteLength;
        if (received === total) resolve();
      };
    });
    // Paced in rounds so that probes (HEARTBEAT + PAD) get acknowledged while data flows.
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 16; i++) ca.send(new Uint8Array(16384));
      await new Promise((r) => setTimeout(r, 50));
    }
    await done;
    return largest;
  } finally {
    a.close();
    b.close();
  }
}

describe("SCTP path MTU discovery through createWebRtc", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("two purertc peers on loopback send datagrams larger than 1200 bytes by default", async () => {
    const factory = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
    expect(await largestDatagram(factory)).toBeGreaterThan(4000);
  });

  it("maxSctpPacketSize: 1200 keeps every datagram within one 1200-byte SCTP packet plus DTLS", async () => {
    const factory = createWebRtc({
      addresses: ["127.0.0.1"],
      mdns: "disabled",
      maxSctpPacketSize: 1200,
    });
    // 13-byte DTLS record header, 8-byte explicit nonce and 16-byte tag (AES-GCM).
    expect(await largestDatagram(factory)).toBeLessThanOrEqual(1200 + 13 + 8 + 16);
  });

  it("rejects a maxSctpPacketSize outside 1200..16384 when the factory is made", () => {
    for (const maxSctpPacketSize of [1199, 16385, 1500.5])
      expect(() => createWebRtc({ maxSctpPacketSize })).toThrow(RangeError);
  });
});
