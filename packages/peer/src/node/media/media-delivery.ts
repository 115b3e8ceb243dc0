/**
 * Media events of the core turned into what the W3C objects expose (called inside a queued
 * task, never in the drain loop): RTP packets and assembled frames (`RTCEncodedVideoFrame` /
 * `RTCEncodedAudioFrame`) to the receiving track (or simulcast layer track), keyframe requests
 * and DTMF tone changes to senders, received DTMF to the receiver's track, and bandwidth
 * feedback (REMB, transport-cc) to the senders it concerns.
 */
import type { MediaEvent } from "../../media/media-events.js";
import { RTCBandwidthEstimateEvent, RTCTransportFeedbackEvent } from "./bandwidth-events.js";
import { RTCDTMFToneEvent } from "./dtmf-sender.js";
import { RTCEncodedAudioFrame, RTCEncodedVideoFrame } from "./encoded-frame.js";
import type { EncodedMediaStreamTrack } from "./encoded-track.js";
import { LAYER_ID_BASE, MAX_LAYERS } from "./layer-ids.js";
import type { RTCRtpTransceiver } from "./rtp-transceiver.js";

/** How the controller finds the targets of an event. */
export interface DeliveryTargets {
  /** The transceiver of a sender or receiver id. */
  byId(id: number): RTCRtpTransceiver | undefined;
  /** The transceiver of a receiver id (its own, or one of its simulcast layers). */
  receiving(id: number): RTCRtpTransceiver | undefined;
  /** The track a receiver id delivers to. */
  receiverTrack(t: RTCRtpTransceiver, id: number): EncodedMediaStreamTrack;
}

/** Routes a media event of the core to its track, sender or receiver. */
export function deliverMediaEvent(to: DeliveryTargets, e: MediaEvent): void {
  switch (e.type) {
    case "rtp": {
      const t = to.receiving(e.receiverId);
      if (!t) return;
      t.receiver._noteSource(
        e.packet.header.ssrc,
        e.packet.header.csrcs,
        e.packet.header.timestamp,
      );
      to.receiverTrack(t, e.receiverId)._deliverRtp(e.packet);
      return;
    }
    case "frame": {
      const t = to.receiving(e.receiverId);
      if (!t) return;
      const f = e.frame;
      const data =
        f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength
          ? (f.data.buffer as ArrayBuffer)
          : f.data.slice().buffer;
      const codec = t.receiver.getParameters().codecs.find((c) => c.payloadType === e.payloadType);
      const metadata = {
        synchronizationSource: e.ssrc,
        payloadType: e.payloadType,
        contributingSources: [],
        rtpTimestamp: f.timestamp,
        mimeType: codec?.mimeType ?? "",
        sequenceNumber: f.firstSequenceNumber,
      };
      to.receiverTrack(t, e.receiverId)._deliverFrame(
        t._kind === "video"
          ? new RTCEncodedVideoFrame({
              data,
              timestamp: f.timestamp,
              type: f.keyframe ? "key" : "delta",
              metadata,
            })
          : new RTCEncodedAudioFrame({ data, timestamp: f.timestamp, metadata }),
      );
      return;
    }
    case "keyframe-request": {
      if (e.senderId >= LAYER_ID_BASE) {
        const t = to.byId(Math.floor((e.senderId - LAYER_ID_BASE) / MAX_LAYERS));
        t?.sender._trackOf(e.senderId)?.dispatchEvent(new Event("keyframerequest"));
        return;
      }
      const sender = to.byId(e.senderId)?.sender;
      sender?._keyFrameRequested();
      sender?.track?.dispatchEvent(new Event("keyframerequest"));
      return;
    }
    case "dtmf-tonechange":
      to.byId(e.senderId)?.sender._dtmf?._toneChange(e.tone);
      return;
    case "dtmf":
      to.byId(e.receiverId)?.receiver.track.dispatchEvent(
        new RTCDTMFToneEvent("dtmf", {
          tone: e.tone,
          duration: e.durationMs,
          rtpTimestamp: e.rtpTimestamp,
        }),
      );
      return;
    case "remb":
      for (const id of e.senderIds)
        to.byId(id)?.sender.dispatchEvent(
          new RTCBandwidthEstimateEvent("bandwidthestimate", {
            bitrate: e.bitrate,
            source: "remb",
          }),
        );
      return;
    case "transport-cc":
      for (const id of e.senderIds) {
        const sender = to.byId(id)?.sender;
        if (!sender) continue;
        sender.dispatchEvent(new RTCTransportFeedbackEvent("twcc", { packets: e.packets }));
        if (e.acknowledgedBitrate !== undefined)
          sender.dispatchEvent(
            new RTCBandwidthEstimateEvent("bandwidthestimate", {
              bitrate: e.acknowledgedBitrate,
              source: "transport-cc",
            }),
          );
      }
      return;
  }
}
