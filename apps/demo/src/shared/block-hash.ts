/**
 * The file checksum: SHA-256 over the concatenated SHA-256 digests of the file's 1 MiB blocks
 * (the last one may be shorter). It can be computed while streaming on both ends with nothing
 * but a one-shot SHA-256 (WebCrypto's `digest` in the page, `node:crypto` in the bot), so files
 * of any size are checked without holding them in memory.
 */
import { toHex } from "@purertc/common";

/** Block size of the checksum scheme. */
export const HASH_BLOCK = 1024 * 1024;

/** Name shown next to checksums. */
export const HASH_ALGORITHM = "sha256 of 1 MiB block sha256s";

/** A one-shot SHA-256 (32-byte digest). */
export type Sha256 = (data: Uint8Array) => Promise<Uint8Array>;

/** Incremental {@link HASH_ALGORITHM}: feed bytes in order with `update`, then `digest()` once. */
export class BlockHasher {
  readonly #sha256: Sha256;
  readonly #digests: Promise<Uint8Array>[] = [];
  #block = new Uint8Array(HASH_BLOCK);
  #fill = 0;
  #length = 0;

  constructor(sha256: Sha256) {
    this.#sha256 = sha256;
  }

  /** Bytes fed so far. */
  get length(): number {
    return this.#length;
  }

  update(bytes: Uint8Array): void {
    this.#length += bytes.byteLength;
    let offset = 0;
    while (offset < bytes.byteLength) {
      const n = Math.min(HASH_BLOCK - this.#fill, bytes.byteLength - offset);
      this.#block.set(bytes.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === HASH_BLOCK) this.#flush();
    }
  }

  /** The checksum as lowercase hex. */
  async digest(): Promise<string> {
    if (this.#fill > 0 || this.#digests.length === 0) this.#flush();
    const parts = await Promise.all(this.#digests);
    const all = new Uint8Array(parts.length * 32);
    for (const [i, d] of parts.entries()) all.set(d, i * 32);
    return toHex(await this.#sha256(all));
  }

  #flush(): void {
    const block = this.#block.subarray(0, this.#fill);
    this.#digests.push(this.#sha256(block));
    this.#block = new Uint8Array(HASH_BLOCK);
    this.#fill = 0;
  }
}
