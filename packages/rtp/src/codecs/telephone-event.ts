import { DecodeError } from "@purertc/common";

/**
 * RTP payload for DTMF digits and telephony events (RFC 4733 §2.3, `audio/telephone-event`).
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `duration` counts RTP clock ticks since the event's timestamp; `volume` is the power level in
 * −dBm0 (0..63, §2.3.4). Several events may follow one another in one payload (§2.5.1.5
 * redundancy of an earlier ended event is carried that way by some senders); all are decoded.
 */
export interface TelephoneEvent {
  /** Event code (§3.2 table: 0-9 digits, 10 `*`, 11 `#`, 12-15 A-D). */
  readonly event: number;
  /** E bit: the event has ended (§2.3.3). */
  readonly end: boolean;
  /** Power level in −dBm0, 0..63 (§2.3.4). */
  readonly volume: number;
  /** Ticks of the RTP clock since the event started (§2.3.5), 0..0xffff. */
  readonly duration: number;
}

/** Length of one event block. */
export const TELEPHONE_EVENT_LENGTH = 4;

/** RFC 4733 §3.2: DTMF named events, in code order. */
const DTMF_TONES = "0123456789*#ABCD";

/** The event code of a DTMF tone (`"0"`..`"9"`, `"*"`, `"#"`, `"A"`..`"D"`, any case), or `undefined`. */
export function dtmfEventCode(tone: string): number | undefined {
  if (tone.length !== 1) return undefined;
  const i = DTMF_TONES.indexOf(tone.toUpperCase());
  return i < 0 ? undefined : i;
}

/** The DTMF tone of event code 0..15, or `undefined` for other events. */
export function dtmfTone(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? DTMF_TONES[event] : undefined;
}

/** Writes one event block at `offset`; returns the offset past it. */
export function encodeTelephoneEventInto(
  e: TelephoneEvent,
  buf: Uint8Array,
  offset: number,
): number {
  if (!Number.isInteger(e.event) || e.event < 0 || e.event > 255)
    throw new RangeError(`telephone-event: event ${e.event} outside 0..255`);
  if (!Number.isInteger(e.volume) || e.volume < 0 || e.volume > 63)
    throw new RangeError(`telephone-event: volume ${e.volume} outside 0..63`);
  if (!Number.isInteger(e.duration) || e.duration < 0 || e.duration > 0xffff)
    throw new RangeError(`telephone-event: duration ${e.duration} outside 0..65535`);
  if (offset < 0 || offset + TELEPHONE_EVENT_LENGTH > buf.byteLength)
    throw new RangeError(`telephone-event: no room at ${offset}`);
  buf[offset] = e.event;
  // §2.3.3: "R: This field is reserved for future use. The sender MUST set it to zero".
  buf[offset + 1] = (e.end ? 0x80 : 0) | e.volume;
  buf[offset + 2] = e.duration >>> 8;
  buf[offset + 3] = e.duration & 0xff;
  return offset + TELEPHONE_EVENT_LENGTH;
}

/** One event as a 4-byte payload. */
export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(TELEPHONE_EVENT_LENGTH);
  encodeTelephoneEventInto(e, out, 0);
  return out;
}

/**
 * The event blocks of a payload, in order (usually one). Throws `DecodeError` when the payload
 * is empty or not a multiple of 4 bytes.
 */
export function decodeTelephoneEvents(payload: Uint8Array): TelephoneEvent[] {
  const n = payload.byteLength;
  if (n === 0 || n % TELEPHONE_EVENT_LENGTH !== 0)
    throw new DecodeError("rtp", "bad-length", n, "telephone-event payload of 4-byte blocks");
  const out: TelephoneEvent[] = [];
  for (let o = 0; o < n; o += TELEPHONE_EVENT_LENGTH) {
    out.push({
      event: payload[o]!,
      end: (payload[o + 1]! & 0x80) !== 0,
      volume: payload[o + 1]! & 0x3f,
      duration: (payload[o + 2]! << 8) | payload[o + 3]!,
    });
  }
  return out;
}
