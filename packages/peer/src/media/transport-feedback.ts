/**
 * Transport-wide congestion feedback of one bundled transport, both ways (sans-IO):
 *
 * - receive side: every RTP packet carrying the transport-wide-cc extension (draft-holmer-rmcat-
 *   transport-wide-cc-extensions-01 §2) has its arrival recorded, and a feedback packet (§3.1)
 *   leaves every 100 ms, so a browser's send-side estimator works when it sends to us;
 * - send side: our packets are stamped with one transport-wide sequence counter at send time,
 *   feedback from the peer is matched to them ({@link TransportCcSendHistory}), and REMB
 *   (draft-alvestrand-rmcat-remb-03) values are kept: together they give the
 *   `availableOutgoingBitrate` of the selected candidate pair.
 */
import type { Millis } from "@purertc/common";
import {
  decodeTransportWideCc,
  findHeaderExtension,
  patchHeaderExtension,
  type ReceiverEstimatedMaxBitrate,
  type RtpHeader,
  type TransportCcFeedback,
  type TransportCcFeedbackResult,
  TransportCcGenerator,
  TransportCcSendHistory,
  TransportCcSequencer,
} from "@purertc/rtp";

/** A REMB value is trusted this long (libwebrtc resends it at least every second). */
const REMB_VALID_MS = 5000;

/** Counters of the transport feedback (for stats and tests). */
export interface TransportFeedbackStats {
  readonly feedbackSent: number;
  readonly feedbackReceived: number;
  readonly rembReceived: number;
  readonly packetsStamped: number;
  /** Latest REMB value (bps), if any. */
  readonly remb: number | undefined;
  /** Bits per second the peer's transport-cc feedback acknowledged, if measurable. */
  readonly acknowledgedBitrate: number | undefined;
}

export class TransportFeedback {
  readonly #generator: TransportCcGenerator;
  /** Created by the first stamped packet (64 KB of typed arrays a receive-only peer never needs). */
  #history: TransportCcSendHistory | undefined;
  readonly #sequencer: TransportCcSequencer;
  /** Extension ids under which the peer's packets carry transport-wide sequence numbers. */
  #receiveIds: readonly number[] = [];
  #feedbackSent = 0;
  #rembReceived = 0;
  #feedbackReceived = 0;
  #remb: { bitrate: number; at: Millis } | undefined;

  constructor(senderSsrc: number, firstSequenceNumber: number) {
    this.#generator = new TransportCcGenerator({ senderSsrc, intervalMs: 100 });
    this.#sequencer = new TransportCcSequencer(firstSequenceNumber);
  }

  /** The negotiated ids of the transport-cc extension on the sections we receive. */
  setReceiveIds(ids: readonly number[]): void {
    this.#receiveIds = [...new Set(ids)];
  }

  /** Records the arrival of an incoming RTP packet (no-op without the extension). */
  handleRtp(now: Millis, header: RtpHeader): void {
    if (this.#receiveIds.length === 0 || !header.extension) return;
    for (const id of this.#receiveIds) {
      const v = findHeaderExtension(header.extension, id);
      if (v === undefined || v.byteLength < 2) continue;
      this.#generator.handlePacket(now, decodeTransportWideCc(v), header.ssrc);
      return;
    }
  }

  pollTimeout(): Millis | undefined {
    return this.#generator.pollTimeout();
  }

  /** The feedback packets due at `now` (empty when none). */
  pollFeedback(now: Millis): TransportCcFeedback[] {
    const fb = this.#generator.pollFeedback(now);
    this.#feedbackSent += fb.length;
    return fb;
  }

  /**
   * Stamps the next transport-wide sequence number into an encoded packet whose extension `id`
   * holds a placeholder; returns it, or -1 when the packet has no such element.
   */
  stamp(packet: Uint8Array, id: number | undefined): number {
    if (id === undefined) return -1;
    const seq = this.#sequencer.next();
    if (!patchHeaderExtension(packet, id, seq)) return -1;
    return seq;
  }

  /** Records the wire size of a stamped packet once it left. */
  handleSent(now: Millis, sequenceNumber: number, size: number): void {
    if (sequenceNumber < 0) return;
    this.#history ??= new TransportCcSendHistory();
    this.#history.handleSent(now, sequenceNumber, size);
  }

  /** A transport-cc feedback from the peer, matched to what we sent. */
  handleFeedback(fb: TransportCcFeedback): TransportCcFeedbackResult {
    this.#feedbackReceived++;
    if (!this.#history)
      return { packets: [], received: 0, lost: 0, acknowledgedBitrate: undefined };
    return this.#history.handleFeedback(fb);
  }

  handleRemb(now: Millis, remb: ReceiverEstimatedMaxBitrate): void {
    this.#rembReceived++;
    this.#remb = { bitrate: remb.bitrate, at: now };
  }

  /**
   * W3C `availableOutgoingBitrate`: the peer's REMB while fresh, else the bitrate its transport-cc
   * feedback acknowledged (a measured lower bound: we run no delay-based estimator).
   */
  availableOutgoingBitrate(now: Millis): number | undefined {
    if (this.#remb && now - this.#remb.at <= REMB_VALID_MS) return this.#remb.bitrate;
    return this.#history?.acknowledgedBitrate;
  }

  stats(): TransportFeedbackStats {
    return {
      feedbackSent: this.#feedbackSent,
      feedbackReceived: this.#feedbackReceived,
      rembReceived: this.#rembReceived,
      packetsStamped: this.#history?.packetsSent ?? 0,
      remb: this.#remb?.bitrate,
      acknowledgedBitrate: this.#history?.acknowledgedBitrate,
    };
  }
}
