/** Events of the {@link MediaSession}, surfaced through `PeerCore.pollEvent()`. */
import type { AssembledFrame, RtpPacket } from "@purertc/rtp";

export type MediaEvent =
  /** One RTP packet routed to a receiver (RTX already unwrapped), in arrival order. */
  | { readonly type: "rtp"; readonly receiverId: number; readonly packet: RtpPacket }
  /** A whole encoded frame, after the jitter buffer (in order, NACK-repaired, decodable). */
  | {
      readonly type: "frame";
      readonly receiverId: number;
      readonly ssrc: number;
      readonly payloadType: number;
      readonly frame: AssembledFrame;
    }
  /** The peer asked one of our senders for a keyframe (RFC 4585 §6.3.1 PLI, RFC 5104 §4.3.1 FIR). */
  | {
      readonly type: "keyframe-request";
      readonly senderId: number;
      readonly method: "pli" | "fir";
    };
