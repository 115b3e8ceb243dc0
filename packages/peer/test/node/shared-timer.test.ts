import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { inCheckPhase, sharedTimer, timerSlot } from "../../src/node/shared-timer.js";

function nextTimerTurn(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe("shared timer of the peer runners", () => {
  it("fires each slot once, in deadline order, never before its deadline; moved and cancelled slots follow", async () => {
    const fired: [string, number, number][] = [];
    const slot = (name: string) =>
      timerSlot(() => fired.push([name, performance.now(), slots[name]!.deadline]));
    const slots: Record<string, { deadline: number }> = {};
    const t0 = performance.now();
    const arm = (name: string, s: ReturnType<typeof timerSlot>, at: number) => {
      slots[name] = { deadline: at };
      sharedTimer.schedule(s, at);
    };
    const a = slot("a");
    const b = slot("b");
    const c = slot("c");
    const d = slot("d");
    arm("a", a, t0 + 30);
    arm("b", b, t0 + 10);
    arm("c", c, t0 + 20);
    arm("d", d, t0 + 15);
    // Moved later, moved earlier, cancelled.
    arm("b", b, t0 + 40);
    arm("a", a, t0 + 5);
    sharedTimer.cancel(d);
    expect(sharedTimer.size).toBe(3);
    await nextTimerTurn(60);
    expect(fired.map((f) => f[0])).toEqual(["a", "c", "b"]);
    for (const [, at, deadline] of fired) expect(at).toBeGreaterThanOrEqual(deadline);
    expect(sharedTimer.size).toBe(0);
  });

  it("a slot re-armed in the past by its own handler fires on the next timer turn, not in a loop", async () => {
    let n = 0;
    const s = timerSlot(() => {
      n++;
      if (n < 3) sharedTimer.schedule(s, performance.now() - 1);
    });
    sharedTimer.schedule(s, performance.now());
    await nextTimerTurn(1);
    expect(n).toBeLessThan(3);
    await nextTimerTurn(30);
    expect(n).toBe(3);
    expect(sharedTimer.size).toBe(0);
  });

  it("a handler that throws does not strand the other due slots", async () => {
    const fired: string[] = [];
    const thrower = timerSlot(() => {
      throw new Error("boom");
    });
    const other = timerSlot(() => fired.push("other"));
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.prependListener("uncaughtException", onError);
    try {
      const at = performance.now() + 2;
      sharedTimer.schedule(thrower, at);
      sharedTimer.schedule(other, at);
      await nextTimerTurn(30);
    } finally {
      process.removeListener("uncaughtException", onError);
    }
    expect(fired).toEqual(["other"]);
    expect(errors).toHaveLength(1);
    expect(sharedTimer.size).toBe(0);
  });

  it("check-phase callbacks run once per queueing, after the current task, and those queued meanwhile on the next turn", async () => {
    const order: string[] = [];
    inCheckPhase(() => {
      order.push("first");
      inCheckPhase(() => order.push("queued by first"));
    });
    inCheckPhase(() => order.push("second"));
    order.push("sync");
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["sync", "first", "second"]);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["sync", "first", "second", "queued by first"]);
  });
});
