/**
 * Builders of JSEP offers and answers (RFC 8829 §5.2, §5.3) as {@link SessionDescription}
 * models: serialize them with {@link serialize}. They write libwebrtc's layout (transport
 * attributes repeated in every m= section, `a=group:BUNDLE`, `t=0 0`, port 9 and
 * `c=IN IP4 0.0.0.0` until candidates are known) with CRLF line ends.
 */
import type { Candidate } from "./candidate.js";
import type {
  Codec,
  Direction,
  Extmap,
  Fingerprint,
  MediaSection,
  Msid,
  Rid,
  RtcpFeedback,
  SessionDescription,
  Setup,
  Simulcast,
  SsrcAttribute,
  SsrcGroup,
} from "./model.js";
import { isRtpProtocol } from "./model.js";

/** The local ICE/DTLS transport written into every m= section. */
export interface TransportInit {
  iceUfrag: string;
  icePwd: string;
  fingerprints: Fingerprint[];
  /** Default `actpass` in offers (RFC 8842 §5.2) and `active` in answers to `actpass`. */
  setup?: Setup;
  /** Default `["trickle"]`. */
  iceOptions?: string[];
  iceLite?: boolean;
  candidates?: Candidate[];
  endOfCandidates?: boolean;
}

/** One m= section of an offer. */
export interface MediaInit {
  kind: "audio" | "video" | "application";
  mid: string;
  direction?: Direction;
  /** RTP sections: codecs in preference order. */
  codecs?: Codec[];
  extmaps?: Extmap[];
  msid?: Msid;
  ssrcs?: SsrcAttribute[];
  ssrcGroups?: SsrcGroup[];
  rids?: Rid[];
  simulcast?: Simulcast;
  /** Data sections: defaults 5000 and 262144 (RFC 8841 §5.2, §6). */
  sctpPort?: number;
  maxMessageSize?: number;
  /** Port 0 with `a=bundle-only` (RFC 8843 §6). */
  bundleOnly?: boolean;
  /** RTP sections: `a=cryptex` (RFC 9335 §3), encrypted header extensions and CSRCs. */
  cryptex?: boolean;
}

/** Everything an offer needs. */
export interface OfferInit extends TransportInit {
  /** `o=` session id: a random 62-bit decimal supplied by the caller (from its Rng). */
  sessionId: string;
  /** Default `"1"`; JSEP increments it on each new local description. */
  sessionVersion?: string;
  media: MediaInit[];
  /** Write `a=group:BUNDLE` with every mid (default true, RFC 8843). */
  bundle?: boolean;
  /** Default true (RFC 8285 §6). */
  extmapAllowMixed?: boolean;
}

/** The local side of an answer. */
export interface AnswerInit extends TransportInit {
  sessionId: string;
  sessionVersion?: string;
  /** Codecs this side supports per kind; default: accept what was offered. */
  codecs?: { audio?: Codec[]; video?: Codec[] };
  /** Header extension URIs supported per kind; default: every offered one. */
  headerExtensions?: { audio?: string[]; video?: string[] };
  /** Per offered mid: what this side wants. Missing mids answer with `recvonly` media. */
  media?: Record<string, AnswerMediaInit>;
  /** Data sections: local SCTP port and max-message-size (defaults 5000 / 262144). */
  sctpPort?: number;
  maxMessageSize?: number;
}

/** What the answerer wants for one offered m= section. */
export interface AnswerMediaInit {
  /** Default `sendrecv` when sending (msid or ssrcs given), else `recvonly`. */
  direction?: Direction;
  msid?: Msid;
  ssrcs?: SsrcAttribute[];
  ssrcGroups?: SsrcGroup[];
  reject?: boolean;
  /**
   * This section's codecs in preference order (webrtc-pc `setCodecPreferences`): instead of
   * `AnswerInit.codecs` for its kind, and the answer lists them in this order, not the offer's
   * (RFC 8829 §5.3.1: formats "MUST be generated in the corresponding order").
   */
  codecs?: Codec[];
  /**
   * `a=cryptex` in the answer (RFC 9335 §3); only written when the offered section has it
   * (an answerer cannot introduce cryptex).
   */
  cryptex?: boolean;
}

