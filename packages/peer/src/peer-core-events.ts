/** Events of {@link PeerCore}, drained with `pollEvent()`. */
import type { IceCandidate, IceConnectionState, IceGatheringState } from "@purertc/ice";
import type { DataChannelInfo } from "@purertc/sctp";
import type { DtlsTransportState, PeerConnectionState } from "./connection-state.js";
import type { MediaEvent } from "./media/media-events.js";

/** W3C `RTCSctpTransportState`. */
export type SctpTransportState = "connecting" | "connected" | "closed";

export type PeerCoreEvent =
  /** A local candidate to signal (trickle, RFC 8838 §4). */
  | { readonly type: "ice-candidate"; readonly candidate: IceCandidate }
  | { readonly type: "ice-gathering-state"; readonly state: IceGatheringState }
  /** W3C `RTCIceTransportState` of the one (bundled) ICE transport. */
  | { readonly type: "ice-connection-state"; readonly state: IceConnectionState }
  | { readonly type: "selected-pair"; readonly local: IceCandidate; readonly remote: IceCandidate }
  /** W3C `icecandidateerror`. */
  | {
      readonly type: "candidate-error";
      readonly url: string;
      readonly errorCode: number;
      readonly errorText: string;
    }
  | {
      readonly type: "dtls-state";
      readonly state: DtlsTransportState;
      /** Why DTLS failed (e.g. `fingerprint-mismatch`), with the endpoint's message. */
      readonly reason?: string;
      readonly message?: string;
    }
  | { readonly type: "sctp-state"; readonly state: SctpTransportState }
  | { readonly type: "connection-state"; readonly state: PeerConnectionState }
  /** The peer opened a channel in-band (DCEP, RFC 8832); it is open. */
  | { readonly type: "datachannel"; readonly channel: DataChannelInfo }
  | { readonly type: "channel-open"; readonly id: number }
  | { readonly type: "message"; readonly id: number; readonly data: string | Uint8Array }
  /** The SCTP send queue of a channel fell to its low-water mark. */
  | { readonly type: "buffered-amount-low"; readonly id: number }
  | { readonly type: "channel-closing"; readonly id: number }
  | { readonly type: "channel-close"; readonly id: number }
  /** RTP packets, assembled frames and keyframe requests of the media session. */
  | MediaEvent;
