/** SHA-256 for the file checksum (see shared/block-hash.ts), from node:crypto. */
import { createHash } from "node:crypto";

export function sha256(data: Uint8Array): Promise<Uint8Array> {
  return Promise.resolve(new Uint8Array(createHash("sha256").update(data).digest()));
}
