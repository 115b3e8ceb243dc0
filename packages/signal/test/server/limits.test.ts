import { describe, expect, it } from "vitest";
import { resolveServerConfig } from "../../src/server/config.js";
import { TokenBucket } from "../../src/server/rate-limiter.js";
import { ResumeBuffer } from "../../src/server/resume-buffer.js";

describe("TokenBucket", () => {
  it("allows the burst, then exactly the rate", () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.waitMs(0)).toBe(100);
    expect(b.take(99)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect(b.take(100)).toBe(false);
  });

  it("never holds more than the burst after a long silence", () => {
    const b = new TokenBucket(1000, 2, 0);
    let n = 0;
    while (b.take(1_000_000)) n++;
    expect(n).toBe(2);
  });
});

describe("ResumeBuffer", () => {
  it("replays after the ack, evicts beyond count and bytes, and counts what was lost", () => {
    const r = new ResumeBuffer(3, 1_000);
    for (let i = 0; i < 5; i++) r.push(r.nextSeq(), `m${i + 1}`);
    expect(r.replay(0)).toEqual({ texts: ["m3", "m4", "m5"], lost: 2 });
    expect(r.replay(3)).toEqual({ texts: ["m4", "m5"], lost: 0 });
    r.acknowledge(4);
    expect(r.length).toBe(1);
    const small = new ResumeBuffer(100, 10);
    small.push(small.nextSeq(), "123456");
    small.push(small.nextSeq(), "123456");
    expect(small.length).toBe(1);
    expect(small.bytes).toBe(6);
  });
});

describe("resolveServerConfig", () => {
  it.each([
    [{ maxMessageBytes: 0 }],
    [{ messagesPerSecond: -1 }],
    [{ idleTimeoutMs: 1000, pingIntervalMs: 1000 }],
    [{ nodeId: "has space" }],
    [{ open: false }],
  ])("rejects %j", (bad) => {
    expect(() => resolveServerConfig({ open: true, ...bad })).toThrow(RangeError);
  });

  it("defaults are frozen and valid in open mode", () => {
    const c = resolveServerConfig({ open: true });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.maxPeersPerRoom).toBe(50);
  });
});
