/**
 * The codecs and header extensions we offer and accept (RFC 8829 §5.2.1: each m= section lists
 * the codecs in preference order, with RTX (RFC 4588) after each video codec and the RTCP
 * feedback of RFC 4585/5104), their W3C `RTCRtpCodec` view, and the @purertc/rtp payload format
 * that packetizes each one. Payload types follow libwebrtc's, so SDP diffs against Chromium
 * stay readable.
 */
import {
  Av1Codec,
  H264Codec,
  OpusCodec,
  type PayloadCodec,
  RTP_EXTENSION_URI,
  SampleAudioCodec,
  Vp8Codec,
  Vp9Codec,
} from "@purertc/rtp";
import type { Codec, Extmap, RtcpFeedback } from "@purertc/sdp";

export type MediaKind = "audio" | "video";

/** Video feedback: RFC 4585 §4.2 nack / nack pli, RFC 5104 §7.1 ccm fir, REMB, transport-cc. */
const VIDEO_FEEDBACK: readonly RtcpFeedback[] = Object.freeze([
  { type: "goog-remb" },
  { type: "transport-cc" },
  { type: "ccm", parameter: "fir" },
  { type: "nack" },
  { type: "nack", parameter: "pli" },
]);

function codec(
  payloadType: number,
  name: string,
  clockRate: number,
  parameters: Record<string, string>,
  feedback: readonly RtcpFeedback[],
  channels?: number,
): Codec {
  return {
    payloadType,
    name,
    clockRate,
    ...(channels !== undefined ? { channels } : {}),
    parameters,
    feedback: feedback.map((f) => ({ ...f })),
  };
}

function rtx(payloadType: number, apt: number): Codec {
  return codec(payloadType, "rtx", 90000, { apt: String(apt) }, []);
}

/** Our codec list per kind, in preference order (fresh objects on every call). */
export function defaultCodecs(kind: MediaKind): Codec[] {
  if (kind === "audio")
    return [
      codec(
        111,
        "opus",
        48000,
        { minptime: "10", useinbandfec: "1" },
        [{ type: "transport-cc" }],
        2,
      ),
      codec(0, "PCMU", 8000, {}, []),
      codec(8, "PCMA", 8000, {}, []),
      // RFC 4733 §2.4.1 / §7.1.1: DTMF events 0-15, at each audio clock rate we send.
      codec(110, "telephone-event", 48000, { "0-15": "" }, []),
      codec(126, "telephone-event", 8000, { "0-15": "" }, []),
    ];
  const h264 = (pt: number, mode: string, profile: string) =>
    codec(
      pt,
      "H264",
      90000,
      {
        "level-asymmetry-allowed": "1",
        "packetization-mode": mode,
        "profile-level-id": profile,
      },
      VIDEO_FEEDBACK,
    );
  return [
    codec(96, "VP8", 90000, {}, VIDEO_FEEDBACK),
    rtx(97, 96),
    codec(98, "VP9", 90000, { "profile-id": "0" }, VIDEO_FEEDBACK),
    rtx(99, 98),
    h264(100, "1", "42e01f"),
    rtx(101, 100),
    h264(102, "0", "42e01f"),
    rtx(103, 102),
    h264(104, "1", "42001f"),
    rtx(105, 104),
    codec(45, "AV1", 90000, { "level-idx": "5", profile: "0", tier: "0" }, VIDEO_FEEDBACK),
    rtx(46, 45),
  ];
}

/** Our `a=extmap` list per kind (ids as libwebrtc numbers them). */
export function defaultExtmaps(kind: MediaKind): Extmap[] {
  const common = [
    { id: 2, uri: RTP_EXTENSION_URI.absSendTime },
    { id: 3, uri: RTP_EXTENSION_URI.transportWideCc },
    { id: 4, uri: RTP_EXTENSION_URI.mid },
  ];
  if (kind === "audio") return [{ id: 1, uri: RTP_EXTENSION_URI.audioLevel }, ...common];
  return [
    ...common,
    { id: 10, uri: RTP_EXTENSION_URI.rtpStreamId },
    { id: 11, uri: RTP_EXTENSION_URI.repairedRtpStreamId },
  ];
}

