/** Event classes of webrtc-pc: `icecandidate`, `icecandidateerror`, `datachannel`. */
import type { RTCDataChannel } from "./data-channel.js";
import type { EventInit } from "./event-handlers.js";
import type { RTCIceCandidate } from "./ice-candidate.js";

/** W3C `RTCPeerConnectionIceEvent` (`candidate` null ends gathering). */
export class RTCPeerConnectionIceEvent extends Event {
  readonly candidate: RTCIceCandidate | null;
  readonly url: string | null;
  constructor(
    type: string,
    init: EventInit & { candidate?: RTCIceCandidate | null; url?: string | null } = {},
  ) {
    super(type, init);
    this.candidate = init.candidate ?? null;
    this.url = init.url ?? null;
  }
}

/** W3C `RTCPeerConnectionIceErrorEvent`. */
export class RTCPeerConnectionIceErrorEvent extends Event {
  readonly address: string | null;
  readonly port: number | null;
  readonly url: string;
  readonly errorCode: number;
  readonly errorText: string;
  constructor(
    type: string,
    init: EventInit & {
      address?: string | null;
      port?: number | null;
      url?: string;
      errorCode: number;
      errorText?: string;
    },
  ) {
    super(type, init);
    this.address = init.address ?? null;
    this.port = init.port ?? null;
    this.url = init.url ?? "";
    this.errorCode = init.errorCode;
    this.errorText = init.errorText ?? "";
  }
}

/** W3C `RTCDataChannelEvent`. */
export class RTCDataChannelEvent extends Event {
  readonly channel: RTCDataChannel;
  constructor(type: string, init: EventInit & { channel: RTCDataChannel }) {
    super(type, init);
    if (!init?.channel) throw new TypeError("RTCDataChannelEvent needs a channel");
    this.channel = init.channel;
  }
}
