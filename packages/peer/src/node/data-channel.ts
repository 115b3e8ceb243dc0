/**
 * W3C `RTCDataChannel` (webrtc-pc §6.2) over a channel of the peer core. `send()` counts into
 * `bufferedAmount` at once; the amount falls (and `bufferedamountlow` fires) in a queued task
 * as SCTP hands the bytes to DTLS. Blobs are read asynchronously, so a send queue keeps every
 * message in call order behind a pending Blob.
 */

import { domError, RTCError, RTCErrorEvent } from "./errors.js";
import { defineEventHandlers, type EventHandler } from "./event-handlers.js";

export type RTCDataChannelState = "connecting" | "open" | "closing" | "closed";
export type RTCPriorityType = "very-low" | "low" | "medium" | "high";
export type BinaryType = "arraybuffer" | "blob";

/** W3C `RTCDataChannelInit`. */
export interface RTCDataChannelInit {
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
  priority?: RTCPriorityType;
}

/** What a channel needs from its peer connection. */
export interface ChannelHost {
  send(channel: RTCDataChannel, id: number, data: string | Uint8Array): void;
  close(channel: RTCDataChannel, id: number): void;
  /** Bytes SCTP still holds for the channel. */
  sctpBufferedAmount(id: number): number;
  /** The peer's max-message-size (0 = unlimited). */
  maxMessageSize(): number;
  /** Asks for a bufferedAmount update task. */
  watchBuffered(channel: RTCDataChannel): void;
}

/** Fields fixed at creation. */
export interface ChannelSettings {
  readonly label: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly id: number | null;
  readonly priority: RTCPriorityType;
}

type Queued = string | Uint8Array | Blob;

const encoder = new TextEncoder();

function byteSize(data: Queued): number {
  if (typeof data === "string") return Buffer.byteLength(data, "utf8");
  if (data instanceof Uint8Array) return data.byteLength;
  return data.size;
}

export class RTCDataChannel extends EventTarget {
  declare onopen: EventHandler<RTCDataChannel, "RTCDataChannel">;
  declare onbufferedamountlow: EventHandler<RTCDataChannel, "RTCDataChannel">;
  declare onerror: EventHandler<RTCDataChannel, "RTCDataChannel", RTCErrorEvent, "RTCErrorEvent">;
  declare onclosing: EventHandler<RTCDataChannel, "RTCDataChannel">;
  declare onclose: EventHandler<RTCDataChannel, "RTCDataChannel">;
  declare onmessage: EventHandler<RTCDataChannel, "RTCDataChannel", MessageEvent>;
  readonly label: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly priority: RTCPriorityType;
  #id: number | null;
  #state: RTCDataChannelState = "connecting";
  #buffered = 0;
  #threshold = 0;
  #binaryType: BinaryType = "arraybuffer";
  readonly #host: ChannelHost;
  /** Messages waiting behind a Blob being read, in call order. */
  readonly #queue: Queued[] = [];
  #queuedBytes = 0;
  #reading = false;

  /** @internal Created by `RTCPeerConnection.createDataChannel` or the `datachannel` event. */
  constructor(host: ChannelHost, s: ChannelSettings) {
    super();
    this.#host = host;
    this.label = s.label;
    this.ordered = s.ordered;
    this.maxPacketLifeTime = s.maxPacketLifeTime;
    this.maxRetransmits = s.maxRetransmits;
    this.protocol = s.protocol;
    this.negotiated = s.negotiated;
    this.priority = s.priority;
    this.#id = s.id;
  }

  get id(): number | null {
    return this.#id;
  }
  get readyState(): RTCDataChannelState {
    return this.#state;
  }
  get bufferedAmount(): number {
    return this.#buffered;
  }
  get bufferedAmountLowThreshold(): number {
    return this.#threshold;
  }
  set bufferedAmountLowThreshold(v: number) {
    // WebIDL `unsigned long` conversion: modulo 2^32.
    const n = Math.trunc(Number(v));
    this.#threshold = Number.isFinite(n) ? ((n % 2 ** 32) + 2 ** 32) % 2 ** 32 : 0;
  }
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(v: BinaryType) {
    // webrtc-pc §6.2: an unsupported value is ignored (WebIDL enum setters do not throw).
    if (v === "arraybuffer" || v === "blob") this.#binaryType = v;
  }
  /** @deprecated webrtc-pc: `maxRetransmitTime` was renamed `maxPacketLifeTime`. */
  get reliable(): boolean {
    return this.maxPacketLifeTime === null && this.maxRetransmits === null;
  }

