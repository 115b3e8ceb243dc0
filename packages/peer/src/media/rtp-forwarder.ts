/**
 * Forwarding without decoding (what an SFU does, RFC 7667 §3.7 "Selective Forwarding
 * Middlebox"): RTP packets of a received stream leave on another connection's sender with the
 * sender's own sequence numbers and timestamps, so the subscriber sees one continuous stream
 * (RFC 3550 §5.1: sequence numbers increment by one per packet, timestamps advance with the
 * sampling clock) even when the source changes.
 *
 * ```
 *  source A ──┐  (current)          out seq = startOut + (in − startIn)   gaps kept, so the
 *             ├─▶ RtpForwarder ─▶   out ts  = in ts + tsOffset            subscriber NACKs them
 *  source B ──┘  (pending until its first keyframe; A keeps flowing meanwhile)
 *
 *  switch:  A ... a41 a42 │ B(key) b8 b9 ...
 *  out seq:   ... 1041 1042│ 1043   1044 1045        (continues by one)
 *  out ts:    ... T      T │ T + elapsed × clock     (jumps by the wall time between them)
 * ```
 *
 * Sans-IO: the caller passes `now` and the payload format of each packet (to spot a keyframe
 * start), and asks {@link RtpForwarder.keyFrameRequestDue} when to send an upstream PLI.
 */
import type { Millis } from "@purertc/common";
import type { PayloadCodec, RtpPacket } from "@purertc/rtp";

/** Settings of an {@link RtpForwarder}. */
export interface RtpForwarderConfig {
  /** RTP clock of the forwarded codec (90 000 for video, 48 000 for Opus). */
  readonly clockRate: number;
  /** Hold a new source back until a keyframe starts (video); audio switches at once. */
  readonly waitForKeyframe: boolean;
  /** First outgoing sequence number and timestamp (RFC 3550 §5.1: random). */
  readonly initialSequenceNumber: number;
  readonly initialTimestamp: number;
  /**
   * Least time between two upstream keyframe requests: several subscribers' PLIs within it
   * become one PLI to the publisher (libwebrtc's own sender ignores PLIs closer than ~ one RTT).
   */
  readonly minKeyFrameIntervalMs: number;
}

export const DEFAULT_RTP_FORWARDER_CONFIG: RtpForwarderConfig = Object.freeze({
  clockRate: 90000,
  waitForKeyframe: true,
  initialSequenceNumber: 0,
  initialTimestamp: 0,
  minKeyFrameIntervalMs: 250,
});

/** Counters of a forwarder. */
export interface RtpForwarderStats {
  readonly packetsForwarded: number;
  /** Packets of a pending source dropped while waiting for its keyframe. */
  readonly packetsAwaitingKeyframe: number;
  /** Packets of no current source, or older than the switch to their source. */
  readonly packetsStale: number;
  /** Completed source switches (the first source counts as one). */
  readonly switches: number;
  readonly keyFrameRequests: number;
}

/** Packets of a pending source kept while its keyframe's first packet is awaited. */
const PENDING_BACKLOG = 256;
/** How far before its first packet the very first source's packets are still taken. */
const FIRST_SOURCE_REORDER = 1024;

/** Signed distance a − b of two 16-bit sequence numbers (RFC 3550 §A.1 style). */
function seqDelta(a: number, b: number): number {
  return ((a - b + 0x8000) & 0xffff) - 0x8000;
}

/** Rewrites the packets of one source at a time onto one outgoing RTP stream. */
export class RtpForwarder {
  readonly #cfg: RtpForwarderConfig;
  #current: object | undefined;
  #pending: object | undefined;
  /** Extended (unwrapped) highest input sequence number of the current source. */
  #highestIn = 0;
  #startIn = 0;
  #startOut = 0;
  #tsOffset = 0;
  /** Input sequence numbers below this one are older than the current source's start. */
  #floorIn = 0;
  #started = false;
  /** Extended highest output sequence number, its timestamp and when it left. */
  #highestOut = 0;
  #lastOutTs = 0;
  #lastOutAt: Millis = 0;
  #lastRequestAt: Millis | undefined;
  #held: RtpPacket[] = [];
  #forwarded = 0;
  #awaiting = 0;
  #stale = 0;
  #switches = 0;
  #requests = 0;

  constructor(config: Partial<RtpForwarderConfig> = {}) {
    const c = { ...DEFAULT_RTP_FORWARDER_CONFIG, ...config };
    if (!(Number.isInteger(c.clockRate) && c.clockRate > 0))
      throw new RangeError(`forwarder: clockRate ${c.clockRate}`);
    if (!(c.minKeyFrameIntervalMs >= 0))
      throw new RangeError(`forwarder: minKeyFrameIntervalMs ${c.minKeyFrameIntervalMs}`);
    this.#cfg = c;
  }

  /** The source whose packets are being forwarded. */
  get current(): object | undefined {
    return this.#current;
  }

  /** The source that takes over at its first keyframe. */
  get pending(): object | undefined {
    return this.#pending;
  }

  /**
   * Makes `source` the next source (`undefined`: stop forwarding at once). The current source
   * keeps flowing until the new one delivers a keyframe start (when waiting for keyframes).
   */
  switchTo(source: object | undefined): void {
    this.#held = [];
    if (source === undefined) {
      this.#current = undefined;
      this.#pending = undefined;
      return;
    }
    if (source === this.#current) {
      this.#pending = undefined;
      return;
    }
    this.#pending = source;
    this.#lastRequestAt = undefined; // the new source is asked for a keyframe at once
  }

