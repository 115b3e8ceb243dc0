/**
 * The per-transceiver SDP attributes of an RTP m= section we write or read: `a=msid`, `a=ssrc`
 * and `a=ssrc-group:FID` of a sending section (RFC 8830, RFC 5576 §4.1/§4.2), the simulcast
 * offer `a=rid:<rid> send` + `a=simulcast:send` (RFC 8851, RFC 8853 §5.1) and the layers an
 * answer's `a=simulcast:recv` accepted (RFC 8853 §5.3), and the codec order a sender uses.
 */
import type { MediaInit, MediaSection } from "@purertc/sdp";
import { type MediaKind, mimeMatches } from "../../media/codecs.js";
import { MAX_LAYERS } from "./layer-ids.js";
import type { RTCRtpTransceiver } from "./rtp-transceiver.js";

/** Whether a direction sends. */
export const sends = (d: string | null | undefined): boolean =>
  d === "sendrecv" || d === "sendonly";

/** The rids the peer sends (`a=simulcast:send`, first alternative of each stream, RFC 8853 §5.1). */
export const simulcastRids = (m: MediaSection, dir: "send" | "recv" = "send"): string[] =>
  (m.simulcast?.[dir] ?? [])
    .map((alts) => alts[0]?.rid)
    .filter((r): r is string => r !== undefined)
    .slice(0, MAX_LAYERS);

/** `a=rid:<rid> send` per encoding and `a=simulcast:send` (RFC 8851, RFC 8853 §5.1). */
export function simulcastOffer(t: RTCRtpTransceiver): Pick<MediaInit, "rids" | "simulcast"> {
  const layers = t.sender._simulcast(t._id, t._ssrc, t._rtxSsrc);
  if (!sends(t.direction) || layers.length === 0) return {};
  return {
    rids: layers.map((l) => ({
      id: l.rid,
      direction: "send" as const,
      payloadTypes: [],
      restrictions: {},
    })),
    simulcast: { send: layers.map((l) => [{ rid: l.rid, paused: false }]) },
  };
}

/**
 * The simulcast encodings the answer accepted (`a=simulcast:recv`, RFC 8853 §5.3); empty when
 * not simulcast or when the peer declined it (then only the first encoding is sent).
 */
export function acceptedLayers(t: RTCRtpTransceiver, remote: MediaSection) {
  const accepted = new Set(simulcastRids(remote, "recv"));
  return t.sender
    ._simulcast(t._id, t._ssrc, t._rtxSsrc)
    .filter((l) => accepted.has(l.rid))
    .map((l) => ({ id: l.id, ssrc: l.ssrc, rtxSsrc: l.rtxSsrc, rid: l.rid }));
}

/**
 * `a=msid`, `a=ssrc` (cname, msid) and `a=ssrc-group:FID` of a sending section (RFC 8830, 5576);
 * records what was signalled on the transceiver (negotiation-needed compares it).
 */
export function sendAttributes(
  t: RTCRtpTransceiver,
  direction: string,
  cname: string,
): Pick<MediaInit, "msid" | "ssrcs" | "ssrcGroups"> {
  t._signalled = `${t.direction} ${t._streamIds.join(",")}`;
  if (!sends(direction)) return {};
  const stream = t._streamIds[0] ?? "-";
  const trackId = t.sender.track?.id ?? `purertc-${t._kind}-${t._id}`;
  // Simulcast layers are told apart by rid, not signalled SSRCs (RFC 8853 §5.2).
  if (t.sender._simulcast(t._id, t._ssrc, t._rtxSsrc).length > 0)
    return { msid: { stream, track: trackId } };
  const msid = `${stream} ${trackId}`;
  // RTX (and so the FID group) is video only: Chromium refuses an audio section's FID SSRC.
  const ssrcs = t._kind === "video" ? [t._ssrc, t._rtxSsrc] : [t._ssrc];
  return {
    msid: { stream, track: trackId },
    ssrcs: ssrcs.flatMap((ssrc) => [
      { ssrc, attribute: "cname", value: cname },
      { ssrc, attribute: "msid", value: msid },
    ]),
    ssrcGroups: ssrcs.length === 2 ? [{ semantics: "FID", ssrcs }] : [],
  };
}

/** The negotiated codecs with the track's preferred codec first (it is the one sent). */
export function sendOrder(
  codecs: readonly MediaSection["codecs"][number][],
  mime: string | undefined,
  kind: MediaKind,
) {
  const list = [...codecs];
  if (!mime) return list;
  const first = list.filter((c) => mimeMatches(mime, kind, c));
  return [...first, ...list.filter((c) => !first.includes(c))];
}
