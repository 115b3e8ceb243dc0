import { ChunkType } from "../constants.js";
import { decodeParams, encodedLengthParams, writeParams } from "../params/param.js";
import { encodeWith, openChunk, startChunk } from "./chunk-header.js";

/**
 * HEARTBEAT (RFC 9260 §3.3.5) and HEARTBEAT ACK (§3.3.6): one Heartbeat Info parameter,
 * opaque to the receiver, echoed back verbatim.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 4/5  | Chunk  Flags  |      Heartbeat Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /          Heartbeat Information TLV (Variable-Length)          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface HeartbeatChunk {
  readonly kind: "heartbeat" | "heartbeat-ack";
  /** The value of the Heartbeat Info parameter (a view into the packet when decoded). */
  readonly info: Uint8Array;
}

export function encodedLengthHeartbeat(c: HeartbeatChunk): number {
  return 4 + encodedLengthParams([{ kind: "heartbeat-info", info: c.info }]);
}

export function encodeHeartbeatInto(c: HeartbeatChunk, buf: Uint8Array, offset: number): number {
  const type = c.kind === "heartbeat" ? ChunkType.HEARTBEAT : ChunkType.HEARTBEAT_ACK;
  const w = startChunk(buf, offset, type, 0, encodedLengthHeartbeat(c));
  writeParams([{ kind: "heartbeat-info", info: c.info }], w);
  return w.offset - offset;
}

export function encodeHeartbeat(c: HeartbeatChunk): Uint8Array {
  return encodeWith(c, encodedLengthHeartbeat, encodeHeartbeatInto);
}

function decodeOf(bytes: Uint8Array, kind: HeartbeatChunk["kind"]): HeartbeatChunk {
  const type = kind === "heartbeat" ? ChunkType.HEARTBEAT : ChunkType.HEARTBEAT_ACK;
  const { value: r } = openChunk(bytes, type, 8);
  const params = decodeParams(bytes, r.offset, r.offset + r.remaining);
  const info = params[0];
  if (params.length === 1 && info?.kind === "heartbeat-info") return { kind, info: info.info };
  return r.fail("missing-heartbeat-info", `${params.length} parameters`);
}

export function decodeHeartbeat(bytes: Uint8Array): HeartbeatChunk {
  return decodeOf(bytes, "heartbeat");
}

export function decodeHeartbeatAck(bytes: Uint8Array): HeartbeatChunk {
  return decodeOf(bytes, "heartbeat-ack");
}
