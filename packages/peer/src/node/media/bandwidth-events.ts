/**
 * Non-standard events of `RTCRtpSender` for what the peer's congestion feedback says about our
 * streams: `bandwidthestimate` (the peer's REMB, draft-alvestrand-rmcat-remb-03, or the bitrate
 * its transport-cc feedback acknowledged) and `twcc` (each transport-cc feedback matched to our
 * packets: send time, size, arrival time or lost, draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 §3.1), for an application that runs its own rate control.
 */
import type { TransportCcPacketResult } from "@purertc/rtp";

/** `bandwidthestimate` on an `RTCRtpSender`. */
export class RTCBandwidthEstimateEvent extends Event {
  /** Bits per second. */
  readonly bitrate: number;
  /** `"remb"`: the receiver's estimate; `"transport-cc"`: what its feedback acknowledged. */
  readonly source: "remb" | "transport-cc";
  constructor(type: string, init: { bitrate: number; source: "remb" | "transport-cc" }) {
    super(type);
    this.bitrate = init.bitrate;
    this.source = init.source;
  }
}

/** `twcc` on an `RTCRtpSender`: one transport-cc feedback packet, matched to what we sent. */
export class RTCTransportFeedbackEvent extends Event {
  /**
   * The packets reported (transport-wide, so every sender of the connection sees them): our send
   * time (`performance.now()` ms), wire size, and the arrival time in the receiver's clock (ms;
   * only differences are meaningful) or `undefined` when lost.
   */
  readonly packets: readonly TransportCcPacketResult[];
  constructor(type: string, init: { packets: readonly TransportCcPacketResult[] }) {
    super(type);
    this.packets = init.packets;
  }
}
