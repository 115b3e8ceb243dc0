/**
 * STUN over a byte stream (RFC 8489 §6.2.2): messages are delimited by their own length field.
 */
import { stunFrameLength } from "./demux.js";

/** Cuts a TCP/TLS byte stream into whole STUN messages. */
export class StunTcpFramer {
  #buf = new Uint8Array(0);
  #len = 0;
  #error: string | undefined;

  /** Set when the stream is not STUN (top two bits set or no magic cookie): close it. */
  get error(): string | undefined {
    return this.#error;
  }

  /** Bytes buffered that do not yet form a whole message. */
  get buffered(): number {
    return this.#len;
  }

  /** Appends received bytes. */
  push(chunk: Uint8Array): void {
    if (this.#len + chunk.length > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#len + chunk.length, this.#buf.length * 2, 1024));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
  }

  /** The next whole message (a copy), or `undefined` when more bytes are needed or on error. */
  next(): Uint8Array | undefined {
    if (this.#error || this.#len < 8) return undefined;
    const b = this.#buf;
    if (b[0]! & 0xc0 || b[4] !== 0x21 || b[5] !== 0x12 || b[6] !== 0xa4 || b[7] !== 0x42) {
      this.#error = "not a STUN stream";
      return undefined;
    }
    const n = stunFrameLength(b)!;
    if (this.#len < n) return undefined;
    const frame = b.slice(0, n);
    b.copyWithin(0, n, this.#len);
    this.#len -= n;
    return frame;
  }
}
