import type { Millis } from "@purertc/common";
import { ContentType } from "./constants.js";
import { writeHandshakeMessage } from "./handshake/fragmenter.js";
import type { RecordLayer } from "./record/record-layer.js";

/** One element of a flight: a handshake message or a ChangeCipherSpec, with its epoch. */
export type FlightEntry =
  | {
      readonly kind: "handshake";
      readonly epoch: number;
      readonly msgType: number;
      readonly messageSeq: number;
      readonly body: Uint8Array;
    }
  | { readonly kind: "change_cipher_spec"; readonly epoch: number };

/** RFC 5246 §7.1: the ChangeCipherSpec body is the single byte 1. */
const CHANGE_CIPHER_SPEC_BODY = Uint8Array.of(1);

/**
 * Writes a whole flight through the record layer. Each (re)transmission gets fresh record
 * sequence numbers while handshake messages keep their message_seq (RFC 6347 §4.2.4).
 */
export function writeFlight(layer: RecordLayer, entries: readonly FlightEntry[]): void {
  for (const e of entries) {
    if (e.kind === "change_cipher_spec")
      layer.appendRecord(ContentType.change_cipher_spec, e.epoch, CHANGE_CIPHER_SPEC_BODY);
    else writeHandshakeMessage(layer, e.epoch, e.msgType, e.messageSeq, e.body);
  }
  layer.flush();
}

/**
 * The flight we last sent and its retransmission timer (RFC 6347 §4.2.4): the whole flight is
 * retransmitted when the timer expires, the timer doubles on each expiry up to a maximum
 * (§4.2.4.1), and it resets to the initial value with each new flight. A final flight has no
 * timer; it is resent only when the peer retransmits its own last flight.
 */
export class FlightState {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #entries: readonly FlightEntry[] = [];
  #timeoutMs: number;
  #deadline: Millis | undefined;
  #lastSentAt: Millis = Number.NEGATIVE_INFINITY;
  /** Transmissions of all flights after the first (for stats). */
  retransmissions = 0;

  constructor(initialMs: number, maxMs: number) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#timeoutMs = initialMs;
  }

  get entries(): readonly FlightEntry[] {
    return this.#entries;
  }

  /** When the retransmission timer fires, if armed. */
  get deadline(): Millis | undefined {
    return this.#deadline;
  }

  get lastSentAt(): Millis {
    return this.#lastSentAt;
  }

  /** The current timer value in ms. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Records a newly sent flight. */
  begin(now: Millis, entries: readonly FlightEntry[], final: boolean): void {
    this.#entries = entries;
    this.#timeoutMs = this.#initialMs;
    this.#lastSentAt = now;
    this.#deadline = final ? undefined : now + this.#timeoutMs;
  }

  /** The timer fired: back off (double, capped) and re-arm. */
  expired(now: Millis): void {
    this.#timeoutMs = Math.min(this.#timeoutMs * 2, this.#maxMs);
    this.#deadline = now + this.#timeoutMs;
    this.#lastSentAt = now;
    this.retransmissions++;
  }

  /** A retransmission triggered by the peer's retransmission (the timer keeps its deadline). */
  resent(now: Millis): void {
    this.#lastSentAt = now;
    this.retransmissions++;
  }

  /** Disarms the timer (the flight stays available for peer-triggered resends). */
  stop(): void {
    this.#deadline = undefined;
  }

  /** Forgets the flight entirely. */
  clear(): void {
    this.#entries = [];
    this.#deadline = undefined;
  }
}
