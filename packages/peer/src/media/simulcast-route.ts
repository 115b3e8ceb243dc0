/**
 * Which receiver of an m= section an unbound SSRC belongs to when the peer sends simulcast
 * (RFC 8853): every layer is its own receiver (its own SSRC, jitter buffer, reports) sharing the
 * section's MID, told apart by the RTP stream id header extension (RFC 8852 §3.1, `rid`) on
 * media packets and the repaired RTP stream id (RFC 8852 §3.2) on their RTX packets. Without
 * layers the section's single receiver is the answer.
 *
 * ```
 *  SSRC 0x1a (MID "0", rid "q")   ─▶ receiver "0"/q ─▶ bound: later packets need no extension
 *  SSRC 0x2b (MID "0", rid "f")   ─▶ receiver "0"/f
 *  SSRC 0x3c (MID "0", rrid "f")  ─▶ receiver "0"/f as RTX (RFC 4588) of 0x2b
 * ```
 */
import {
  decodeSdesExtension,
  findHeaderExtension,
  RTP_EXTENSION_URI,
  type RtpExtensionBlock,
} from "@purertc/rtp";
import type { ReceiveStream } from "./receive-stream.js";

function extId(rx: ReceiveStream, uri: string): number | undefined {
  return rx.config.extmaps.find((e) => e.uri === uri)?.id;
}

/**
 * The receiver for a packet whose MID is `mid`: the one receiver of that section, or, for a
 * simulcast section, the layer whose rid the packet's rid / repaired-rid extension names
 * (`undefined` when it names none). Throws `DecodeError` on a malformed extension.
 */
export function receiverForMid(
  receivers: Iterable<ReceiveStream>,
  mid: string,
  extension: RtpExtensionBlock | undefined,
): ReceiveStream | undefined {
  let plain: ReceiveStream | undefined;
  let rid: string | undefined;
  let ridRead = false;
  for (const r of receivers) {
    if (r.config.mid !== mid) continue;
    const layer = r.config.rid;
    if (layer === undefined) {
      plain = r;
      continue;
    }
    if (!ridRead) {
      ridRead = true;
      rid = readRid(r, extension);
    }
    if (rid === layer) return r;
  }
  return plain;
}

/** The packet's rid, else its repaired rid (RTX), as negotiated for `rx`'s section. */
function readRid(rx: ReceiveStream, extension: RtpExtensionBlock | undefined): string | undefined {
  for (const uri of [RTP_EXTENSION_URI.rtpStreamId, RTP_EXTENSION_URI.repairedRtpStreamId]) {
    const id = extId(rx, uri);
    if (id === undefined) continue;
    const v = findHeaderExtension(extension, id);
    if (v !== undefined) return decodeSdesExtension(v);
  }
  return undefined;
}
