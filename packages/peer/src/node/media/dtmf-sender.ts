/**
 * `RTCDTMFSender` (webrtc-pc §7) of an audio `RTCRtpSender`: `insertDTMF` validates and clamps as
 * §7.2 says and hands the tones to the core, which plays them as RFC 4733 telephone-events on the
 * audio stream and reports each tone as it starts (`tonechange`); a second purertc peer sees them
 * as `dtmf` events ({@link RTCDTMFToneEvent}) on its receiver's track.
 */
import {
  DTMF_DEFAULT_DURATION_MS,
  DTMF_DEFAULT_GAP_MS,
  DTMF_MAX_DURATION_MS,
  DTMF_MAX_GAP_MS,
  DTMF_MIN_DURATION_MS,
  DTMF_MIN_GAP_MS,
  normalizeDtmfTones,
} from "../../media/dtmf-sender.js";
import { domError } from "../errors.js";
import { defineEventHandlers, type EventHandler } from "../event-handlers.js";

/** What the DTMF sender needs from its RTP sender and connection. */
export interface DtmfHost {
  /** Whether the transceiver sends now (`currentDirection` sendrecv/sendonly) and is not stopped. */
  sending(): boolean;
  /** Whether telephone-event was negotiated for this sender. */
  negotiated(): boolean;
  /** Hands the tones to the core (ignored when telephone-event was not negotiated). */
  insert(tones: string, durationMs: number, interToneGapMs: number): void;
  /** The core's remaining tones. */
  toneBuffer(): string;
}

/** webrtc-pc §7.3 `RTCDTMFToneChangeEvent`. */
export class RTCDTMFToneChangeEvent extends Event {
  readonly tone: string;
  constructor(type: string, init: { tone?: string } = {}) {
    super(type);
    this.tone = init.tone ?? "";
  }
}

/**
 * Non-standard: a DTMF tone received (RFC 4733 telephone-event), fired as `dtmf` on the
 * receiving `EncodedMediaStreamTrack` once the tone ended.
 */
export class RTCDTMFToneEvent extends Event {
  /** `0`-`9`, `*`, `#`, `A`-`D`. */
  readonly tone: string;
  /** How long the sender played it, in ms. */
  readonly duration: number;
  /** The event's RTP timestamp (the audio clock when it started). */
  readonly rtpTimestamp: number;
  constructor(type: string, init: { tone: string; duration: number; rtpTimestamp: number }) {
    super(type);
    this.tone = init.tone;
    this.duration = init.duration;
    this.rtpTimestamp = init.rtpTimestamp;
  }
}

export class RTCDTMFSender extends EventTarget {
  declare ontonechange: EventHandler<
    RTCDTMFSender,
    "RTCDTMFSender",
    RTCDTMFToneChangeEvent,
    "RTCDTMFToneChangeEvent"
  >;
  readonly #host: DtmfHost;

  /** @internal */
  constructor(host: DtmfHost) {
    super();
    this.#host = host;
  }

  /** webrtc-pc §7.2: whether this sender can send DTMF now. */
  get canInsertDTMF(): boolean {
    return this.#host.sending() && this.#host.negotiated();
  }

  /** webrtc-pc §7.2: the tones not yet played. */
  get toneBuffer(): string {
    return this.#host.toneBuffer();
  }

  /**
   * webrtc-pc §7.2 insertDTMF: replaces the tone buffer; `duration` clamped to 40..6000 ms
   * (default 100), `interToneGap` to 30..6000 ms (default 70); `,` pauses 2 s.
   */
  insertDTMF(
    tones: string,
    duration: number = DTMF_DEFAULT_DURATION_MS,
    interToneGap: number = DTMF_DEFAULT_GAP_MS,
  ): void {
    if (!this.#host.sending())
      throw domError("InvalidStateError", "the transceiver does not send (currentDirection)");
    const t = normalizeDtmfTones(String(tones));
    if (t === undefined) throw domError("InvalidCharacterError", `invalid DTMF tones "${tones}"`);
    const d = clamp(duration, DTMF_DEFAULT_DURATION_MS, DTMF_MIN_DURATION_MS, DTMF_MAX_DURATION_MS);
    const g = clamp(interToneGap, DTMF_DEFAULT_GAP_MS, DTMF_MIN_GAP_MS, DTMF_MAX_GAP_MS);
    this.#host.insert(t, d, g);
  }

  /** @internal A tone started (or `""`: the buffer ran out). */
  _toneChange(tone: string): void {
    this.dispatchEvent(new RTCDTMFToneChangeEvent("tonechange", { tone }));
  }
}

function clamp(v: number, dflt: number, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n)) return dflt;
  return Math.min(max, Math.max(min, Math.round(n)));
}

defineEventHandlers(RTCDTMFSender.prototype, ["tonechange"]);
