import { crc32c, DecodeError } from "@purertc/common";
import { type Chunk, decodeChunk, encodeChunkInto, encodedLengthChunk } from "./chunks/chunk.js";
import { readU32 } from "./chunks/data.js";
import { LAYER, pad4 } from "./constants.js";

/**
 * The SCTP common header (RFC 9260 §3.1) and packet framing: a header followed by chunks,
 * each padded to four bytes, protected by CRC-32C (Appendix A) or, once negotiated, a zero
 * checksum (RFC 9653).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Source Port Number        |     Destination Port Number   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Verification Tag                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Checksum                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface SctpPacket {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly verificationTag: number;
  readonly chunks: readonly Chunk[];
}

export const COMMON_HEADER_LENGTH = 12;

/** Writes the common header with a zero checksum field. */
export function writeCommonHeader(
  buf: Uint8Array,
  sourcePort: number,
  destinationPort: number,
  tag: number,
): void {
  buf[0] = sourcePort >>> 8;
  buf[1] = sourcePort & 0xff;
  buf[2] = destinationPort >>> 8;
  buf[3] = destinationPort & 0xff;
  buf[4] = tag >>> 24;
  buf[5] = (tag >>> 16) & 0xff;
  buf[6] = (tag >>> 8) & 0xff;
  buf[7] = tag & 0xff;
  buf[8] = 0;
  buf[9] = 0;
  buf[10] = 0;
  buf[11] = 0;
}

/** Fills the checksum of `packet` (whose checksum field is zero) with its CRC-32C, little-endian. */
export function writeChecksum(packet: Uint8Array): void {
  const crc = crc32c(packet);
  packet[8] = crc & 0xff;
  packet[9] = (crc >>> 8) & 0xff;
  packet[10] = (crc >>> 16) & 0xff;
  packet[11] = crc >>> 24;
}

/** The checksum field as written (little-endian CRC-32C). */
export function readChecksum(packet: Uint8Array): number {
  return (packet[8]! | (packet[9]! << 8) | (packet[10]! << 16) | (packet[11]! << 24)) >>> 0;
}

/**
 * Whether the packet's checksum is right: a correct CRC-32C, or a zero field when
 * `acceptZero` (RFC 9653 §5.3: the alternate method was negotiated). Does not modify `packet`.
 */
export function checksumOk(packet: Uint8Array, acceptZero: boolean): boolean {
  if (packet.byteLength < COMMON_HEADER_LENGTH) return false;
  const got = readChecksum(packet);
  if (got === 0 && acceptZero) return true;
  const b8 = packet[8]!;
  const b9 = packet[9]!;
  const b10 = packet[10]!;
  const b11 = packet[11]!;
  packet[8] = packet[9] = packet[10] = packet[11] = 0;
  const crc = crc32c(packet);
  packet[8] = b8;
  packet[9] = b9;
  packet[10] = b10;
  packet[11] = b11;
  return crc === got;
}

/** Bytes of the slab outgoing packets are carved from. */
const SLAB_BYTES = 64 * 1024;
/** Larger packets get a buffer of their own. */
const SLAB_MAX_PACKET = SLAB_BYTES / 8;
let slab = new Uint8Array(0);
let slabUsed = 0;

/**
 * A copy of `buf[0..length)` for a packet on its way out, carved from a slab shared by every
 * association of the thread (as Node carves small Buffers from its pool): one allocation per
 * ~50 packets instead of one each, which at one packet per 1200 bytes was a good part of the
 * garbage a bulk transfer makes. Parts are never reused, so a packet stays valid however long
 * it is held; holding one keeps its slab (64 KiB) alive. A slab whose buffer was transferred
 * away is replaced.
 */
export function copyOutPacket(buf: Uint8Array, length: number): Uint8Array {
  if (length > SLAB_MAX_PACKET) return buf.slice(0, length);
  if (slabUsed + length > slab.byteLength) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  out.set(buf.subarray(0, length));
  slabUsed += (length + 7) & ~7;
  return out;
}

/** The verification tag of a packet (caller checked the length). */
export function packetTag(packet: Uint8Array): number {
  return readU32(packet, 4);
}

/**
 * The (unpadded) length of the chunk at `offset`, checked to fit within `packet`.
 * Throws {@link DecodeError} on a length below 4 or past the end.
 */
export function chunkLengthAt(packet: Uint8Array, offset: number): number {
  if (offset + 4 > packet.byteLength)
    throw new DecodeError(LAYER, "truncated-chunk", offset, "chunk header");
  const len = (packet[offset + 2]! << 8) | packet[offset + 3]!;
  if (len < 4) throw new DecodeError(LAYER, "bad-chunk-length", offset + 2, `length ${len}`);
  if (offset + len > packet.byteLength)
    throw new DecodeError(LAYER, "truncated-chunk", offset + 2, `length ${len}`);
  return len;
}

/** Decodes a whole packet (header and every chunk). Does not check the checksum. */
export function decodePacket(bytes: Uint8Array): SctpPacket {
  if (bytes.byteLength < COMMON_HEADER_LENGTH) {
    throw new DecodeError(LAYER, "truncated-packet", 0, `${bytes.byteLength} bytes`);
  }
  const chunks: Chunk[] = [];
  let o = COMMON_HEADER_LENGTH;
  while (o < bytes.byteLength) {
    const len = chunkLengthAt(bytes, o);
    chunks.push(decodeChunk(bytes.subarray(o, o + len)));
    o += pad4(len);
  }
  return {
    sourcePort: (bytes[0]! << 8) | bytes[1]!,
    destinationPort: (bytes[2]! << 8) | bytes[3]!,
    verificationTag: readU32(bytes, 4),
    chunks,
  };
}

/** Encodes a packet; with `zeroChecksum` the checksum field stays zero (RFC 9653). */
export function encodePacket(p: SctpPacket, zeroChecksum = false): Uint8Array {
  let len = COMMON_HEADER_LENGTH;
  for (const c of p.chunks) len += pad4(encodedLengthChunk(c));
  const buf = new Uint8Array(len);
  writeCommonHeader(buf, p.sourcePort, p.destinationPort, p.verificationTag);
  let o = COMMON_HEADER_LENGTH;
  for (const c of p.chunks) o += encodeChunkInto(c, buf, o);
  if (!zeroChecksum) writeChecksum(buf);
  return buf;
}
