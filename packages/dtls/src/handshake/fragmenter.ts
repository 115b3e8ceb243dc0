import { invariant } from "@purertc/common";
import { ContentType, HANDSHAKE_HEADER_LENGTH } from "../constants.js";
import type { RecordLayer } from "../record/record-layer.js";
import { encodeHandshakeFragmentInto } from "./header.js";

/**
 * Below this many payload bytes left in a datagram, a fragment starts a new datagram instead
 * (a handful of bytes per fragment would waste a 12-byte header and a record on each).
 */
const MIN_FRAGMENT = 32;

/**
 * Writes one handshake message through the record layer, split into fragments (RFC 6347 §4.2.3)
 * so that no datagram exceeds the MTU. Small messages share datagrams with their neighbours.
 */
export function writeHandshakeMessage(
  layer: RecordLayer,
  epoch: number,
  msgType: number,
  messageSeq: number,
  body: Uint8Array,
): void {
  const total = body.byteLength;
  let offset = 0;
  do {
    let room = layer.room(epoch) - HANDSHAKE_HEADER_LENGTH;
    if (room < Math.min(total - offset, MIN_FRAGMENT)) {
      layer.flush();
      room = layer.maxPayload(epoch) - HANDSHAKE_HEADER_LENGTH;
    }
    invariant(room > 0, "MTU too small for a handshake fragment");
    const n = Math.min(room, total - offset);
    const fragment = new Uint8Array(HANDSHAKE_HEADER_LENGTH + n);
    encodeHandshakeFragmentInto(
      {
        msgType,
        length: total,
        messageSeq,
        fragmentOffset: offset,
        body: body.subarray(offset, offset + n),
      },
      fragment,
      0,
    );
    layer.appendRecord(ContentType.handshake, epoch, fragment);
    offset += n;
  } while (offset < total);
}
