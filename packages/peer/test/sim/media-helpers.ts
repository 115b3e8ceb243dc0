/** Two cores negotiating audio + video sections (no data section) in simulated time. */
import { fingerprint } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { RTP_EXTENSION_URI } from "@purertc/rtp";
import type { MediaSection } from "@purertc/sdp";
import type { LinkConditions } from "@purertc/testkit";
import {
  defaultCodecs,
  defaultExtmaps,
  type LocalTransportInit,
  type MediaReceiveConfig,
  type MediaSendConfig,
} from "../../src/index.js";
import { negotiatedCryptex } from "../../src/node/media/cryptex-negotiation.js";
import { type SimPair, type SimPeer, simPair } from "./helpers.js";

function local(p: SimPeer): LocalTransportInit {
  return {
    credentials: p.core.localCredentials,
    fingerprints: [{ algorithm: "sha-256", value: fingerprint(nodeCrypto, p.cert.der, "sha-256") }],
    candidates: p.core.localCandidates,
    endOfCandidates: false,
    maxMessageSize: 262144,
    sctpPort: 5000,
  };
}

function apply(p: SimPeer, now: number): void {
  const r = p.jsep.remoteTransport!;
  p.core.setRemoteCredentials(now, { ufrag: r.ufrag!, pwd: r.pwd! }, r.lite);
  for (const c of r.candidates) p.core.addRemoteCandidate(now, c);
  const role = p.jsep.dtlsRole;
  if (role && !p.core.dtlsRole)
    p.core.setTransportParameters(now, {
      dtlsRole: role,
      fingerprints: r.fingerprints,
      localSctpPort: 5000,
      remoteSctpPort: 5000,
      remoteMaxMessageSize: 65536,
      sctp: false,
    });
}

const SSRC = {
  a: { video: 0x1111, videoRtx: 0x1112, audio: 0x2222 },
  b: { video: 0x3333, videoRtx: 0x3334, audio: 0x4444 },
};

/** Configures a core's streams from the answer: video mid "0", audio mid "1", sendrecv. */
function configure(
  p: SimPeer,
  answer: MediaSection[],
  me: "a" | "b",
  signalled: boolean,
  now: number,
): void {
  const other = me === "a" ? SSRC.b : SSRC.a;
  const mine = SSRC[me];
  const senders: MediaSendConfig[] = [];
  const receivers: MediaReceiveConfig[] = [];
  for (const m of answer) {
    const kind = m.kind as "audio" | "video";
    const id = kind === "video" ? 0 : 1;
    senders.push({
      id,
      mid: m.mid!,
      kind,
      ssrc: kind === "video" ? mine.video : mine.audio,
      rtxSsrc: kind === "video" ? mine.videoRtx : undefined,
      codecs: m.codecs,
      extmaps: m.extmaps,
    });
    receivers.push({
      id,
      mid: m.mid!,
      kind,
      codecs: m.codecs,
      extmaps: m.extmaps,
      ssrcs: signalled ? [kind === "video" ? other.video : other.audio] : [],
      rtxSsrcs:
        signalled && kind === "video" ? new Map([[other.videoRtx, other.video]]) : new Map(),
    });
  }
  p.core.configureMedia(now, senders, receivers);
}

/**
 * Offer (a) / answer (b) with a video and an audio section, then the streams of both sides.
 * `signalled`: whether receivers know the peer's SSRCs (else MID routing binds them).
 */
export function mediaPair(
  seed: number,
  link: Partial<LinkConditions>,
  signalled: boolean,
  options: { extmaps?: boolean; cryptex?: { offer: boolean; answer: boolean } } = {},
): SimPair {
  const s = simPair(seed, link);
  const now = s.driver.now;
  const { offerer: o, answerer: a } = s;
  o.core.addHostCandidate(now, { address: "10.0.0.1", port: 5000 });
  a.core.addHostCandidate(now, { address: "10.0.0.2", port: 5000 });
  const media = (["video", "audio"] as const).map((kind, i) => ({
    kind,
    mid: String(i),
    direction: "sendrecv" as const,
    codecs: defaultCodecs(kind),
    // `extmaps: false` leaves transport-cc out (no transport-wide sequence, no feedback).
    extmaps: defaultExtmaps(kind).filter(
      (e) => options.extmaps !== false || e.uri !== RTP_EXTENSION_URI.transportWideCc,
    ),
    ...(options.cryptex?.offer ? { cryptex: true } : {}),
  }));
  const offer = o.jsep.createOffer(local(o), false, media);
  o.jsep.setLocal("offer", offer);
  a.jsep.setRemote("offer", offer);
  apply(a, now);
  const answer = a.jsep.createAnswer(local(a), {
    codecs: { audio: defaultCodecs("audio"), video: defaultCodecs("video") },
    media: {
      "0": { direction: "sendrecv", cryptex: options.cryptex?.answer ?? false },
      "1": { direction: "sendrecv", cryptex: options.cryptex?.answer ?? false },
    },
  });
  a.jsep.setLocal("answer", answer);
  apply(a, now);
  o.jsep.setRemote("answer", answer);
  apply(o, now);
  // What the W3C layer does after an answer (RFC 9335): cryptex when both descriptions say so.
  const cryptex = negotiatedCryptex(o.jsep.localTransport!.model, a.jsep.localTransport!.model);
  o.core.media.setCryptex(cryptex);
  a.core.media.setCryptex(cryptex);
  const model = a.jsep.localTransport!.model.media;
  configure(o, model, "a", signalled, now);
  configure(a, model, "b", signalled, now);
  o.core.gather(now);
  a.core.gather(now);
  return s;
}
