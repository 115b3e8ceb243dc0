/**
 * What a completed negotiation means for the core's RTP streams (RFC 8829 §5.10 "applying an
 * answer", webrtc-pc §4.4.1.5): per transceiver, its `currentDirection`, the codecs and header
 * extensions of the answer, one sender per stream we send (one per accepted simulcast layer,
 * RFC 8853 §5.3) and one receiver per stream the peer sends (one per rid it offers, else bound
 * by its `a=ssrc` / `a=ssrc-group:FID`, RFC 5576 §4.2).
 */
import type { Direction, MediaSection, SessionDescription } from "@purertc/sdp";
import type { MediaReceiveConfig } from "../../media/receive-stream.js";
import type { MediaSendConfig } from "../../media/send-stream.js";
import { layerStreamId } from "./layer-ids.js";
import type { RTCRtpTransceiver, RTCRtpTransceiverDirection } from "./rtp-transceiver.js";
import { acceptedLayers, sendOrder, sends, simulcastRids } from "./send-attributes.js";

export const receives = (d: string | null | undefined): boolean =>
  d === "sendrecv" || d === "recvonly";
/** The direction seen from the other side. */
export const reverse = (d: Direction | undefined): Direction =>
  d === "sendonly" ? "recvonly" : d === "recvonly" ? "sendonly" : (d ?? "sendrecv");
/** Whether a section is in use (not rejected with port 0, or bundle-only). */
export const used = (m: MediaSection): boolean => m.port !== 0 || m.bundleOnly;

/**
 * A section's `b=TIAS` (RFC 3890 §6.2, bits/s) or else `b=AS` (RFC 8866 §5.8, kbit/s) in bits/s,
 * from either description (the larger): its RTCP session bandwidth (RFC 3556 §2).
 */
export function sectionBandwidth(...sections: MediaSection[]): number | undefined {
  let best: number | undefined;
  for (const m of sections) {
    const tias = m.bandwidths.find((b) => b.type === "TIAS")?.value;
    const as = m.bandwidths.find((b) => b.type === "AS")?.value;
    const bps = tias ?? (as === undefined ? undefined : as * 1000);
    if (bps !== undefined && bps > 0 && (best === undefined || bps > best)) best = bps;
  }
  return best;
}

/** What the controller does for the negotiated transceivers. */
export interface NegotiatedHooks {
  /** The answer rejected or removed the transceiver's section. */
  stopped(t: RTCRtpTransceiver): void;
  /** A receiver id's keyframe requests go to the core. */
  requestKeyFrame(id: number): void;
  /** A receiver id is the simulcast layer `rid` of `t`. */
  layer(id: number, t: RTCRtpTransceiver, rid: string): void;
}

/** Applies an answer to the transceivers and returns the core's senders and receivers. */
export function negotiatedStreams(
  transceivers: readonly RTCRtpTransceiver[],
  local: SessionDescription,
  remote: SessionDescription,
  weAnswered: boolean,
  hooks: NegotiatedHooks,
): { senders: MediaSendConfig[]; receivers: MediaReceiveConfig[] } {
  const senders: MediaSendConfig[] = [];
  const receivers: MediaReceiveConfig[] = [];
  for (const t of transceivers) {
    if (t.mid === null) continue;
    const lm = local.media.find((m) => m.mid === t.mid);
    const rm = remote.media.find((m) => m.mid === t.mid);
    if (!lm || !rm) continue;
    const answer = weAnswered ? lm : rm;
    if (!used(answer) || !used(lm)) {
      hooks.stopped(t);
      continue;
    }
    const dir = weAnswered ? (lm.direction ?? "sendrecv") : reverse(rm.direction);
    t._setCurrentDirection(dir as RTCRtpTransceiverDirection);
    const codecs = sendOrder(answer.codecs, t.sender.track?.codec, t._kind);
    t.sender._negotiated(codecs, answer.extmaps);
    t.receiver._negotiated(t._kind, answer.codecs, answer.extmaps);
    t.receiver.track._setKeyFrameRequester(() => hooks.requestKeyFrame(t._id));
    const section = sectionBandwidth(lm, rm);
    const bw = section === undefined ? {} : { sectionBandwidthBps: section };
    const encodings = t.sender.getParameters().encodings;
    const maxBitrate = (rid?: string) => {
      const e = rid === undefined ? encodings[0] : encodings.find((x) => x.rid === rid);
      return e?.maxBitrate === undefined ? {} : { bandwidthBps: e.maxBitrate };
    };
    // Simulcast send is offered by us; the answer's a=simulcast:recv says which layers go.
    const layers = sends(dir) && !weAnswered ? acceptedLayers(t, rm) : [];
    if (layers.length > 0) {
      t._sentBefore = true;
      for (const l of layers)
        senders.push({
          ...l,
          ...bw,
          ...maxBitrate(l.rid),
          mid: t.mid,
          kind: t._kind,
          codecs,
          extmaps: answer.extmaps,
        });
    } else if (sends(dir)) {
      t._sentBefore = true;
      senders.push({
        id: t._id,
        mid: t.mid,
        kind: t._kind,
        ssrc: t._ssrc,
        rtxSsrc: t._rtxSsrc,
        codecs,
        extmaps: answer.extmaps,
        ...bw,
        ...maxBitrate(),
      });
    }
    const rids = receives(dir) ? simulcastRids(rm) : [];
    t.receiver._setLayers(rids);
    if (rids.length > 0) {
      // Each layer is a receiver of its own, bound by its rid (no a=ssrc with simulcast).
      for (const [i, rid] of rids.entries()) {
        const id = layerStreamId(t._id, i);
        hooks.layer(id, t, rid);
        const layer = { id, mid: t.mid, kind: t._kind, codecs: answer.codecs, rid };
        receivers.push({
          ...layer,
          ...bw,
          extmaps: answer.extmaps,
          ssrcs: [],
          rtxSsrcs: new Map(),
        });
        t.receiver._layerTrack(rid)._setKeyFrameRequester(() => hooks.requestKeyFrame(id));
      }
    } else if (receives(dir)) {
      const rtxSsrcs = new Map<number, number>();
      for (const g of rm.ssrcGroups)
        if (g.semantics === "FID" && g.ssrcs.length === 2) rtxSsrcs.set(g.ssrcs[1]!, g.ssrcs[0]!);
      const ssrcs = [...new Set(rm.ssrcs.map((s) => s.ssrc))].filter((s) => !rtxSsrcs.has(s));
      receivers.push({
        id: t._id,
        mid: t.mid,
        kind: t._kind,
        codecs: answer.codecs,
        extmaps: answer.extmaps,
        ssrcs: rm.simulcast ? [] : ssrcs,
        rtxSsrcs,
        ...bw,
      });
    }
  }
  return { senders, receivers };
}
