/**
 * Two connected in-memory channels with a bufferedAmount that drains only when the test says
 * so, to observe backpressure. Delivery is asynchronous (a microtask), like a real channel.
 */
import type { ChannelLike } from "../../src/shared/channel.js";

export class FakeChannel implements ChannelLike {
  readonly #events = new EventTarget();
  readonly label = "file";
  readonly protocol = "purertc-demo/file/1";
  readyState = "open";
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = "arraybuffer";
  peer: FakeChannel | undefined;
  /** Highest bufferedAmount seen right after a send. */
  peak = 0;
  readonly #queue: (string | Uint8Array)[] = [];

  addEventListener(type: string, listener: (ev: never) => void): void {
    this.#events.addEventListener(type, listener as (ev: Event) => void);
  }
  removeEventListener(type: string, listener: (ev: never) => void): void {
    this.#events.removeEventListener(type, listener as (ev: Event) => void);
  }
  dispatchEvent(ev: Event): void {
    this.#events.dispatchEvent(ev);
  }

  send(data: string | ArrayBuffer | Uint8Array): void {
    if (this.readyState !== "open") throw new Error("closed");
    const item =
      typeof data === "string"
        ? data
        : new Uint8Array(data instanceof ArrayBuffer ? data : data.slice());
    this.#queue.push(item);
    this.bufferedAmount += typeof item === "string" ? item.length : item.byteLength;
    this.peak = Math.max(this.peak, this.bufferedAmount);
    if (typeof item === "string") this.drain(); // control messages are never held back
  }

  /** Delivers everything queued (the "network" catches up). */
  drain(): void {
    const items = this.#queue.splice(0);
    const before = this.bufferedAmount;
    this.bufferedAmount = 0;
    queueMicrotask(() => {
      for (const item of items) {
        const ev = new Event("message") as Event & { data: unknown };
        ev.data = typeof item === "string" ? item : item.buffer;
        this.peer?.dispatchEvent(ev);
      }
      if (before > this.bufferedAmountLowThreshold)
        this.dispatchEvent(new Event("bufferedamountlow"));
    });
  }

  close(): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.dispatchEvent(new Event("close"));
    if (this.peer && this.peer.readyState !== "closed") this.peer.close();
  }
}

export function channelPair(): [FakeChannel, FakeChannel] {
  const a = new FakeChannel();
  const b = new FakeChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
