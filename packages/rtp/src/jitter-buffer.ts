import { Fifo, isDecodeError, type Millis } from "@purertc/common";
import type { PayloadCodec } from "./codecs/payload-codec.js";
import type { AssembledFrame } from "./frame-assembler.js";
import type { RtpPacket } from "./rtp-packet.js";

/** Settings of a {@link JitterBuffer}. */
export interface JitterBufferConfig {
  /** Time between NACKs of the same packet (about one RTT). */
  readonly nackIntervalMs: number;
  /** NACKs per missing packet before it is given up (libwebrtc's kMaxNackRetries is 10). */
  readonly maxNackRetries: number;
  /** How long a missing packet is awaited in total before it is given up. */
  readonly giveUpMs: number;
  /** Packets held at most; a larger gap resets the buffer and asks for a keyframe. */
  readonly maxPackets: number;
  /** Minimum time between two keyframe requests (PLI, RFC 4585 §6.3.1) while one is pending. */
  readonly keyframeRequestIntervalMs: number;
  /**
   * Whether complete frames are assembled and emitted as `frame` events. Off, the buffer still
   * orders, NACKs, gives up, asks for keyframes and counts frames, but keeps no payload bytes
   * (a forwarder that only relays packets needs the repair, not the frames).
   */
  readonly assembleFrames: boolean;
}

export const DEFAULT_JITTER_BUFFER_CONFIG: JitterBufferConfig = Object.freeze({
  nackIntervalMs: 100,
  maxNackRetries: 10,
  giveUpMs: 1000,
  maxPackets: 2000,
  keyframeRequestIntervalMs: 500,
  assembleFrames: true,
});

/** What the buffer asks of its owner: deliver a frame, send a NACK, send a PLI. */
export type JitterBufferEvent =
  | { readonly type: "frame"; readonly frame: AssembledFrame }
  /** Send an RTCP generic NACK (RFC 4585 §6.2.1) for these sequence numbers. */
  | { readonly type: "nack"; readonly sequenceNumbers: readonly number[] }
  /** Send a PLI (RFC 4585 §6.3.1): the stream cannot be repaired by retransmission. */
  | { readonly type: "keyframe-request" };

export interface JitterBufferStats {
  readonly packetsReceived: number;
  readonly packetsDuplicate: number;
  readonly packetsLate: number;
  readonly framesDelivered: number;
  /** Frames not delivered: lost packets, malformed payloads, or waiting for a keyframe. */
  readonly framesDropped: number;
  readonly nacksSent: number;
  readonly keyframeRequests: number;
}

interface Held {
  readonly seq: number;
  readonly timestamp: number;
  readonly marker: boolean;
  /** A private copy when assembling frames, else not kept. */
  readonly payload: Uint8Array | undefined;
  /** The payload opens a frame (`isFrameStart`; false when it does not parse). */
  readonly start: boolean;
  /** `isKeyframe` of the payload: true, false, or undefined when it does not parse. */
  readonly key: boolean | undefined;
}

interface Missing {
  readonly since: Millis;
  nextNackAt: Millis;
  retries: number;
}

/**
 * A receive-side jitter buffer for one media stream (sans-IO). It reorders packets by extended
 * sequence number, releases complete frames in order, NACKs holes with a retry limit, and when a
 * hole cannot be repaired it drops the broken frames, asks for a keyframe (PLI) and resumes at
 * the next keyframe, so a decoder never sees a corrupt or out-of-order frame. Payloads are
 * copied: callers may reuse their buffers after `handlePacket` returns. With `assembleFrames`
 * off nothing is copied and no `frame` event is emitted (frames are still counted).
 */
