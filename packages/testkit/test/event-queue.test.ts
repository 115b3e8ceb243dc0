import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../src/index.js";

describe("EventQueue", () => {
  it("pops by time, then by insertion order (stable), and only what is due", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 50 }),
        (times, now) => {
          const q = new EventQueue<number>();
          for (const [i, t] of times.entries()) q.push(t, i);
          const expected = times
            .map((t, i) => [t, i] as const)
            .filter(([t]) => t <= now)
            .sort((a, b) => a[0] - b[0] || a[1] - b[1])
            .map(([, i]) => i);
          const got: number[] = [];
          for (let x = q.popDue(now); x !== undefined; x = q.popDue(now)) got.push(x);
          expect(got).toEqual(expected);
          expect(q.length).toBe(times.length - expected.length);
          const rest = q.peekTime();
          if (rest !== undefined) expect(rest).toBeGreaterThan(now);
        },
      ),
    );
  });
});
