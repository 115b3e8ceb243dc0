import { describe, expect, it } from "vitest";
import type { DataChannelPriority } from "../../src/data-channel/channel.js";
import type { DataChannelEndpoint } from "../../src/data-channel/data-channel-endpoint.js";
import { connectDc, dcPair } from "./harness.js";

const PRIORITIES: readonly DataChannelPriority[] = ["very-low", "low", "medium", "high"];
/** RFC 8832 §5.1 values, the relative weights of RFC 8831 §6.4 scheduling. */
const WEIGHT: Record<DataChannelPriority, number> = {
  "very-low": 128,
  low: 256,
  medium: 512,
  high: 1024,
};
const MESSAGE = new Uint8Array(4096).fill(9);

/**
 * Keeps every channel of `sender` backlogged (≥ 64 KiB buffered) on a 4 Mbit/s bottleneck and
 * returns the bytes the receiver got per channel between 2 s and 12 s of simulated time.
 */
function shares(
  p: ReturnType<typeof dcPair>,
  sender: DataChannelEndpoint,
  ids: readonly number[],
): Map<number, number> {
  const { driver } = p;
  const receiver = sender === p.A ? p.b : p.a;
  const got = new Map(ids.map((id) => [id, 0]));
  const start = driver.now + 2000;
  const end = driver.now + 12_000;
  driver.runUntil(() => {
    for (const id of ids)
      while (sender.bufferedAmount(id) < 65536) sender.send(driver.now, id, MESSAGE);
    for (const e of receiver.takeEvents()) {
      if (e.type !== "message" || typeof e.data === "string") continue;
      if (driver.now >= start) got.set(e.id, (got.get(e.id) ?? 0) + e.data.byteLength);
    }
    return driver.now >= end;
  });
  return got;
}

describe("weighted scheduling by channel priority (RFC 8831 §6.4, RFC 8260 §3.6)", () => {
  it("under contention each priority gets bytes in proportion 1:2:4:8 and very-low is not starved", () => {
    const p = dcPair({ link: { latencyMs: 10, rateBps: 4_000_000, queueBytes: 64_000 } });
    const ids = PRIORITIES.map((priority) => p.A.createChannel(0, { label: priority, priority }));
    connectDc(p);
    p.driver.runUntil(() => ids.every((id) => p.A.channelState(id) === "open"));
    const got = shares(p, p.A, ids);
    const total = [...got.values()].reduce((a, b) => a + b, 0);
    const weights = PRIORITIES.reduce((a, q) => a + WEIGHT[q], 0);
    expect(total).toBeGreaterThan(3_000_000); // the link was kept busy (4 Mbit/s for 10 s)
    PRIORITIES.forEach((q, i) => {
      const share = got.get(ids[i]!)! / total;
      const expected = WEIGHT[q] / weights;
      expect(share, q).toBeGreaterThan(expected * 0.9);
      expect(share, q).toBeLessThan(expected * 1.1);
    });
    // The lowest priority still moves about 1/15 of the link.
    expect(got.get(ids[0]!)!).toBeGreaterThan(total / 20);
  });

  it("channels of equal priority share the link equally", () => {
    const p = dcPair({ link: { latencyMs: 10, rateBps: 4_000_000, queueBytes: 64_000 }, seed: 4 });
    const ids = [0, 1, 2].map((i) => p.A.createChannel(0, { label: `eq${i}`, priority: "medium" }));
    connectDc(p);
    p.driver.runUntil(() => ids.every((id) => p.A.channelState(id) === "open"));
    const got = shares(p, p.A, ids);
    const total = [...got.values()].reduce((a, b) => a + b, 0);
    for (const id of ids) {
      expect(got.get(id)! / total).toBeGreaterThan(0.3);
      expect(got.get(id)! / total).toBeLessThan(0.37);
    }
  });

  it("the side that accepted a channel schedules it by the priority in DATA_CHANNEL_OPEN", () => {
    const p = dcPair({ link: { latencyMs: 10, rateBps: 4_000_000, queueBytes: 64_000 }, seed: 5 });
    const high = p.A.createChannel(0, { label: "high", priority: "high" });
    const low = p.A.createChannel(0, { label: "very-low", priority: "very-low" });
    connectDc(p);
    p.driver.runUntil(() => p.B.channelState(high) === "open" && p.B.channelState(low) === "open");
    expect(p.B.channel(high)?.priority).toBe("high");
    const got = shares(p, p.B, [high, low]);
    const ratio = got.get(high)! / got.get(low)!;
    expect(ratio).toBeGreaterThan(8 * 0.9);
    expect(ratio).toBeLessThan(8 * 1.1);
  });
});
