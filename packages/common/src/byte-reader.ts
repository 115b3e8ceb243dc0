import { DecodeError } from "./decode-error.js";

/**
 * A bounds-checked big-endian cursor over a `Uint8Array`. Every read checks the remaining
 * length first and throws a {@link DecodeError} (with the reader's layer) when it is short.
 *
 * Views returned by {@link ByteReader.bytes} share memory with the input: they stay valid as
 * long as the caller does not reuse the input buffer.
 */
export class ByteReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  readonly #layer: string;
  #pos: number;
  readonly #end: number;

  constructor(buf: Uint8Array, layer: string, start = 0, end = buf.byteLength) {
    if (start < 0 || end > buf.byteLength || start > end) {
      throw new RangeError(
        `ByteReader: range ${start}..${end} outside buffer of ${buf.byteLength}`,
      );
    }
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#layer = layer;
    this.#pos = start;
    this.#end = end;
  }

  /** Current offset in the underlying buffer. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left before the end of the readable range. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** The protocol layer named in errors. */
  get layer(): string {
    return this.#layer;
  }

  /** Throws a {@link DecodeError} with this reader's layer at the current offset. */
  fail(code: string, detail?: string, offset = this.#pos): never {
    throw new DecodeError(this.#layer, code, offset, detail);
  }

  /** Ensures `n` more bytes can be read. */
  need(n: number, what = "truncated"): void {
    if (n < 0 || this.#pos + n > this.#end) {
      this.fail(what, `need ${n} bytes, have ${this.#end - this.#pos}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.#buf[this.#pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.#view.getUint16(this.#pos);
    this.#pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = (this.#buf[this.#pos]! << 16) | this.#view.getUint16(this.#pos + 1);
    this.#pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.#view.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }

  /** A 48-bit unsigned integer (DTLS sequence numbers), exact as a JS number. */
  u48(): number {
    this.need(6);
    const v = this.#view.getUint16(this.#pos) * 2 ** 32 + this.#view.getUint32(this.#pos + 2);
    this.#pos += 6;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.#view.getBigUint64(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** A zero-copy view of the next `n` bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** A zero-copy view of everything left. */
  rest(): Uint8Array {
    return this.bytes(this.#end - this.#pos);
  }

  skip(n: number): void {
    this.need(n);
    this.#pos += n;
  }

  /** A reader over the next `n` bytes; this reader moves past them. */
  sub(n: number): ByteReader {
    this.need(n);
    const r = new ByteReader(this.#buf, this.#layer, this.#pos, this.#pos + n);
    this.#pos += n;
    return r;
  }
}
