/**
 * The typed WebRTC (JSEP, RFC 8829/9429) view of an SDP (RFC 8866) session description.
 *
 * Everything here is plain mutable data: munge it in place (or replace objects, spread copies
 * included) and {@link serialize} writes back every line you did not touch byte for byte, in its
 * original position. Lines the model does not type are kept in `attributes` / `otherLines`, in
 * order, and written back too.
 */
import type { Candidate } from "./candidate.js";

/** `a=sendrecv` / `sendonly` / `recvonly` / `inactive` (RFC 8866 §6.7). */
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** `a=setup` (RFC 4145 §4, RFC 8842 §5.1 for DTLS). */
export type Setup = "actpass" | "active" | "passive" | "holdconn";

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2). */
export interface Origin {
  username: string;
  /** Kept as text: a 63-bit value does not fit a JS number. */
  sessionId: string;
  /** Kept as text (64-bit); JSEP increments it on every new local description. */
  sessionVersion: string;
  netType: string;
  addressType: string;
  address: string;
}

/** `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). */
export interface Connection {
  netType: string;
  addressType: string;
  /** The address as written, multicast `/ttl/count` suffixes included. */
  address: string;
}

/** `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8; `TIAS` from RFC 3890). */
export interface Bandwidth {
  type: string;
  value: number;
}

/** `t=<start-time> <stop-time>` (RFC 8866 §5.9); WebRTC always writes `t=0 0`. */
export interface Timing {
  start: number;
  stop: number;
}

/** `a=group:<semantics> <mid>...` (RFC 5888 §5): `BUNDLE` (RFC 8843), `LS` (lip sync). */
export interface Group {
  semantics: string;
  mids: string[];
}

/** `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5); several are allowed. */
export interface Fingerprint {
  /** Hash function as written, e.g. `sha-256`. */
  algorithm: string;
  /** Upper-case hex pairs separated by colons, as written. */
  value: string;
}

/** `a=msid-semantic: WMS <stream ids or *>` (the WebRTC-era session attribute). */
export interface MsidSemantic {
  semantic: string;
  streams: string[];
}

/** `a=msid:<stream id> [<track id>]` (RFC 8830 §2). */
export interface Msid {
  stream: string;
  track?: string;
}

/** `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605 §2.1). */
export interface Rtcp {
  port: number;
  netType?: string;
  addressType?: string;
  address?: string;
}

/** One `a=rtcp-fb:<pt> <type> [<parameter>]` entry (RFC 4585 §4.2), e.g. `nack pli`. */
export interface RtcpFeedback {
  type: string;
  parameter?: string;
}

/**
 * A codec of an RTP media section, joined from `a=rtpmap` (RFC 8866 §6.6), `a=fmtp` (§6.15,
 * parameters split on `;` into key/values) and every `a=rtcp-fb` of its payload type.
 */
export interface Codec {
  payloadType: number;
  /** Encoding name as written (`opus`, `VP8`, `H264`, `rtx`, ...). */
  name: string;
  clockRate: number;
  /** Audio channels (the third rtpmap field), when present. */
  channels?: number;
  /**
   * `a=fmtp` parameters in order. A token without `=` (e.g. `0-15` of telephone-event,
   * `111/111` of RED) is a key whose value is `""`.
   */
  parameters: Record<string, string>;
  feedback: RtcpFeedback[];
}

/** `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285 §7). */
export interface Extmap {
  id: number;
  direction?: Direction;
  uri: string;
  attributes?: string;
}

/** One `a=ssrc:<ssrc> <attribute>[:<value>]` line (RFC 5576 §4.1), e.g. `cname`, `msid`. */
export interface SsrcAttribute {
  ssrc: number;
  attribute: string;
  value?: string;
}

/** `a=ssrc-group:<semantics> <ssrc>...` (RFC 5576 §4.2): `FID`, `SIM`, `FEC-FR`. */
export interface SsrcGroup {
  semantics: string;
  ssrcs: number[];
}

