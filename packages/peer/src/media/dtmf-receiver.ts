/**
 * Receive side of RFC 4733 telephone-events (§2.5.2): one event per timestamp, its redundant
 * updates and the three end packets (§2.5.1.4) reported once, long events continued over
 * 0xFFFF-tick segments (§2.5.1.3) summed into one; an event whose end packets were all lost
 * is reported when the next one starts.
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
  #ended = true;
  #duration = 0;
  #volume = 0;
  #clockRate = 8000;

  /**
   * One telephone-event RTP payload with its timestamp; returns the tones this packet ends, in
   * order: the event whose first E-bit packet this is, preceded by a previous event that never
   * showed its end (all three end packets lost: §2.5.2.2, a new timestamp ends the previous
   * event; reported with the last duration seen). Throws `DecodeError` when malformed.
   */
  handlePacket(timestamp: number, payload: Uint8Array, clockRate: number): ReceivedDtmf[] {
    const e = decodeTelephoneEvents(payload)[0]!;
    const out: ReceivedDtmf[] = [];
    if (timestamp !== this.#timestamp) {
      const continues =
        this.#timestamp !== undefined &&
        !this.#ended &&
        e.event === this.#event &&
        (timestamp - this.#timestamp) >>> 0 === SEGMENT;
      if (continues) this.#before += SEGMENT;
      else {
        const unfinished = this.#ended ? undefined : this.#end();
        if (unfinished) out.push(unfinished);
        this.#before = 0;
        this.#startTimestamp = timestamp;
      }
      this.#timestamp = timestamp;
      this.#event = e.event;
      this.#ended = false;
    }
    if (this.#ended) return out;
    this.#duration = e.duration;
    this.#volume = e.volume;
    this.#clockRate = clockRate;
    if (e.end) {
      const done = this.#end();
      if (done) out.push(done);
    }
    return out;
  }

  /** Ends the current event; its tone, or `undefined` for an event that is not DTMF. */
  #end(): ReceivedDtmf | undefined {
    this.#ended = true;
    const tone = dtmfTone(this.#event);
    if (tone === undefined) return undefined;
    return {
      tone,
      durationMs: ((this.#before + this.#duration) * 1000) / this.#clockRate,
      rtpTimestamp: this.#startTimestamp,
      volume: this.#volume,
    };
  }
}
