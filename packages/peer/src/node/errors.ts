/** W3C error types: `DOMException` names, `RTCError` and `RTCErrorEvent` (webrtc-pc §11.1). */
import { NegotiationError } from "../jsep/signaling.js";
import type { EventInit } from "./event-handlers.js";

/** A `DOMException` with the given name (`InvalidStateError`, `OperationError`, ...). */
export function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

/** W3C `RTCErrorDetailType`. */
export type RTCErrorDetailType =
  | "data-channel-failure"
  | "dtls-failure"
  | "fingerprint-failure"
  | "sctp-failure"
  | "sdp-syntax-error"
  | "hardware-encoder-not-available"
  | "hardware-encoder-error";

/** W3C `RTCErrorInit`. */
export interface RTCErrorInit {
  errorDetail: RTCErrorDetailType;
  sdpLineNumber?: number;
  sctpCauseCode?: number;
  receivedAlert?: number;
  sentAlert?: number;
  httpRequestStatusCode?: number;
}

/** W3C `RTCError`: an `OperationError` with WebRTC details. */
export class RTCError extends DOMException {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber: number | null;
  readonly sctpCauseCode: number | null;
  readonly receivedAlert: number | null;
  readonly sentAlert: number | null;
  readonly httpRequestStatusCode: number | null;

  constructor(init: RTCErrorInit, message = "") {
    super(message, "OperationError");
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
    this.sctpCauseCode = init.sctpCauseCode ?? null;
    this.receivedAlert = init.receivedAlert ?? null;
    this.sentAlert = init.sentAlert ?? null;
    this.httpRequestStatusCode = init.httpRequestStatusCode ?? null;
  }
}

/** W3C `RTCErrorEvent` (the `error` event of an `RTCDataChannel` / `RTCDtlsTransport`). */
export class RTCErrorEvent extends Event {
  readonly error: RTCError;
  constructor(type: string, init: EventInit & { error: RTCError }) {
    super(type, init);
    if (!(init?.error instanceof RTCError)) throw new TypeError("RTCErrorEvent needs an error");
    this.error = init.error;
  }
}

/** Maps a core negotiation error to what the W3C API rejects with; anything else is kept. */
export function toW3cError(e: unknown): unknown {
  if (!(e instanceof NegotiationError)) return e;
  if (e.errorName === "TypeError") return new TypeError(e.message);
  if (e.errorDetail === "sdp-syntax-error")
    return new RTCError({ errorDetail: "sdp-syntax-error" }, e.message);
  return domError(e.errorName, e.message);
}
