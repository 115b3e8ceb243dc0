import { findHeaderExtension, ONE_BYTE_PROFILE } from "./header-extension.js";
import { RTP_FIXED_HEADER_LENGTH } from "./rtp-header.js";

/**
 * Overwrites, in an encoded RTP packet, the data of the RFC 8285 header extension element `id`
 * with `value` as a big-endian number of the element's length (1..4 bytes), without allocating:
 * how a sender stamps the transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 §2) at send time into a packet built with a placeholder. Returns `false` when the
 * packet has no such element (or is malformed); the bytes are then unchanged.
 */
export function patchHeaderExtension(packet: Uint8Array, id: number, value: number): boolean {
  const n = packet.byteLength;
  if (n < RTP_FIXED_HEADER_LENGTH) return false;
  const b0 = packet[0]!;
  if ((b0 & 0x10) === 0) return false;
  const at = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
  if (at + 4 > n) return false;
  const profile = (packet[at]! << 8) | packet[at + 1]!;
  const end = at + 4 + ((packet[at + 2]! << 8) | packet[at + 3]!) * 4;
  if (end > n) return false;
  let start = -1;
  let len = 0;
  if (profile === ONE_BYTE_PROFILE) {
    // RFC 8285 §4.2: ID 0 is padding, ID 15 ends the block.
    for (let i = at + 4; i < end; ) {
      const b = packet[i]!;
      const eid = b >>> 4;
      if (eid === 0) {
        i++;
        continue;
      }
      if (eid === 15) break;
      const l = (b & 0x0f) + 1;
      if (i + 1 + l > end) return false;
      if (eid === id) {
        start = i + 1;
        len = l;
        break;
      }
      i += 1 + l;
    }
  } else {
    let v: Uint8Array | undefined;
    try {
      v = findHeaderExtension({ profile, data: packet.subarray(at + 4, end) }, id);
    } catch {
      return false;
    }
    if (v === undefined) return false;
    start = v.byteOffset - packet.byteOffset;
    len = v.byteLength;
  }
  if (start < 0 || len < 1 || len > 4) return false;
  let x = value >>> 0;
  for (let k = len - 1; k >= 0; k--) {
    packet[start + k] = x & 0xff;
    x >>>= 8;
  }
  return true;
}