/** W3C `RTCRtpCodec` (webrtc-pc §5.2). */
export interface RTCRtpCodec {
  readonly mimeType: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly sdpFmtpLine?: string;
}

/** W3C `RTCRtpCodecParameters`: a codec with its negotiated payload type. */
export interface RTCRtpCodecParameters extends RTCRtpCodec {
  readonly payloadType: number;
}

/** W3C `RTCRtpCapabilities` (webrtc-pc §5.2.4). */
export interface RTCRtpCapabilities {
  readonly codecs: RTCRtpCodec[];
  readonly headerExtensions: { readonly uri: string }[];
}

/** `a=fmtp` parameters as one line (`k=v;k=v`). */
export function fmtpLine(parameters: Readonly<Record<string, string>>): string | undefined {
  const parts = Object.entries(parameters).map(([k, v]) => (v === "" ? k : `${k}=${v}`));
  return parts.length === 0 ? undefined : parts.join(";");
}

/**
 * `kind/name` with the name spelled as we spell it (`audio/opus`, `video/VP8`) whatever case the
 * remote SDP used: MIME subtypes are case-insensitive (RFC 4855 §3), and werift, for one,
 * writes `OPUS`; W3C `mimeType`s are compared as strings by applications.
 */
export function mimeTypeOf(kind: MediaKind, name: string): string {
  const lower = name.toLowerCase();
  const ours = defaultCodecs(kind).find((c) => c.name.toLowerCase() === lower);
  return `${kind}/${ours?.name ?? name}`;
}

/** The W3C view of an SDP codec. */
export function toRtcCodec(kind: MediaKind, c: Codec): RTCRtpCodecParameters {
  const fmtp = fmtpLine(c.parameters);
  return {
    payloadType: c.payloadType,
    mimeType: mimeTypeOf(kind, c.name),
    clockRate: c.clockRate,
    ...(c.channels !== undefined ? { channels: c.channels } : {}),
    ...(fmtp !== undefined ? { sdpFmtpLine: fmtp } : {}),
  };
}

/** webrtc-pc §5.2.4 `getCapabilities(kind)`: what we can send or receive (`null` for others). */
export function capabilities(kind: string): RTCRtpCapabilities | null {
  if (kind !== "audio" && kind !== "video") return null;
  return {
    codecs: defaultCodecs(kind).map((c) => {
      const { payloadType: _pt, ...rest } = toRtcCodec(kind, c);
      return rest;
    }),
    headerExtensions: defaultExtmaps(kind).map((e) => ({ uri: e.uri })),
  };
}

/** Whether `mimeType` (`video/VP8`, case-insensitive) names the codec. */
export function mimeMatches(mimeType: string, kind: string, c: Codec): boolean {
  return mimeType.toLowerCase() === `${kind}/${c.name}`.toLowerCase();
}

/** The payload format that packetizes and depacketizes a codec, or `undefined` (rtx, red...). */
export function payloadCodecFor(c: Codec): PayloadCodec | undefined {
  switch (c.name.toLowerCase()) {
    case "opus":
      return new OpusCodec();
    case "pcmu":
      return new SampleAudioCodec("PCMU");
    case "pcma":
      return new SampleAudioCodec("PCMA");
    case "vp8":
      return new Vp8Codec();
    case "vp9":
      return new Vp9Codec();
    case "h264":
      return new H264Codec({
        packetizationMode: c.parameters["packetization-mode"] === "1" ? 1 : 0,
      });
    case "av1":
      return new Av1Codec();
    default:
      return undefined;
  }
}

/** The RTX payload type whose `apt` is `payloadType`, among `codecs`. */
export function rtxPayloadTypeFor(
  codecs: readonly Codec[],
  payloadType: number,
): number | undefined {
  for (const c of codecs)
    if (c.name.toLowerCase() === "rtx" && Number(c.parameters.apt) === payloadType)
      return c.payloadType;
  return undefined;
}
