import { ChunkType } from "../constants.js";
import { decodeParams, encodedLengthParams, type Param, writeParams } from "../params/param.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * RE-CONFIG (RFC 6525 §3.1): one or two re-configuration parameters (requests and responses).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = 130    |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                  Re-configuration Parameter                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /             Re-configuration Parameter (optional)             /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ReConfigChunk {
  readonly kind: "re-config";
  readonly params: readonly Param[];
}

export function encodedLengthReConfig(c: ReConfigChunk): number {
  return 4 + encodedLengthParams(c.params);
}

export function encodeReConfigInto(c: ReConfigChunk, buf: Uint8Array, offset: number): number {
  const w = startChunk(buf, offset, ChunkType.RE_CONFIG, 0, encodedLengthReConfig(c));
  writeParams(c.params, w);
  return w.offset - offset;
}

export function encodeReConfig(c: ReConfigChunk): Uint8Array {
  return encodeWith(c, encodedLengthReConfig, encodeReConfigInto);
}

export function decodeReConfig(bytes: Uint8Array): ReConfigChunk {
  const { value: r } = openChunk(bytes, ChunkType.RE_CONFIG, 8);
  const params = decodeParams(bytes, r.offset, r.offset + r.remaining);
  if (params.length < 1 || params.length > 2)
    r.fail("bad-re-config", `${params.length} parameters`);
  return { kind: "re-config", params };
}
