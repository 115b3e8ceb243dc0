/**
 * The media half of the peer core (sans-IO): SRTP/SRTCP keyed from DTLS (RFC 5764 §4.2), every
 * sender and receiver of the bundle, RTP demultiplexed to receivers by SSRC, else by the MID
 * header extension (RFC 8843 §9.2), else by payload type; RTCP reports (RFC 3550 §6.4) timed
 * by RFC 3550 A.7 with AVPF's trr-int (./rtcp-interval.ts) and feedback (RFC 4585: NACK
 * answered over RTX, PLI/FIR surfaced); transport-wide congestion feedback both ways
 * (./transport-feedback.ts) and RFC 4733 DTMF
 * (./dtmf-sender.ts, ./dtmf-receiver.ts). The receive path is ./rtp-inbound.ts (routing in
 * ./rtp-router.ts), the peer's RTCP ./rtcp-inbound.ts, our regular reports ./rtcp-reports.ts.
 *
 * ```
 *  sendFrame ─▶ SendStream (packetize, history) ─▶ twcc seq ─▶ SRTP ─▶ pollTransmit()
 *  insertDtmf ─▶ DtmfSender (telephone-events, audio SSRC) ─┘
 *  handleDatagram ─▶ SRTP ─┬─ RTP ─▶ twcc arrival ─▶ SSRC│MID│PT ─▶ ReceiveStream ─▶ JitterBuffer
 *                          │                                      └─ telephone-event ─▶ "dtmf"
 *                          └─ RTCP ─▶ SR/RR stats, NACK → RTX resend, PLI/FIR → event,
 *                                     transport-cc / REMB → "transport-cc" / "remb"
 * ```
 */
import { Fifo, type Logger, type Millis, type Rng } from "@purertc/common";
import {
  decodeRtcp,
  decodeRtpPacket,
  encodedLengthRtpPacket,
  encodeRtcp,
  encodeRtpPacketInto,
  type HeaderExtension,
  isRtcpPacket,
  RTP_EXTENSION_URI,
  type RtcpPacket,
  type RtpPacket,
} from "@purertc/rtp";
import { isSrtpFailure, type SrtpContext } from "@purertc/srtp";
import type { MediaEvent } from "./media-events.js";
import { DEFAULT_MEDIA_SESSION_CONFIG, type MediaSessionConfig } from "./media-session-config.js";
import type { MediaReceiveConfig, ReceiveStream, ReceiveStreamStats } from "./receive-stream.js";
import { handleRtcpPackets, type RtcpInboundHost } from "./rtcp-inbound.js";
import { RtcpReporter } from "./rtcp-reporter.js";
import { drainJitterBuffer, handleRtpPacket, type RtpInboundHost } from "./rtp-inbound.js";
import { RtpRouter } from "./rtp-router.js";
import type { MediaSendConfig, SendStream, SendStreamStats } from "./send-stream.js";
import { applyReceivers, applySenders } from "./stream-set.js";
import { TransportFeedback, type TransportFeedbackStats } from "./transport-feedback.js";

export { DEFAULT_MEDIA_SESSION_CONFIG, type MediaSessionConfig };

/** Counters of the session: what was dropped and why. */
export interface MediaSessionStats {
  readonly srtpFailures: number;
  readonly srtcpFailures: number;
  readonly unroutable: number;
  readonly malformed: number;
  readonly beforeKeys: number;
  /** Transport-wide feedback both ways (transport-cc sent and received, REMB received). */
  readonly feedback: TransportFeedbackStats;
  readonly senders: readonly SendStreamStats[];
  readonly receivers: readonly ReceiveStreamStats[];
}

/** Every RTP stream of one bundled transport. */
export class MediaSession {
  readonly #cfg: MediaSessionConfig;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #cname: string;
  readonly #rtcpSsrc: number;
  readonly #events = new Fifo<MediaEvent>();
  readonly #out = new Fifo<Uint8Array>();
  readonly #reports: RtcpReporter;
  readonly #senders = new Map<number, SendStream>();
  readonly #receivers = new Map<number, ReceiveStream>();
  readonly #router = new RtpRouter();
  readonly #feedback: TransportFeedback;
  readonly #rtcpHost: RtcpInboundHost;
  readonly #rtpHost: RtpInboundHost;
  #srtp: SrtpContext | undefined;
  #cryptex = false;
  /** Where outgoing RTP is encoded before SRTP (one MTU; grown for a larger packet). */
  #scratch = new Uint8Array(1500);
  #srtpFailures = 0;
  #srtcpFailures = 0;
  #unroutable = 0;
  #malformed = 0;
  #beforeKeys = 0;

