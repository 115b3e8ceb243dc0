import { DecodeError } from "@purertc/common";
import { ChunkType, LAYER } from "../constants.js";
import { type AbortChunk, decodeAbort, encodeAbortInto, encodedLengthAbort } from "./abort.js";
import { encodeWith } from "./chunk-header.js";
import {
  type CookieAckChunk,
  type CookieEchoChunk,
  decodeCookieAck,
  decodeCookieEcho,
  encodeCookieAckInto,
  encodeCookieEchoInto,
  encodedLengthCookieEcho,
} from "./cookie.js";
import { type DataChunk, decodeData, encodeDataInto, encodedLengthData } from "./data.js";
import { decodeError, type ErrorChunk, encodedLengthError, encodeErrorInto } from "./error.js";
import {
  decodeForwardTsn,
  encodedLengthForwardTsn,
  encodeForwardTsnInto,
  type ForwardTsnChunk,
} from "./forward-tsn.js";
import {
  decodeHeartbeat,
  decodeHeartbeatAck,
  encodedLengthHeartbeat,
  encodeHeartbeatInto,
  type HeartbeatChunk,
} from "./heartbeat.js";
import { decodeIData, encodedLengthIData, encodeIDataInto, type IDataChunk } from "./i-data.js";
import {
  decodeIForwardTsn,
  encodedLengthIForwardTsn,
  encodeIForwardTsnInto,
  type IForwardTsnChunk,
} from "./i-forward-tsn.js";
import {
  decodeInit,
  decodeInitAck,
  encodedLengthInit,
  encodeInitInto,
  type InitChunk,
} from "./init.js";
import { decodePad, encodedLengthPad, encodePadInto, type PadChunk } from "./pad.js";
import {
  decodeReConfig,
  encodedLengthReConfig,
  encodeReConfigInto,
  type ReConfigChunk,
} from "./re-config.js";
import { decodeSack, encodedLengthSack, encodeSackInto, type SackChunk } from "./sack.js";
import {
  decodeShutdown,
  decodeShutdownAck,
  decodeShutdownComplete,
  encodeShutdownAckInto,
  encodeShutdownCompleteInto,
  encodeShutdownInto,
  type ShutdownAckChunk,
  type ShutdownChunk,
  type ShutdownCompleteChunk,
} from "./shutdown.js";

/** A chunk type this package does not implement, kept verbatim (RFC 9260 §3.2 upper bits decide). */
export interface UnknownChunk {
  readonly kind: "unknown";
  readonly type: number;
  readonly flags: number;
  readonly value: Uint8Array;
}

/** Every chunk this package decodes, discriminated by `kind`. */
export type Chunk =
  | DataChunk
  | IDataChunk
  | InitChunk
  | SackChunk
  | HeartbeatChunk
  | AbortChunk
  | ShutdownChunk
  | ShutdownAckChunk
  | ShutdownCompleteChunk
  | ErrorChunk
  | CookieEchoChunk
  | CookieAckChunk
  | ForwardTsnChunk
  | IForwardTsnChunk
  | ReConfigChunk
  | PadChunk
  | UnknownChunk;

/** The chunk's length field value (unpadded). */
export function encodedLengthChunk(c: Chunk): number {
  switch (c.kind) {
    case "data":
      return encodedLengthData(c);
    case "i-data":
      return encodedLengthIData(c);
    case "init":
    case "init-ack":
      return encodedLengthInit(c);
    case "sack":
      return encodedLengthSack(c);
    case "heartbeat":
    case "heartbeat-ack":
      return encodedLengthHeartbeat(c);
    case "abort":
      return encodedLengthAbort(c);
    case "shutdown":
      return 8;
    case "shutdown-ack":
    case "shutdown-complete":
    case "cookie-ack":
      return 4;
    case "error":
      return encodedLengthError(c);
    case "cookie-echo":
      return encodedLengthCookieEcho(c);
    case "forward-tsn":
      return encodedLengthForwardTsn(c);
    case "i-forward-tsn":
      return encodedLengthIForwardTsn(c);
    case "re-config":
      return encodedLengthReConfig(c);
    case "pad":
      return encodedLengthPad(c);
    case "unknown":
      return 4 + c.value.byteLength;
  }
}