/** Whether a section carries `a=cryptex` (RFC 9335 §3). */
export function hasCryptex(m: MediaSection): boolean {
  return m.attributes.some((a) => a.name === "cryptex");
}

const DEFAULT_SCTP_PORT = 5000;
const DEFAULT_MAX_MESSAGE_SIZE = 262144;

function emptyMedia(kind: string, protocol: string): MediaSection {
  return {
    kind,
    port: 9,
    protocol,
    formats: [],
    connection: { netType: "IN", addressType: "IP4", address: "0.0.0.0" },
    bandwidths: [],
    msids: [],
    fingerprints: [],
    rtcpMux: false,
    rtcpMuxOnly: false,
    rtcpRsize: false,
    codecs: [],
    extmaps: [],
    extmapAllowMixed: false,
    ssrcs: [],
    ssrcGroups: [],
    rids: [],
    candidates: [],
    endOfCandidates: false,
    bundleOnly: false,
    attributes: [],
    otherLines: [],
  };
}

function session(
  sessionId: string,
  sessionVersion: string | undefined,
  t: TransportInit,
): SessionDescription {
  return {
    version: 0,
    origin: {
      username: "-",
      sessionId,
      sessionVersion: sessionVersion ?? "1",
      netType: "IN",
      addressType: "IP4",
      address: "127.0.0.1",
    },
    sessionName: "-",
    bandwidths: [],
    timing: [{ start: 0, stop: 0 }],
    groups: [],
    iceLite: t.iceLite ?? false,
    fingerprints: [],
    extmapAllowMixed: false,
    extmaps: [],
    attributes: [],
    otherLines: [],
    media: [],
    lineEnding: "\r\n",
  };
}

function applyTransport(m: MediaSection, t: TransportInit, setup: Setup): void {
  m.iceUfrag = t.iceUfrag;
  m.icePwd = t.icePwd;
  m.iceOptions = t.iceOptions ?? ["trickle"];
  m.fingerprints = t.fingerprints.map((f) => ({ ...f }));
  m.setup = setup;
  m.candidates = (t.candidates ?? []).map((c) => ({ ...c, extensions: [...c.extensions] }));
  m.endOfCandidates = t.endOfCandidates ?? false;
}

function cloneCodec(c: Codec): Codec {
  return {
    payloadType: c.payloadType,
    name: c.name,
    clockRate: c.clockRate,
    channels: c.channels,
    parameters: { ...c.parameters },
    feedback: c.feedback.map((f) => ({ ...f })),
  };
}

/** Builds an offer (RFC 8829 §5.2.1). */
export function buildOffer(init: OfferInit): SessionDescription {
  const sdp = session(init.sessionId, init.sessionVersion, init);
  sdp.extmapAllowMixed = init.extmapAllowMixed ?? true;
  sdp.msidSemantic = { semantic: "WMS", streams: [] };
  const setup = init.setup ?? "actpass";
  for (const mi of init.media) {
    const data = mi.kind === "application";
    const m = emptyMedia(mi.kind, data ? "UDP/DTLS/SCTP" : "UDP/TLS/RTP/SAVPF");
    applyTransport(m, init, setup);
    m.mid = mi.mid;
    if (mi.bundleOnly) {
      m.port = 0;
      m.bundleOnly = true;
    }
    if (data) {
      m.formats = ["webrtc-datachannel"];
      m.sctpPort = mi.sctpPort ?? DEFAULT_SCTP_PORT;
      m.maxMessageSize = mi.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    } else {
      m.rtcp = { port: 9, netType: "IN", addressType: "IP4", address: "0.0.0.0" };
      m.direction = mi.direction ?? "sendrecv";
      m.rtcpMux = true;
      m.rtcpRsize = true;
      m.codecs = (mi.codecs ?? []).map(cloneCodec);
      m.extmaps = (mi.extmaps ?? []).map((e) => ({ ...e }));
      if (mi.msid !== undefined) m.msids = [{ ...mi.msid }];
      m.ssrcs = (mi.ssrcs ?? []).map((s) => ({ ...s }));
      m.ssrcGroups = (mi.ssrcGroups ?? []).map((g) => ({
        semantics: g.semantics,
        ssrcs: [...g.ssrcs],
      }));
      m.rids = (mi.rids ?? []).map((r) => ({
        ...r,
        payloadTypes: [...r.payloadTypes],
        restrictions: { ...r.restrictions },
      }));
      if (mi.simulcast !== undefined) m.simulcast = structuredClone(mi.simulcast);
      if (mi.cryptex) m.attributes.push({ name: "cryptex" });
    }
    sdp.media.push(m);
  }
  if (init.bundle ?? true)
    sdp.groups.push({ semantics: "BUNDLE", mids: init.media.map((m) => m.mid) });
  return sdp;
}

