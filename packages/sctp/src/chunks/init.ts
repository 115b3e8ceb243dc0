import { ChunkType } from "../constants.js";
import { decodeParams, encodedLengthParams, type Param, writeParams } from "../params/param.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * INIT (RFC 9260 §3.3.2) and INIT ACK (§3.3.3): same fixed part, then parameters.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type = 1/2   |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Initiate Tag                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Advertised Receiver Window Credit (a_rwnd)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Number of Outbound Streams   |   Number of Inbound Streams   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Initial TSN                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /              Optional/Variable-Length Parameters              /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface InitChunk {
  readonly kind: "init" | "init-ack";
  readonly initiateTag: number;
  readonly aRwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly initialTsn: number;
  readonly params: readonly Param[];
}

const FIXED = 20;

export function encodedLengthInit(c: InitChunk): number {
  return FIXED + encodedLengthParams(c.params);
}

export function encodeInitInto(c: InitChunk, buf: Uint8Array, offset: number): number {
  const len = encodedLengthInit(c);
  const type = c.kind === "init" ? ChunkType.INIT : ChunkType.INIT_ACK;
  const w = startChunk(buf, offset, type, 0, len);
  w.u32(c.initiateTag).u32(c.aRwnd).u16(c.outboundStreams).u16(c.inboundStreams).u32(c.initialTsn);
  writeParams(c.params, w);
  return w.offset - offset;
}

export function encodeInit(c: InitChunk): Uint8Array {
  return encodeWith(c, encodedLengthInit, encodeInitInto);
}

function decodeInitOf(bytes: Uint8Array, kind: InitChunk["kind"]): InitChunk {
  const { value: r } = openChunk(
    bytes,
    kind === "init" ? ChunkType.INIT : ChunkType.INIT_ACK,
    FIXED,
  );
  const initiateTag = r.u32();
  const aRwnd = r.u32();
  const outboundStreams = r.u16();
  const inboundStreams = r.u16();
  const initialTsn = r.u32();
  const params = decodeParams(bytes, r.offset, r.offset + r.remaining);
  return { kind, initiateTag, aRwnd, outboundStreams, inboundStreams, initialTsn, params };
}

export function decodeInit(bytes: Uint8Array): InitChunk {
  return decodeInitOf(bytes, "init");
}

export function decodeInitAck(bytes: Uint8Array): InitChunk {
  return decodeInitOf(bytes, "init-ack");
}
