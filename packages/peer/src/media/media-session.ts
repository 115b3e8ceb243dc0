/**
 * The media half of the peer core (sans-IO): SRTP/SRTCP keyed from DTLS (RFC 5764 §4.2), every
 * sender and receiver of the bundle, RTP demultiplexed to receivers by SSRC, else by the MID
 * header extension (RFC 8843 §9.2), else by payload type; RTCP reports (RFC 3550 §6.4) on a
 * randomized interval and feedback (RFC 4585: NACK answered over RTX, PLI/FIR surfaced);
 * transport-wide congestion feedback both ways (./transport-feedback.ts) and RFC 4733 DTMF
 * (./dtmf-sender.ts, ./dtmf-receiver.ts).
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
import { Fifo, type Logger, type Millis, type Rng, TimerTable } from "@purertc/common";
import {
  decodeRtcp,
  decodeRtpPacket,
  decodeSdesExtension,
  encodeRtcp,
  encodeRtpPacket,
  findHeaderExtension,
  type HeaderExtension,
  isRtcpPacket,
  nackItemsFromSequenceNumbers,
  nackSequenceNumbers,
  ntpFromUnixMs,
  RTP_EXTENSION_URI,
  type RtcpPacket,
  type RtpPacket,
  SDES_CNAME,
  unixMsFromNtp,
  unwrapRtx,
} from "@purertc/rtp";
import { isSrtpFailure, type SrtpContext } from "@purertc/srtp";
import type { MediaEvent } from "./media-events.js";
import {
  type MediaReceiveConfig,
  ReceiveStream,
  type ReceiveStreamStats,
} from "./receive-stream.js";
import { type MediaSendConfig, SendStream, type SendStreamStats } from "./send-stream.js";
import { receiverForMid } from "./simulcast-route.js";
import { TransportFeedback, type TransportFeedbackStats } from "./transport-feedback.js";

/** Settings of a {@link MediaSession}. */
export interface MediaSessionConfig {
  /** RFC 3550 §6.2 leaves the interval to the profile; libwebrtc reports video every 1 s. */
  readonly videoReportIntervalMs: number;
  /** RFC 3550 §6.2: "the recommended value for a fixed minimum interval is 5 seconds". */
  readonly audioReportIntervalMs: number;
  /** Jitter buffer: time between NACKs of one packet (about one RTT) and the give-up time. */
  readonly nackIntervalMs: number;
  readonly giveUpMs: number;
  /** Wall clock at `now` = 0, for SR NTP timestamps (RFC 3550 §6.4.1); 0 keeps them relative. */
  readonly wallClockOffsetMs: number;
}

export const DEFAULT_MEDIA_SESSION_CONFIG: MediaSessionConfig = Object.freeze({
  videoReportIntervalMs: 1000,
  audioReportIntervalMs: 5000,
  nackIntervalMs: 50,
  giveUpMs: 1000,
  wallClockOffsetMs: 0,
});

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

type Timer = "report";

/** Every RTP stream of one bundled transport. */
export class MediaSession {
  readonly #cfg: MediaSessionConfig;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #cname: string;
  readonly #rtcpSsrc: number;
  readonly #events = new Fifo<MediaEvent>();
  readonly #out = new Fifo<Uint8Array>();
  readonly #timers = new TimerTable<Timer>();
  readonly #senders = new Map<number, SendStream>();
  readonly #receivers = new Map<number, ReceiveStream>();
  /** Bound SSRCs: the receiver, and whether the SSRC is its RTX stream. */
  readonly #bySsrc = new Map<number, { rx: ReceiveStream; rtx: boolean }>();
  readonly #midIds = new Set<number>();
  readonly #feedback: TransportFeedback;
  #srtp: SrtpContext | undefined;
  #srtpFailures = 0;
  #srtcpFailures = 0;
  #unroutable = 0;
  #malformed = 0;
  #beforeKeys = 0;