/** The answer direction for an offered one (RFC 8829 §5.3.1, RFC 3264 §6.1). */
export function answerDirection(offered: Direction, wanted: Direction): Direction {
  const offerSends = offered === "sendrecv" || offered === "sendonly";
  const offerRecvs = offered === "sendrecv" || offered === "recvonly";
  const wantSend = wanted === "sendrecv" || wanted === "sendonly";
  const wantRecv = wanted === "sendrecv" || wanted === "recvonly";
  const send = wantSend && offerRecvs;
  const recv = wantRecv && offerSends;
  return send ? (recv ? "sendrecv" : "sendonly") : recv ? "recvonly" : "inactive";
}

function sameCodec(a: Codec, b: Codec): boolean {
  if (a.name.toLowerCase() !== b.name.toLowerCase() || a.clockRate !== b.clockRate) return false;
  if ((a.channels ?? 1) !== (b.channels ?? 1)) return false;
  const n = a.name.toLowerCase();
  if (n === "h264") {
    // RFC 6184 §8.1: packetization-mode must match; profile (first 4 hex digits) must match.
    const pa = a.parameters["profile-level-id"]?.slice(0, 4).toLowerCase() ?? "42e0";
    const pb = b.parameters["profile-level-id"]?.slice(0, 4).toLowerCase() ?? "42e0";
    if ((a.parameters["packetization-mode"] ?? "0") !== (b.parameters["packetization-mode"] ?? "0"))
      return false;
    return pa === pb;
  }
  if (n === "vp9")
    return (a.parameters["profile-id"] ?? "0") === (b.parameters["profile-id"] ?? "0");
  if (n === "av1") return (a.parameters.profile ?? "0") === (b.parameters.profile ?? "0");
  return true;
}

function negotiateCodecs(
  offered: Codec[],
  local: Codec[] | undefined,
  localOrder = false,
): Codec[] {
  if (local === undefined) return offered.map(cloneCodec);
  const out: Codec[] = [];
  for (const oc of offered) {
    if (oc.name.toLowerCase() === "rtx") continue;
    const lc = local.find((l) => sameCodec(l, oc));
    if (lc === undefined) continue;
    const c = cloneCodec(oc);
    c.parameters = { ...lc.parameters };
    const fb: RtcpFeedback[] = [];
    for (const f of oc.feedback) {
      if (lc.feedback.some((x) => x.type === f.type && x.parameter === f.parameter))
        fb.push({ ...f });
    }
    c.feedback = fb;
    out.push(c);
  }
  if (localOrder) {
    const rank = (c: Codec) => local.findIndex((l) => sameCodec(l, c));
    out.sort((a, b) => rank(a) - rank(b));
  }
  // RFC 4588 §8.6: keep an offered rtx only when its apt codec was accepted.
  if (local.some((l) => l.name.toLowerCase() === "rtx")) {
    for (const oc of offered) {
      if (oc.name.toLowerCase() !== "rtx") continue;
      const apt = Number(oc.parameters.apt);
      const at = out.findIndex((c) => c.payloadType === apt);
      if (at >= 0) out.splice(at + 1, 0, cloneCodec(oc));
    }
  }
  return out;
}

