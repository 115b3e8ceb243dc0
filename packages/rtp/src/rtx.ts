import { DecodeError } from "@purertc/common";
import type { RtpPacket } from "./rtp-packet.js";

/**
 * RTP retransmission payload format (RFC 4588 §4): the RTX payload is the original sequence
 * number (OSN) followed by the original payload, sent on its own SSRC and payload type.
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP Header                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            OSN                |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                  Original RTP Packet Payload                  |
 * ```
 */
export function wrapRtx(
  original: RtpPacket,
  rtxSsrc: number,
  rtxPayloadType: number,
  rtxSequenceNumber: number,
): RtpPacket {
  const payload = new Uint8Array(2 + original.payload.byteLength);
  payload[0] = original.header.sequenceNumber >>> 8;
  payload[1] = original.header.sequenceNumber & 0xff;
  payload.set(original.payload, 2);
  return {
    header: {
      ...original.header,
      padding: false,
      ssrc: rtxSsrc,
      payloadType: rtxPayloadType,
      sequenceNumber: rtxSequenceNumber & 0xffff,
    },
    payload,
    paddingSize: 0,
  };
}

/**
 * Restores the original packet from an RTX packet, given the media SSRC and the original payload
 * type (`apt`). A packet with an empty payload is padding-only probing (RFC 4588 §8.4) and has
 * no OSN: `DecodeError` with code `"rtx-padding"`.
 */
export function unwrapRtx(rtx: RtpPacket, mediaSsrc: number, payloadType: number): RtpPacket {
  if (rtx.payload.byteLength < 2) {
    throw new DecodeError(
      "rtp",
      rtx.payload.byteLength === 0 ? "rtx-padding" : "truncated",
      0,
      "RTX OSN",
    );
  }
  return {
    header: {
      ...rtx.header,
      padding: false,
      ssrc: mediaSsrc,
      payloadType,
      sequenceNumber: (rtx.payload[0]! << 8) | rtx.payload[1]!,
    },
    payload: rtx.payload.subarray(2),
    paddingSize: 0,
  };
}
