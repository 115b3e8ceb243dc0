/**
 * Dispatch of the {@link PeerCore}'s events to the W3C objects: each one becomes a queued task
 * (never run inside the runner's drain loop) that updates the state attributes and fires the
 * events of the peer connection, its transports and its data channels.
 */
import type { DtlsTransportState } from "../connection-state.js";
import type { MediaEvent } from "../media/media-events.js";
import type { PeerCoreEvent } from "../peer-core-events.js";
import type { ChannelRegistry } from "./channel-registry.js";
import { RTCError, RTCErrorEvent } from "./errors.js";
import {
  RTCDataChannelEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from "./events.js";
import type { MediaController } from "./media/media-controller.js";
import type { PeerContext } from "./peer-context.js";
import { toRtcCandidate } from "./transports.js";

export class CoreEventDispatcher {
  readonly #ctx: PeerContext;
  readonly #channels: ChannelRegistry;
  readonly #media: MediaController;

  constructor(ctx: PeerContext, channels: ChannelRegistry, media: MediaController) {
    this.#ctx = ctx;
    this.#channels = channels;
    this.#media = media;
  }

  handle(e: PeerCoreEvent): void {
    switch (e.type) {
      case "rtp":
      case "frame":
      case "keyframe-request":
      case "dtmf-tonechange":
      case "dtmf":
      case "remb":
      case "transport-cc":
        // Received packets are relayed in the drain; the rest is queued (MediaController).
        // Apart from #queue: its closures would make every call allocate their context.
        this.#media.handleEvent(e);
        return;
      default:
        this.#queue(e);
    }
  }

  /** The other events, each a queued task. */
  #queue(e: Exclude<PeerCoreEvent, MediaEvent>): void {
    const ctx = this.#ctx;
    switch (e.type) {
      case "message":
        // Looked up in the task: the channel of a DCEP OPEN that came in the same flight is
        // created by the (earlier) datachannel task.
        ctx.queue(() => this.#channels.get(e.id)?._message(e.data));
        return;
      case "ice-candidate":
        ctx.queue(() => {
          ctx.localCandidates.push(e.candidate);
          ctx.dispatch(
            new RTCPeerConnectionIceEvent("icecandidate", {
              candidate: toRtcCandidate(e.candidate, ctx.bundleMid()),
              url: e.candidate.url ?? null,
            }),
          );
        });
        return;
      case "ice-gathering-state":
        ctx.queue(() => {
          if (ctx.iceGatheringState === e.state) return;
          ctx.iceGatheringState = e.state;
          ctx.iceTransport._gatheringState = e.state;
          ctx.iceTransport.dispatchEvent(new Event("gatheringstatechange"));
          ctx.dispatch(new Event("icegatheringstatechange"));
          if (e.state === "complete")
            ctx.dispatch(new RTCPeerConnectionIceEvent("icecandidate", { candidate: null }));
        });
        return;
      case "ice-connection-state":
        ctx.queue(() => {
          ctx.iceTransport._state = e.state;
          ctx.iceTransport.dispatchEvent(new Event("statechange"));
          if (ctx.iceConnectionState === e.state) return;
          ctx.iceConnectionState = e.state;
          ctx.dispatch(new Event("iceconnectionstatechange"));
        });
        return;
      case "selected-pair":
        ctx.queue(() => ctx.iceTransport.dispatchEvent(new Event("selectedcandidatepairchange")));
        return;
      case "candidate-error": {
        // webrtc-pc §4.8.3: the local address only when a local candidate already exposes it.
        const local = ctx.runner?.relayLocal(e.url);
        const exposed =
          local !== undefined &&
          ctx.config.iceTransportPolicy === "all" &&
          (ctx.opts.mdns ?? "query-only") !== "query-and-gather";
        ctx.queue(() =>
          ctx.dispatch(
            new RTCPeerConnectionIceErrorEvent("icecandidateerror", {
              address: exposed ? local.address : null,
              port: local?.port ?? null,
              url: e.url,
              errorCode: e.errorCode,
              errorText: e.errorText,
            }),
          ),
        );
        return;
      }
      case "dtls-state":
        ctx.queue(() => this.#onDtlsState(e.state, e.reason, e.message));
        return;
      case "sctp-state":
        ctx.queue(() => {
          const sctp = ctx.sctp;
          if (!sctp || sctp._state === e.state) return;
          sctp._state = e.state;
          sctp.dispatchEvent(new Event("statechange"));
          if (e.state === "closed") this.#channels.associationClosed();
        });
        return;
      case "connection-state":
        ctx.queue(() => {
          if (ctx.connectionState === e.state) return;
          ctx.connectionState = e.state;
          ctx.dispatch(new Event("connectionstatechange"));
        });
        return;
      case "datachannel":
        ctx.queue(() => {
          const ch = this.#channels.accept(e.channel);
          ctx.dispatch(new RTCDataChannelEvent("datachannel", { channel: ch }));
          ch._open();
        });
        return;
      case "channel-open":
        ctx.queue(() => this.#channels.channelOpened(e.id));
        return;
      case "buffered-amount-low":
        return;
      case "channel-closing":
        ctx.queue(() => this.#channels.get(e.id)?._closing());
        return;
      case "channel-close":
        ctx.queue(() => this.#channels.channelClosed(e.id));
        return;
    }
  }

  #onDtlsState(state: DtlsTransportState, reason?: string, message?: string): void {
    const t = this.#ctx.dtlsTransport;
    if (t._state === state) return;
    t._state = state;
    t.dispatchEvent(new Event("statechange"));
    if (state === "failed") {
      const detail = reason === "fingerprint-mismatch" ? "fingerprint-failure" : "dtls-failure";
      t.dispatchEvent(
        new RTCErrorEvent("error", {
          error: new RTCError({ errorDetail: detail }, message ?? reason ?? "DTLS failed"),
        }),
      );
    }
  }
}
