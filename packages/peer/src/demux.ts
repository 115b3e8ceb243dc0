/**
 * RFC 7983 (updated by RFC 9443 §3) demultiplexing of the datagrams that share one ICE 5-tuple,
 * by their first byte:
 *
 * ```
 *                  +----------------+
 *                  |        [0..3] -+--> forward to STUN
 *                  |                |
 *                  |      [16..19] -+--> forward to ZRTP
 *                  |                |
 *      packet -->  |      [20..63] -+--> forward to DTLS
 *                  |                |
 *                  |      [64..79] -+--> forward to TURN Channel
 *                  |                |
 *                  |    [128..191] -+--> forward to RTP/RTCP
 *                  +----------------+
 * ```
 */

/** Where a datagram goes. */
export type DemuxTarget = "stun" | "zrtp" | "dtls" | "turn-channel" | "rtp" | "unknown";

/** Classifies a datagram by its first byte (RFC 7983 §7, RFC 9443 §3). */
export function classifyDatagram(data: Uint8Array): DemuxTarget {
  if (data.byteLength === 0) return "unknown";
  const b = data[0]!;
  if (b <= 3) return "stun";
  if (b >= 16 && b <= 19) return "zrtp";
  if (b >= 20 && b <= 63) return "dtls";
  if (b >= 64 && b <= 79) return "turn-channel";
  if (b >= 128 && b <= 191) return "rtp";
  return "unknown";
}
