/**
 * A big-endian writer into a `Uint8Array`. With a fixed buffer (`new ByteWriter(buf)`) writing
 * past its end throws a `RangeError` (a caller bug: encoders size their output first); with a
 * capacity (`new ByteWriter(64)`) it grows as needed.
 */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos: number;
  readonly #growable: boolean;

  constructor(bufOrCapacity: Uint8Array | number = 256, offset = 0) {
    if (typeof bufOrCapacity === "number") {
      this.#buf = new Uint8Array(Math.max(16, bufOrCapacity));
      this.#growable = true;
    } else {
      this.#buf = bufOrCapacity;
      this.#growable = false;
    }
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
    this.#pos = offset;
  }

  /** Bytes written so far (the current offset). */
  get offset(): number {
    return this.#pos;
  }

  #reserve(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.byteLength) return;
    if (!this.#growable) {
      throw new RangeError(`ByteWriter: ${need} bytes needed, buffer has ${this.#buf.byteLength}`);
    }
    const next = new Uint8Array(Math.max(need, this.#buf.byteLength * 2));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.#reserve(1);
    this.#buf[this.#pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.#reserve(2);
    this.#view.setUint16(this.#pos, v);
    this.#pos += 2;
    return this;
  }

  u24(v: number): this {
    this.#reserve(3);
    this.#buf[this.#pos] = (v >>> 16) & 0xff;
    this.#view.setUint16(this.#pos + 1, v & 0xffff);
    this.#pos += 3;
    return this;
  }

  u32(v: number): this {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, v >>> 0);
    this.#pos += 4;
    return this;
  }

  /** A 48-bit unsigned integer (DTLS sequence numbers). */
  u48(v: number): this {
    this.#reserve(6);
    this.#view.setUint16(this.#pos, Math.floor(v / 2 ** 32));
    this.#view.setUint32(this.#pos + 2, v >>> 0);
    this.#pos += 6;
    return this;
  }

  u64(v: bigint): this {
    this.#reserve(8);
    this.#view.setBigUint64(this.#pos, v);
    this.#pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#reserve(b.byteLength);
    this.#buf.set(b, this.#pos);
    this.#pos += b.byteLength;
    return this;
  }

  /** Writes `n` zero bytes. */
  zeros(n: number): this {
    this.#reserve(n);
    this.#buf.fill(0, this.#pos, this.#pos + n);
    this.#pos += n;
    return this;
  }

  /** Overwrites a 16-bit value at an earlier offset (length fields written after the body). */
  setU16(offset: number, v: number): this {
    if (offset + 2 > this.#pos)
      throw new RangeError(`ByteWriter: setU16 at ${offset} past ${this.#pos}`);
    this.#view.setUint16(offset, v);
    return this;
  }

  /** Overwrites a 24-bit value at an earlier offset. */
  setU24(offset: number, v: number): this {
    if (offset + 3 > this.#pos)
      throw new RangeError(`ByteWriter: setU24 at ${offset} past ${this.#pos}`);
    this.#buf[offset] = (v >>> 16) & 0xff;
    this.#view.setUint16(offset + 1, v & 0xffff);
    return this;
  }

  /** A view of the bytes written (shares memory with the writer's buffer). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }
}