  /** A source went away: it stops being current or pending. */
  removeSource(source: object): void {
    if (this.#current === source) this.#current = undefined;
    if (this.#pending === source) {
      this.#pending = undefined;
      this.#held = [];
    }
  }

  /**
   * Appends to `out` the packets to send for `packet` of `source` (new objects with the
   * rewritten sequence number and timestamp; payloads shared) and returns how many. `codec` is
   * the payload format of the packet's payload type (needed to see a keyframe start). A pending
   * source's packets are held (up to `PENDING_BACKLOG`) so that, when its keyframe's first packet
   * arrives late, the rest of that keyframe is not lost.
   */
  forward(
    now: Millis,
    source: object,
    packet: RtpPacket,
    codec: PayloadCodec | undefined,
    out: RtpPacket[],
  ): number {
    if (source === this.#pending) {
      const gate = this.#cfg.waitForKeyframe && this.#started;
      if (gate && !isKeyframeStart(codec, packet.payload)) {
        this.#awaiting++;
        if (this.#held.length === PENDING_BACKLOG) this.#held.shift();
        this.#held.push(packet);
        return 0;
      }
      this.#begin(now, packet.header.sequenceNumber, packet.header.timestamp);
      this.#current = source;
      this.#pending = undefined;
      this.#switches++;
      const held = this.#held;
      this.#held = [];
      const before = out.length;
      this.#map(now, packet, out);
      for (const p of held) this.#map(now, p, out);
      return out.length - before;
    }
    if (source !== this.#current) {
      this.#stale++;
      return 0;
    }
    return this.#map(now, packet, out);
  }
  /**
   * Whether to send an upstream keyframe request now (a subscriber asked, `demand`, or a pending
   * source still has not sent its keyframe); throttled by `minKeyFrameIntervalMs`. The request
   * goes to the pending source when there is one, else to the current one.
   */
  keyFrameRequestDue(now: Millis, demand: boolean): boolean {
    if (!demand && this.#pending === undefined) return false;
    if (this.#pending === undefined && this.#current === undefined) return false;
    const last = this.#lastRequestAt;
    if (last !== undefined && now - last < this.#cfg.minKeyFrameIntervalMs) return false;
    this.#lastRequestAt = now;
    this.#requests++;
    return true;
  }

  stats(): RtpForwarderStats {
    return {
      packetsForwarded: this.#forwarded,
      packetsAwaitingKeyframe: this.#awaiting,
      packetsStale: this.#stale,
      switches: this.#switches,
      keyFrameRequests: this.#requests,
    };
  }

  /**
   * Maps a new source's first packet onto the next output sequence number and a timestamp that
   * advances by the wall time since the last packet sent (at least one tick). The very first
   * source also takes packets older than its first one (reordered or repaired by RTX).
   */
  #begin(now: Millis, seq: number, timestamp: number): void {
    this.#highestIn = seq;
    this.#startIn = seq;
    if (!this.#started) {
      this.#started = true;
      this.#floorIn = seq - FIRST_SOURCE_REORDER;
      this.#startOut = this.#cfg.initialSequenceNumber & 0xffff;
      this.#highestOut = this.#startOut - 1;
      this.#tsOffset = (this.#cfg.initialTimestamp - timestamp) >>> 0;
      return;
    }
    this.#floorIn = seq;
    this.#startOut = this.#highestOut + 1;
    const elapsed = Math.max(1, Math.round(((now - this.#lastOutAt) * this.#cfg.clockRate) / 1000));
    this.#tsOffset = (this.#lastOutTs + elapsed - timestamp) >>> 0;
  }

  /** Rewrites one packet of the current source; 0 when it predates the switch to it. */
  #map(now: Millis, packet: RtpPacket, out: RtpPacket[]): number {
    const h = packet.header;
    const ext = this.#highestIn + seqDelta(h.sequenceNumber, this.#highestIn & 0xffff);
    if (ext < this.#floorIn) {
      this.#stale++;
      return 0;
    }
    if (ext > this.#highestIn) this.#highestIn = ext;
    const outExt = this.#startOut + (ext - this.#startIn);
    const ts = (h.timestamp + this.#tsOffset) >>> 0;
    if (outExt > this.#highestOut) {
      this.#highestOut = outExt;
      this.#lastOutTs = ts;
      this.#lastOutAt = now;
    }
    this.#forwarded++;
    out.push({
      header: {
        padding: h.padding,
        marker: h.marker,
        payloadType: h.payloadType,
        sequenceNumber: outExt & 0xffff,
        timestamp: ts,
        ssrc: h.ssrc,
        csrcs: h.csrcs,
        extension: h.extension,
      },
      payload: packet.payload,
      paddingSize: packet.paddingSize,
    });
    return 1;
  }
}

/** Whether a payload opens a keyframe (its frame's first packet, decodable on its own). */
export function isKeyframeStart(codec: PayloadCodec | undefined, payload: Uint8Array): boolean {
  if (codec === undefined) return false;
  if (codec.kind === "audio") return true;
  try {
    return codec.isFrameStart(payload) && codec.isKeyframe(payload);
  } catch {
    return false;
  }
}
