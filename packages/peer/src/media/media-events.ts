/** Events of the {@link MediaSession}, surfaced through `PeerCore.pollEvent()`. */
import type { AssembledFrame, RtpPacket, TransportCcPacketResult } from "@purertc/rtp";

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
    }
  /** A DTMF tone started on a sender (webrtc-pc §7.2 `tonechange`; `""` when the buffer ran out). */
  | { readonly type: "dtmf-tonechange"; readonly senderId: number; readonly tone: string }
  /** A telephone-event (RFC 4733) tone from the peer ended on one of our receivers. */
  | {
      readonly type: "dtmf";
      readonly receiverId: number;
      readonly tone: string;
      readonly durationMs: number;
      readonly rtpTimestamp: number;
    }
  /** The peer's REMB (draft-alvestrand-rmcat-remb-03) about the SSRCs of these senders. */
  | {
      readonly type: "remb";
      readonly senderIds: readonly number[];
      readonly bitrate: number;
    }
  /** The peer's transport-cc feedback (transport-wide-cc-01 §3.1), matched to our packets. */
  | {
      readonly type: "transport-cc";
      readonly senderIds: readonly number[];
      readonly packets: readonly TransportCcPacketResult[];
      readonly acknowledgedBitrate: number | undefined;
    };