  constructor(rng: Rng, logger: Logger, cname: string, config: Partial<MediaSessionConfig> = {}) {
    this.#cfg = { ...DEFAULT_MEDIA_SESSION_CONFIG, ...config };
    for (const [k, v] of Object.entries(this.#cfg)) {
      if (typeof v === "boolean") continue;
      if (!(typeof v === "number" && Number.isFinite(v) && (v >= 0 || k === "wallClockOffsetMs")))
        throw new RangeError(`media: ${k} = ${String(v)}`);
    }
    if (this.#cfg.maxRtcpBytes < 200) throw new RangeError("media: maxRtcpBytes below 200");
    this.#rng = rng;
    this.#log = logger.child("media");
    this.#cname = cname;
    this.#rtcpSsrc = rng.nextU32() >>> 0 || 1;
    this.#feedback = new TransportFeedback(this.#rtcpSsrc, rng.nextU32() & 0xffff);
    this.#reports = new RtcpReporter(
      this.#cfg,
      rng,
      cname,
      this.#rtcpSsrc,
      this.#senders,
      this.#receivers,
    );
    this.#rtcpHost = {
      senders: this.#senders,
      receivers: this.#receivers,
      feedback: this.#feedback,
      wallClockOffsetMs: this.#cfg.wallClockOffsetMs,
      log: this.#log,
      event: (e) => this.#events.push(e),
      retransmit: (now, tx, p) => this.#out.push(this.#protect(now, tx, p)),
    };
    this.#rtpHost = {
      receivers: this.#receivers,
      router: this.#router,
      feedback: this.#feedback,
      rtcpSsrc: this.#rtcpSsrc,
      keyed: () => this.#srtp !== undefined,
      event: (e) => this.#events.push(e),
      sendRtcp: (packets) => this.#sendRtcp(packets),
    };
  }

  /** The CNAME (RFC 7022) written in SDES and `a=ssrc:... cname:`. */
  get cname(): string {
    return this.#cname;
  }

  get keyed(): boolean {
    return this.#srtp !== undefined;
  }

  /** Installs the SRTP context once DTLS has exported the keys. */
  setSrtp(now: Millis, srtp: SrtpContext): void {
    this.#srtp = srtp;
    srtp.setCryptex(this.#cryptex);
    this.#armReport(now);
  }

  /** Whether RTP is protected with cryptex (RFC 9335) once keyed. */
  get cryptex(): boolean {
    return this.#cryptex;
  }

  /**
   * Cryptex (RFC 9335): on when both sides signalled `a=cryptex` on the bundle's RTP sections;
   * header extensions and CSRCs are then encrypted from the next packet on (and accepted
   * encrypted). Applies to the SRTP context now or when it is installed.
   */
  setCryptex(enabled: boolean): void {
    this.#cryptex = enabled;
    this.#srtp?.setCryptex(enabled);
  }

  /**
   * Applies a negotiation: streams keep their state when their id and SSRC stay; streams not
   * listed are removed.
   */
  configure(
    now: Millis,
    senders: readonly MediaSendConfig[],
    receivers: readonly MediaReceiveConfig[],
  ): void {
    applySenders(this.#senders, senders, this.#rng);
    const bound = applyReceivers(this.#receivers, receivers, this.#cfg);
    this.#router.configure(bound);
    this.#feedback.setReceiveIds(
      receivers.flatMap((c) =>
        c.extmaps.filter((e) => e.uri === RTP_EXTENSION_URI.transportWideCc).map((e) => e.id),
      ),
    );
    this.#armReport(now);
  }

  /** Packetizes and sends one encoded frame; `false` when the stream cannot send yet. */
  sendFrame(now: Millis, senderId: number, frame: Uint8Array, timestamp: number): boolean {
    const tx = this.#senders.get(senderId);
    if (!tx || !this.#srtp) return false;
    for (const p of tx.packetizeFrame(now, frame, timestamp)) this.#sendMedia(now, tx, p);
    return true;
  }

  /**
   * Sends a ready RTP packet on a sender (SSRC, payload type and extensions rewritten); the
   * `carried` end-to-end extensions (in this sender's ids) are kept next to ours.
   */
  sendRtp(
    now: Millis,
    senderId: number,
    packet: RtpPacket,
    carried?: readonly HeaderExtension[],
  ): boolean {
    const tx = this.#senders.get(senderId);
    if (!tx || !this.#srtp) return false;
    this.#sendMedia(now, tx, tx.restamp(now, packet, carried));
    return true;
  }

  /**
   * webrtc-pc §7.2 insertDTMF on an audio sender: replaces its tone buffer (tones normalized and
   * durations clamped by the caller) and starts playout; `false` when telephone-event was not
   * negotiated for it. Tones due before SRTP keys are played silently (their time passes).
   */
  insertDtmf(
    now: Millis,
    senderId: number,
    tones: string,
    durationMs: number,
    interToneGapMs: number,
  ): boolean {
    const tx = this.#senders.get(senderId);
    if (!tx?.dtmf) return false;
    tx.dtmf.sender.insert(now, tones, durationMs, interToneGapMs);
    this.#runDtmf(now, tx);
    return true;
  }

  /** Whether a sender can play DTMF (an audio stream with telephone-event negotiated). */
  canInsertDtmf(senderId: number): boolean {
    return this.#senders.get(senderId)?.dtmf !== undefined;
  }

  /** The tones a sender has not started yet (webrtc-pc `toneBuffer`). */
  dtmfToneBuffer(senderId: number): string {
    return this.#senders.get(senderId)?.dtmf?.sender.toneBuffer ?? "";
  }

  /**
   * W3C `availableOutgoingBitrate` (bps): the peer's fresh REMB, else what its transport-cc
   * feedback acknowledged; `undefined` before either arrived.
   */
  availableOutgoingBitrate(now: Millis): number | undefined {
    return this.#feedback.availableOutgoingBitrate(now);
  }

  /**
   * Whether a receiver assembles frames (`frame` events; on by default). A receiver whose frames
   * nobody reads (a forwarder that relays its `rtp` packets) turns it off: no payload copies, no
   * depacketizing, while NACK, PLI and the frame counters keep working. Turned back on for a
   * video stream that already flowed, frames resume at the next keyframe, which is asked for
   * (PLI) at once. `false` when there is no such receiver.
   */
  setFrameAssembly(now: Millis, receiverId: number, on: boolean): boolean {
    const rx = this.#receivers.get(receiverId);
    if (!rx) return false;
    rx.setAssembleFrames(now, on);
    drainJitterBuffer(this.#rtpHost, rx);
    return true;
  }

  /** Asks the sender of a receiver's stream for a keyframe (PLI, RFC 4585 §6.3.1). */
  requestKeyFrame(_now: Millis, receiverId: number): boolean {
    const rx = this.#receivers.get(receiverId);
    if (!rx || rx.mediaSsrc === undefined || !this.#srtp) return false;
    rx.pliCount++;
    this.#sendRtcp([{ type: "pli", senderSsrc: this.#rtcpSsrc, mediaSsrc: rx.mediaSsrc }]);
    return true;
  }

  /** One SRTP or SRTCP datagram (RFC 5761 §4 tells them apart). Never throws on its content. */
  handleDatagram(now: Millis, data: Uint8Array): void {
    const srtp = this.#srtp;
    if (!srtp) {
      this.#beforeKeys++;
      return;
    }
    if (isRtcpPacket(data)) {
      const r = srtp.unprotectRtcp(data);
      if (isSrtpFailure(r)) this.#srtcpFailures++;
      else {
        this.#reports.noteRtcp(data.byteLength);
        this.#handleRtcp(now, r);
      }
      return;
    }
    const r = srtp.unprotectRtp(data);
    if (isSrtpFailure(r)) {
      this.#srtpFailures++;
      return;
    }
    let p: RtpPacket;
    try {
      p = decodeRtpPacket(r);
    } catch {
      this.#malformed++;
      return;
    }
    const result = handleRtpPacket(this.#rtpHost, now, p, r.byteLength);
    if (result === "unroutable") this.#unroutable++;
    else if (result === "malformed") this.#malformed++;
  }

  handleTimeout(now: Millis): void {
    for (const c of this.#reports.handleTimeout(now)) this.#sendRtcp(c.packets, c.ssrcs);
    const fbAt = this.#feedback.pollTimeout();
    if (fbAt !== undefined && fbAt <= now) {
      const fb = this.#feedback.pollFeedback(now);
      if (fb.length > 0 && this.#srtp) this.#sendRtcp(fb);
    }
    for (const tx of this.#senders.values()) {
      const at = tx.dtmf?.sender.pollTimeout();
      if (at !== undefined && at <= now) this.#runDtmf(now, tx);
    }
    for (const rx of this.#receivers.values()) {
      const at = rx.pollTimeout();
      if (at !== undefined && at <= now) {
        rx.jitterBuffer!.handleTimeout(now);
        drainJitterBuffer(this.#rtpHost, rx);
      }
    }
  }

  pollTransmit(): Uint8Array | undefined {
    return this.#out.shift();
  }

  pollEvent(): MediaEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    let t = this.#reports.pollTimeout();
    for (const rx of this.#receivers.values()) {
      const at = rx.pollTimeout();
      if (at !== undefined && (t === undefined || at < t)) t = at;
    }
    for (const tx of this.#senders.values()) {
      const at = tx.dtmf?.sender.pollTimeout();
      if (at !== undefined && (t === undefined || at < t)) t = at;
    }
    const fb = this.#feedback.pollTimeout();
    if (fb !== undefined && (t === undefined || fb < t)) t = fb;
    return t;
  }

  stats(): MediaSessionStats {
    return {
      srtpFailures: this.#srtpFailures,
      srtcpFailures: this.#srtcpFailures,
      unroutable: this.#unroutable,
      malformed: this.#malformed,
      beforeKeys: this.#beforeKeys,
      feedback: this.#feedback.stats(),
      senders: [...this.#senders.values()].map((s) => s.stats()),
      receivers: [...this.#receivers.values()].map((r) => r.stats()),
    };
  }

  senderStats(id: number): SendStreamStats | undefined {
    return this.#senders.get(id)?.stats();
  }

  receiverStats(id: number): ReceiveStreamStats | undefined {
    return this.#receivers.get(id)?.stats();
  }

  // --- internals ------------------------------------------------------------------------------

  #sendMedia(now: Millis, tx: SendStream, p: RtpPacket): void {
    const wire = this.#protect(now, tx, p);
    tx.noteSent(now, p, wire.byteLength);
    this.#out.push(wire);
  }

  /** Encodes, stamps the transport-wide sequence number (when negotiated) and protects. */
  #protect(now: Millis, tx: SendStream, p: RtpPacket): Uint8Array {
    // Encoded into a reused buffer: SRTP protect writes a fresh output and keeps no reference.
    const length = encodedLengthRtpPacket(p);
    if (length > this.#scratch.byteLength) this.#scratch = new Uint8Array(length);
    encodeRtpPacketInto(p, this.#scratch, 0);
    const bytes = this.#scratch.subarray(0, length);
    const seq = this.#feedback.stamp(bytes, tx.twccId);
    const wire = this.#srtp!.protectRtp(bytes);
    this.#feedback.handleSent(now, seq, wire.byteLength);
    return wire;
  }

  /** Runs a sender's due DTMF playout: telephone-event packets out, tone changes as events. */
  #runDtmf(now: Millis, tx: SendStream): void {
    const dtmf = tx.dtmf;
    if (!dtmf) return;
    const out = dtmf.sender.handleTimeout(now, (t) => tx.rtpTimestampAt(t));
    for (const d of this.#srtp ? out.packets : []) {
      const wire = this.#protect(now, tx, tx.dtmfPacket(d.payload, d.marker, d.timestamp, now));
      tx.noteDtmfSent(now, wire.byteLength);
      this.#out.push(wire);
    }
    for (const tone of out.tones)
      this.#events.push({ type: "dtmf-tonechange", senderId: tx.config.id, tone });
  }

  /** Protects and queues a compound; its size feeds avg_rtcp_size (RFC 3550 A.7). */
  #sendRtcp(packets: readonly RtcpPacket[], ssrcs = 1): void {
    const wire = this.#srtp!.protectRtcp(encodeRtcp(packets));
    this.#reports.noteRtcp(wire.byteLength, ssrcs);
    this.#out.push(wire);
  }

  #armReport(now: Millis): void {
    const streams = this.#senders.size + this.#receivers.size > 0;
    this.#reports.arm(now, this.#srtp !== undefined && streams);
  }

  #handleRtcp(now: Millis, data: Uint8Array): void {
    let packets: RtcpPacket[];
    try {
      packets = decodeRtcp(data);
    } catch {
      this.#malformed++;
      return;
    }
    handleRtcpPackets(this.#rtcpHost, now, packets);
  }
}