  constructor(rng: Rng, logger: Logger, cname: string, config: Partial<MediaSessionConfig> = {}) {
    this.#cfg = { ...DEFAULT_MEDIA_SESSION_CONFIG, ...config };
    for (const [k, v] of Object.entries(this.#cfg))
      if (!(typeof v === "number" && Number.isFinite(v) && (v >= 0 || k === "wallClockOffsetMs")))
        throw new RangeError(`media: ${k} = ${String(v)}`);
    this.#rng = rng;
    this.#log = logger.child("media");
    this.#cname = cname;
    this.#rtcpSsrc = rng.nextU32() >>> 0 || 1;
    this.#feedback = new TransportFeedback(this.#rtcpSsrc, rng.nextU32() & 0xffff);
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
    this.#armReport(now);
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
    const keepTx = new Set<number>();
    for (const c of senders) {
      keepTx.add(c.id);
      const cur = this.#senders.get(c.id);
      if (cur && cur.ssrc === c.ssrc && cur.payloadType === c.codecs[0]?.payloadType) {
        cur.config = c;
        continue;
      }
      this.#senders.set(c.id, new SendStream(c, this.#rng.nextU32() & 0x7fff));
    }
    for (const id of [...this.#senders.keys()]) if (!keepTx.has(id)) this.#senders.delete(id);
    const keepRx = new Set<number>();
    this.#midIds.clear();
    this.#bySsrc.clear();
    for (const c of receivers) {
      keepRx.add(c.id);
      let rx = this.#receivers.get(c.id);
      if (rx && rx.config.mid === c.mid) rx.config = c;
      else {
        rx = new ReceiveStream(c, {
          nackIntervalMs: this.#cfg.nackIntervalMs,
          giveUpMs: this.#cfg.giveUpMs,
        });
        this.#receivers.set(c.id, rx);
      }
      const mid = c.extmaps.find((e) => e.uri === RTP_EXTENSION_URI.mid);
      if (mid) this.#midIds.add(mid.id);
      for (const s of c.ssrcs) this.#bySsrc.set(s, { rx, rtx: false });
      for (const s of c.rtxSsrcs.keys()) this.#bySsrc.set(s, { rx, rtx: true });
      if (rx.mediaSsrc !== undefined && !this.#bySsrc.has(rx.mediaSsrc))
        this.#bySsrc.set(rx.mediaSsrc, { rx, rtx: false });
    }
    for (const id of [...this.#receivers.keys()]) if (!keepRx.has(id)) this.#receivers.delete(id);
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
      else this.#handleRtcp(now, r);
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
    this.#handleRtp(now, p, r.byteLength);
  }

  handleTimeout(now: Millis): void {
    for (const t of this.#timers.expire(now)) if (t === "report") this.#sendReports(now);
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
        this.#drainBuffer(rx);
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
    let t = this.#timers.next();
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
    const bytes = encodeRtpPacket(p);
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
      tx.noteDtmfSent(wire.byteLength);
      this.#out.push(wire);
    }
    for (const tone of out.tones)
      this.#events.push({ type: "dtmf-tonechange", senderId: tx.config.id, tone });
  }

  #sendRtcp(packets: readonly RtcpPacket[]): void {
    this.#out.push(this.#srtp!.protectRtcp(encodeRtcp(packets)));
  }

  #armReport(now: Millis): void {
    if (!this.#srtp || (this.#senders.size === 0 && this.#receivers.size === 0)) {
      this.#timers.clear("report");
      return;
    }
    if (this.#timers.isArmed("report")) return;
    let video = false;
    for (const s of this.#senders.values()) video ||= s.config.kind === "video";
    for (const r of this.#receivers.values()) video ||= r.config.kind === "video";
    const base = video ? this.#cfg.videoReportIntervalMs : this.#cfg.audioReportIntervalMs;
    // RFC 3550 §6.3.1: the interval is randomized over [0.5, 1.5] times the computed one.
    this.#timers.set("report", now + base * (0.5 + this.#rng.nextU32() / 0x100000000));
  }

  /** RFC 3550 §6.4: one compound packet with an SR per sending SSRC (else an RR) and SDES. */
  #sendReports(now: Millis): void {
    this.#armReport(now);
    const blocks = [];
    for (const rx of this.#receivers.values()) {
      const s = rx.receiverStats;
      if (s && rx.packetsReceived > 0) blocks.push(s.reportBlock(now));
    }
    const packets: RtcpPacket[] = [];
    const ntp = ntpFromUnixMs(now + this.#cfg.wallClockOffsetMs);
    const chunks = [];
    for (const tx of this.#senders.values()) {
      if (!tx.sentAny) continue;
      const sr = tx.report.build(now, ntp);
      packets.push({ ...sr, reports: packets.length === 0 ? blocks.slice(0, 31) : [] });
      chunks.push({ source: tx.ssrc, items: [{ type: SDES_CNAME, text: this.#cname }] });
    }
    if (packets.length === 0) {
      if (blocks.length === 0) return;
      packets.push({ type: "rr", ssrc: this.#rtcpSsrc, reports: blocks.slice(0, 31) });
      chunks.push({ source: this.#rtcpSsrc, items: [{ type: SDES_CNAME, text: this.#cname }] });
    }
    packets.push({ type: "sdes", chunks });
    this.#sendRtcp(packets);
  }

  #route(p: RtpPacket): { rx: ReceiveStream; rtx: boolean } | undefined {
    const h = p.header;
    const bound = this.#bySsrc.get(h.ssrc);
    if (bound) return bound;
    let rx: ReceiveStream | undefined;
    if (h.extension) {
      for (const id of this.#midIds) {
        const v = findHeaderExtension(h.extension, id);
        if (v === undefined) continue;
        const mid = decodeSdesExtension(v);
        rx = receiverForMid(this.#receivers.values(), mid, h.extension);
        break;
      }
    }
    if (!rx) {
      // No MID: the first receiver that accepts this payload type and has no stream bound yet.
      for (const r of this.#receivers.values()) {
        const known = r.rtxApt(h.payloadType) !== undefined || r.mediaCodec(h.payloadType);
        if (known && (r.mediaSsrc === undefined || r.rtxApt(h.payloadType) !== undefined)) {
          rx = r;
          break;
        }
      }
    }
    if (!rx) return undefined;
    const rtx = rx.rtxApt(h.payloadType) !== undefined;
    if (!rtx && !rx.mediaCodec(h.payloadType)) return undefined;
    const entry = { rx, rtx };
    this.#bySsrc.set(h.ssrc, entry);
    return entry;
  }

  #handleRtp(now: Millis, packet: RtpPacket, size: number): void {
    let route: { rx: ReceiveStream; rtx: boolean } | undefined;
    try {
      this.#feedback.handleRtp(now, packet.header);
      route = this.#route(packet);
    } catch {
      this.#malformed++;
      return;
    }
    if (!route) {
      this.#unroutable++;
      return;
    }
    const rx = route.rx;
    let p = packet;
    if (route.rtx) {
      const apt = rx.rtxApt(p.header.payloadType);
      const media = rx.config.rtxSsrcs.get(p.header.ssrc) ?? rx.mediaSsrc;
      if (apt === undefined || media === undefined) {
        this.#unroutable++;
        return;
      }
      try {
        p = unwrapRtx(p, media, apt);
      } catch {
        return; // padding-only probe (RFC 4588 §8.4)
      }
      rx.rtxReceived++;
    }
    const codec = rx.mediaCodec(p.header.payloadType);
    if (!codec) {
      this.#unroutable++;
      return;
    }
    if (codec.name.toLowerCase() === "telephone-event") {
      this.#handleDtmf(rx, p, size, codec.clockRate);
      return;
    }
    rx.lastPacketReceivedAt = now;
    const b = rx.buffer(p.header.ssrc, p.header.payloadType, codec);
    rx.packetsReceived++;
    rx.bytesReceived += size;
    this.#events.push({ type: "rtp", receiverId: rx.config.id, packet: p });
    if (!b) return;
    if (!route.rtx) b.stats.handlePacket(now, p.header.sequenceNumber, p.header.timestamp);
    b.jb.handlePacket(now, p);
    this.#drainBuffer(rx);
  }

  /** RFC 4733 telephone-events: not media for the jitter buffer; one event per ended tone. */
  #handleDtmf(rx: ReceiveStream, p: RtpPacket, size: number, clockRate: number): void {
    rx.packetsReceived++;
    rx.bytesReceived += size;
    this.#events.push({ type: "rtp", receiverId: rx.config.id, packet: p });
    let tones: ReturnType<typeof rx.dtmf.handlePacket>;
    try {
      tones = rx.dtmf.handlePacket(p.header.timestamp, p.payload, clockRate);
    } catch {
      this.#malformed++;
      return;
    }
    for (const tone of tones)
      this.#events.push({
        type: "dtmf",
        receiverId: rx.config.id,
        tone: tone.tone,
        durationMs: tone.durationMs,
        rtpTimestamp: tone.rtpTimestamp,
      });
  }

  #drainBuffer(rx: ReceiveStream): void {
    const jb = rx.jitterBuffer;
    const ssrc = rx.mediaSsrc;
    if (!jb || ssrc === undefined) return;
    for (let e = jb.pollEvent(); e; e = jb.pollEvent()) {
      switch (e.type) {
        case "frame":
          this.#events.push({
            type: "frame",
            receiverId: rx.config.id,
            ssrc,
            payloadType: rx.payloadType!,
            frame: e.frame,
          });
          break;
        case "nack":
          if (!rx.nack || !this.#srtp) break;
          rx.nackCount++;
          this.#sendRtcp([
            {
              type: "nack",
              senderSsrc: this.#rtcpSsrc,
              mediaSsrc: ssrc,
              items: nackItemsFromSequenceNumbers(e.sequenceNumbers),
            },
          ]);
          break;
        case "keyframe-request":
          if (!rx.pli || !this.#srtp) break;
          rx.pliCount++;
          this.#sendRtcp([{ type: "pli", senderSsrc: this.#rtcpSsrc, mediaSsrc: ssrc }]);
          break;
      }
    }
  }

  #sender(ssrc: number): SendStream | undefined {
    for (const s of this.#senders.values()) if (s.ssrc === ssrc) return s;
    return undefined;
  }

  #handleRtcp(now: Millis, data: Uint8Array): void {
    let packets: RtcpPacket[];
    try {
      packets = decodeRtcp(data);
    } catch {
      this.#malformed++;
      return;
    }
    for (const p of packets) {
      switch (p.type) {
        case "sr":
          for (const rx of this.#receivers.values()) {
            if (rx.mediaSsrc !== p.ssrc) continue;
            rx.receiverStats?.handleSenderReport(now, p);
            rx.remoteSender = {
              packetsSent: p.packetCount,
              bytesSent: p.octetCount,
              remoteTimestamp: unixMsFromNtp(p.ntpTime),
              reportsReceived: (rx.remoteSender?.reportsReceived ?? 0) + 1,
            };
          }
          this.#reportBlocks(now, p.reports);
          break;
        case "rr":
          this.#reportBlocks(now, p.reports);
          break;
        case "nack": {
          const tx = this.#sender(p.mediaSsrc);
          if (!tx) break;
          tx.nackCount++;
          for (const r of tx.history.handleNack(now, nackSequenceNumbers(p)))
            this.#out.push(this.#protect(now, tx, tx.repair(now, r)));
          break;
        }
        case "pli": {
          const tx = this.#sender(p.mediaSsrc);
          if (!tx) break;
          tx.pliCount++;
          this.#events.push({ type: "keyframe-request", senderId: tx.config.id, method: "pli" });
          break;
        }
        case "fir":
          for (const e of p.entries) {
            const tx = this.#sender(e.ssrc);
            if (!tx) continue;
            tx.firCount++;
            this.#events.push({ type: "keyframe-request", senderId: tx.config.id, method: "fir" });
          }
          break;
        case "remb": {
          this.#feedback.handleRemb(now, p);
          const senderIds = [];
          for (const tx of this.#senders.values())
            if (p.ssrcs.includes(tx.ssrc)) senderIds.push(tx.config.id);
          this.#events.push({ type: "remb", senderIds, bitrate: p.bitrate });
          break;
        }
        case "transport-cc": {
          const r = this.#feedback.handleFeedback(p);
          if (r.packets.length === 0) break;
          const senderIds = [];
          for (const tx of this.#senders.values())
            if (tx.twccId !== undefined && tx.sentAny) senderIds.push(tx.config.id);
          this.#events.push({
            type: "transport-cc",
            senderIds,
            packets: r.packets,
            acknowledgedBitrate: r.acknowledgedBitrate,
          });
          break;
        }
        default:
          break;
      }
    }
  }

  /** RFC 3550 §6.4.1: RTT = arrival − LSR − DLSR, in 1/65536 s units. */
  #reportBlocks(
    now: Millis,
    blocks: readonly {
      ssrc: number;
      lastSr: number;
      delaySinceLastSr: number;
      packetsLost: number;
      fractionLost: number;
      jitter: number;
    }[],
  ): void {
    for (const b of blocks) {
      const tx = this.#sender(b.ssrc);
      if (!tx) continue;
      tx.reportsReceived++;
      tx.remotePacketsLost = b.packetsLost;
      tx.remoteFractionLost = b.fractionLost / 256;
      tx.remoteJitter = b.jitter / tx.clockRate;
      if (b.lastSr === 0) continue;
      const arrival = Number(
        (ntpFromUnixMs(now + this.#cfg.wallClockOffsetMs) >> 16n) & 0xffffffffn,
      );
      const rtt = ((arrival - b.lastSr - b.delaySinceLastSr) >>> 0) / 65536;
      if (rtt < 60) {
        tx.roundTripTime = rtt * 1000;
        tx.totalRoundTripTime += rtt * 1000;
        tx.roundTripTimeMeasurements++;
      } else this.#log.debug("implausible RTT from RR", { ssrc: b.ssrc });
    }
  }
}