  /**
   * webrtc-pc §6.2 send(): `InvalidStateError` unless open, `TypeError` above the peer's
   * max-message-size; the size counts into `bufferedAmount` at once.
   */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#state !== "open") throw domError("InvalidStateError", `readyState is ${this.#state}`);
    let item: Queued;
    if (typeof data === "string") item = data;
    else if (data instanceof ArrayBuffer) item = new Uint8Array(data.slice(0));
    else if (ArrayBuffer.isView(data))
      item = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    else if (typeof Blob !== "undefined" && data instanceof Blob) item = data;
    else if (data instanceof SharedArrayBuffer) item = new Uint8Array(data).slice();
    else item = String(data);
    const size = byteSize(item);
    const max = this.#host.maxMessageSize();
    if (max > 0 && size > max)
      throw new TypeError(`message of ${size} bytes exceeds the peer's max-message-size ${max}`);
    this.#buffered += size;
    if (this.#queue.length > 0 || !(item instanceof Uint8Array || typeof item === "string")) {
      this.#queue.push(item);
      this.#queuedBytes += size;
      this.#drainQueue();
      return;
    }
    this.#host.send(this, this.#id!, item);
    this.#host.watchBuffered(this);
  }

  /** webrtc-pc §6.2 close(): closing now, `close` once the stream reset completes. */
  close(): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    this.#state = "closing";
    if (this.#id !== null) this.#host.close(this, this.#id);
    else this._closed(false);
  }

  async #drainQueue(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0]!;
        let bytes: string | Uint8Array;
        if (typeof head === "string" || head instanceof Uint8Array) bytes = head;
        else bytes = new Uint8Array(await head.arrayBuffer());
        this.#queue.shift();
        this.#queuedBytes -= byteSize(head);
        if (this.#state !== "open") continue;
        this.#host.send(this, this.#id!, bytes);
        this.#host.watchBuffered(this);
      }
    } catch (e) {
      this._fail(`reading a Blob failed: ${String(e)}`);
    } finally {
      this.#reading = false;
    }
  }

  // --- called by the peer connection in queued tasks ----------------------------------------

  /** @internal */
  _assignId(id: number): void {
    this.#id = id;
  }

  /** @internal */
  _open(): void {
    if (this.#state !== "connecting") return;
    this.#state = "open";
    this.dispatchEvent(new Event("open"));
  }

  /** @internal */
  _message(data: string | Uint8Array): void {
    if (this.#state !== "open") return;
    let payload: string | ArrayBuffer | Blob;
    if (typeof data === "string") payload = data;
    // SCTP hands over bytes in a plain ArrayBuffer, never a SharedArrayBuffer: the narrowing
    // keeps this assignable to lib.dom's BlobPart (ArrayBufferView<ArrayBuffer>).
    else if (this.#binaryType === "blob") payload = new Blob([data as Uint8Array<ArrayBuffer>]);
    else if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength)
      payload = data.buffer as ArrayBuffer;
    else payload = data.slice().buffer;
    this.dispatchEvent(new MessageEvent("message", { data: payload }));
  }

  /** @internal The amount SCTP still holds, plus what waits behind Blobs. */
  _updateBuffered(): boolean {
    const now =
      this.#id === null
        ? this.#buffered
        : this.#host.sctpBufferedAmount(this.#id) + this.#queuedBytes;
    if (now >= this.#buffered) return this.#buffered > 0;
    const before = this.#buffered;
    this.#buffered = now;
    if (before > this.#threshold && now <= this.#threshold)
      this.dispatchEvent(new Event("bufferedamountlow"));
    return now > 0;
  }

  /** @internal The peer started closing (RFC 8831 §6.7). */
  _closing(): void {
    if (this.#state !== "open" && this.#state !== "connecting") return;
    this.#state = "closing";
    this.dispatchEvent(new Event("closing"));
  }

  /** @internal */
  _closed(fireEvents = true): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    if (fireEvents) this.dispatchEvent(new Event("close"));
  }

  /** @internal An error ends the channel (webrtc-pc §6.2 "close with an error"). */
  _fail(message: string): void {
    if (this.#state === "closed") return;
    this.dispatchEvent(
      new RTCErrorEvent("error", {
        error: new RTCError({ errorDetail: "data-channel-failure" }, message),
      }),
    );
    this._closed();
  }
}
defineEventHandlers(RTCDataChannel.prototype, [
  "open",
  "bufferedamountlow",
  "error",
  "closing",
  "close",
  "message",
]);

export { encoder as textEncoder };
