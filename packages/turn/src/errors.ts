/**
 * Typed TURN errors: what a client surfaces when the server answers with an error response
 * (RFC 8656 §18 codes) or does not answer at all.
 */
import { StunMethod } from "@purertc/stun";
import { TURN_REASON } from "./constants.js";

/** Why a TURN operation failed. */
export type TurnErrorKind =
  /** The server answered with an error response; see `code`. */
  | "response"
  /** No answer after every retransmission (RFC 8489 §6.2.1) or the TCP timeout. */
  | "timeout"
  /** A success response failed MESSAGE-INTEGRITY or lacked a required attribute. */
  | "bad-response"
  /** The transport to the server closed. */
  | "closed";

const METHOD_NAMES: Readonly<Record<number, string>> = {
  [StunMethod.Allocate]: "Allocate",
  [StunMethod.Refresh]: "Refresh",
  [StunMethod.CreatePermission]: "CreatePermission",
  [StunMethod.ChannelBind]: "ChannelBind",
};

/**
 * A failed TURN request. `code` is the STUN/TURN error code for `kind: "response"`
 * (401, 403, 437, 438, 440, 441, 442, 486, 508, ...), 0 otherwise.
 */
export class TurnError extends Error {
  override readonly name = "TurnError";
  readonly kind: TurnErrorKind;
  readonly code: number;
  /** The reason phrase from ERROR-CODE (or a description for other kinds). */
  readonly reason: string;
  /** The request's method, e.g. `"Allocate"`. */
  readonly method: string;

  constructor(kind: TurnErrorKind, method: number, code: number, reason: string) {
    const m = METHOD_NAMES[method] ?? `method 0x${method.toString(16)}`;
    super(
      kind === "response" ? `TURN ${m} failed: ${code} ${reason}` : `TURN ${m} failed: ${reason}`,
    );
    this.kind = kind;
    this.code = code;
    this.reason = reason || TURN_REASON[code] || "";
    this.method = m;
  }

  /** 401: credentials rejected (after the realm/nonce exchange). */
  get isUnauthenticated(): boolean {
    return this.code === 401;
  }
  /** 403: the server refuses (e.g. a denied peer address). */
  get isForbidden(): boolean {
    return this.code === 403;
  }
  /** 437: the 5-tuple has another allocation, or none. */
  get isAllocationMismatch(): boolean {
    return this.code === 437;
  }
  /** 486 or 508: the server is out of quota or capacity; try another server. */
  get isCapacity(): boolean {
    return this.code === 486 || this.code === 508;
  }
}
