import { closeSync, openSync, writeSync } from "node:fs";

/**
 * A file for the recorder's byte producers (`WebmWriter`, `IvfWriter`, `OggOpusWriter`,
 * `AnnexBWriter`): appends bytes synchronously and can patch earlier bytes (WebM Duration,
 * IVF frame count) before closing.
 */
export class RecordingFile {
  #fd: number | undefined;
  #length = 0;

  /** Creates (or truncates) `path`. */
  constructor(path: string) {
    this.#fd = openSync(path, "w");
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Appends bytes. */
  write(bytes: Uint8Array): void {
    const fd = this.#open();
    let o = 0;
    while (o < bytes.byteLength)
      o += writeSync(fd, bytes, o, bytes.byteLength - o, this.#length + o);
    this.#length += bytes.byteLength;
  }

  /** Overwrites bytes already written at `offset`. */
  patch(offset: number, bytes: Uint8Array): void {
    if (offset < 0 || offset + bytes.byteLength > this.#length) {
      throw new RangeError(
        `RecordingFile: patch ${offset}+${bytes.byteLength} outside ${this.#length} bytes`,
      );
    }
    writeSync(this.#open(), bytes, 0, bytes.byteLength, offset);
  }

  /** Closes the file; further writes throw. Idempotent. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): number {
    if (this.#fd === undefined) throw new TypeError("RecordingFile: closed");
    return this.#fd;
  }
}
