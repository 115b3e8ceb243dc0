import { describe, expect, it } from "vitest";
import type { RTCDataChannel } from "../../src/node/index.js";
import { connectedPair, negotiate, once, trickle, webrtc } from "./helpers.js";

function nextMessage(ch: RTCDataChannel): Promise<MessageEvent> {
  return once<MessageEvent>(ch, "message");
}

describe("RTCDataChannel (webrtc-pc §6.2)", () => {
  it("carries every init option to the remote channel through DCEP (RFC 8832 §5.1)", async () => {
    const { a, b, ca, cb } = await connectedPair("opts", {
      ordered: false,
      maxRetransmits: 3,
      protocol: "proto/1",
      priority: "high",
    });
    for (const ch of [ca, cb]) {
      expect(ch.ordered).toBe(false);
      expect(ch.maxRetransmits).toBe(3);
      expect(ch.maxPacketLifeTime).toBeNull();
      expect(ch.protocol).toBe("proto/1");
      expect(ch.priority).toBe("high");
      expect(ch.negotiated).toBe(false);
    }
    const timed = a.createDataChannel("timed", { maxPacketLifeTime: 500 });
    const remote = (await once<Event & { channel: RTCDataChannel }>(b, "datachannel")).channel;
    expect(remote.maxPacketLifeTime).toBe(500);
    expect(timed.id).toBe(remote.id);
    a.close();
    b.close();
  });

  it("opens negotiated channels with the same id on both sides without DCEP", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    trickle(a, b);
    const ca = a.createDataChannel("n", { negotiated: true, id: 7 });
    const cb = b.createDataChannel("n", { negotiated: true, id: 7 });
    expect(ca.id).toBe(7);
    let announced = 0;
    b.ondatachannel = () => announced++;
    await negotiate(a, b);
    await Promise.all([once(ca, "open"), once(cb, "open")]);
    const m = nextMessage(cb);
    ca.send("over 7");
    expect((await m).data).toBe("over 7");
    expect(announced).toBe(0);
    a.close();
    b.close();
  });

  it("rejects invalid init and misuse with the spec's errors", async () => {
    const pc = new webrtc.RTCPeerConnection();
    expect(() => pc.createDataChannel("x", { maxRetransmits: 1, maxPacketLifeTime: 1 })).toThrow(
      TypeError,
    );
    expect(() => pc.createDataChannel("x", { negotiated: true })).toThrow(TypeError);
    expect(() => pc.createDataChannel("x", { negotiated: true, id: 65535 })).toThrow(TypeError);
    expect(() => pc.createDataChannel("x".repeat(65536))).toThrow(TypeError);
    const ch = pc.createDataChannel("x");
    expect(() => ch.send("too early")).toThrow(
      expect.objectContaining({ name: "InvalidStateError" }),
    );
    pc.close();
    expect(() => pc.createDataChannel("y")).toThrow(
      expect.objectContaining({ name: "InvalidStateError" }),
    );
    await expect(pc.createOffer()).rejects.toMatchObject({ name: "InvalidStateError" });
  });

  it("throws TypeError above the peer's max-message-size and queues nothing", async () => {
    const { a, b, ca } = await connectedPair();
    expect(a.sctp!.maxMessageSize).toBe(262144);
    expect(() => ca.send(new Uint8Array(262145))).toThrow(TypeError);
    expect(ca.bufferedAmount).toBe(0);
    a.close();
    b.close();
  });

  it("delivers binary as ArrayBuffer or Blob per binaryType, and sends every input type", async () => {
    const { a, b, ca, cb } = await connectedPair();
    expect(cb.binaryType).toBe("arraybuffer");
    cb.binaryType = "nonsense" as never;
    expect(cb.binaryType).toBe("arraybuffer");
    const got: unknown[] = [];
    let wanted = 4;
    let arrived: () => void = () => {};
    cb.onmessage = (e) => {
      got.push(e.data);
      if (got.length === wanted) arrived();
    };
    const waitFor = (n: number) =>
      new Promise<void>((resolve) => {
        wanted = n;
        arrived = resolve;
      });
    const four = waitFor(4);
    const u8 = new Uint8Array([9, 8, 7, 6, 5]);
    ca.send(new Blob([new Uint8Array([1, 2])])); // read asynchronously: later sends wait for it
    ca.send("after blob");
    ca.send(u8.buffer);
    ca.send(new DataView(u8.buffer, 1, 2));
    await four;
    cb.binaryType = "blob";
    const five = waitFor(5);
    ca.send(u8.subarray(3));
    await five;
    expect(new Uint8Array(got[0] as ArrayBuffer)).toEqual(new Uint8Array([1, 2]));
    expect(got[1]).toBe("after blob");
    expect(new Uint8Array(got[2] as ArrayBuffer)).toEqual(u8);
    expect(new Uint8Array(got[3] as ArrayBuffer)).toEqual(new Uint8Array([8, 7]));
    expect(got[4]).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (got[4] as Blob).arrayBuffer())).toEqual(new Uint8Array([6, 5]));
    a.close();
    b.close();
  });

  it("counts bufferedAmount at send() and fires bufferedamountlow once on crossing the threshold", async () => {
    const { a, b, ca, cb } = await connectedPair();
    let received = 0;
    cb.onmessage = (e) => {
      received += (e.data as ArrayBuffer).byteLength;
    };
    ca.bufferedAmountLowThreshold = 64 * 1024;
    let lows = 0;
    ca.onbufferedamountlow = () => lows++;
    const total = 4 * 1024 * 1024;
    for (let i = 0; i < total / 16384; i++) ca.send(new Uint8Array(16384));
    // Synchronously: nothing has been taken off yet from the W3C view.
    expect(ca.bufferedAmount).toBe(total);
    await once(ca, "bufferedamountlow");
    expect(ca.bufferedAmount).toBeLessThanOrEqual(64 * 1024);
    while (received < total) await nextMessage(cb);
    expect(lows).toBe(1);
    expect(ca.bufferedAmount).toBe(0);
    a.close();
    b.close();
  });

  it("closes from one side: closing then close on both (RFC 8831 §6.7 stream reset)", async () => {
    const { a, b, ca, cb } = await connectedPair();
    const events: string[] = [];
    cb.onclosing = () => events.push(`b:closing:${cb.readyState}`);
    cb.onclose = () => events.push(`b:close:${cb.readyState}`);
    ca.onclose = () => events.push(`a:close:${ca.readyState}`);
    ca.close();
    expect(ca.readyState).toBe("closing");
    await Promise.all([once(ca, "close"), once(cb, "close")]);
    expect(events).toContain("b:closing:closing");
    expect(events).toContain("b:close:closed");
    expect(events).toContain("a:close:closed");
    expect(() => ca.send("x")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    // The peer connection keeps working: a new channel opens.
    const again = a.createDataChannel("again");
    await once(again, "open");
    a.close();
    b.close();
  });
});
