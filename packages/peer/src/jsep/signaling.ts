/**
 * The JSEP signaling state machine (RFC 8829 §3.2, webrtc-pc §4.3.1) and the errors of
 * negotiation, named as the W3C layer throws them.
 *
 * ```
 *                 setRemote(OFFER)               setLocal(PRANSWER)
 *                     /-----\                               /-----\
 *                     |     |                               |     |
 *                     v     |                               v     |
 *      +---------------+    |                +---------------+    |
 *      |               |----/                |               |----/
 *      |  have-        | setLocal(PRANSWER)  | have-         |
 *      |  remote-offer |-------------------->| local-pranswer|
 *      |               |                     |               |
 *      +---------------+                     +---------------+
 *           ^   |                                   |
 *           |   | setLocal(ANSWER)                  |
 *           |   |                                   |
 *           |   V                  setLocal(ANSWER) |
 *      +---------------+                            |
 *      |    stable     |<---------------------------+
 *      +---------------+   (and the mirror image for local offers)
 * ```
 */

/** W3C `RTCSignalingState`. */
export type SignalingState =
  | "stable"
  | "have-local-offer"
  | "have-remote-offer"
  | "have-local-pranswer"
  | "have-remote-pranswer"
  | "closed";

/** W3C `RTCSdpType`. */
export type SdpType = "offer" | "answer" | "pranswer" | "rollback";

/** The DOMException name (or `TypeError`) a failed negotiation step maps to in the W3C layer. */
export type NegotiationErrorName =
  | "InvalidStateError"
  | "InvalidAccessError"
  | "InvalidModificationError"
  | "OperationError"
  | "TypeError";

/** A negotiation step that cannot be applied; `name` says which W3C error it is. */
export class NegotiationError extends Error {
  readonly errorName: NegotiationErrorName;
  /** W3C `RTCErrorDetailType` when it applies (e.g. `sdp-syntax-error`). */
  readonly errorDetail: string | undefined;
  constructor(errorName: NegotiationErrorName, message: string, errorDetail?: string) {
    super(message);
    this.errorName = errorName;
    this.errorDetail = errorDetail;
  }
}

const TRANSITIONS: Readonly<Record<string, SignalingState>> = {
  "stable|local|offer": "have-local-offer",
  "stable|remote|offer": "have-remote-offer",
  "have-local-offer|local|offer": "have-local-offer",
  "have-local-offer|remote|answer": "stable",
  "have-local-offer|remote|pranswer": "have-remote-pranswer",
  "have-remote-offer|remote|offer": "have-remote-offer",
  "have-remote-offer|local|answer": "stable",
  "have-remote-offer|local|pranswer": "have-local-pranswer",
  "have-local-pranswer|local|pranswer": "have-local-pranswer",
  "have-local-pranswer|local|answer": "stable",
  "have-remote-pranswer|remote|pranswer": "have-remote-pranswer",
  "have-remote-pranswer|remote|answer": "stable",
};

/**
 * The state after applying a description of `type` on `side`, or `undefined` when JSEP does
 * not allow it (the W3C layer rejects with `InvalidStateError`). Rollback is handled apart.
 */
export function nextSignalingState(
  state: SignalingState,
  side: "local" | "remote",
  type: Exclude<SdpType, "rollback">,
): SignalingState | undefined {
  return TRANSITIONS[`${state}|${side}|${type}`];
}
