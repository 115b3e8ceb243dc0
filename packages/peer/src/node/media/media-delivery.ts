/**
 * Media events of the core turned into what the W3C objects expose. A received RTP packet is
 * handled in the runner's drain ({@link receiveRtpEvent}): the receiver's sources are noted and
 * senders relaying the track forward it at once; a task is queued only when the track needs one
 * (`unmute`, an `rtp` listener or iterator). Everything else runs inside a queued task, never in
 * the drain loop ({@link deliverMediaEvent}): RTP packets and assembled frames (`RTCEncodedVideoFrame` /
 * `RTCEncodedAudioFrame`) to the receiving track (or simulcast layer track), keyframe requests
 * and DTMF tone changes to senders, received DTMF to the receiver's track, and bandwidth
 * feedback (REMB, transport-cc) to the senders it concerns.
 */
import type { RtpPacket } from "@purertc/rtp";
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

/**
 * A received RTP packet, in the drain: sources noted, the task (if the track needs one) queued
 * first, so that a relay to a sender on this same connection, whose drain runs inside this one,
 * cannot put later packets' tasks ahead of it; then the relay.
 */
export function receiveRtpEvent(
  to: DeliveryTargets,
  e: Extract<MediaEvent, { type: "rtp" }>,
  queue: (task: () => void) => void,
): void {
  const t = to.receiving(e.receiverId);
  if (!t) return;
  const p = e.packet;
  t.receiver._noteSource(p.header.ssrc, p.header.csrcs, p.header.timestamp);
  const track = to.receiverTrack(t, e.receiverId);
  if (track._rtpTaskNeeded) queueRtp(queue, track, p);
  track._relayRtp(p);
}

/** Apart: a closure in the caller would allocate its context on every call, task or not. */
function queueRtp(
  queue: (task: () => void) => void,
  track: EncodedMediaStreamTrack,
  p: RtpPacket,
): void {
  queue(() => track._deliverRtp(p));
}

/** Routes a media event of the core to its track, sender or receiver (in a task). */
export function deliverMediaEvent(to: DeliveryTargets, e: MediaEvent): void {
  switch (e.type) {
    case "rtp":
      receiveRtpEvent(to, e, (task) => task());
      return;
    case "frame": {
      const t = to.receiving(e.receiverId);
      if (!t) return;
      const f = e.frame;
      const data =
        f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength
          ? (f.data.buffer as ArrayBuffer)
          : f.data.slice().buffer;
      const metadata = {
        synchronizationSource: e.ssrc,
        payloadType: e.payloadType,
        contributingSources: [],
        rtpTimestamp: f.timestamp,
        mimeType: t.receiver._mimeType(e.payloadType),
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