function answerSetup(offered: Setup | undefined, local: Setup | undefined): Setup {
  if (local !== undefined && local !== "actpass") return local;
  return offered === "active" ? "passive" : "active";
}

/** Builds an answer to `offer` (RFC 8829 §5.3.1), mirroring its m= sections and mids. */
export function buildAnswer(offer: SessionDescription, init: AnswerInit): SessionDescription {
  const sdp = session(init.sessionId, init.sessionVersion, init);
  sdp.extmapAllowMixed = offer.extmapAllowMixed;
  sdp.msidSemantic = { semantic: "WMS", streams: [] };
  const accepted: string[] = [];
  for (const om of offer.media) {
    const mid = om.mid ?? String(sdp.media.length);
    const want = init.media?.[mid];
    const m = emptyMedia(om.kind, om.protocol);
    m.mid = om.mid;
    const setup = answerSetup(om.setup ?? offer.setup, init.setup);
    let reject = want?.reject === true || (om.port === 0 && !om.bundleOnly);
    if (isRtpProtocol(om.protocol)) {
      const kind = om.kind === "audio" || om.kind === "video" ? om.kind : undefined;
      m.codecs =
        want?.codecs !== undefined
          ? negotiateCodecs(om.codecs, want.codecs, true)
          : negotiateCodecs(om.codecs, kind === undefined ? undefined : init.codecs?.[kind]);
      if (m.codecs.length === 0) reject = true;
      const uris = kind === undefined ? undefined : init.headerExtensions?.[kind];
      m.extmaps = om.extmaps
        .filter((e) => uris === undefined || uris.includes(e.uri))
        .map((e) => ({ id: e.id, uri: e.uri, attributes: e.attributes }));
      const sending = want?.msid !== undefined || (want?.ssrcs?.length ?? 0) > 0;
      const offered = om.direction ?? offer.direction ?? "sendrecv";
      m.direction = answerDirection(
        offered,
        want?.direction ?? (sending ? "sendrecv" : "recvonly"),
      );
      m.rtcp = { port: 9, netType: "IN", addressType: "IP4", address: "0.0.0.0" };
      m.rtcpMux = true;
      m.rtcpRsize = om.rtcpRsize;
      if (want?.msid !== undefined) m.msids = [{ ...want.msid }];
      if (want?.cryptex && hasCryptex(om)) m.attributes.push({ name: "cryptex" });
      m.ssrcs = (want?.ssrcs ?? []).map((s) => ({ ...s }));
      m.ssrcGroups = (want?.ssrcGroups ?? []).map((g) => ({
        semantics: g.semantics,
        ssrcs: [...g.ssrcs],
      }));
      if (om.simulcast?.send !== undefined) {
        // RFC 8853 §5.3: a receiver of simulcast answers with recv and the rids it accepts.
        m.simulcast = { recv: structuredClone(om.simulcast.send) };
        m.rids = om.rids
          .filter((r) => r.direction === "send")
          .map((r) => ({
            ...r,
            direction: "recv",
            payloadTypes: [...r.payloadTypes],
            restrictions: { ...r.restrictions },
          }));
      }
    } else {
      m.formats = [...om.formats];
      m.sctpPort = init.sctpPort ?? DEFAULT_SCTP_PORT;
      m.maxMessageSize = init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    }
    if (reject) {
      m.port = 0;
      m.codecs = m.codecs.slice(0, 1);
      if (m.codecs.length === 0 && om.codecs[0] !== undefined)
        m.codecs = [cloneCodec(om.codecs[0])];
      if (m.direction !== undefined) m.direction = "inactive";
      m.connection = { netType: "IN", addressType: "IP4", address: "0.0.0.0" };
    } else {
      applyTransport(m, init, setup);
      if (om.mid !== undefined) accepted.push(om.mid);
    }
    sdp.media.push(m);
  }
  const bundle = offer.groups.find((g) => g.semantics === "BUNDLE");
  if (bundle !== undefined) {
    const mids = bundle.mids.filter((x) => accepted.includes(x));
    if (mids.length > 0) sdp.groups.push({ semantics: "BUNDLE", mids });
  }
  return sdp;
}
