import { describe, expect, it } from "vitest";
import { OutgoingStream } from "../../src/association/send-queue.js";
import { StreamScheduler } from "../../src/association/stream-scheduler.js";

function stream(id: number, weight: number): OutgoingStream {
  const s = new OutgoingStream(id);
  s.weight = weight;
  return s;
}

/** Serves `rounds` messages from always-backlogged streams; returns bytes served per stream. */
function serve(
  sched: StreamScheduler,
  sizes: ReadonlyMap<OutgoingStream, number>,
  rounds: number,
): Map<OutgoingStream, number> {
  const bytes = new Map<OutgoingStream, number>();
  for (let i = 0; i < rounds; i++) {
    const s = sched.pop()!;
    const n = sizes.get(s)!;
    bytes.set(s, (bytes.get(s) ?? 0) + n);
    sched.push(s, n);
  }
  return bytes;
}

describe("StreamScheduler (RFC 8260 §3.6 weighted fair queueing)", () => {
  it("equal weights and sizes serve streams in round-robin order", () => {
    const sched = new StreamScheduler();
    const [a, b, c] = [stream(0, 256), stream(1, 256), stream(2, 256)];
    for (const s of [a, b, c]) sched.push(s!, 100);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const s = sched.pop()!;
      order.push(s.id);
      sched.push(s, 100);
    }
    expect(order).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it("shares bytes, not messages: small messages do not lose to large ones at equal weight", () => {
    const sched = new StreamScheduler();
    const small = stream(0, 256);
    const large = stream(1, 256);
    sched.push(small, 100);
    sched.push(large, 10_000);
    const bytes = serve(
      sched,
      new Map([
        [small, 100],
        [large, 10_000],
      ]),
      20_000,
    );
    const ratio = bytes.get(small)! / bytes.get(large)!;
    expect(ratio).toBeGreaterThan(0.95);
    expect(ratio).toBeLessThan(1.05);
  });

  it("weights 1024 and 128 share 8:1 and the light stream is served regularly", () => {
    const sched = new StreamScheduler();
    const heavy = stream(0, 1024);
    const light = stream(1, 128);
    sched.push(heavy, 1000);
    sched.push(light, 1000);
    let sinceLight = 0;
    let longestWait = 0;
    for (let i = 0; i < 900; i++) {
      const s = sched.pop()!;
      if (s === light) sinceLight = 0;
      else longestWait = Math.max(longestWait, ++sinceLight);
      sched.push(s, 1000);
    }
    expect(longestWait).toBe(8);
    const bytes = serve(
      sched,
      new Map([
        [heavy, 1000],
        [light, 1000],
      ]),
      9000,
    );
    expect(bytes.get(heavy)! / bytes.get(light)!).toBeCloseTo(8, 1);
  });

  it("a stream returning from idle gets no credit for the time it was quiet", () => {
    const sched = new StreamScheduler();
    const busy = stream(0, 256);
    const idle = stream(1, 256);
    sched.push(busy, 1000);
    for (let i = 0; i < 100; i++) sched.push(sched.pop()!, 1000);
    sched.push(idle, 1000);
    const order: number[] = [];
    for (let i = 0; i < 4; i++) {
      const s = sched.pop()!;
      order.push(s.id);
      sched.push(s, 1000);
    }
    expect(order).toEqual([0, 1, 0, 1]);
  });
});
