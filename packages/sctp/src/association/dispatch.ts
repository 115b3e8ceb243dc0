/**
 * Received packets (RFC 9260 §8.5, §6.10): the checks on the whole packet, the verification
 * tag rules per chunk, and routing each chunk to the part of the association that handles it.
 */
import type { Millis } from "@purertc/common";
import { decodeCookieEcho } from "../chunks/cookie.js";
import { decodeHeartbeat, decodeHeartbeatAck } from "../chunks/heartbeat.js";
import { decodeInit, decodeInitAck } from "../chunks/init.js";
import { decodeReConfig } from "../chunks/re-config.js";
import { decodeShutdown } from "../chunks/shutdown.js";
import { ChunkType, pad4 } from "../constants.js";
import { COMMON_HEADER_LENGTH, checksumOk, chunkLengthAt, packetTag } from "../packet.js";
import { onAbortChunk, onErrorChunk, onUnknownChunk } from "./abort-error.js";
import type { AssociationContext } from "./context.js";
import {
  afterDataPacket,
  onDataChunk,
  onForwardTsnChunk,
  onIForwardTsnChunk,
  onSackChunk,
} from "./data-path.js";
import { onCookieAck, onCookieEcho, onInit, onInitAck } from "./establishment.js";
import { onHeartbeat, onHeartbeatAck } from "./heartbeat-monitor.js";
import { onShutdown, onShutdownAck, onShutdownComplete } from "./shutdown-sequence.js";

/** What the packet loop does after a chunk. */
const CONTINUE = 0;
const STOP = 1;
const DATA = 2;

/** One received SCTP packet; throws only `DecodeError` (the caller counts and drops). */
export function handlePacket(ctx: AssociationContext, now: Millis, packet: Uint8Array): void {
  const counters = ctx.counters;
  if (packet.byteLength < COMMON_HEADER_LENGTH + 4) {
    counters.droppedPackets++;
    return;
  }
  if (!checksumOk(packet, ctx.config.zeroChecksum)) {
    counters.checksumErrors++;
    return;
  }
  const tag = packetTag(packet);
  if (packet[COMMON_HEADER_LENGTH] === ChunkType.INIT) {
    // §8.5.1 A: INIT travels alone with a zero tag.
    const len = chunkLengthAt(packet, COMMON_HEADER_LENGTH);
    if (tag !== 0 || pad4(len) + COMMON_HEADER_LENGTH < packet.byteLength) {
      counters.droppedPackets++;
      return;
    }
    onInit(ctx, decodeInit(packet.subarray(COMMON_HEADER_LENGTH, COMMON_HEADER_LENGTH + len)));
    return;
  }
  const reassembly = ctx.tcb?.rx.reassembly;
  reassembly?.beginPacket(fragmentPacket(packet) ? packet : undefined);
  try {
    handleChunks(ctx, now, packet, tag);
  } finally {
    reassembly?.beginPacket(undefined);
  }
}

/** The chunks of a packet that is not an INIT, in order (RFC 9260 §6.10). */
function handleChunks(ctx: AssociationContext, now: Millis, packet: Uint8Array, tag: number): void {
  const counters = ctx.counters;
  let dataPacket = false;
  let immediate = false;
  let o = COMMON_HEADER_LENGTH;
  while (o < packet.byteLength && !ctx.ended) {
    const len = chunkLengthAt(packet, o);
    const type = packet[o]!;
    const chunk = packet.subarray(o, o + len);
    if (!tagOk(ctx, type, chunk, tag)) {
      counters.droppedPackets++;
      return;
    }
    const r = onChunk(ctx, now, type, chunk);
    if (r === STOP) break;
    if (r === DATA) {
      dataPacket = true;
      if (packet[o + 1]! & 8) immediate = true;
    }
    o += pad4(len);
  }
  if (dataPacket) afterDataPacket(ctx, now, immediate);
}

/** Smallest fragment payload for which fragments may share a copy of their packet. */
const SHARED_FRAGMENT_MIN = 512;

