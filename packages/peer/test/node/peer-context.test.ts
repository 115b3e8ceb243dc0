import { describe, expect, it } from "vitest";
import { PeerContext } from "../../src/node/peer-context.js";

describe("PeerContext task queue (HTML 'queue a task')", () => {
  it("settles a promise resolved by one task's handler before the next task runs, as between browser tasks", async () => {
    const ctx = new PeerContext(new EventTarget(), {});
    const order: string[] = [];
    let resolveFirst!: () => void;
    const first = new Promise<void>((r) => {
      resolveFirst = r;
    });
    // An application awaiting the `datachannel` event, then attaching its message listener.
    const awaited = (async () => {
      await first;
      order.push("listener attached");
    })();
    ctx.queue(() => {
      order.push("datachannel");
      resolveFirst();
    });
    ctx.queue(() => order.push("message"));
    await awaited;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["datachannel", "listener attached", "message"]);
  });

  it("runs no task queued before close once the connection is closed", async () => {
    const ctx = new PeerContext(new EventTarget(), {});
    const ran: number[] = [];
    ctx.queue(() => ran.push(1));
    ctx.closed = true;
    ctx.queue(() => ran.push(2));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual([]);
  });
});