export class JitterBuffer {
  readonly codec: PayloadCodec;
  readonly #cfg: JitterBufferConfig;
  readonly #events = new Fifo<JitterBufferEvent>();
  /**
   * Held packets by extended sequence number, in a ring indexed by its low bits: every held
   * packet lies in [head, highest], and the ring grows (doubling) to cover that range, so a
   * slot holds at most one live packet (a Map costs allocations per packet set and deleted).
   */
  #held: (Held | undefined)[] = new Array(64).fill(undefined);
  #mask = 63;
  readonly #missing = new Map<number, Missing>();
  #highest = -1;
  #head = -1;
  #deliveredAny = false;
  #needKeyframe: boolean;
  #lastPliAt = -Infinity;
  #assemble: boolean;
  #stats = {
    packetsReceived: 0,
    packetsDuplicate: 0,
    packetsLate: 0,
    framesDelivered: 0,
    framesDropped: 0,
    nacksSent: 0,
    keyframeRequests: 0,
  };

  constructor(codec: PayloadCodec, config: Partial<JitterBufferConfig> = {}) {
    const cfg = { ...DEFAULT_JITTER_BUFFER_CONFIG, ...config };
    for (const [k, v] of Object.entries(cfg)) {
      if (k === "assembleFrames" ? typeof v !== "boolean" : !(typeof v === "number" && v >= 0))
        throw new RangeError(`JitterBuffer: ${k} = ${v}`);
    }
    this.codec = codec;
    this.#cfg = cfg;
    this.#assemble = cfg.assembleFrames;
    this.#needKeyframe = codec.kind === "video";
  }

  /** Whether frames are assembled (see {@link JitterBufferConfig.assembleFrames}). */
  get assembleFrames(): boolean {
    return this.#assemble;
  }

  /**
   * Starts or stops assembling frames. A video consumer that starts mid-stream must begin at a
   * keyframe: turning assembly on after frames went by drops frames up to the next keyframe and
   * asks for one (PLI). The frame in progress when assembly starts is dropped (its earlier
   * packets were not kept).
   */
  setAssembleFrames(now: Millis, on: boolean): void {
    if (on === this.#assemble) return;
    this.#assemble = on;
    if (on && this.#deliveredAny && this.codec.kind === "video") this.#requestKeyframe(now);
  }

  /** Feeds one media packet (already RTX-unwrapped). */
  handlePacket(now: Millis, packet: RtpPacket): void {
    const h = packet.header;
    this.#stats.packetsReceived++;
    let ext: number;
    if (this.#highest < 0) {
      ext = 0x100000 + h.sequenceNumber;
      this.#highest = ext;
      this.#head = ext;
    } else {
      const delta = ((h.sequenceNumber - (this.#highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
      ext = this.#highest + delta;
      if (delta > this.#cfg.maxPackets || -delta > this.#cfg.maxPackets) {
        this.#reset(now, ext);
      } else if (ext < this.#head) {
        if (this.#deliveredAny) {
          this.#stats.packetsLate++;
          return;
        }
        for (let s = ext + 1; s < this.#head; s++) this.#addMissing(s, now);
        this.#head = ext;
      }
    }
    if (this.#get(ext) !== undefined) {
      this.#stats.packetsDuplicate++;
      return;
    }
    this.#missing.delete(ext);
    if (ext > this.#highest) {
      for (let s = this.#highest + 1; s < ext; s++) this.#addMissing(s, now);
      this.#highest = ext;
    }
    const payload = packet.payload;
    this.#put({
      seq: ext,
      timestamp: h.timestamp,
      marker: h.marker,
      payload: this.#assemble ? payload.slice() : undefined,
      start: this.#startsFrame(payload),
      key: this.#isKeyframe(payload),
    });
    this.#process(now);
  }

  handleTimeout(now: Millis): void {
    this.#process(now);
  }

  pollEvent(): JitterBufferEvent | undefined {
    return this.#events.shift();
  }

  /** The next NACK, give-up or keyframe-request deadline. */
  pollTimeout(): Millis | undefined {
    let t = Number.POSITIVE_INFINITY;
    for (const m of this.#missing.values()) {
      t = Math.min(t, m.since + this.#cfg.giveUpMs);
      if (m.retries < this.#cfg.maxNackRetries) t = Math.min(t, m.nextNackAt);
    }
    if (this.#needKeyframe && this.#lastPliAt > Number.NEGATIVE_INFINITY) {
      t = Math.min(t, this.#lastPliAt + this.#cfg.keyframeRequestIntervalMs);
    }
    return t === Number.POSITIVE_INFINITY ? undefined : t;
  }

  stats(): JitterBufferStats {
    return { ...this.#stats };
  }

  #get(ext: number): Held | undefined {
    const h = this.#held[ext & this.#mask];
    return h !== undefined && h.seq === ext ? h : undefined;
  }

  /** Holds `h` (head and highest already cover it), doubling the ring when the range needs it. */
  #put(h: Held): void {
    if (this.#highest - this.#head >= this.#held.length) {
      let size = this.#held.length * 2;
      while (this.#highest - this.#head >= size) size *= 2;
      const ring: (Held | undefined)[] = new Array(size).fill(undefined);
      for (let s = this.#head; s <= this.#highest; s++) {
        const old = this.#get(s);
        if (old !== undefined) ring[s & (size - 1)] = old;
      }
      this.#held = ring;
      this.#mask = size - 1;
    }
    this.#held[h.seq & this.#mask] = h;
  }

  #addMissing(s: number, now: Millis): void {
    if (this.#get(s) === undefined && !this.#missing.has(s))
      this.#missing.set(s, { since: now, nextNackAt: now, retries: 0 });
  }

  #reset(now: Millis, ext: number): void {
    this.#held.fill(undefined);
    this.#missing.clear();
    this.#highest = ext;
    this.#head = ext;
    this.#requestKeyframe(now);
  }

  #expired(s: number, now: Millis): boolean {
    const m = this.#missing.get(s);
    if (m === undefined) return false;
    if (now >= m.since + this.#cfg.giveUpMs) return true;
    return m.retries >= this.#cfg.maxNackRetries && now >= m.nextNackAt;
  }

  #process(now: Millis): void {
    this.#release(now);
    let seqs: number[] | undefined;
    for (const [s, m] of this.#missing) {
      if (m.retries < this.#cfg.maxNackRetries && m.nextNackAt <= now) {
        m.retries++;
        m.nextNackAt = now + this.#cfg.nackIntervalMs;
        if (seqs === undefined) seqs = [];
        seqs.push(s & 0xffff);
      }
    }
    if (seqs) {
      this.#stats.nacksSent++;
      this.#events.push({ type: "nack", sequenceNumbers: seqs });
    }
    if (
      this.#needKeyframe &&
      now >= this.#lastPliAt + this.#cfg.keyframeRequestIntervalMs &&
      this.#stats.framesDropped > 0
    ) {
      this.#requestKeyframe(now);
    }
  }

  #requestKeyframe(now: Millis): void {
    if (this.codec.kind !== "video") return;
    this.#needKeyframe = true;
    if (now < this.#lastPliAt + this.#cfg.keyframeRequestIntervalMs) return;
    this.#lastPliAt = now;
    this.#stats.keyframeRequests++;
    this.#events.push({ type: "keyframe-request" });
  }

  #release(now: Millis): void {
    const audio = this.codec.kind === "audio";
    for (;;) {
      const first = this.#get(this.#head);
      if (first === undefined) {
        if (this.#expired(this.#head, now)) {
          this.#skip(now);
          continue;
        }
        return;
      }
      if (!audio && !first.start) {
        this.#dropThrough(this.#head);
        this.#requestKeyframe(now);
        continue;
      }
      let end = this.#head;
      for (;;) {
        const p = this.#get(end);
        if (p === undefined) {
          if (this.#expired(end, now)) {
            this.#dropThrough(end);
            this.#requestKeyframe(now);
            break;
          }
          return;
        }
        if (p.timestamp !== first.timestamp) {
          this.#dropThrough(end - 1);
          this.#requestKeyframe(now);
          end = -1;
          break;
        }
        if (audio || p.marker) break;
        end++;
      }
      if (end < 0 || this.#get(end) === undefined) continue;
      this.#deliver(now, this.#head, end);
    }
  }

  #startsFrame(payload: Uint8Array): boolean {
    try {
      return this.codec.isFrameStart(payload);
    } catch (e) {
      if (isDecodeError(e)) return false;
      throw e;
    }
  }

  #isKeyframe(payload: Uint8Array): boolean | undefined {
    try {
      return this.codec.isKeyframe(payload);
    } catch (e) {
      if (isDecodeError(e)) return undefined;
      throw e;
    }
  }

  #deliver(now: Millis, from: number, to: number): void {
    const timestamp = this.#get(from)!.timestamp;
    // In packet order, as a decoder would look: a payload that does not parse before the one
    // that shows a keyframe makes the frame undecodable.
    let keyframe = false;
    let parses = true;
    for (let s = from; s <= to; s++) {
      const key = this.#get(s)!.key;
      if (key === undefined) {
        parses = false;
        break;
      }
      if (key) {
        keyframe = true;
        break;
      }
    }
    const wanted = parses && !(this.#needKeyframe && !keyframe);
    // Read before the slots are dropped; the array only when frames are assembled.
    let payloads: Uint8Array[] | undefined;
    if (wanted && this.#assemble) {
      payloads = [];
      for (let s = from; s <= to; s++) {
        const payload = this.#get(s)!.payload;
        if (payload === undefined) {
          payloads = undefined;
          break;
        }
        payloads.push(payload);
      }
    }
    this.#dropThrough(to, false);
    if (!parses) {
      this.#stats.framesDropped++;
      this.#requestKeyframe(now);
      return;
    }
    if (!wanted) {
      this.#stats.framesDropped++;
      return;
    }
    if (!this.#assemble) {
      this.#needKeyframe = false;
      this.#deliveredAny = true;
      this.#stats.framesDelivered++;
      return;
    }
    if (payloads === undefined) {
      // Assembly started in the middle of this frame: its first packets were not kept.
      this.#stats.framesDropped++;
      this.#needKeyframe ||= this.codec.kind === "video";
      return;
    }
    try {
      const data = this.codec.depacketize(payloads);
      this.#needKeyframe = false;
      this.#deliveredAny = true;
      this.#stats.framesDelivered++;
      const frame = {
        timestamp,
        data,
        keyframe,
        firstSequenceNumber: from & 0xffff,
        lastSequenceNumber: to & 0xffff,
      };
      this.#events.push({ type: "frame", frame });
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      this.#stats.framesDropped++;
      this.#requestKeyframe(now);
    }
  }

  /** Forgets everything up to `to` and moves the head past it. */
  #dropThrough(to: number, countFrame = true): void {
    for (let s = this.#head; s <= to; s++) {
      const i = s & this.#mask;
      if (this.#held[i]?.seq === s) this.#held[i] = undefined;
      this.#missing.delete(s);
    }
    this.#head = to + 1;
    if (countFrame) this.#stats.framesDropped++;
  }

  /** The head packet is lost for good: resume at the next frame start that is held. */
  #skip(now: Millis): void {
    let next = Number.POSITIVE_INFINITY;
    for (let s = this.#head + 1; s <= this.#highest; s++) {
      const h = this.#get(s);
      if (h !== undefined && (this.codec.kind === "audio" || h.start)) {
        next = s;
        break;
      }
    }
    if (next === Number.POSITIVE_INFINITY) next = this.#highest + 1;
    this.#dropThrough(next - 1);
    this.#requestKeyframe(now);
  }
}
