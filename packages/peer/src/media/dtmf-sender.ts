/**
 * The tone scheduler behind `RTCDTMFSender` (webrtc-pc §7.2, "playout task"), sans-IO: a tone
 * buffer played one tone at a time for `duration` ms followed by `interToneGap` ms (`,` pauses
 * 2000 ms), each tone sent as RFC 4733 telephone-events on the audio stream's SSRC and sequence
 * space (§2.5.1): a packet every 50 ms (§2.5.1.2, "a packet every 50 ms is RECOMMENDED"), the
 * marker bit on the first, the duration growing from the event's timestamp, the final packet with
 * the E bit sent three times (§2.5.1.4), events longer than 0xFFFF ticks cut into segments with
 * new timestamps (§2.5.1.3).
 */
import type { Millis } from "@purertc/common";
import { dtmfEventCode, encodeTelephoneEvent } from "@purertc/rtp";

/** webrtc-pc §7.2 insertDTMF bounds and defaults. */
export const DTMF_DEFAULT_DURATION_MS = 100;
export const DTMF_MIN_DURATION_MS = 40;
export const DTMF_MAX_DURATION_MS = 6000;
export const DTMF_DEFAULT_GAP_MS = 70;
export const DTMF_MIN_GAP_MS = 30;
export const DTMF_MAX_GAP_MS = 6000;
/** webrtc-pc §7.2: "If tone is ',' delay sending tones for 2000 ms". */
export const DTMF_COMMA_PAUSE_MS = 2000;
/** RFC 4733 §2.5.1.2: packet interval while an event lasts. */
export const DTMF_PACKET_INTERVAL_MS = 50;
/** libwebrtc's volume (−10 dBm0), RFC 4733 §2.3.4 range 0..63. */
const VOLUME = 10;
const MAX_DURATION_TICKS = 0xffff;

/** A telephone-event packet to send: payload and header fields (SSRC/sequence by the caller). */
export interface DtmfPacket {
  readonly payload: Uint8Array;
  readonly marker: boolean;
  readonly timestamp: number;
}

/** What one {@link DtmfSender.handleTimeout} produced. */
export interface DtmfOutput {
  readonly packets: DtmfPacket[];
  /** webrtc-pc `tonechange` values, in order (`""` once the buffer ran empty). */
  readonly tones: string[];
}

interface Playing {
  readonly code: number;
  readonly startAt: Millis;
  readonly durationMs: number;
  readonly baseTimestamp: number;
  nextPacketAt: Millis;
  first: boolean;
}

/**
 * Normalizes a tone string as webrtc-pc §7.2 insertDTMF does: uppercase; `undefined` when it
 * has a character outside `0-9 A-D # * ,`.
 */
export function normalizeDtmfTones(tones: string): string | undefined {
  const up = tones.toUpperCase();
  for (const ch of up) if (ch !== "," && dtmfEventCode(ch) === undefined) return undefined;
  return up;
}

/** One sender's DTMF playout; `now` and the audio clock come from the caller. */
export class DtmfSender {
  readonly clockRate: number;
  #buffer = "";
  #durationMs = DTMF_DEFAULT_DURATION_MS;
  #gapMs = DTMF_DEFAULT_GAP_MS;
  /** When the playout task runs next (webrtc-pc's queued task), or `undefined` when idle. */
  #taskAt: Millis | undefined;
  #playing: Playing | undefined;

  constructor(clockRate: number) {
    if (!(clockRate > 0)) throw new RangeError(`DtmfSender: clock rate ${clockRate}`);
    this.clockRate = clockRate;
  }

  /** The tones not yet started (webrtc-pc `toneBuffer`). */
  get toneBuffer(): string {
    return this.#buffer;
  }

  /**
   * webrtc-pc §7.2 insertDTMF steps 7-10: replaces the tone buffer and the duration/gap (already
   * validated, normalized and clamped); starts the playout task when none is running.
   */
  insert(now: Millis, tones: string, durationMs: number, gapMs: number): void {
    this.#buffer = tones;
    this.#durationMs = durationMs;
    this.#gapMs = gapMs;
    if (this.#taskAt === undefined && tones !== "") this.#taskAt = now;
  }

  /** Clears the buffer (the track went away); a tone being played still ends properly. */
  clear(): void {
    this.#buffer = "";
  }

  pollTimeout(): Millis | undefined {
    const p = this.#playing?.nextPacketAt;
    const t = this.#taskAt;
    if (p === undefined) return t;
    return t === undefined || p < t ? p : t;
  }

  /**
   * Runs what is due at `now`. `timestampAt(now)` gives the audio stream's RTP timestamp for the
   * current time (an event's timestamp is the audio time at which it starts, RFC 4733 §2.3.1).
   */
  handleTimeout(now: Millis, timestampAt: (now: Millis) => number): DtmfOutput {
    const out: DtmfOutput = { packets: [], tones: [] };
    for (let guard = 0; guard < 64; guard++) {
      const p = this.#playing;
      const t = this.#taskAt;
      if (p && p.nextPacketAt <= now && (t === undefined || p.nextPacketAt <= t)) {
        this.#packet(p, out);
        continue;
      }
      if (t !== undefined && t <= now) {
        this.#playout(t, timestampAt, out);
        continue;
      }
      break;
    }
    return out;
  }

  /** webrtc-pc §7.2 "Playout task", run at its scheduled time `at`. */
  #playout(at: Millis, timestampAt: (now: Millis) => number, out: DtmfOutput): void {
    this.#taskAt = undefined;
    if (this.#buffer === "") {
      out.tones.push("");
      return;
    }
    const tone = this.#buffer[0]!;
    this.#buffer = this.#buffer.slice(1);
    if (tone === ",") {
      this.#taskAt = at + DTMF_COMMA_PAUSE_MS;
    } else {
      this.#playing = {
        code: dtmfEventCode(tone)!,
        startAt: at,
        durationMs: this.#durationMs,
        baseTimestamp: timestampAt(at) >>> 0,
        nextPacketAt: at,
        first: true,
      };
      this.#taskAt = at + this.#durationMs + this.#gapMs;
    }
    out.tones.push(tone);
  }

  /** One scheduled packet of the playing event (the last one is the end, sent three times). */
  #packet(p: Playing, out: DtmfOutput): void {
    const elapsed = p.nextPacketAt - p.startAt;
    // The duration reported covers the packet interval being sent (RFC 4733 §2.5.1.2; NetEq
    // rejects a zero duration), never past the tone's end; the end packet leaves when it ends.
    const end = elapsed >= p.durationMs;
    const ms = Math.min(end ? p.durationMs : elapsed + DTMF_PACKET_INTERVAL_MS, p.durationMs);
    const ticks = Math.round((ms * this.clockRate) / 1000);
    // §2.5.1.3: a long event restarts at timestamp + 0xFFFF with the duration counted again.
    const segment = Math.max(0, Math.ceil(ticks / MAX_DURATION_TICKS) - 1);
    const timestamp = (p.baseTimestamp + segment * MAX_DURATION_TICKS) >>> 0;
    const payload = encodeTelephoneEvent({
      event: p.code,
      end,
      volume: VOLUME,
      duration: ticks - segment * MAX_DURATION_TICKS,
    });
    const marker = p.first;
    p.first = false;
    const copies = end ? 3 : 1;
    for (let k = 0; k < copies; k++) out.packets.push({ payload, marker, timestamp });
    if (end) this.#playing = undefined;
    else
      p.nextPacketAt = Math.min(p.nextPacketAt + DTMF_PACKET_INTERVAL_MS, p.startAt + p.durationMs);
  }
}
