/** W3C `RTCIceCandidate` (webrtc-pc §4.8.2): every field parsed from the candidate line. */
import { tryParseCandidate } from "@purertc/sdp";

export type RTCIceComponent = "rtp" | "rtcp";
export type RTCIceProtocol = "udp" | "tcp";
export type RTCIceCandidateType = "host" | "srflx" | "prflx" | "relay";
export type RTCIceTcpCandidateType = "active" | "passive" | "so";
export type RTCIceServerTransportProtocol = "udp" | "tcp" | "tls";

/** W3C `RTCIceCandidateInit`. */
export interface RTCIceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly foundation: string | null = null;
  readonly component: RTCIceComponent | null = null;
  readonly priority: number | null = null;
  readonly address: string | null = null;
  readonly protocol: RTCIceProtocol | null = null;
  readonly port: number | null = null;
  readonly type: RTCIceCandidateType | null = null;
  readonly tcpType: RTCIceTcpCandidateType | null = null;
  readonly relatedAddress: string | null = null;
  readonly relatedPort: number | null = null;
  readonly usernameFragment: string | null;
  readonly relayProtocol: RTCIceServerTransportProtocol | null = null;
  readonly url: string | null = null;

  constructor(
    init: RTCIceCandidateInit = {},
    extra: { relayProtocol?: string; url?: string } = {},
  ) {
    const sdpMid = init.sdpMid ?? null;
    const sdpMLineIndex = init.sdpMLineIndex ?? null;
    if (sdpMid === null && sdpMLineIndex === null)
      throw new TypeError("RTCIceCandidate: sdpMid and sdpMLineIndex are both null");
    this.candidate = init.candidate ?? "";
    this.sdpMid = sdpMid;
    this.sdpMLineIndex = sdpMLineIndex;
    let ufrag = init.usernameFragment ?? null;
    const c = this.candidate === "" ? undefined : tryParseCandidate(this.candidate);
    if (c) {
      const self = this as { -readonly [K in keyof RTCIceCandidate]: RTCIceCandidate[K] };
      self.foundation = c.foundation;
      self.component = c.component === 1 ? "rtp" : c.component === 2 ? "rtcp" : null;
      self.priority = c.priority;
      self.address = c.address;
      const proto = c.transport.toLowerCase();
      self.protocol = proto === "udp" || proto === "tcp" ? proto : null;
      self.port = c.port;
      self.type = (["host", "srflx", "prflx", "relay"] as const).find((t) => t === c.type) ?? null;
      self.tcpType = (["active", "passive", "so"] as const).find((t) => t === c.tcpType) ?? null;
      self.relatedAddress = c.relatedAddress ?? null;
      self.relatedPort = c.relatedPort ?? null;
      ufrag ??= c.ufrag ?? null;
      if (self.type === "relay") {
        const rp = extra.relayProtocol;
        self.relayProtocol = rp === "udp" || rp === "tcp" || rp === "tls" ? rp : null;
      }
      self.url = extra.url ?? null;
    }
    this.usernameFragment = ufrag;
  }

  toJSON(): RTCIceCandidateInit {
    return {
      candidate: this.candidate,
      sdpMid: this.sdpMid,
      sdpMLineIndex: this.sdpMLineIndex,
      usernameFragment: this.usernameFragment,
    };
  }
}
