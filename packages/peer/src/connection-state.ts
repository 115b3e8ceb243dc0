/**
 * The aggregate W3C states of a peer connection (webrtc-pc §4.4.3 `RTCPeerConnectionState`,
 * §4.4.4 `RTCIceConnectionState`) from its one ICE transport and one DTLS transport (max-bundle).
 */
import type { IceConnectionState } from "@purertc/ice";

/** W3C `RTCDtlsTransportState`. */
export type DtlsTransportState = "new" | "connecting" | "connected" | "closed" | "failed";

/** W3C `RTCPeerConnectionState`. */
export type PeerConnectionState =
  | "new"
  | "connecting"
  | "connected"
  | "disconnected"
  | "failed"
  | "closed";

/**
 * webrtc-pc §4.4.3, for one ICE and one DTLS transport:
 * failed if either failed; disconnected if ICE is disconnected; new if both are new or closed;
 * connecting if either is still new/checking/connecting; connected otherwise.
 */
export function peerConnectionState(
  closed: boolean,
  ice: IceConnectionState,
  dtls: DtlsTransportState,
): PeerConnectionState {
  if (closed) return "closed";
  if (ice === "failed" || dtls === "failed") return "failed";
  if (ice === "disconnected") return "disconnected";
  const iceIdle = ice === "new" || ice === "closed";
  const dtlsIdle = dtls === "new" || dtls === "closed";
  if (iceIdle && dtlsIdle) return "new";
  if (ice === "new" || ice === "checking" || dtls === "new" || dtls === "connecting")
    return "connecting";
  return "connected";
}