/**
 * Whether every chunk of `packet` is a DATA or I-DATA fragment without both B and E flags and
 * with at least {@link SHARED_FRAGMENT_MIN} bytes of payload: the bulk of a large message cut
 * into several chunks per packet. Such a packet is nearly all fragment bytes, so keeping one
 * copy of it alive costs about what the receive window counts (see `ReassemblyQueue`).
 */
function fragmentPacket(packet: Uint8Array): boolean {
  const end = packet.byteLength;
  let o = COMMON_HEADER_LENGTH;
  let n = 0;
  while (o < end) {
    if (o + 4 > end) return false;
    const type = packet[o]!;
    const len = (packet[o + 2]! << 8) | packet[o + 3]!;
    const header = type === ChunkType.DATA ? 16 : type === ChunkType.I_DATA ? 20 : -1;
    if (header < 0 || (packet[o + 1]! & 3) === 3) return false;
    if (len < header + SHARED_FRAGMENT_MIN || o + len > end) return false;
    o += pad4(len);
    n++;
  }
  return n > 1;
}

/** Verification tag rules of RFC 9260 §8.5 and §8.5.1. */
function tagOk(ctx: AssociationContext, type: number, chunk: Uint8Array, tag: number): boolean {
  if (type === ChunkType.ABORT || type === ChunkType.SHUTDOWN_COMPLETE) {
    const reflected = (chunk[1]! & 1) !== 0;
    return reflected ? tag === ctx.peerTag && ctx.peerTag !== 0 : tag === ctx.localTag;
  }
  if (type === ChunkType.COOKIE_ECHO) return true; // checked against the cookie (§5.1.5)
  return tag === ctx.localTag;
}

function onChunk(ctx: AssociationContext, now: Millis, type: number, chunk: Uint8Array): number {
  switch (type) {
    case ChunkType.DATA:
      return onDataChunk(ctx, chunk, false) ? DATA : STOP;
    case ChunkType.I_DATA:
      return onDataChunk(ctx, chunk, true) ? DATA : STOP;
    case ChunkType.SACK:
      onSackChunk(ctx, now, chunk);
      return CONTINUE;
    case ChunkType.INIT_ACK:
      onInitAck(ctx, decodeInitAck(chunk));
      return CONTINUE;
    case ChunkType.COOKIE_ECHO:
      onCookieEcho(ctx, now, decodeCookieEcho(chunk).cookie);
      return CONTINUE;
    case ChunkType.COOKIE_ACK:
      onCookieAck(ctx);
      return CONTINUE;
    case ChunkType.HEARTBEAT:
      onHeartbeat(ctx, decodeHeartbeat(chunk).info);
      return CONTINUE;
    case ChunkType.HEARTBEAT_ACK:
      onHeartbeatAck(ctx, now, decodeHeartbeatAck(chunk).info);
      return CONTINUE;
    case ChunkType.ABORT:
      onAbortChunk(ctx, chunk);
      return STOP;
    case ChunkType.ERROR:
      return onErrorChunk(ctx, chunk) ? STOP : CONTINUE;
    case ChunkType.SHUTDOWN:
      onShutdown(ctx, now, decodeShutdown(chunk).cumulativeTsnAck);
      return CONTINUE;
    case ChunkType.SHUTDOWN_ACK:
      return onShutdownAck(ctx) ? STOP : CONTINUE;
    case ChunkType.SHUTDOWN_COMPLETE:
      return onShutdownComplete(ctx) ? STOP : CONTINUE;
    case ChunkType.FORWARD_TSN:
      onForwardTsnChunk(ctx, chunk);
      return CONTINUE;
    case ChunkType.I_FORWARD_TSN:
      onIForwardTsnChunk(ctx, chunk);
      return CONTINUE;
    case ChunkType.PAD:
      // RFC 4820 §3: discarded; the rest of the packet is processed.
      return CONTINUE;
    case ChunkType.RE_CONFIG:
      if (ctx.reconfig && ctx.tcb?.caps.reConfig) ctx.reconfig.onChunk(decodeReConfig(chunk));
      return CONTINUE;
    default:
      return onUnknownChunk(ctx, type, chunk) ? STOP : CONTINUE;
  }
}
