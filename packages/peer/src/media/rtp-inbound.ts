/**
 * The receive path of one decrypted RTP packet: transport-wide arrival (./transport-feedback.ts),
 * routing to its receiver (./rtp-router.ts), RTX unwrapping onto the media stream (RFC 4588 §4),
 * RFC 4733 telephone-events to the DTMF receiver, everything else to the receiver's statistics
 * and jitter buffer, whose frames, NACKs (RFC 4585 §6.2.1) and PLIs (RFC 4585 §6.3.1) are drained
 * into events and feedback packets.
 *
 * ```
 *  RtpPacket ─▶ twcc arrival ─▶ route ─┬─ RTX ─▶ unwrap ─┐
 *                                      └─────────────────┴─▶ codec? ─┬─ telephone-event ─▶ "dtmf"
 *                                                                    └─ stats ─▶ JitterBuffer
 *                                              "frame" ◀─┬─ drain
 *                                         NACK / PLI ◀───┘
 * ```
 */
import type { Millis } from "@purertc/common";
import {
  nackItemsFromSequenceNumbers,
  type RtcpPacket,
  type RtpPacket,
  unwrapRtx,
} from "@purertc/rtp";
import type { MediaEvent } from "./media-events.js";
import type { ReceiveStream } from "./receive-stream.js";
import type { RtpRouter } from "./rtp-router.js";
import type { TransportFeedback } from "./transport-feedback.js";

/** The parts of the media session the receive path acts on. */
export interface RtpInboundHost {
  readonly receivers: ReadonlyMap<number, ReceiveStream>;
  readonly router: RtpRouter;
  readonly feedback: TransportFeedback;
  /** The SSRC our feedback packets are sent from. */
  readonly rtcpSsrc: number;
  /** Whether SRTCP keys are in place (feedback can be sent). */
  keyed(): boolean;
  event(e: MediaEvent): void;
  sendRtcp(packets: readonly RtcpPacket[]): void;
}

/** How a packet ended: delivered, or dropped and counted by the caller. */
export type RtpInboundResult = "ok" | "unroutable" | "malformed";

/** Routes and delivers one RTP packet of `size` wire bytes. Never throws on its content. */
export function handleRtpPacket(
  host: RtpInboundHost,
  now: Millis,
  packet: RtpPacket,
  size: number,
): RtpInboundResult {
  let route: ReturnType<RtpRouter["route"]>;
  try {
    host.feedback.handleRtp(now, packet.header);
    route = host.router.route(packet.header, host.receivers);
  } catch {
    return "malformed";
  }
  if (!route) return "unroutable";
  const rx = route.rx;
  let p = packet;
  if (route.rtx) {
    const apt = rx.rtxApt(p.header.payloadType);
    const media = rx.config.rtxSsrcs.get(p.header.ssrc) ?? rx.mediaSsrc;
    if (apt === undefined || media === undefined) return "unroutable";
    try {
      p = unwrapRtx(p, media, apt);
    } catch {
      return "ok"; // padding-only probe (RFC 4588 §8.4)
    }
    rx.rtxReceived++;
  }
  const codec = rx.mediaCodec(p.header.payloadType);
  if (!codec) return "unroutable";
  rx.packetsReceived++;
  rx.bytesReceived += size;
  rx.lastPacketReceivedAt = now;
  if (codec.name.toLowerCase() === "telephone-event") {
    host.event({ type: "rtp", receiverId: rx.config.id, packet: p });
    return handleDtmf(host, rx, p, codec.clockRate);
  }
  const b = rx.buffer(p.header.ssrc, p.header.payloadType, codec);
  host.event({ type: "rtp", receiverId: rx.config.id, packet: p });
  if (!b) return "ok";
  if (!route.rtx) b.stats.handlePacket(now, p.header.sequenceNumber, p.header.timestamp);
  b.jb.handlePacket(now, p);
  drainJitterBuffer(host, rx);
  return "ok";
}

/** RFC 4733 telephone-events: not media for the jitter buffer; one event per ended tone. */
function handleDtmf(
  host: RtpInboundHost,
  rx: ReceiveStream,
  p: RtpPacket,
  clockRate: number,
): RtpInboundResult {
  let tones: ReturnType<typeof rx.dtmf.handlePacket>;
  try {
    tones = rx.dtmf.handlePacket(p.header.timestamp, p.payload, clockRate);
  } catch {
    return "malformed";
  }
  for (const tone of tones)
    host.event({
      type: "dtmf",
      receiverId: rx.config.id,
      tone: tone.tone,
      durationMs: tone.durationMs,
      rtpTimestamp: tone.rtpTimestamp,
    });
  return "ok";
}

/** Turns a receiver's jitter-buffer output into frame events, NACKs and PLIs. */
export function drainJitterBuffer(host: RtpInboundHost, rx: ReceiveStream): void {
  const jb = rx.jitterBuffer;
  const ssrc = rx.mediaSsrc;
  if (!jb || ssrc === undefined) return;
  for (let e = jb.pollEvent(); e; e = jb.pollEvent()) {
    switch (e.type) {
      case "frame":
        host.event({
          type: "frame",
          receiverId: rx.config.id,
          ssrc,
          payloadType: rx.payloadType!,
          frame: e.frame,
        });
        break;
      case "nack":
        if (!rx.nack || !host.keyed()) break;
        rx.nackCount++;
        host.sendRtcp([
          {
            type: "nack",
            senderSsrc: host.rtcpSsrc,
            mediaSsrc: ssrc,
            items: nackItemsFromSequenceNumbers(e.sequenceNumbers),
          },
        ]);
        break;
      case "keyframe-request":
        if (!rx.pli || !host.keyed()) break;
        rx.pliCount++;
        host.sendRtcp([{ type: "pli", senderSsrc: host.rtcpSsrc, mediaSsrc: ssrc }]);
        break;
    }
  }
}
