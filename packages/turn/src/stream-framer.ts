/**
 * TURN over a byte stream (TCP or TLS, RFC 8656 §12.5 and RFC 8489 §6.2.2): STUN messages and
 * ChannelData messages are delimited by their own length fields, and ChannelData is padded to
 * a multiple of 4 bytes.
 */

/** The largest frame: a STUN header and a 65535-byte body. */
const MAX_FRAME = 20 + 0xffff;

/**
 * Cuts a TCP/TLS byte stream into whole STUN and ChannelData frames. One per connection;
 * `push()` what the socket delivers, then call `next()` until it returns `undefined`.
 */
export class TurnStreamFramer {
  #buf: Uint8Array;
  #start = 0;
  #end = 0;
  #error: string | undefined;

  constructor(initialCapacity = 4096) {
    this.#buf = new Uint8Array(initialCapacity);
  }

  /** Set when the stream is neither STUN nor ChannelData: the connection must be closed. */
  get error(): string | undefined {
    return this.#error;
  }

  /** Bytes buffered that do not yet form a whole frame. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Appends received bytes (copied). */
  push(chunk: Uint8Array): void {
    const have = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buf.length) {
      if (have + chunk.length <= this.#buf.length && this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const next = new Uint8Array(Math.max(have + chunk.length, this.#buf.length * 2));
        next.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = next;
      }
      this.#start = 0;
      this.#end = have;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /**
   * The next whole frame, or `undefined` when more bytes are needed (or after an error). The
   * frame is a view of the internal buffer, valid until the next `push()`; a ChannelData frame
   * includes its padding (decoders ignore it).
   */
  next(): Uint8Array | undefined {
    if (this.#error) return undefined;
    const have = this.#end - this.#start;
    if (have < 4) return undefined;
    const b = this.#buf;
    const s = this.#start;
    const top = b[s]! & 0xc0;
    const length = (b[s + 2]! << 8) | b[s + 3]!;
    let frame: number;
    if (top === 0x00) {
      frame = 20 + length;
      if (
        have >= 8 &&
        (b[s + 4] !== 0x21 || b[s + 5] !== 0x12 || b[s + 6] !== 0xa4 || b[s + 7] !== 0x42)
      ) {
        this.#error = "bad magic cookie in stream";
        return undefined;
      }
    } else if (top === 0x40) {
      frame = (4 + length + 3) & ~3;
    } else {
      this.#error = `neither STUN nor ChannelData (first byte 0x${b[s]!.toString(16)})`;
      return undefined;
    }
    if (frame > MAX_FRAME) {
      this.#error = "frame too long";
      return undefined;
    }
    if (have < frame) return undefined;
    this.#start += frame;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    return b.subarray(s, s + frame);
  }
}
