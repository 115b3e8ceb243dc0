/** States and events of {@link IceAgent} (W3C `RTCIceTransportState`, `RTCIceGathererState`). */
import type { SocketAddress } from "@purertc/common";
import type { IceCandidate } from "./candidate.js";
import type { IceRole } from "./check-messages.js";

/** W3C `RTCIceTransportState`. */
export type IceConnectionState =
  | "new"
  | "checking"
  | "connected"
  | "completed"
  | "disconnected"
  | "failed"
  | "closed";

/** W3C `RTCIceGathererState`. */
export type IceGatheringState = "new" | "gathering" | "complete";

/** Events of {@link IceAgent}, drained with `pollEvent()`. */
export type IceAgentEvent =
  /** A local candidate to signal to the peer (trickle, RFC 8838 §4). */
  | { readonly type: "candidate"; readonly candidate: IceCandidate }
  | { readonly type: "gathering-state"; readonly state: IceGatheringState }
  | { readonly type: "connection-state"; readonly state: IceConnectionState }
  /** The pair data goes over changed (W3C `selectedcandidatepairchange`). */
  | {
      readonly type: "selected-pair";
      readonly local: IceCandidate;
      readonly remote: IceCandidate;
      /** Where data is sent from (the local base) and to. */
      readonly from: SocketAddress;
      readonly to: SocketAddress;
      readonly relayed: boolean;
    }
  /** Our role changed after a role conflict (RFC 8445 §7.3.1.1, §7.2.5.1). */
  | { readonly type: "role"; readonly role: IceRole }
  /** Application data (not STUN) that arrived through a relay: the caller cannot see it otherwise. */
  | { readonly type: "data"; readonly from: SocketAddress; readonly data: Uint8Array }
  /** W3C `icecandidateerror`: a STUN or TURN server failed or did not answer. */
  | {
      readonly type: "candidate-error";
      readonly url: string;
      readonly errorCode: number;
      readonly errorText: string;
    };
