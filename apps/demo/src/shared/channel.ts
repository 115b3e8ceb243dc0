/**
 * The part of `RTCDataChannel` the demo uses, so one piece of code drives the browser's channels
 * and @purertc/peer's alike (both are EventTargets with the W3C attributes).
 */
export interface ChannelLike {
  readonly label: string;
  readonly protocol: string;
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(): void;
  addEventListener(type: string, listener: (ev: never) => void): void;
  removeEventListener(type: string, listener: (ev: never) => void): void;
}

/** A `message` event's payload, as far as the demo cares. */
export interface MessageLike {
  readonly data: unknown;
}

/** Subscribes to `message` events; returns the unsubscribe function. */
export function onMessage(ch: ChannelLike, fn: (data: unknown) => void): () => void {
  const listener = (ev: MessageLike) => fn(ev.data);
  ch.addEventListener("message", listener as (ev: never) => void);
  return () => ch.removeEventListener("message", listener as (ev: never) => void);
}

/** Calls `fn` once on the channel's `type` event; returns the unsubscribe function. */
export function once(ch: ChannelLike, type: string, fn: () => void): () => void {
  const listener = () => {
    ch.removeEventListener(type, listener);
    fn();
  };
  ch.addEventListener(type, listener);
  return () => ch.removeEventListener(type, listener);
}

/** Resolves when the channel is open; rejects if it closes first. */
export function whenOpen(ch: ChannelLike): Promise<void> {
  if (ch.readyState === "open") return Promise.resolve();
  if (ch.readyState !== "connecting")
    return Promise.reject(new Error(`the "${ch.label}" channel is ${ch.readyState}`));
  return new Promise((resolve, reject) => {
    const offClose = once(ch, "close", () => {
      offOpen();
      reject(new Error(`the "${ch.label}" channel closed before opening`));
    });
    const offOpen = once(ch, "open", () => {
      offClose();
      resolve();
    });
  });
}