/** Writes a chunk and its padding at `offset`; returns the padded length. */
export function encodeChunkInto(c: Chunk, buf: Uint8Array, offset: number): number {
  switch (c.kind) {
    case "data":
      return encodeDataInto(c, buf, offset);
    case "i-data":
      return encodeIDataInto(c, buf, offset);
    case "init":
    case "init-ack":
      return encodeInitInto(c, buf, offset);
    case "sack":
      return encodeSackInto(c, buf, offset);
    case "heartbeat":
    case "heartbeat-ack":
      return encodeHeartbeatInto(c, buf, offset);
    case "abort":
      return encodeAbortInto(c, buf, offset);
    case "shutdown":
      return encodeShutdownInto(c, buf, offset);
    case "shutdown-ack":
      return encodeShutdownAckInto(c, buf, offset);
    case "shutdown-complete":
      return encodeShutdownCompleteInto(c, buf, offset);
    case "error":
      return encodeErrorInto(c, buf, offset);
    case "cookie-echo":
      return encodeCookieEchoInto(c, buf, offset);
    case "cookie-ack":
      return encodeCookieAckInto(c, buf, offset);
    case "forward-tsn":
      return encodeForwardTsnInto(c, buf, offset);
    case "i-forward-tsn":
      return encodeIForwardTsnInto(c, buf, offset);
    case "re-config":
      return encodeReConfigInto(c, buf, offset);
    case "pad":
      return encodePadInto(c, buf, offset);
    case "unknown": {
      const len = 4 + c.value.byteLength;
      buf[offset] = c.type;
      buf[offset + 1] = c.flags;
      buf[offset + 2] = len >>> 8;
      buf[offset + 3] = len & 0xff;
      buf.set(c.value, offset + 4);
      const padded = (len + 3) & ~3;
      buf.fill(0, offset + len, offset + padded);
      return padded;
    }
  }
}

/** Encodes one chunk into a fresh array of its unpadded length. */
export function encodeChunk(c: Chunk): Uint8Array {
  return encodeWith(c, encodedLengthChunk, encodeChunkInto);
}

/**
 * Decodes the chunk at the start of `bytes` (which may hold padding or further chunks after it).
 * Opaque fields are views into `bytes`.
 */
export function decodeChunk(bytes: Uint8Array): Chunk {
  if (bytes.byteLength < 4)
    throw new DecodeError(LAYER, "truncated-chunk", 0, `${bytes.byteLength} bytes`);
  const type = bytes[0]!;
  switch (type) {
    case ChunkType.DATA:
      return decodeData(bytes);
    case ChunkType.I_DATA:
      return decodeIData(bytes);
    case ChunkType.INIT:
      return decodeInit(bytes);
    case ChunkType.INIT_ACK:
      return decodeInitAck(bytes);
    case ChunkType.SACK:
      return decodeSack(bytes);
    case ChunkType.HEARTBEAT:
      return decodeHeartbeat(bytes);
    case ChunkType.HEARTBEAT_ACK:
      return decodeHeartbeatAck(bytes);
    case ChunkType.ABORT:
      return decodeAbort(bytes);
    case ChunkType.SHUTDOWN:
      return decodeShutdown(bytes);
    case ChunkType.SHUTDOWN_ACK:
      return decodeShutdownAck(bytes);
    case ChunkType.SHUTDOWN_COMPLETE:
      return decodeShutdownComplete(bytes);
    case ChunkType.ERROR:
      return decodeError(bytes);
    case ChunkType.COOKIE_ECHO:
      return decodeCookieEcho(bytes);
    case ChunkType.COOKIE_ACK:
      return decodeCookieAck(bytes);
    case ChunkType.FORWARD_TSN:
      return decodeForwardTsn(bytes);
    case ChunkType.I_FORWARD_TSN:
      return decodeIForwardTsn(bytes);
    case ChunkType.RE_CONFIG:
      return decodeReConfig(bytes);
    case ChunkType.PAD:
      return decodePad(bytes);
    default: {
      const len = (bytes[2]! << 8) | bytes[3]!;
      if (len < 4) throw new DecodeError(LAYER, "bad-chunk-length", 2, `length ${len}`);
      if (len > bytes.byteLength)
        throw new DecodeError(LAYER, "truncated-chunk", 2, `length ${len}`);
      return { kind: "unknown", type, flags: bytes[1]!, value: bytes.subarray(4, len) };
    }
  }
}
