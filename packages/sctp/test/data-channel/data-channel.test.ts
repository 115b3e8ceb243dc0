import { describe, expect, it } from "vitest";
import type { DataChannelEvent } from "../../src/data-channel/data-channel-endpoint.js";
import { connectDc, dcPair } from "../sim/harness.js";

function of<T extends DataChannelEvent["type"]>(evs: DataChannelEvent[], type: T) {
  return evs.filter((e): e is Extract<DataChannelEvent, { type: T }> => e.type === type);
}

describe("data channels (RFC 8831, RFC 8832)", () => {
  it("DCEP: an in-band channel opens on both sides with label, protocol and options", () => {
    const p = dcPair({ link: { latencyMs: 5 } });
    const id = p.A.createChannel(0, {
      label: "chat",
      protocol: "json",
      ordered: false,
      maxRetransmits: 3,
      priority: "high",
    });
    expect(id % 2).toBe(0); // DTLS client: even ids
    connectDc(p);
    p.driver.runUntil(() => p.b.events.some((e) => e.event.type === "datachannel"));
    const dc = of(p.b.takeEvents(), "datachannel")[0]!.channel;
    expect(dc).toEqual({
      id,
      label: "chat",
      protocol: "json",
      ordered: false,
      maxRetransmits: 3,
      maxPacketLifeTime: null,
      negotiated: false,
      priority: "high",
    });
    expect(of(p.a.takeEvents(), "open")).toEqual([{ type: "open", id }]);
    const sid = p.B.createChannel(p.driver.now, { label: "srv" });
    expect(sid % 2).toBe(1); // DTLS server: odd ids
  });

  it("text, binary, empty string and empty binary keep their types (PPIDs 51/53/56/57)", () => {
    const p = dcPair({ link: { latencyMs: 1 } });
    const id = p.A.createChannel(0, { label: "x" });
    connectDc(p);
    const now = p.driver.now;
    p.A.send(now, id, "héllo");
    p.A.send(now, id, Uint8Array.of(1, 2));
    p.A.send(now, id, "");
    p.A.send(now, id, new Uint8Array(0));
    p.driver.flush();
    p.driver.runUntil(() => p.b.events.filter((e) => e.event.type === "message").length === 4);
    const msgs = of(p.b.takeEvents(), "message").map((m) => m.data);
    expect(msgs).toEqual(["héllo", Uint8Array.of(1, 2), "", new Uint8Array(0)]);
    expect(p.B.channelStats(id)).toMatchObject({ messagesReceived: 4, bytesReceived: 8 });
    expect(p.A.channelStats(id)).toMatchObject({ messagesSent: 4, bytesSent: 8 });
  });

  it("negotiated channels open without DCEP and carry data both ways", () => {
    const p = dcPair({ link: { latencyMs: 1 } });
    p.A.createChannel(0, { negotiated: true, id: 7, label: "n" });
    p.B.createChannel(0, { negotiated: true, id: 7, label: "n" });
    connectDc(p);
    p.B.send(p.driver.now, 7, "from b");
    p.driver.flush();
    p.driver.runUntil(() => p.a.events.some((e) => e.event.type === "message"));
    expect(of(p.a.takeEvents(), "message")[0]!.data).toBe("from b");
    expect(of(p.b.takeEvents(), "datachannel")).toEqual([]);
  });

  it("a message above the peer's max-message-size throws RangeError and nothing is sent", () => {
    const p = dcPair({ b: { maxReceiveMessageSize: 1 << 20 } });
    const id = p.A.createChannel(0);
    connectDc(p);
    expect(p.A.maxMessageSize).toBe(65536); // RFC 8841 §6: the default without a=max-message-size
    expect(() => p.A.send(p.driver.now, id, new Uint8Array(65537))).toThrow(RangeError);
    p.A.maxMessageSize = 1 << 20;
    expect(() => p.A.send(p.driver.now, id, new Uint8Array((1 << 20) + 1))).toThrow(RangeError);
    p.A.send(p.driver.now, id, new Uint8Array(1 << 20).fill(7));
    p.driver.flush();
    p.driver.runUntil(() => p.b.events.some((e) => e.event.type === "message"));
    const m = of(p.b.takeEvents(), "message")[0]!.data as Uint8Array;
    expect(m.byteLength).toBe(1 << 20);
    expect(m.every((b) => b === 7)).toBe(true);
  });

  it("bufferedAmount counts queued bytes and the low-water event fires when it drains", () => {
    const p = dcPair({ link: { latencyMs: 10 } });
    const id = p.A.createChannel(0);
    connectDc(p);
    p.A.setBufferedAmountLowThreshold(id, 10_000);
    for (let i = 0; i < 20; i++) p.A.send(p.driver.now, id, new Uint8Array(5000));
    expect(p.A.bufferedAmount(id)).toBe(100_000);
    p.driver.flush();
    expect(p.A.bufferedAmount(id)).toBeLessThan(100_000);
    p.driver.runUntil(() => p.a.events.some((e) => e.event.type === "buffered-amount-low"));
    expect(p.A.bufferedAmount(id)).toBeLessThanOrEqual(10_000);
    expect(of(p.a.takeEvents(), "buffered-amount-low")).toEqual([
      { type: "buffered-amount-low", id },
    ]);
  });

  it("close resets the stream and both sides see the channel close; the id is reusable", () => {
    const p = dcPair({ link: { latencyMs: 5 } });
    const id = p.A.createChannel(0, { label: "c" });
    connectDc(p);
    p.A.send(p.driver.now, id, "last words");
    p.A.close(p.driver.now, id);
    p.driver.flush();
    p.driver.runUntil(
      () =>
        p.a.events.some((e) => e.event.type === "close") &&
        p.b.events.some((e) => e.event.type === "close"),
    );
    const bEvents = p.b.takeEvents();
    expect(of(bEvents, "message")[0]!.data).toBe("last words");
    expect(of(bEvents, "closing")).toEqual([{ type: "closing", id }]);
    expect(p.A.channelState(id)).toBe("closed");
    expect(p.B.channelState(id)).toBe("closed");
    expect(p.A.createChannel(p.driver.now, { label: "again" })).toBe(id);
  });

  it("simultaneous close of the same channel from both sides completes (no deadlock)", () => {
    const p = dcPair({ link: { latencyMs: 5 } });
    const id = p.A.createChannel(0, { negotiated: true, id: 3 });
    p.B.createChannel(0, { negotiated: true, id: 3 });
    connectDc(p);
    p.A.close(p.driver.now, id);
    p.B.close(p.driver.now, id);
    p.driver.flush();
    p.driver.runUntil(
      () =>
        p.a.events.some((e) => e.event.type === "close") &&
        p.b.events.some((e) => e.event.type === "close"),
    );
    expect(p.driver.now).toBeLessThan(1000);
  });

  it("association shutdown closes every channel and reports closed", () => {
    const p = dcPair({ link: { latencyMs: 5 } });
    p.A.createChannel(0);
    connectDc(p);
    p.A.shutdown(p.driver.now);
    p.driver.flush();
    p.driver.runUntil(() => p.A.association.ended && p.B.association.ended);
    expect(of(p.a.takeEvents(), "closed")).toEqual([{ type: "closed", reason: "shutdown" }]);
    expect(of(p.b.takeEvents(), "closed")).toEqual([{ type: "closed", reason: "shutdown" }]);
  });
});
