/**
 * W3C `RTCIceTransport`, `RTCDtlsTransport` and `RTCSctpTransport` (webrtc-pc §5.5, §5.6, §6.1):
 * views of the one bundled transport of a peer connection. Their state changes arrive in the
 * same queued task as the peer connection's.
 */
import type { IceCandidate } from "@purertc/ice";
import { serializeIceCandidate } from "@purertc/ice";
import type { DtlsTransportState } from "../connection-state.js";
import type { RTCErrorEvent } from "./errors.js";
import { defineEventHandlers, type EventHandler } from "./event-handlers.js";
import { RTCIceCandidate } from "./ice-candidate.js";

export type RTCIceRole = "unknown" | "controlling" | "controlled";
export type RTCIceTransportState =
  | "new"
  | "checking"
  | "connected"
  | "completed"
  | "disconnected"
  | "failed"
  | "closed";
export type RTCIceGathererState = "new" | "gathering" | "complete";
export type RTCSctpTransportState = "connecting" | "connected" | "closed";

/** W3C `RTCIceCandidatePair`. */
export interface RTCIceCandidatePair {
  local: RTCIceCandidate;
  remote: RTCIceCandidate;
}

/** What the transports read from their peer connection. */
export interface TransportSource {
  iceRole(): RTCIceRole;
  localCandidates(): readonly IceCandidate[];
  remoteCandidates(): readonly IceCandidate[];
  selectedPair(): { local: IceCandidate; remote: IceCandidate } | undefined;
  localParameters(): { usernameFragment: string; password: string } | null;
  remoteParameters(): { usernameFragment: string; password: string } | null;
  remoteCertificates(): ArrayBuffer[];
  sctpMaxMessageSize(): number;
}

export function toRtcCandidate(c: IceCandidate, mid = "0"): RTCIceCandidate {
  return new RTCIceCandidate(
    {
      candidate: serializeIceCandidate(c),
      sdpMid: mid,
      sdpMLineIndex: 0,
      usernameFragment: c.usernameFragment ?? null,
    },
    {
      ...(c.relayProtocol ? { relayProtocol: c.relayProtocol } : {}),
      ...(c.url ? { url: c.url } : {}),
    },
  );
}

export class RTCIceTransport extends EventTarget {
  declare onstatechange: EventHandler<RTCIceTransport, "RTCIceTransport">;
  declare ongatheringstatechange: EventHandler<RTCIceTransport, "RTCIceTransport">;
  declare onselectedcandidatepairchange: EventHandler<RTCIceTransport, "RTCIceTransport">;
  readonly #src: TransportSource;
  /** @internal */ _state: RTCIceTransportState = "new";
  /** @internal */ _gatheringState: RTCIceGathererState = "new";

  /** @internal */
  constructor(src: TransportSource) {
    super();
    this.#src = src;
  }

  get role(): RTCIceRole {
    return this.#src.iceRole();
  }
  get component(): "rtp" {
    return "rtp";
  }
  get state(): RTCIceTransportState {
    return this._state;
  }
  get gatheringState(): RTCIceGathererState {
    return this._gatheringState;
  }
  getLocalCandidates(): RTCIceCandidate[] {
    return this.#src.localCandidates().map((c) => toRtcCandidate(c));
  }
  getRemoteCandidates(): RTCIceCandidate[] {
    return this.#src.remoteCandidates().map((c) => toRtcCandidate(c));
  }
  getSelectedCandidatePair(): RTCIceCandidatePair | null {
    const p = this.#src.selectedPair();
    return p ? { local: toRtcCandidate(p.local), remote: toRtcCandidate(p.remote) } : null;
  }
  getLocalParameters(): { usernameFragment: string; password: string } | null {
    return this.#src.localParameters();
  }
  getRemoteParameters(): { usernameFragment: string; password: string } | null {
    return this.#src.remoteParameters();
  }
}
defineEventHandlers(RTCIceTransport.prototype, [
  "statechange",
  "gatheringstatechange",
  "selectedcandidatepairchange",
]);

export class RTCDtlsTransport extends EventTarget {
  declare onstatechange: EventHandler<RTCDtlsTransport, "RTCDtlsTransport">;
  declare onerror: EventHandler<
    RTCDtlsTransport,
    "RTCDtlsTransport",
    RTCErrorEvent,
    "RTCErrorEvent"
  >;
  readonly iceTransport: RTCIceTransport;
  readonly #src: TransportSource;
  /** @internal */ _state: DtlsTransportState = "new";

  /** @internal */
  constructor(src: TransportSource, ice: RTCIceTransport) {
    super();
    this.#src = src;
    this.iceTransport = ice;
  }
  get state(): DtlsTransportState {
    return this._state;
  }
  /** The peer's certificate chain (DER), once connected. */
  getRemoteCertificates(): ArrayBuffer[] {
    return this.#src.remoteCertificates();
  }
}
defineEventHandlers(RTCDtlsTransport.prototype, ["statechange", "error"]);

/** RFC 8831 §6.2 / webrtc-pc §6.1.1: 65535 streams. */
const MAX_CHANNELS = 65535;

export class RTCSctpTransport extends EventTarget {
  declare onstatechange: EventHandler<RTCSctpTransport, "RTCSctpTransport">;
  readonly transport: RTCDtlsTransport;
  readonly #src: TransportSource;
  /** @internal */ _state: RTCSctpTransportState = "connecting";

  /** @internal */
  constructor(src: TransportSource, dtls: RTCDtlsTransport) {
    super();
    this.#src = src;
    this.transport = dtls;
  }
  get state(): RTCSctpTransportState {
    return this._state;
  }
  /** webrtc-pc §6.1.1.1: the smaller of ours and the peer's; `Infinity` when both are unlimited. */
  get maxMessageSize(): number {
    return this.#src.sctpMaxMessageSize();
  }
  get maxChannels(): number | null {
    return this._state === "connected" ? MAX_CHANNELS : null;
  }
}
defineEventHandlers(RTCSctpTransport.prototype, ["statechange"]);
