import type { ErrorCause } from "./error-causes.js";

/** Why an association ended. */
export type CloseReason =
  /** The SHUTDOWN sequence completed (RFC 9260 §9.2). */
  | "shutdown"
  /** The peer sent ABORT (RFC 9260 §9.1). */
  | "peer-abort"
  /** We aborted (API call, or a protocol violation by the peer). */
  | "local-abort"
  /** Association.Max.Retrans consecutive errors (RFC 9260 §8.1). */
  | "max-retransmissions"
  /** Max.Init.Retransmits for INIT or COOKIE ECHO (RFC 9260 §5.1). */
  | "handshake-timeout";

/** A message delivered to the upper layer. */
export interface SctpMessage {
  readonly streamId: number;
  readonly ppid: number;
  readonly unordered: boolean;
  /** The message bytes; owned by the receiver (a fresh array). */
  readonly data: Uint8Array;
}

/** Everything an {@link SctpAssociation} reports through `pollEvent()`. */
export type SctpEvent =
  | { readonly type: "connected" }
  | ({ readonly type: "message" } & SctpMessage)
  /** The peer reset these incoming streams (RFC 6525 §5.2.2): the channel closes on their side. */
  | { readonly type: "incoming-streams-reset"; readonly streams: readonly number[] }
  /** Our outgoing reset of these streams was performed by the peer (RFC 6525 §5.2.7). */
  | { readonly type: "outgoing-streams-reset"; readonly streams: readonly number[] }
  /** The stream's buffered amount fell to or below its low-water mark. */
  | { readonly type: "buffered-amount-low"; readonly streamId: number }
  /** The peer reported a non-fatal error (ERROR chunk, RFC 9260 §3.3.10). */
  | { readonly type: "error"; readonly causes: readonly ErrorCause[] }
  | {
      readonly type: "closed";
      readonly reason: CloseReason;
      readonly causes?: readonly ErrorCause[];
    };