/** `a=rid:<id> <send|recv> [pt=<fmt>,...;][<restriction>=<value>;...]` (RFC 8851 §4). */
export interface Rid {
  id: string;
  direction: "send" | "recv";
  /** The `pt=` restriction, empty when absent. */
  payloadTypes: number[];
  /** Other restrictions in order (`max-width`, `max-fps`, ...); a bare token has value `""`. */
  restrictions: Record<string, string>;
}

/** One simulcast stream choice: a rid, possibly paused (`~` prefix) (RFC 8853 §5.1). */
export interface SimulcastStream {
  rid: string;
  paused: boolean;
}

/**
 * `a=simulcast:<send|recv> <list> [<send|recv> <list>]` (RFC 8853 §5.1). Each list is the
 * `;`-separated streams; each stream is its `,`-separated alternatives.
 */
export interface Simulcast {
  send?: SimulcastStream[][];
  recv?: SimulcastStream[][];
}

/** An attribute the model does not type: `a=<name>[:<value>]`, kept in order. */
export interface Attribute {
  name: string;
  value?: string;
}

/** A non-attribute line the model does not type (`i=`, `u=`, `e=`, `p=`, `r=`, `z=`, `k=`, ...). */
export interface SdpLine {
  /** The single type letter. */
  type: string;
  value: string;
}

/** One `m=` section and its lines (RFC 8866 §5.14). */
export interface MediaSection {
  /** `audio`, `video`, `application`, ... */
  kind: string;
  port: number;
  /** The `/<number of ports>` suffix, when written. */
  portCount?: number;
  /** e.g. `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`. */
  protocol: string;
  /**
   * The `<fmt>` list of a non-RTP section (e.g. `webrtc-datachannel`). For RTP protocols the
   * format list IS `codecs` (in preference order) and this array is ignored when serializing.
   */
  formats: string[];
  connection?: Connection;
  bandwidths: Bandwidth[];
  mid?: string;
  direction?: Direction;
  msids: Msid[];
  iceUfrag?: string;
  icePwd?: string;
  iceOptions?: string[];
  fingerprints: Fingerprint[];
  setup?: Setup;
  rtcp?: Rtcp;
  rtcpMux: boolean;
  rtcpMuxOnly: boolean;
  rtcpRsize: boolean;
  /** In m-line (preference) order. */
  codecs: Codec[];
  extmaps: Extmap[];
  extmapAllowMixed: boolean;
  ssrcs: SsrcAttribute[];
  ssrcGroups: SsrcGroup[];
  rids: Rid[];
  simulcast?: Simulcast;
  /** `a=sctp-port` (RFC 8841 §5.2). */
  sctpPort?: number;
  /** `a=max-message-size` (RFC 8841 §6). */
  maxMessageSize?: number;
  ptime?: number;
  maxptime?: number;
  candidates: Candidate[];
  /** `a=end-of-candidates` (RFC 8840 §8.2). */
  endOfCandidates: boolean;
  /** `a=bundle-only` (RFC 8843 §6). */
  bundleOnly: boolean;
  attributes: Attribute[];
  otherLines: SdpLine[];
}

/** A session description: the session-level lines and the media sections. */
export interface SessionDescription {
  version: number;
  origin: Origin;
  sessionName: string;
  connection?: Connection;
  bandwidths: Bandwidth[];
  timing: Timing[];
  groups: Group[];
  iceLite: boolean;
  iceUfrag?: string;
  icePwd?: string;
  iceOptions?: string[];
  fingerprints: Fingerprint[];
  setup?: Setup;
  direction?: Direction;
  msidSemantic?: MsidSemantic;
  extmapAllowMixed: boolean;
  extmaps: Extmap[];
  attributes: Attribute[];
  otherLines: SdpLine[];
  media: MediaSection[];
  /** Line terminator used when serializing: the input's (`\n`-only input keeps `\n`), else CRLF. */
  lineEnding: "\r\n" | "\n";
}

/** Whether a media section carries RTP (its format list is payload types). */
export function isRtpProtocol(protocol: string): boolean {
  return protocol.includes("RTP/");
}
