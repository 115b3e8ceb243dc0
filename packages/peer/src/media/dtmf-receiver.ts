/**
 * Receive side of RFC 4733 telephone-events (§2.5.2): one event per timestamp, its redundant
 * updates and the three end packets (§2.5.1.4) reported once, long events continued over
 * 0xFFFF-tick segments (§2.5.1.3) summed into one.
 */
import { decodeTelephoneEvents, dtmfTone } from "@purertc/rtp";

/** A DTMF tone that ended. */
export interface ReceivedDtmf {
  readonly tone: string;
  /** Total duration in ms (RFC 4733 §2.3.5 ticks over the clock rate). */
  readonly durationMs: number;
  /** The event's (first segment's) RTP timestamp. */
  readonly rtpTimestamp: number;
  readonly volume: number;
}

const SEGMENT = 0xffff;

/** Tracks the telephone-events of one source. */
export class DtmfReceiver {
  #timestamp: number | undefined;
  #startTimestamp = 0;
  #event = -1;
  #before = 0;
  #ended = false;

  /**
   * One telephone-event RTP payload with its timestamp; returns the tone when this packet ends
   * it (first E-bit packet of the event), else `undefined`. Throws `DecodeError` when malformed.
   */
  handlePacket(
    timestamp: number,
    payload: Uint8Array,
    clockRate: number,
  ): ReceivedDtmf | undefined {
    const e = decodeTelephoneEvents(payload)[0]!;
    if (timestamp !== this.#timestamp) {
      const continues =
        this.#timestamp !== undefined &&
        !this.#ended &&
        e.event === this.#event &&
        (timestamp - this.#timestamp) >>> 0 === SEGMENT;
      if (continues) this.#before += SEGMENT;
      else {
        this.#before = 0;
        this.#startTimestamp = timestamp;
      }
      this.#timestamp = timestamp;
      this.#event = e.event;
      this.#ended = false;
    }
    if (!e.end || this.#ended) return undefined;
    this.#ended = true;
    const tone = dtmfTone(e.event);
    if (tone === undefined) return undefined;
    return {
      tone,
      durationMs: ((this.#before + e.duration) * 1000) / clockRate,
      rtpTimestamp: this.#startTimestamp,
      volume: e.volume,
    };
  }
}
