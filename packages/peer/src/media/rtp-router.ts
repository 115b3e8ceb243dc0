/**
 * Which receiver an incoming RTP packet belongs to (RFC 8843 §9.2 "demultiplexing"): a bound
 * SSRC first (signalled `a=ssrc` / `a=ssrc-group:FID`, or learnt from an earlier packet), else
 * the MID header extension (and rid / repaired-rid for simulcast, ./simulcast-route.ts), else
 * the first receiver that accepts the payload type and has no stream yet. The first packet of an
 * SSRC binds it, so later packets need no extension.
 *
 * ```
 *  SSRC bound? ──yes──▶ receiver (media or RTX)
 *     │no
 *  MID ext? ──yes──▶ receiverForMid (rid / repaired-rid) ─┐
 *     │no                                                 ├─▶ bind SSRC ─▶ receiver
 *  payload type accepted by an unbound receiver ──────────┘
 * ```
 */
import {
  decodeSdesExtension,
  findHeaderExtension,
  RTP_EXTENSION_URI,
  type RtpHeader,
} from "@purertc/rtp";
import type { ReceiveStream } from "./receive-stream.js";
import { receiverForMid } from "./simulcast-route.js";

/** A routed packet: its receiver, and whether it came on the receiver's RTX stream. */
export interface RtpRoute {
  readonly rx: ReceiveStream;
  readonly rtx: boolean;
}

/** SSRC bindings and MID extension ids of the receivers of one bundle. */
export class RtpRouter {
  readonly #bySsrc = new Map<number, RtpRoute>();
  readonly #midIds = new Set<number>();

  /** Rebuilds the bindings from the negotiated receivers (signalled and already bound SSRCs). */
  configure(receivers: Iterable<ReceiveStream>): void {
    this.#midIds.clear();
    this.#bySsrc.clear();
    for (const rx of receivers) {
      const c = rx.config;
      const mid = c.extmaps.find((e) => e.uri === RTP_EXTENSION_URI.mid);
      if (mid) this.#midIds.add(mid.id);
      for (const s of c.ssrcs) this.#bySsrc.set(s, { rx, rtx: false });
      for (const s of c.rtxSsrcs.keys()) this.#bySsrc.set(s, { rx, rtx: true });
      if (rx.mediaSsrc !== undefined && !this.#bySsrc.has(rx.mediaSsrc))
        this.#bySsrc.set(rx.mediaSsrc, { rx, rtx: false });
    }
  }

  /**
   * The receiver of a packet, binding its SSRC on first sight; `undefined` when no receiver
   * takes it. Throws `DecodeError` on a malformed MID / rid extension.
   */
  route(h: RtpHeader, receivers: ReadonlyMap<number, ReceiveStream>): RtpRoute | undefined {
    const bound = this.#bySsrc.get(h.ssrc);
    if (bound) return bound;
    let rx: ReceiveStream | undefined;
    if (h.extension) {
      for (const id of this.#midIds) {
        const v = findHeaderExtension(h.extension, id);
        if (v === undefined) continue;
        const mid = decodeSdesExtension(v);
        rx = receiverForMid(receivers.values(), mid, h.extension);
        break;
      }
    }
    if (!rx) {
      // No MID: the first receiver that accepts this payload type and has no stream bound yet.
      for (const r of receivers.values()) {
        const known = r.rtxApt(h.payloadType) !== undefined || r.mediaCodec(h.payloadType);
        if (known && (r.mediaSsrc === undefined || r.rtxApt(h.payloadType) !== undefined)) {
          rx = r;
          break;
        }
      }
    }
    if (!rx) return undefined;
    const rtx = rx.rtxApt(h.payloadType) !== undefined;
    if (!rtx && !rx.mediaCodec(h.payloadType)) return undefined;
    const entry = { rx, rtx };
    this.#bySsrc.set(h.ssrc, entry);
    return entry;
  }
}
