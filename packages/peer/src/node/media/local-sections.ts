/**
 * The RTP m= sections the transceivers put into our descriptions (RFC 8829 §5.2.1 offers,
 * §5.3.1 answers; webrtc-pc §4.7.3 negotiation-needed): mids for new transceivers, codecs and
 * header extensions, the sending attributes (./send-attributes.ts), simulcast, and `a=cryptex`
 * on every section or none (./cryptex-negotiation.ts).
 */
import type { AnswerMediaInit, Direction, MediaInit, SessionDescription } from "@purertc/sdp";
import type { AnswerMediaOptions } from "../../jsep/session.js";
import { defaultCodecs, defaultExtmaps } from "../../media/codecs.js";
import { answerCodecLevels } from "../../media/h264-level.js";
import { allCryptex } from "./cryptex-negotiation.js";
import type { RTCRtpTransceiver } from "./rtp-transceiver.js";
import { sendAttributes, simulcastOffer } from "./send-attributes.js";

/** Whether a transceiver needs (re)negotiation (webrtc-pc §4.7.3 for media). */
export function mediaNegotiationNeeded(
  transceivers: readonly RTCRtpTransceiver[],
  local: SessionDescription | undefined,
): boolean {
  for (const t of transceivers) {
    if (t.direction === "stopped") {
      if (t.mid !== null && t.currentDirection !== "stopped") return true;
      continue;
    }
    if (t.mid === null) return true;
    if (!local?.media.some((x) => x.mid === t.mid)) return true;
    if (t._signalled !== `${t.direction} ${t._streamIds.join(",")}`) return true;
  }
  return false;
}

/** The RTP sections of an offer; transceivers without a mid get one (RFC 8829 §5.2.1). */
export function offerSections(
  transceivers: readonly RTCRtpTransceiver[],
  usedMids: Set<string>,
  cname: string,
  cryptex: boolean,
): MediaInit[] {
  const out: MediaInit[] = [];
  let next = 0;
  for (const t of transceivers) {
    if (t.direction === "stopped") continue;
    if (t.mid === null) {
      while (usedMids.has(String(next))) next++;
      t._setMid(String(next));
      usedMids.add(String(next));
    }
    out.push({
      kind: t._kind,
      mid: t.mid!,
      direction: t.direction as Direction,
      codecs: t._codecs(t.sender.track?.codec),
      extmaps: defaultExtmaps(t._kind),
      ...sendAttributes(t, t.direction, cname),
      ...simulcastOffer(t),
      ...(cryptex ? { cryptex: true } : {}),
    });
  }
  return out;
}

/** The media side of an answer to `offer` (webrtc-pc §4.4.1.5, RFC 8829 §5.3.1). */
export function answerSections(
  transceivers: readonly RTCRtpTransceiver[],
  offer: SessionDescription,
  cname: string,
  wantCryptex: boolean,
): AnswerMediaOptions {
  const media: Record<string, AnswerMediaInit> = {};
  const cryptex = wantCryptex && allCryptex(offer);
  for (const m of offer.media) {
    if ((m.kind !== "audio" && m.kind !== "video") || m.mid === undefined) continue;
    const t = transceivers.find((x) => x.mid === m.mid);
    if (!t || t.direction === "stopped") {
      media[m.mid] = { reject: true };
      continue;
    }
    media[m.mid] = {
      direction: t.direction as Direction,
      ...sendAttributes(t, t.direction, cname),
      ...(cryptex ? { cryptex } : {}),
      // RFC 8829 §5.3.1: preferences filter and order the answer's formats as well.
      ...(t._hasCodecPreferences
        ? { codecs: answerCodecLevels(t._codecs(undefined), m.codecs) }
        : {}),
    };
  }
  return {
    codecs: {
      audio: defaultCodecs("audio"),
      // RFC 6184 §8.2.2: H.264 levels answered against the offer's.
      video: answerCodecLevels(
        defaultCodecs("video"),
        offer.media.find((m) => m.kind === "video")?.codecs ?? [],
      ),
    },
    headerExtensions: {
      audio: defaultExtmaps("audio").map((e) => e.uri),
      video: defaultExtmaps("video").map((e) => e.uri),
    },
    media,
  };
}
